"""Every message in the user's language: Swedish, Norwegian bokmål and English, from gettext catalogues.

"Is Swedish" is shown against the catalogue, not against the code: each line of `hta check` must be a
translation the Swedish catalogue holds (its placeholders standing for anything), and that translation must
differ from its English key. A message left out of the catalogue, or not wrapped in `_()`, prints its English
key, matches no translation, and fails the test.
"""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest

from test_checks import BROKEN, MINIMAL, assemble

from hta import catalogues, i18n
from hta.cli import main

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>HTA\d{3}) (?P<word>[^:]+): (?P<text>.*)$")
# a few messages are built as `"key": ` + message (pydantic's errors, at the key) or `csl: ` + message
PREFIX = r'(?:"[^"]*": |csl: )?'
# broken cases that are no assessment (no assessment.yaml): their one finding is in the interface language
NOT_AN_ASSESSMENT = {"not-an-assessment"}
# cases whose assessment.yaml cannot be read or names no language hta has: the assessment's language is not
# known, and their findings are in the interface language
LANGUAGE_UNKNOWN = {"duplicate-key", "invalid-yaml", "list-where-mapping", "yaml-alias", "unknown-language"}


@pytest.fixture
def no_override(monkeypatch):
    """The test suite pins English (conftest); these tests choose the language as a user does."""
    monkeypatch.delenv(i18n.OVERRIDE, raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    yield
    i18n.set_interface_language(None)


def catalogue(code: str) -> dict[str, list[str]]:
    """msgid -> its translations, read from the compiled catalogue hta itself reads."""
    with open(i18n.LOCALE / code / "LC_MESSAGES" / "hta.mo", "rb") as mo:
        translations = gettext.GNUTranslations(mo)
    found = {}
    for msgid, message in catalogues.extract().items():
        if message.plural is None:
            found[msgid] = [translations.gettext(msgid)]
        else:
            found[msgid] = [translations.ngettext(msgid, message.plural, n) for n in (1, 2)]
    return found


def pattern(text: str) -> str:
    """A translation as a regular expression: each {placeholder} stands for any text of one sentence."""
    parts = re.split(r"(\{[A-Za-z_0-9]*(?:![rs])?(?::[^{}]*)?\})", text.replace("{{", "\0").replace("}}", "\1"))
    # a value never holds a sentence break: so a message cannot swallow the hint that follows it
    return "".join(r"(?:(?!\. [A-ZÅÄÖÆØ]).)*?" if p.startswith("{") and p.endswith("}") else
                   re.escape(p.replace("\0", "{").replace("\1", "}")) for p in parts)


def said_by(texts: dict[str, list[str]], own_only: bool) -> tuple[list[re.Pattern], list[re.Pattern]]:
    """Messages and hints as patterns; with `own_only`, a message only where its translation differs from its
    English key (so that an English line cannot pass for Swedish)."""
    messages, hints = [], []
    for msgid, translated in texts.items():
        for text in translated:
            if own_only and text == msgid:
                continue
            if len(re.findall(r"\w", re.sub(r"\{[^{}]*\}", "", text))) < 2:
                continue  # "{day}." would stand for any text at all
            hints.append(re.compile(pattern(text)))
            messages.append(re.compile(PREFIX + pattern(text)))
    return messages, hints


def written_in(text: str, messages: list[re.Pattern], hints: list[re.Pattern]) -> bool:
    """`text` is one message, and after it a hint, each a text of the catalogue (a hint may be said in two
    texts: "Did you mean …? " and "Its outcomes are: …")."""
    return any(_hinted(text[end:].removeprefix(" "), hints) for message in messages
               for end in _prefix_matches(message, text))


def _hinted(rest: str, hints: list[re.Pattern], depth: int = 0) -> bool:
    return rest == "" or (depth < 3 and any(_hinted(rest[end:], hints, depth + 1) for hint in hints
                                            for end in _prefix_matches(hint, rest)))


def _prefix_matches(pattern_: re.Pattern, text: str) -> list[int]:
    # every end a lazy match could take: the pattern against each prefix that ends at a space or the end
    ends = {i for i, c in enumerate(text) if c == " "} | {i + 1 for i, c in enumerate(text) if c == " "}
    return [end for end in sorted(ends | {len(text)}) if end and pattern_.fullmatch(text[:end])]


def check_everything(tmp_path: Path, monkeypatch, capsys, language: str, *options: str,
                     cases: set[str] | None = None) -> list[str]:
    """`hta check` over every broken case at once (or those named), each an assessment in `language`."""
    folders = []
    for case in BROKEN:
        if case.name in NOT_AN_ASSESSMENT or (cases is not None and case.name not in cases):
            continue
        folder = assemble(case, tmp_path).rename(tmp_path / case.name)  # one output folder each (HTA951)
        meta = folder / "assessment.yaml"
        if meta.is_file():
            text = meta.read_text(encoding="utf-8")
            meta.write_text(text.replace("language: sv", f"language: {language}"), encoding="utf-8")
        folders.append(str(folder.relative_to(tmp_path)))
    monkeypatch.chdir(tmp_path)
    main(["check", *options, *folders])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out.splitlines()


SEVERITY = {"sv": {"fel", "varning", "notering"}, "nb": {"feil", "advarsel", "merknad"},
            "en": {"error", "warning", "note"}}


@pytest.mark.parametrize("language", ["sv", "nb"])
def test_every_line_of_hta_check_is_in_the_assessments_language(language, tmp_path, monkeypatch, capsys,
                                                               no_override):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")  # the interface is English: the assessment's language wins
    known = {case.name for case in BROKEN} - LANGUAGE_UNKNOWN
    lines = check_everything(tmp_path, monkeypatch, capsys, language, cases=known)
    assert len(lines) > 60  # the broken cases together give every kind of finding
    messages, hints = said_by(catalogue(language), own_only=True)
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), [line for line, p in zip(lines, parsed) if not p]
    assert {p["word"] for p in parsed} <= SEVERITY[language]
    foreign = [line for line, p in zip(lines, parsed) if not written_in(p["text"], messages, hints)]
    assert foreign == [], "\n".join(foreign)


def test_lang_en_gives_english_for_an_english_assessment(tmp_path, monkeypatch, capsys, no_override):
    lines = check_everything(tmp_path, monkeypatch, capsys, "en", "--lang", "en")
    english = {msgid: [msgid] + ([m.plural] if m.plural else []) for msgid, m in catalogues.extract().items()}
    messages, hints = said_by(english, own_only=False)
    parsed = [LINE.match(line) for line in lines]
    assert {p["word"] for p in parsed} <= SEVERITY["en"]
    assert [line for line, p in zip(lines, parsed) if not written_in(p["text"], messages, hints)] == []


def test_where_the_assessments_language_cannot_be_read_findings_are_in_the_interface_language(
        tmp_path, monkeypatch, capsys, no_override):
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    lines = check_everything(tmp_path, monkeypatch, capsys, "sv", cases=LANGUAGE_UNKNOWN)
    assert len(lines) >= len(LANGUAGE_UNKNOWN)
    messages, hints = said_by(catalogue("nb"), own_only=True)
    assert [line for line in lines if not written_in(LINE.match(line)["text"], messages, hints)] == []


def test_a_swedish_line_is_not_taken_for_norwegian(tmp_path, monkeypatch, capsys, no_override):
    """The test above can fail: Swedish output read against the Norwegian catalogue is foreign."""
    lines = check_everything(tmp_path, monkeypatch, capsys, "sv")
    messages, hints = said_by(catalogue("nb"), own_only=True)
    foreign = [line for line in lines if not written_in(LINE.match(line)["text"], messages, hints)]
    assert len(foreign) > len(lines) * 0.9


def test_lang_chooses_the_language_of_what_is_not_about_an_assessment(tmp_path, monkeypatch, capsys, no_override):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--lang", "nb", "finnes-ikke"]) == 2
    assert capsys.readouterr().err == ("hta: finnes-ikke finnes ikke; en vurdering er en mappe med en "
                                       "assessment.yaml (se `hta new`).\n")
    assert main(["--lang", "en", "check", "missing"]) == 2
    assert capsys.readouterr().err == ("hta: missing does not exist; an assessment is a folder with an "
                                       "assessment.yaml (see `hta new`).\n")


@pytest.mark.parametrize(("environment", "expected"), [
    ({}, "sv"),
    ({"LANG": "C"}, "sv"),
    ({"LANG": "de_DE.UTF-8"}, "sv"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "no_NO"}, "nb"),
    ({"LANG": "sv_SE.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
    ({"LANG": "sv_SE.UTF-8", "LC_MESSAGES": "en_GB.UTF-8", "LC_ALL": "nb_NO.UTF-8"}, "nb"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),  # the first one set decides, and names none
])
def test_the_locale_decides_when_no_lang_is_given(environment, expected):
    assert i18n.from_locale(environment) == expected


def test_lang_comes_before_the_locale(monkeypatch, no_override):
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert i18n.interface_language() == "nb"
    i18n.set_interface_language("en")
    assert i18n.interface_language() == "en"


def test_a_folder_with_an_unreadable_assessment_yaml_is_reported_in_the_interface_language(
        tmp_path, monkeypatch, capsys, no_override):
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "assessment.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "--lang", "nb", "fall"])
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("fall/assessment.yaml:") and " HTA003 feil: YAML-syntaksfeil: " in first


@pytest.mark.parametrize("code", ["sv", "nb"])
def test_the_catalogue_translates_every_message_of_the_code_and_nothing_else(code):
    assert catalogues.problems(code) == []


# Norwegian messages that quote Swedish on purpose: the seed statement's words, and words the check matches
QUOTING_SWEDISH = ("The words: {words}", "Typed numbers drift apart", "'Måttligt stöd' over outcomes",
                   # the schemas: how an id is made of a Swedish name, and the certainty words the reader takes
                   "The outcome's id in pico.yaml", "The certainty as the source writes it")


def test_the_norwegian_catalogue_speaks_norwegian_where_the_english_quotes_swedish():
    """ä and ö are Swedish letters only: a bokmål message with one has kept a Swedish word from the English
    (the conclusions' "konstaterar att" once did), unless it quotes Swedish on purpose."""
    _header, messages = catalogues.read_po(catalogues.po_path("nb"))
    swedish = [message.msgid for message in messages.values()
               if re.search("[äöÄÖ]", " ".join(message.msgstr)) and not message.msgid.startswith(QUOTING_SWEDISH)]
    assert swedish == []


def test_every_message_is_a_catalogue_key_not_an_f_string():
    assert catalogues.non_literal_calls() == []


def test_the_compiled_catalogues_and_the_template_are_made_from_the_po_files():
    for path, content in catalogues.catalogue_files().items():
        assert path.read_bytes() == content, f"{path} is stale: run `hta docs`"


def test_incoming_translations_of_another_branch_are_merged_in(tmp_path, monkeypatch):
    """A branch brings `locale/incoming-<branch>-<lang>.po` with its new messages; `hta docs` takes them in."""
    incoming = tmp_path / "locale"
    incoming.mkdir()
    (incoming / "incoming-shapes-sv.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "the report\'s title is missing."\nmsgstr "rapportens titel saknas."\n', encoding="utf-8")
    code = tmp_path / "extra.py"
    code.write_text('_("the report\'s title is missing.")\n', encoding="utf-8")
    monkeypatch.setattr(catalogues, "INCOMING", incoming)
    original = catalogues.extract
    monkeypatch.setattr(catalogues, "extract", lambda files=None: original(
        sorted(catalogues.CODE.rglob("*.py")) + [code]))
    files = catalogues.catalogue_files()
    po = files[catalogues.po_path("sv")].decode("utf-8")
    assert 'msgid "the report\'s title is missing."\nmsgstr "rapportens titel saknas."' in po
    mo = gettext.GNUTranslations(__import__("io").BytesIO(files[catalogues.po_path("sv").with_suffix(".mo")]))
    assert mo.gettext("the report's title is missing.") == "rapportens titel saknas."
    nb = files[catalogues.po_path("nb")].decode("utf-8")
    assert 'msgid "the report\'s title is missing."\nmsgstr ""' in nb  # untranslated: the test above would fail


def test_the_rules_documentation_is_generated_in_each_language():
    from hta.generated import checks_doc

    assert checks_doc("sv").startswith("# Kontroller i `hta check`")
    assert "**Varför det spelar roll.** En felstavad nyckel skulle annars hoppas över" in checks_doc("sv")
    assert "**Hvorfor det betyr noe.** En feilstavet nøkkel ville ellers" in checks_doc("nb")
    assert "**Why it matters.** A misspelt key would otherwise be ignored" in checks_doc("en")


def test_a_cached_finding_is_not_served_in_another_language(tmp_path, monkeypatch, no_override):
    """The findings of an unchanged assessment are kept between builds; kept in English, they must not come
    back when the same folder is built again with its findings in Swedish."""
    from hta.build import build

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    with (folder / "assessment.yaml").open("a", encoding="utf-8") as meta:
        meta.write("notes: Bara för författarna.\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(i18n.OVERRIDE, "en")
    [first] = build([folder], tmp_path / "_build")
    assert first.built and [d.message for d in first.diagnostics] == [
        "`notes`: kept for the authors, not printed in the report."]
    monkeypatch.delenv(i18n.OVERRIDE)
    [second] = build([folder], tmp_path / "_build")
    assert second.reused  # the report itself did not change: nothing in it is a message
    assert [d.message for d in second.diagnostics] == ["`notes`: sparas för författarna, skrivs inte ut i rapporten."]


def test_a_changed_catalogue_counts_as_changed_code_for_the_caches():
    from hta import cache

    catalogues_read = set((i18n.LOCALE).glob("*/LC_MESSAGES/hta.mo"))
    assert catalogues_read and catalogues_read <= set(cache.code_files())


def test_hta_check_piped_into_head_ends_without_a_traceback(tmp_path):
    """`hta check … | head`: head closes the pipe after its lines; hta stops quietly."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    # far more findings than a pipe holds (64 kB), so that writing them meets the closed pipe
    (folder / "sections" / "ethical.md").write_text("# Etik\n\n" + "TODO skriv detta stycke.\n" * 3000,
                                                     encoding="utf-8")
    hta = Path(sys.executable).with_name("hta")
    process = subprocess.Popen(f"{hta} check fall | head -n 2", shell=True, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=os.environ | {"LANG": "C.UTF-8"})
    out, err = process.communicate(timeout=120)
    assert len(out.decode().splitlines()) == 2
    assert err.decode() == ""


def test_the_command_lines_help_and_its_own_errors_follow_lang(capsys, no_override):
    assert main(["--lang", "nb", "new"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "hta new: feil: følgende argumenter kreves: name, --title"
    assert main(["--help", "--lang=sv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("användning: hta ") and "kontrollera fullständighet och följdriktighet" in out


def test_hta_new_speaks_the_language_of_the_assessment_it_makes(tmp_path, monkeypatch, capsys, no_override):
    """Its files explain themselves in that language, and so does the line that says what to do next, as what
    is said about an assessment is (here the computer's language would be Swedish)."""
    monkeypatch.chdir(tmp_path)
    assert main(["new", "ny", "--title", "X", "--language", "nb"]) == 0
    assert capsys.readouterr().out.startswith("opprettet assessments/ny/: fyll inn filene")
    assert main(["new", "annan", "--title", "X"]) == 0
    assert capsys.readouterr().out.startswith("skapade assessments/annan/: fyll i filerna")


def test_hta_refs_import_speaks_the_assessments_language(tmp_path, monkeypatch, capsys, no_override):
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("language: sv", "language: nb"), encoding="utf-8")
    export = tmp_path / "export.ris"
    export.write_text("TY  - JOUR\nTI  - En ny studie\nAU  - Nordmann, Ola\nPY  - 2023\nER  - \n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["refs", "import", "--lang", "sv", "--assessment", "fall", "export.ris"]) == 0
    [added] = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"export\.ris:1: la til \w+", added)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("code", ["sv", "nb"])
def test_gnu_msgfmt_reads_the_catalogues_as_hta_compiles_them(code, tmp_path):
    """The .po files are ordinary gettext catalogues: the GNU tools read them, and to the same messages."""
    import subprocess

    po = catalogues.po_path(code)
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "gnu.mo"), str(po)], check=True, capture_output=True)
    with open(tmp_path / "gnu.mo", "rb") as gnu, open(po.with_suffix(".mo"), "rb") as ours:
        assert gettext.GNUTranslations(gnu)._catalog == gettext.GNUTranslations(ours)._catalog
