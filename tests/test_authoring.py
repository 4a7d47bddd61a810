"""A council member's workflow: new → import references → evidence in Excel → check → build; the library."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, SHARED
from reports import docx_headings, docx_text, pdf_text, read_html, words

from hta.cli import main

FIXTURES = SHARED / "fixtures" / "references"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

# The same work as the first record of pubmed.nbib (same DOI), as Zotero writes BibTeX.
OVERLAPPING_BIB = """@article{griffin2020,
  title = {Time Lapse: {A} Glimpse into Prehistoric Genomics},
  author = {Griffin, Darren K. and Larkin, Denis M. and O'Connor, Rebecca E.},
  journal = {European Journal of Medical Genetics},
  year = {2020},
  volume = {63},
  number = {2},
  doi = {10.1016/j.ejmg.2019.03.004}
}

@book{aaberg2019,
  title = {Smärtbehandling i {Sverige}},
  author = {{\\AA}berg, Karin},
  year = {2019},
  publisher = {Studentlitteratur}
}
"""


def run(cwd: Path, monkeypatch, capsys, command: str) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    status = main(shlex.split(command))
    out, err = capsys.readouterr()
    return status, out + err


def fill_in(folder: Path, ids: list[str]) -> None:
    """What the author writes by hand: the metadata, PICO, text and conclusions of a small draft."""
    meta = folder / "assessment.yaml"
    text = meta.read_text(encoding="utf-8")
    for key, value in (("dnr", "TEST/2024"), ("unit", "Testförvaltningen"), ("requester", "Testmottagningen"),
                       ("question", "Vilket stöd finns för testbehandling?")):
        text = text.replace(f'{key}: ""', f"{key}: {value}")
    text = text.replace("authors: []", "authors:\n  - name: Anna Författare\n    title: Med Dr\n    affiliation: Medicinska rådet")
    meta.write_text(text, encoding="utf-8")
    shutil.copyfile(MINIMAL / "pico.yaml", folder / "pico.yaml")
    (folder / "conclusions.yaml").write_text(
        f"findings:\n  - Testbehandling minskar smärta [@{ids[0]}].\njudgements:\n  - Stödet är begränsat.\n", encoding="utf-8")
    cites = "; ".join(f"@{i}" for i in ids)
    for name in ("background", "summary", "method", "technical", "economic", "ethical"):
        (folder / "sections" / f"{name}.md").write_text(f"Text om {name} [{cites}].\n", encoding="utf-8")
    (folder / "sections" / "results.md").write_text("## Smärta\n\nSmärtan minskade.\n", encoding="utf-8")


def test_author_workflow_from_new_to_built_reports(tmp_path, monkeypatch, capsys):
    import pandas as pd

    assert run(tmp_path, monkeypatch, capsys, 'new testutlatande --title "Testbehandling vid smärta"')[0] == 0
    folder = tmp_path / "assessments" / "testutlatande"
    (tmp_path / "zotero.bib").write_text(OVERLAPPING_BIB, encoding="utf-8")
    status, out = run(tmp_path, monkeypatch, capsys,
                      f"refs import {FIXTURES / 'endnote.ris'} zotero.bib {FIXTURES / 'pubmed.nbib'} --assessment assessments/testutlatande")
    assert status == 0, out
    assert "merged into griffin2020 (same DOI" in out
    references = json.loads((folder / "references.json").read_text(encoding="utf-8"))
    ids = [r["id"] for r in references]
    assert len(ids) == 4  # EndNote's, Griffin (BibTeX and PubMed: one work), Åberg, Sereno
    titles = {r["id"]: r["title"] for r in references}
    assert titles["aaberg2019"] == "Smärtbehandling i Sverige"  # the BibTeX key is kept as the id

    fill_in(folder, ids)
    evidence = pd.DataFrame([
        {"referens": ids[0], "studiedesign": "RCT", "patientgrupp": "Vuxna", "behandling": "Test 0,5 mg/kg",
         "jämförelse": "Placebo", "utfallsmått": "Smärta", "uppföljningstid": "12 veckor",
         "granskningsmall": "RoB 2", "bedömning": "Låg"},
    ])
    (folder / "evidence.csv").unlink()
    evidence.to_excel(folder / "evidence.xlsx", index=False)

    status, out = run(tmp_path, monkeypatch, capsys, "check assessments/testutlatande")
    assert status == 0 and " error: " not in out, out
    status, out = run(tmp_path, monkeypatch, capsys, "build assessments/testutlatande")
    assert status == 0, out
    assert "1 of 1 built." in out

    built = tmp_path / "_build" / "testutlatande"
    word = words(docx_text(built / "testutlatande.docx"))
    html = read_html(built / "testutlatande.html")
    pdf = words(pdf_text(built / "testutlatande.pdf"))
    for text in (word, html.text, pdf):
        assert "Testbehandling vid smärta" in text
        assert "UTKAST" in text
        assert "Test 0,5 mg/kg" in text  # the Excel row, decimal comma kept
        assert "Smärtbehandling i Sverige" in text  # an imported reference in the list
        assert "Time Lapse: A Glimpse into Prehistoric Genomics" in text or "Time lapse: A glimpse into prehistoric genomics" in text
    assert "Ingen strukturerad litteratursökning redovisas" in word
    assert docx_headings(built / "testutlatande.docx")[:3] == ["Frågeställning", "PICO", "Bakgrund"]


def test_new_assessment_passes_check_as_draft_and_builds_at_once(tmp_path, monkeypatch, capsys):
    run(tmp_path, monkeypatch, capsys, 'new ny-fraga --title "En ny fråga"')
    status, out = run(tmp_path, monkeypatch, capsys, "check assessments/ny-fraga")
    assert status == 0 and " error: " not in out
    assert " warning: " in out  # what is still missing is said, not hidden
    assert run(tmp_path, monkeypatch, capsys, "build assessments/ny-fraga")[0] == 0
    assert (tmp_path / "_build" / "ny-fraga" / "ny-fraga.docx").is_file()


def test_new_explains_every_file_in_swedish_with_the_seed_headings(tmp_path, monkeypatch, capsys):
    run(tmp_path, monkeypatch, capsys, 'new ny-fraga --title "En ny fråga"')
    folder = tmp_path / "assessments" / "ny-fraga"
    for name in ("assessment.yaml", "pico.yaml", "searches.yaml", "conclusions.yaml"):
        first = (folder / name).read_text(encoding="utf-8").splitlines()
        assert first[0].startswith("# yaml-language-server: $schema=")
        assert (folder / first[0].split("=", 1)[1]).resolve().is_file()
        assert any(line.startswith("# ") and re.search("[åäö]", line) for line in first[1:])
    sections = {p.stem: p.read_text(encoding="utf-8") for p in (folder / "sections").glob("*.md")}
    assert sections["background"].startswith("<!-- Bakgrund:")
    assert sections["technical"].startswith("<!-- Behandlingstekniska aspekter:")


def test_new_sets_the_report_language(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, monkeypatch, capsys, 'new ny-fraga --title "Et nytt spørsmål" --language nb')[0] == 0
    assert "language: nb\n" in (tmp_path / "assessments" / "ny-fraga" / "assessment.yaml").read_text(encoding="utf-8")
    status, out = run(tmp_path, monkeypatch, capsys, 'new annan --title "X" --language fi')
    assert status == 2 and 'no labels for the language "fi"' in out


@pytest.mark.parametrize("language, separator, bom", [("sv", ";", True), ("nb", ";", True), ("en", ",", False)])
def test_new_writes_the_evidence_table_as_excel_of_its_language_opens_it_with_the_reports_headings(
        language, separator, bom, tmp_path, monkeypatch, capsys):
    """Excel with Swedish or Norwegian settings splits a file into columns at semicolons, and reads å, ä, ö and ø
    right when the file begins with a byte-order mark; English Excel splits at commas. A study added as a row of
    the same kind reads back clean."""
    import csv

    from hta.model.assessment import REQUIRED_COLUMNS
    from hta.model.labels import labels_for

    assert run(tmp_path, monkeypatch, capsys, f'new ny --title "X" --language {language}')[0] == 0
    path = tmp_path / "assessments" / "ny" / "evidence.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    headings = labels_for(language).evidence_columns
    [header] = csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=separator)
    assert header == [getattr(headings, column) for column in REQUIRED_COLUMNS]
    row = ["smith2024", "RCT", "Vuxna", "Ketamin 0,5 mg/kg", "Placebo", "Smärta", "12 veckor", "RoB 2", "Låg"]
    path.write_bytes(raw + (separator.join(f'"{cell}"' if separator in cell else cell for cell in row) + "\n").encode())
    from hta.load.validate import read_assessment

    assessment, findings = read_assessment(tmp_path / "assessments" / "ny")
    assert [d.code for d in findings if d.code.startswith(("HTA0", "HTA7"))] == []
    assert (assessment.evidence[0].intervention, assessment.evidence[0].rating) == ("Ketamin 0,5 mg/kg", "Låg")


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_new_points_each_file_to_the_schema_in_its_language(language, tmp_path, monkeypatch, capsys):
    """An editor shows each field's description while the author types it: in the assessment's language, and
    the schema otherwise the English one to the letter."""
    from hta import i18n

    def without_words(value):
        if isinstance(value, dict):
            return {k: without_words(v) for k, v in value.items() if not (k == "description" and isinstance(v, str))}
        return [without_words(v) for v in value] if isinstance(value, list) else value

    assert run(tmp_path, monkeypatch, capsys, f'new ny-fraga --title "Ny" --language {language}')[0] == 0
    folder = tmp_path / "assessments" / "ny-fraga"
    schemas = {}
    for name in ("assessment", "pico", "searches", "conclusions", "certainty"):
        first = (folder / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
        schema = json.loads((folder / first.split("=", 1)[1]).read_text(encoding="utf-8"))
        english = json.loads((REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert {**without_words(schema), "title": ""} == {**without_words(english), "title": ""}
        schemas[name] = schema, english
    schema, english = schemas["assessment"]
    said, english_said = schema["properties"]["dnr"]["description"], english["properties"]["dnr"]["description"]
    assert (said == english_said) == (language == "en")  # "Registration number (diarienummer) …"
    with i18n.exactly(language):
        assert said == i18n._(english_said) and schema["title"] == i18n._(english["title"])


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_new_writes_a_commented_certainty_yaml_without_a_rating_and_still_checks_clean(language, tmp_path, monkeypatch,
                                                                                       capsys):
    """An empty list: hta never invents a rating. The commented example, once uncommented, is of the format."""
    import jsonschema
    from ruamel.yaml import YAML

    assert run(tmp_path, monkeypatch, capsys, f'new ny-fraga --title "Ny" --language {language}')[0] == 0
    folder = tmp_path / "assessments" / "ny-fraga"
    lines = (folder / "certainty.yaml").read_text(encoding="utf-8").splitlines()
    schema = folder / lines[0].split("=", 1)[1]
    assert schema.resolve().name == "certainty.schema.json"
    assert YAML(typ="safe").load("\n".join(lines)) == []
    example = YAML(typ="safe").load("\n".join(line[2:] for line in lines[lines.index("[]") + 1:]))
    assert len(example) == 2
    jsonschema.validate(example, json.loads(schema.read_text(encoding="utf-8")))

    status, out = run(tmp_path, monkeypatch, capsys, "check assessments/ny-fraga")
    assert status == 0 and " error: " not in out and "certainty.yaml" not in out


def test_new_refuses_to_overwrite_an_assessment(tmp_path, monkeypatch, capsys):
    run(tmp_path, monkeypatch, capsys, 'new ny-fraga --title "En"')
    status, out = run(tmp_path, monkeypatch, capsys, 'new ny-fraga --title "Två"')
    assert status == 2 and "already exists" in out and "Traceback" not in out


def test_refs_import_needs_an_assessment_folder(tmp_path, monkeypatch, capsys):
    status, out = run(tmp_path, monkeypatch, capsys, f"refs import {FIXTURES / 'endnote.ris'}")
    assert status == 2 and "not an assessment folder" in out


# --- the library ---------------------------------------------------------------------------------------

def _assessment(tmp_path: Path, name: str, status: str, date: str | None) -> Path:
    folder = tmp_path / "assessments" / name
    shutil.copytree(MINIMAL, folder)
    meta = folder / "assessment.yaml"
    text = meta.read_text(encoding="utf-8").replace("status: for-decision", f"status: {status}")
    text = text.replace("title: Ett minimalt utlåtande för testerna", f"title: Utlåtande {name}")
    text = text.replace("  date: 2024-06-01", f"  date: {date}") if date else text.replace("  date: 2024-06-01\n", "")
    meta.write_text(text, encoding="utf-8")
    return folder


def test_index_lists_every_assessment_newest_first_with_working_links(tmp_path, monkeypatch, capsys):
    _assessment(tmp_path, "aldre", "for-decision", "2024-03-01")
    _assessment(tmp_path, "nyare", "for-decision", "2024-06-01")
    _assessment(tmp_path, "utkast", "draft", None)
    status, out = run(tmp_path, monkeypatch, capsys, "build")
    assert status == 0
    # progress per assessment as each finishes (workers finish in any order), then one summary line each
    progress = [line.split(":")[0].split(" ") for line in out.splitlines() if line.startswith("[")]
    assert [counter for counter, _ in progress] == ["[1/3]", "[2/3]", "[3/3]"]
    assert sorted(name for _, name in progress) == ["aldre", "nyare", "utkast"]
    assert re.search(r"^utkast\s+built\s+0\s+\d+\s+0$", out, re.M) and "3 of 3 built." in out
    index = tmp_path / "_build" / "index.html"
    page = read_html(index)
    [table] = page.tables
    assert [row[0] for row in table[1:]] == ["Utlåtande utkast", "Utlåtande nyare", "Utlåtande aldre"]
    # report type, region, Dnr, status, decision date, findings
    assert table[2][1:7] == ["utlåtande", "", "TEST/0001", "För beslut", "2024-06-01", "0"]
    links = re.findall(r'href="([^"]+)"', index.read_text(encoding="utf-8"))
    assert len(links) == 3 * 4
    for link in links:
        assert not link.startswith("/") and (index.parent / link).is_file(), link


def test_draft_and_example_reports_carry_a_banner_in_every_format(tmp_path, monkeypatch, capsys):
    _assessment(tmp_path, "exempel", "example", None)
    _assessment(tmp_path, "beslutsklar", "for-decision", "2024-06-01")
    assert run(tmp_path, monkeypatch, capsys, "build")[0] == 0
    for name, shown in (("exempel", True), ("beslutsklar", False)):
        built = tmp_path / "_build" / name
        for text in (docx_text(built / f"{name}.docx"), read_html(built / f"{name}.html").text,
                     pdf_text(built / f"{name}.pdf")):
            assert ("EXEMPEL – detta är ett exempel som inget råd har beslutat om." in words(text)) is shown


@pytest.mark.parametrize("language, headings", [
    ("en", ["Question", "PICO", "Background", "Summary", "Method", "Study selection", "Results"]),
    ("nb", ["Problemstilling", "PICO", "Bakgrunn", "Sammendrag", "Metode", "Utvelgelse av studier", "Resultater"]),
])
def test_reports_render_with_the_labels_of_their_language(language, headings, tmp_path, monkeypatch, capsys):
    folder = _assessment(tmp_path, "sprak", "for-decision", "2024-06-01")
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("language: sv", f"language: {language}"), encoding="utf-8")
    assert run(tmp_path, monkeypatch, capsys, "build")[0] == 0
    built = tmp_path / "_build" / "sprak"
    assert docx_headings(built / "sprak.docx")[:len(headings)] == headings
    assert read_html(built / "sprak.html").headings[1:len(headings) + 1] == headings


def test_adding_a_language_is_adding_one_labels_file():
    from hta.model.labels import LABELS, Labels, available_languages, labels_for

    assert available_languages() == sorted(p.stem for p in LABELS.glob("*.yaml"))
    for language in available_languages():
        assert isinstance(labels_for(language), Labels)


def test_pdf_embeds_its_fonts(reference_build):
    from pypdf import PdfReader

    reader = PdfReader(reference_build / f"{reference_build.name}.pdf")
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            fonts[font["/BaseFont"]] = descriptor.get_object() if descriptor else {}
    assert fonts
    for name, descriptor in fonts.items():
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_watch_rebuilds_an_assessment_when_its_file_changes_with_the_jobs_it_was_given(tmp_path, capsys, monkeypatch):
    import hta.build
    from hta.build import build
    from hta.watch import watch

    folder = _assessment(tmp_path, "bevakad", "for-decision", "2024-06-01")
    out = tmp_path / "_build"
    build([folder], out)
    html = out / "bevakad" / "bevakad.html"
    jobs = []  # with two, the one edited assessment's converters run side by side, as `hta build` runs them
    monkeypatch.setattr(hta.build, "build", lambda *args, **options: (jobs.append(options.get("jobs")), build(*args, **options))[1])
    stop = threading.Event()
    rebuilt = []
    thread = threading.Thread(target=watch, args=([folder], out, "pandoc", rebuilt.append, stop), kwargs={"jobs": 2},
                              daemon=True)
    thread.start()
    time.sleep(0.5)
    (folder / "sections" / "background.md").write_text("En ny mening om bakgrunden.\n", encoding="utf-8")
    deadline = time.monotonic() + 30
    while not rebuilt and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(10)
    assert rebuilt and rebuilt[0].built and jobs == [2]
    assert "En ny mening om bakgrunden." in read_html(html).text
    assert "watching 1 assessment(s)" in capsys.readouterr().out


@pytest.mark.parametrize("options, expected", [(["-j", "3"], 3), ([], "cores")])
def test_hta_build_watch_rebuilds_with_the_jobs_of_the_build(tmp_path, monkeypatch, options, expected):
    """`-j N` (by default one per core) holds for the rebuilds too, not only for the first build."""
    import hta.watch
    from hta.parallel import default_jobs

    folder = _assessment(tmp_path, "bevakad", "draft", None)
    given = []
    monkeypatch.setattr(hta.watch, "watch", lambda *args, **options: given.append(options.get("jobs")))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--watch", *options, str(folder)]) == 0
    assert given == [default_jobs() if expected == "cores" else expected]


# --- the quick-start guides, Swedish and Norwegian ----------------------------------------------------------

@dataclass(frozen=True)
class Guide:
    path: Path
    name: str  # of the assessment it makes
    said: tuple[str, ...]  # what the built Word file then says, in the guide's language
    export_first: str  # the guide telling the reader to export the references before importing them
    every_terminal: str  # … and to activate the environment in every new terminal


GUIDES = {
    "sv": Guide(REPO / "docs" / "kom-igang.md", "ketamin-exempel",
                ("UTKAST", "Sökningen gjordes i PubMed den 2025-01-13 och gav 24 träffar",
                 "En studie uppfyllde urvalskriterierna", "EndNote: The Only Reference I Can Remember"),
                "Exportera först referenserna", "i varje ny terminal"),
    "nb": Guide(REPO / "docs" / "kom-igang.nb.md", "ketamin-eksempel",
                ("UTKAST", "Søket ble gjort i PubMed 2025-01-13 og ga 24 treff", "En studie oppfylte utvalgskriteriene",
                 "Referanse Design Populasjon Intervensjon", "Voksne med langvarige smerter",
                 "EndNote: The Only Reference I Can Remember"),
                "Eksporter først referansene", "i hver ny terminal"),
}


@pytest.fixture(params=GUIDES.values(), ids=GUIDES.keys())
def guide(request) -> Guide:
    return request.param


def test_guide_install_command_is_the_readme_command(guide):
    text = guide.path.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    install = re.search(r"```sh\n(.+?)\n```", text, re.S)[1]
    assert install == re.search(r"```sh\n(.+?)\n", readme, re.S)[1]


# A step of the guide: a command (`$ hta …` in a console block) or an edit (a block whose info string
# names the file: ```yaml fil=assessments/…/pico.yaml, holding the file's new content).
GUIDE_STEP = re.compile(r"^\$ hta (?P<command>[^\n]+)$|^```\w+ fil=(?P<file>\S+)\n(?P<content>.*?)^```$", re.M | re.S)


def guide_steps(guide: Guide) -> list[tuple[str, str, str]]:
    """The guide's steps in order: ("command", "new …", "") or ("edit", path, content)."""
    return [("command", m["command"], "") if m["command"] else ("edit", m["file"], m["content"])
            for m in GUIDE_STEP.finditer(guide.path.read_text(encoding="utf-8"))]


def test_the_quick_start_runs_as_written(guide, tmp_path, monkeypatch, capsys):
    """Every step of the guide in order, in an empty folder with the reader's EndNote export beside it: its
    commands, and the edits it tells the reader to make. It ends with a built draft and a check with nothing
    to say."""
    steps = guide_steps(guide)
    export = next(what.split()[2] for kind, what, _ in steps if kind == "command" and what.startswith("refs import"))
    shutil.copyfile(FIXTURES / "endnote.ris", tmp_path / export)  # named as the guide names the reader's export
    assert sum(kind == "command" for kind, *_ in steps) >= 5 and sum(kind == "edit" for kind, *_ in steps) >= 8
    last_check = None
    for kind, what, content in steps:
        if kind == "edit":
            path = tmp_path / what
            assert path.parent.is_dir(), f"the guide edits {what} before it exists"
            path.write_text(content, encoding="utf-8")
            continue
        status, out = run(tmp_path, monkeypatch, capsys, what)
        assert status == 0, f"hta {what}\n{out}"
        if what.startswith("check"):
            last_check = out
    assert last_check == "", last_check
    assert steps[-1] == ("command", f"build assessments/{guide.name}", "")
    built = tmp_path / "_build" / guide.name
    text = words(docx_text(built / f"{guide.name}.docx"))
    for said in guide.said:
        assert said in text


def test_the_quick_start_writes_counts_only_after_the_search_they_name(guide):
    """A `{{sok1.…}}` pasted before searches.yaml holds sok1 would be an error in the reader's draft."""
    steps = guide_steps(guide)
    searches = next(i for i, (kind, what, _) in enumerate(steps) if kind == "edit" and what.endswith("searches.yaml"))
    for i, (kind, what, content) in enumerate(steps):
        if kind == "edit" and "{{sok1." in content:
            assert i > searches, what


def test_the_quick_start_says_to_export_references_and_to_activate_each_terminal(guide):
    text = guide.path.read_text(encoding="utf-8")
    assert text.index(guide.export_first) < text.index("$ hta refs import")
    assert guide.every_terminal in text
