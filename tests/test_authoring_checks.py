"""Checks in the author's terms: what the typed-number check takes for a count, `hta: ignore` marks, and the
messages for an impossible date, a Dnr with its label and a count of a search that does not exist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import replace_once

from hta.cli import main

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

# The minimal assessment's counts: identified 12 (all in PubMed), duplicates 2, screened 10, excluded on
# title and abstract 7, full texts 3, excluded 1, included 2. The corpus is full of those numbers used as
# anything but counts; the lines marked COUNT hold the only real counts, and only they may be reported.
CORPUS = """\
Behandlingen kostar 12 000 kr per patient och år, eller 1 200 SEK per dos; SEK 12 för en tablett.
Kostnaden ökade med 12 % under 2012, och 10 procent av patienterna avbröt.
Dosen var 0,5 mg/kg i 12 veckor, därefter 10 mg två gånger per dag i 12 dagar.
Patienterna var 12–18 år, i en studie 10-12 år, och blodtrycket sjönk med 12 mmHg.
Infusionen gavs under 12 timmar med 10 ml per timme; en vårddag kostar 12\u202f000 kr eller 10\u00a0000 NOK.
I Studie 12 (punkt 10) följdes patienterna i 12 månader från den 12 mars 2021, vecka 10 till vecka 12.
Ett genomsnitt på 12,5 poäng rapporterades av 65-åriga i fas 3 och av 12:e patienten [@ahl2021].
Mellan 10 och 12 mg gavs, till patienter i åldern 12 och äldre, i 12 months, at a cost of 12 EUR.
Resultaten redovisas i tabell 12 och i kapitel 10, se [12] och [10–12], samt ICD-10 och B12.

## Studie 12

| studie | antal |
|---|---|
| 12 | 10 |

1. Första punkten.
Sökningen gav 12 träffar, varav 3 artiklar lästes i fulltext.
De 10 artiklar som granskades på titel …
"""
COUNT_LINES = {18: ["12", "3"], 19: ["10"]}


def assessment(tmp_path: Path, **sections: str) -> Path:
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    for name, text in sections.items():
        (folder / "sections" / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


def check(tmp_path: Path, monkeypatch, capsys, *args: str) -> tuple[int, list[str]]:
    monkeypatch.chdir(tmp_path)
    status = main(["check", "fall", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out.splitlines()


def test_typed_number_check_reports_only_the_real_counts(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic=CORPUS)
    _, lines = check(tmp_path, monkeypatch, capsys)
    reported = [line for line in lines if " HTA501 " in line]
    expected = []
    corpus_lines = CORPUS.split("\n")
    for number, values in COUNT_LINES.items():
        text = corpus_lines[number - 1]
        for value in values:
            column = re.search(rf"(?<!\d){value}(?!\d)", text).start() + 1
            expected.append(f"fall/sections/economic.md:{number}:{column}:")
    assert [line.split(" ")[0] for line in reported] == expected, "\n".join(reported)


@pytest.mark.parametrize("text, kinds", [
    ("20 000 kr", [(20000, "amount")]),
    ("1\u202f200 SEK", [(1200, "amount")]),
    ("20\u00a0000 invånare", [(20000, "count")]),
    ("20 %", [(20, "amount")]),
    ("20 mg/kg", [(20, "amount")]),
    ("20 år", [(20, "amount")]),
    ("20 veckor", [(20, "amount")]),
    ("20 uker", [(20, "amount")]),
    ("20 weeks", [(20, "amount")]),
    ("20 mmHg", [(20, "amount")]),
    ("20–30", [(20, "range"), (30, "range")]),
    ("20-30", [(20, "range"), (30, "range")]),
    ("mellan 20 och 30 mg", [(20, "amount"), (30, "amount")]),
    ("2,5", [(2, "decimal"), (5, "decimal")]),
    ("år 2019", [(2019, "year")]),
    ("den 3. mai", [(3, "ordinal")]),
    ("den 2:a", [(2, "ordinal")]),
    ("Studie 2", [(2, "name")]),
    ("COVID-19", [(19, "part of a word")]),
    ("ålder 65", [(65, "age")]),
    ("12 träffar", [(12, "count")]),
    ("SBU:s 12 studier", [(12, "count")]),
    ("12 sekundära utfallsmått", [(12, "count")]),
    ("s. 12", [(12, "name")]),
])
def test_each_kind_of_number_is_told_apart(text, kinds):
    from hta.check.prose_numbers import numbers

    assert [(n.value, n.kind.value) for n in numbers(text)] == kinds


# --- hta: ignore ----------------------------------------------------------------------------------------

TYPED = "Sökningen gav 12 träffar.\n"


def test_a_suppression_with_a_reason_silences_one_finding_and_is_listed(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic=TYPED + "<!-- hta: ignore HTA501 – siffran citerar källans sammanfattning -->\n" + TYPED)
    status, lines = check(tmp_path, monkeypatch, capsys)
    assert [line.split(" ")[0] for line in lines if " HTA501 " in line] == ["fall/sections/economic.md:1:15:"]
    assert not [line for line in lines if " HTA505 " in line or " HTA506 " in line]
    status, lines = check(tmp_path, monkeypatch, capsys, "--show-suppressed")
    assert "fall/sections/economic.md:2:1: HTA501 suppressed: siffran citerar källans sammanfattning" in lines


def test_a_suppression_beside_the_text_covers_its_own_line(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic="Sökningen gav 12 träffar. <!-- hta: ignore HTA501: citat ur källan -->\n")
    status, lines = check(tmp_path, monkeypatch, capsys)
    assert status == 0 and lines == []


def test_a_suppression_without_a_reason_is_itself_a_finding_and_silences_nothing(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic="Sökningen gav 12 träffar. <!-- hta: ignore HTA501 -->\n")
    status, lines = check(tmp_path, monkeypatch, capsys)
    assert status == 1
    assert [line.split(": ")[1].split()[0] for line in lines] == ["HTA501", "HTA505"]
    assert "gives no reason" in lines[1]


def test_a_suppression_that_silences_nothing_is_a_note(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic="<!-- hta: ignore HTA501 – ett belopp -->\nKostnaden är 12 000 kr.\n")
    status, lines = check(tmp_path, monkeypatch, capsys)
    assert status == 0
    assert lines == ["fall/sections/economic.md:1:1: HTA506 note: `hta: ignore HTA501` silences nothing on the "
                     "line it covers. Remove it, or move it beside the text it is about."]


def test_a_suppression_naming_no_rule_is_a_finding(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic="Kostnaden är 12 000 kr. <!-- hta: ignore HTA5O1 – ett belopp -->\n")
    _, lines = check(tmp_path, monkeypatch, capsys)
    assert [line.split(": ")[1].split()[0] for line in lines] == ["HTA505"]


def test_suppressions_work_for_any_rule_and_in_yaml(tmp_path, monkeypatch, capsys):
    folder = assessment(tmp_path, economic="Vi återkommer om kostnaderna, TODO. <!-- hta: ignore HTA801 – skrivs av ekonomen -->\n")
    replace_once(folder / "conclusions.yaml", "  - Det finns ett begränsat stöd för testbehandling.",
                 "  # hta: ignore HTA501 – 12 är antalet regioner som tillfrågades\n"
                 "  - Det finns ett begränsat stöd för testbehandling i 12 regioner.")
    status, lines = check(tmp_path, monkeypatch, capsys, "--show-suppressed")
    assert status == 0
    assert lines == [
        "fall/conclusions.yaml:4:3: HTA501 suppressed: 12 är antalet regioner som tillfrågades",
        "fall/sections/economic.md:1:37: HTA801 suppressed: skrivs av ekonomen",
    ]


# --- messages in the author's terms ----------------------------------------------------------------------

@pytest.mark.parametrize("date, message", [
    ("2019-02-30", "2019-02-30: February 2019 has no 30th day; its last day is the 28th."),
    ("2024-04-31", "2024-04-31: April 2024 has no 31st day; its last day is the 30th."),
    ("2024-13-01", "2024-13-01: there is no month 13; months run from 01 to 12."),
    ("13/1 2024", "expected a date written YYYY-MM-DD, found '13/1 2024'."),
])
def test_an_impossible_date_names_the_day_that_does_not_exist(date, message, tmp_path, monkeypatch, capsys):
    folder = assessment(tmp_path)
    replace_once(folder / "searches.yaml", "date: 2024-01-10", f"date: {date}")
    _, lines = check(tmp_path, monkeypatch, capsys)
    assert lines == [f'fall/searches.yaml:5:13: HTA006 error: "date": {message}']


@pytest.mark.parametrize("dnr", ['"Dnr TEST/0001"', '"Dnr: TEST/0001"', '"dnr. TEST/0001"', '"Diarienummer TEST/0001"'])
def test_dnr_typed_inside_the_dnr_is_a_warning(dnr, tmp_path, monkeypatch, capsys):
    folder = assessment(tmp_path)
    replace_once(folder / "assessment.yaml", "dnr: TEST/0001", f"dnr: {dnr}")
    replace_once(folder / "assessment.yaml", "status: for-decision", "status: draft")
    _, lines = check(tmp_path, monkeypatch, capsys)
    [line] = lines
    assert line.startswith("fall/assessment.yaml:1:6: HTA507 warning: the Dnr is written with its label")
    assert line.endswith("Write dnr: TEST/0001.")


def test_a_dnr_beginning_with_letters_of_its_own_is_no_label(tmp_path, monkeypatch, capsys):
    folder = assessment(tmp_path)
    replace_once(folder / "assessment.yaml", "dnr: TEST/0001", "dnr: DNR2019/123")
    assert check(tmp_path, monkeypatch, capsys) == (0, [])


def test_a_count_of_a_search_that_does_not_exist_says_so_and_lists_the_searches(tmp_path, monkeypatch, capsys):
    assessment(tmp_path, economic="Sökningen gav {{sok1.identified}} träffar.\n")
    _, lines = check(tmp_path, monkeypatch, capsys)
    assert lines == ['fall/sections/economic.md:1:15: HTA502 error: {{sok1.identified}}: there is no search "sok1" '
                     '(yet); the searches are "sok". Did you mean "sok"?']


def test_a_count_placeholder_before_any_search_says_searches_yaml_has_none_yet(tmp_path, monkeypatch, capsys):
    folder = assessment(tmp_path, economic="Sökningen gav {{sok1.identified}} träffar.\n")
    (folder / "searches.yaml").write_text("[]\n", encoding="utf-8")
    _, lines = check(tmp_path, monkeypatch, capsys)
    assert 'fall/sections/economic.md:1:15: HTA502 error: {{sok1.identified}}: there is no search "sok1" (yet); ' \
           "searches.yaml has no searches yet. Add the search with `id: sok1` to searches.yaml, then the count " \
           "is filled in." in lines


# --- hta new in the chosen language ------------------------------------------------------------------------

def new(tmp_path: Path, monkeypatch, capsys, language: str) -> Path:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "ny", "--title", "Ny", "--language", language]) == 0
    capsys.readouterr()
    return tmp_path / "assessments" / "ny"


def comments(folder: Path) -> str:
    """Every comment `hta new` wrote: YAML `#` lines (but the schema line) and the sections' <!-- -->."""
    lines = [line for p in folder.glob("*.yaml") for line in p.read_text(encoding="utf-8").splitlines()
             if line.startswith("#") and "yaml-language-server" not in line]
    lines += [p.read_text(encoding="utf-8") for p in (folder / "sections").glob("*.md")]
    return "\n".join(lines)


@pytest.mark.parametrize("language, says, not_letters, report_type, council", [
    ("sv", "Kör `hta check` när du har skrivit", "æø", "utlåtande", "Medicinska rådet"),
    ("nb", "Kjør `hta check` når du har skrevet", "äö", "mini-metodevurdering", "Medisinsk fagråd"),
    ("en", "Run `hta check` when you have written", "åäöæø", "statement", "Medical Council"),
])
def test_new_writes_comments_and_defaults_in_the_chosen_language(language, says, not_letters, report_type, council,
                                                                   tmp_path, monkeypatch, capsys):
    from ruamel.yaml import YAML

    folder = new(tmp_path, monkeypatch, capsys, language)
    written = comments(folder)
    assert says in written
    assert not set(not_letters) & set(written.lower()), [line for line in written.splitlines()
                                                         if set(not_letters) & set(line.lower())]
    meta = YAML(typ="safe").load((folder / "assessment.yaml").read_text(encoding="utf-8"))
    assert (meta["report_type"], meta["councils"], meta["language"]) == (report_type, [council], language)


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_new_creates_every_section_each_saying_what_belongs_there(language, tmp_path, monkeypatch, capsys):
    from hta.model.labels import labels_for
    from hta.model.assessment import REQUIRED_SECTIONS, SectionKey

    from hta.model.styles import default_style

    folder = new(tmp_path, monkeypatch, capsys, language)
    labels = labels_for(language)
    # every section the default house style (Dalarna's) prints; another style's (risks.md) is not written
    printed = {part.value for part in default_style().sections}
    for key in SectionKey:
        if key.value not in printed:
            assert not (folder / "sections" / f"{key.value}.md").exists()
            continue
        text = (folder / "sections" / f"{key.value}.md").read_text(encoding="utf-8")
        assert re.fullmatch(rf"<!-- {re.escape(labels.section(key.value))}: .+ -->\n", text), text
        assert ("Optional" in text or "Valfritt" in text or "Valgfri" in text) is (key not in REQUIRED_SECTIONS)


def test_optional_sections_holding_only_their_comment_are_left_out_of_the_report(tmp_path, monkeypatch, capsys):
    from reports import read_html

    folder = new(tmp_path, monkeypatch, capsys, "en")
    (folder / "sections" / "background.md").write_text("Why the question is asked.\n", encoding="utf-8")
    assert main(["check", str(folder)]) == 0
    assert " error: " not in capsys.readouterr().out
    assert main(["build", str(folder)]) == 0
    capsys.readouterr()
    headings = read_html(tmp_path / "_build" / "ny" / "ny.html").headings
    assert "Background" in headings
    for heading in ("Organisational aspects", "Summary of an earlier review", "Study selection"):
        assert heading not in headings, headings


def test_every_report_language_has_a_catalogue_for_hta_new():
    from hta.model.labels import available_languages
    from hta.model.assessment import SectionKey
    from hta.scaffold import comments_for

    for language in available_languages():
        assert comments_for(language).sections.keys() == set(SectionKey)
