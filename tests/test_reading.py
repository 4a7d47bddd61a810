"""Reading an assessment: one reader for every file, which takes in nothing from outside the folder,
nothing that is not a plain file, no byte that is not UTF-8, no YAML that builds more than plain values;
and everything the folder holds is accounted for."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REFERENCE, copy_assessment, replace_once

from hta.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
SECRET = "HEMLIGT-INNEHALL-4711"
# A file such as /etc/passwd: many lines, each of which must stay out of every finding.
SYSTEM_FILE = "".join(f"konto{n}:x:{1000 + n}:{1000 + n}:{SECRET}-{n}:/home/konto{n}:/bin/sh\n" for n in range(200))


@pytest.fixture
def fall(tmp_path: Path, monkeypatch) -> Path:
    """The minimal assessment in tmp_path/fall, with tmp_path as the working folder."""
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    monkeypatch.chdir(tmp_path)
    return folder


def check(capsys, *folders: str) -> tuple[int, list[str]]:
    status = main(["check", *folders])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out.splitlines()


def outside(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """A file beside the assessment folder, as a file of the computer the build runs on."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- Nothing from outside the folder ---------------------------------------------------------------------

def test_a_section_linked_to_a_file_outside_is_refused_and_its_content_never_read(fall, tmp_path, capsys):
    from hta.build import build

    secret = outside(tmp_path, "hemlig.md", f"{SECRET}\n")
    (fall / "sections" / "background.md").unlink()
    (fall / "sections" / "background.md").symlink_to(secret)

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ["fall/sections/background.md:1:1: HTA012 error: background.md leads outside the "
                                   "assessment folder. Copy the file into the assessment folder; a link or a path "
                                   "out of it is never read."])
    [outcome] = build([Path("fall")], tmp_path / "out")
    assert not outcome.built and [p.name for p in (tmp_path / "out" / "fall").iterdir()] == ["failed.json"]


def test_a_picture_linked_with_dotdot_out_of_the_folder_is_refused(fall, tmp_path, capsys):
    outside(tmp_path, "hemlig.png", SECRET)
    (fall / "figures").mkdir()
    (fall / "figures" / "bild.png").symlink_to(Path("..") / ".." / "hemlig.png")

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines[0].startswith("fall/figures/bild.png:1:1: HTA012 error: bild.png leads outside the assessment folder.")


def test_a_figures_folder_that_is_a_link_out_of_the_assessment_is_refused(fall, tmp_path, capsys):
    (tmp_path / "annan").mkdir()
    outside(tmp_path / "annan", "bild.png", SECRET)
    (fall / "figures").symlink_to(tmp_path / "annan")

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines[0].startswith("fall/figures/bild.png:1:1: HTA012 error: bild.png leads outside the assessment folder.")


def test_a_picture_in_figures_linking_outside_is_refused(fall, tmp_path, capsys):
    secret = outside(tmp_path, "hemlig.png", SECRET)
    (fall / "figures").mkdir()
    (fall / "figures" / "bild.png").symlink_to(secret)
    with (fall / "sections" / "results.md").open("a", encoding="utf-8") as results:
        results.write("\n![Bild](figures/bild.png)\n")

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines == ["fall/figures/bild.png:1:1: HTA012 error: bild.png leads outside the assessment folder. "
                     "Copy the file into the assessment folder; a link or a path out of it is never read."]


def test_a_picture_linked_inside_the_folder_is_read(fall, capsys):
    (fall / "figures").mkdir()
    (fall / "bilder").mkdir()
    (fall / "bilder" / "bild.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (fall / "figures" / "bild.svg").symlink_to(Path("..") / "bilder" / "bild.svg")

    from hta.load.validate import read_assessment

    assessment, findings = read_assessment(fall)
    assert findings == [] and assessment.pictures() == [fall / "figures" / "bild.svg"]


def test_a_yaml_file_linked_to_a_system_file_is_refused_without_printing_it(fall, tmp_path, capsys):
    system = outside(tmp_path, "passwd", SYSTEM_FILE)
    (fall / "assessment.yaml").unlink()
    (fall / "assessment.yaml").symlink_to(system)

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines[0].startswith("fall/assessment.yaml:1:1: HTA012 error: assessment.yaml leads outside")
    assert SECRET not in "\n".join(lines)


def test_a_copy_of_a_system_file_as_yaml_is_quoted_only_in_a_short_excerpt(fall, capsys):
    (fall / "pico.yaml").write_text(SYSTEM_FILE, encoding="utf-8")

    status, lines = check(capsys, "fall")

    assert status == 1
    [finding] = [line for line in lines if "pico.yaml" in line]
    assert finding.startswith("fall/pico.yaml:1:1: HTA006 error: expected a list")
    assert SYSTEM_FILE[:40] in finding  # the start of the file, so the author sees what was read
    assert f"{SECRET}-1" not in finding and len(finding) < 300


# --- Only plain files --------------------------------------------------------------------------------------

def test_a_symlink_loop_is_a_finding(fall, capsys):
    section = fall / "sections" / "background.md"
    section.unlink()
    section.symlink_to(section)

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ["fall/sections/background.md:1:1: HTA013 error: background.md is a link that "
                                   "leads back to itself. Replace the link by the file itself."])


def test_a_symlink_loop_as_assessment_yaml_is_a_finding(fall, capsys):
    (fall / "assessment.yaml").unlink()
    (fall / "assessment.yaml").symlink_to("assessment.yaml")

    from hta.load.validate import read_assessment

    assessment, findings = read_assessment(fall)
    assert assessment.unread == {"assessment.yaml"}  # the rest is read and checked; nothing is built
    assert [(d.code, d.line, d.column) for d in findings] == [("HTA013", 1, 1)]


def test_a_dangling_link_is_a_finding(fall, capsys):
    section = fall / "sections" / "summary.md"
    section.unlink()
    section.symlink_to("borttagen.md")

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ["fall/sections/summary.md:1:1: HTA013 error: summary.md is a link to a file "
                                   "that does not exist. Replace the link by the file itself."])


def test_a_sections_folder_that_is_a_link_loop_is_a_finding(fall, capsys):
    shutil.rmtree(fall / "sections")
    (fall / "sections").symlink_to("sections")

    from hta.load.validate import read_assessment

    _, findings = read_assessment(fall)
    assert [(d.path, d.code, d.line, d.column) for d in findings] == [("fall/sections", "HTA013", 1, 1)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_in_place_of_a_section_is_refused_without_waiting_for_it(fall, capsys):
    section = fall / "sections" / "summary.md"
    section.unlink()
    os.mkfifo(section)  # reading it would wait for a writer for ever

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ["fall/sections/summary.md:1:1: HTA013 error: summary.md is a pipe, not a file. "
                                   "Put the file itself in its place."])


def test_a_folder_in_place_of_a_yaml_file_is_a_finding(fall, capsys):
    (fall / "searches.yaml").unlink()
    (fall / "searches.yaml").mkdir()

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ["fall/searches.yaml:1:1: HTA013 error: searches.yaml is a folder, not a file. "
                                   "Put the file itself in its place."])


@pytest.mark.parametrize("name, limit, content", [
    ("sections/summary.md", "TEXT_LIMIT", "Testbehandling kan minska smärta [@ahl2021; @cederlund2022].\n" * 40),
    ("figures/bild.png", "PICTURE_LIMIT", b"\x89PNG\r\n\x1a\n" + bytes(3000)),
], ids=["text", "picture"])
def test_a_file_over_its_size_limit_is_refused(fall, capsys, monkeypatch, name, limit, content):
    from hta.load import reader

    monkeypatch.setattr(reader, limit, 2000)
    (fall / name).parent.mkdir(exist_ok=True)
    (fall / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines == [f"fall/{name}:1:1: HTA014 error: {Path(name).name} is {(fall / name).stat().st_size} bytes; "
                     "hta reads files of at most 2000 bytes of this kind. See docs/assessment-format.md, 'Limits'."]


def test_a_workbook_that_unpacks_past_its_limit_is_refused(fall, capsys, monkeypatch):
    import zipfile

    from hta.load import reader

    monkeypatch.setattr(reader, "WORKBOOK_UNPACKED_LIMIT", 100_000)
    (fall / "evidence.csv").unlink()
    with zipfile.ZipFile(fall / "evidence.xlsx", "w", zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("xl/worksheets/sheet1.xml", " " * 200_000)  # a few hundred bytes packed

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines[0].startswith("fall/evidence.xlsx:1:1: HTA014 error: evidence.xlsx unpacks to 200")


# --- UTF-8, strictly ---------------------------------------------------------------------------------------

def test_a_latin1_byte_in_a_utf8_yaml_file_is_a_finding_at_its_line_and_column(fall, capsys):
    meta = fall / "assessment.yaml"
    text = meta.read_text(encoding="utf-8")
    assert "unit: Testförvaltningen" in text
    # Every å, ä, ö of the file is UTF-8 but one: the ö of Testförvaltningen, typed in a Latin-1 editor.
    meta.write_bytes(text.encode("utf-8").replace("unit: Testförvaltningen".encode("utf-8"),
                                                  "unit: Testförvaltningen".encode("latin-1")))
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith("unit:"))

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, [f"fall/assessment.yaml:{line}:12: HTA015 error: byte 0xF6 is not UTF-8 text. "
                                   "Retype the character at this place, or save the file again as UTF-8."])


def test_no_mojibake_reaches_any_output_from_a_file_with_one_bad_byte(fall, capsys):
    from hta.build import build

    (fall / "sections" / "background.md").write_bytes(
        "Långvarig smärta är vanlig.\n\nEtt ord i Latin-1: ".encode("utf-8") + "värk.\n".encode("latin-1"))

    status, lines = check(capsys, "fall")
    [outcome] = build([Path("fall")], Path("out"))

    assert status == 1 and not outcome.built
    assert lines == ["fall/sections/background.md:3:21: HTA015 error: byte 0xE4 is not UTF-8 text. Retype the "
                     "character at this place, or save the file again as UTF-8."]
    assert not any(mark in "\n".join(lines) for mark in ("Ã", "\ufffd"))


def test_a_whole_file_in_windows_1252_is_reported_with_how_to_save_it_as_utf8(fall, capsys):
    text = (fall / "conclusions.yaml").read_text(encoding="utf-8")
    (fall / "conclusions.yaml").write_bytes(text.encode("cp1252"))

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines == ["fall/conclusions.yaml:2:30: HTA015 error: byte 0xE4 is not UTF-8 text. The whole file looks "
                     "saved as Windows-1252 (ANSI): save it again as UTF-8 (in Notepad or Excel: Save as → Encoding UTF-8)."]


def test_a_utf8_file_with_a_bom_reads_as_utf8(fall, capsys):
    meta = fall / "assessment.yaml"
    meta.write_bytes(b"\xef\xbb\xbf" + meta.read_bytes())
    assert check(capsys, "fall") == (0, [])


def test_a_control_character_is_a_finding_and_never_reaches_the_terminal(fall, capsys):
    pico = fall / "pico.yaml"
    pico.write_text(pico.read_text(encoding="utf-8") + '  "po\\e[2Jpulation": x\n', encoding="utf-8")

    status, lines = check(capsys, "fall")

    assert status == 1
    assert "\x1b" not in "\n".join(lines)
    assert 'unknown key "po\\x1b[2Jpulation"' in lines[0]


# --- YAML: plain values only -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, code, message", [
    ("!foo Testgruppen", "HTA017", "the tag !foo is not read."),
    ("!!python/object/apply:os.system [echo hej]", "HTA017", "the tag !!python/object/apply:os.system is not read."),
    ("!!binary aGVq", "HTA017", "the tag !!binary is not read."),
    ("!!set {a: null}", "HTA017", "the tag !!set is not read."),
    ("!!int [1, 2]", "HTA017", "the tag !!int is not read."),
    ("!!int many", "HTA006", "'many' is not a whole number."),
    ("!!float x", "HTA006", "'x' is not a finite number."),
    ("!!bool kanske", "HTA006", "'kanske' is not a true or false."),
    (".inf", "HTA006", "'.inf' is not a finite number."),
    ("1" * 40, "HTA006", "is not a whole number of at most 30 digits."),
], ids=["local-tag", "python-object", "binary", "set", "int-on-a-list", "int-many", "float", "bool", "infinity", "huge-int"])
def test_yaml_tags_and_impossible_values_are_findings_with_a_place(fall, capsys, value, code, message):
    meta = fall / "assessment.yaml"
    replace_once(meta, "  group: Testgruppen", f"  group: {value}")
    line = next(n for n, l in enumerate(meta.read_text(encoding="utf-8").splitlines(), 1) if l.startswith("  group:"))

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines[0].startswith(f"fall/assessment.yaml:{line}:10: {code} error: ")
    assert message in lines[0]


YAML_FILES = sorted(p for root in (REFERENCE.parent, FIXTURES / "minimal") for p in root.rglob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_yaml_values_are_those_a_yaml_library_reads(path):
    """The reader builds values itself from the parser's events; they must be what ruamel's own loader builds
    (with dates kept as text), folded `>` text and all."""
    import datetime as dt

    from ruamel.yaml import YAML

    from hta.load.yaml_text import read_yaml

    def dates_as_text(value):
        if isinstance(value, dict):
            return {str(k): dates_as_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [dates_as_text(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    loaded = read_yaml(path, path.parent)
    assert loaded.diagnostics == []
    assert loaded.data == dates_as_text(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path):
    from hta.load.yaml_text import read_yaml

    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]  # 9**12 values if expanded
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    loaded = read_yaml(tmp_path / "bomb.yaml", tmp_path)

    assert loaded.data is None
    assert [(d.code, d.line, d.column, d.message) for d in loaded.diagnostics] == [
        ("HTA018", 2, 10, "an alias (*a0) repeats a value.")]


@pytest.mark.parametrize("text", ["x: " + "[" * 500 + "]" * 500, "x:\n" + "".join("  " * n + f"- k{n}:\n" for n in range(300))],
                         ids=["flow", "block"])
def test_nesting_hundreds_of_levels_deep_is_a_finding(tmp_path, text):
    from hta.load.yaml_text import read_yaml

    (tmp_path / "djup.yaml").write_text(text + "\n", encoding="utf-8")

    loaded = read_yaml(tmp_path / "djup.yaml", tmp_path)

    assert loaded.data is None
    [finding] = loaded.diagnostics
    assert (finding.code, finding.message) == ("HTA019", "lists and mappings are nested deeper than 32 levels.")
    assert finding.line >= 1 and finding.column >= 1


def test_a_second_yaml_document_is_a_finding(fall, capsys):
    with (fall / "conclusions.yaml").open("a", encoding="utf-8") as file:
        file.write("---\nfindings: []\n")

    status, lines = check(capsys, "fall")

    assert (status, lines[0]) == (1, "fall/conclusions.yaml:5:1: HTA003 error: the file holds a second YAML document "
                                     "(after `---`). Keep one document: remove the `---` line and what follows, or merge it.")


# --- JSON: no NaN, bounded -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ("NaN", "NaN is not a number JSON allows; write null or leave the field out"),
    ("-Infinity", "-Infinity is not a number JSON allows; write null or leave the field out"),
    ("1e999", "1e999 is too large for a number"),
    ("1" * 50, "a number of more than 30 digits"),
])
def test_references_json_refuses_numbers_json_does_not_have(fall, capsys, value, message):
    refs = fall / "references.json"
    entries = json.loads(refs.read_text(encoding="utf-8"))
    text = json.dumps(entries, ensure_ascii=False, indent=2).replace('"id": "ahl2021"', f'"volume": {value}, "id": "ahl2021"')
    refs.write_text(text, encoding="utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if '"volume"' in l)

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines == [f"fall/references.json:{line}:15: HTA606 error: JSON syntax error: {message}. "
                     "Check the commas, quotes and brackets at this place."]


def test_references_json_nested_hundreds_of_levels_is_a_finding(fall, capsys):
    (fall / "references.json").write_text('[{"id": "a", "title": "A", "note": ' + "[" * 2000 + "]" * 2000 + "}]",
                                          encoding="utf-8")

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines == ["fall/references.json:1:66: HTA606 error: JSON syntax error: lists and objects are nested deeper "
                     "than 32 levels. Check the commas, quotes and brackets at this place."]


# --- Everything the folder holds is accounted for -------------------------------------------------------------

@pytest.mark.parametrize("name, content, expected", [
    ("sections/background.txt", "Text.\n",
     "fall/sections/background.txt:1:1: HTA010 error: sections/background.txt is not read: it is taken for "
     "sections/background.md. Rename it to sections/background.md (keep one copy)."),
    ("sections/anteckningar.txt", "Text.\n",
     "fall/sections/anteckningar.txt:1:1: HTA010 error: anteckningar.txt is not a section of the report. Section "
     "files: background.md, summary.md, prior-review.md, method.md, screening.md, results.md, technical.md, "
     "economic.md, ethical.md, organisational.md, evidence-level.md, efficacy.md, risks.md; other material belongs in a folder of your own (e.g. kilder/)."),
    ("sections/Results.md", "Text.\n",
     "fall/sections/Results.md:1:1: HTA010 error: sections/Results.md is not read: it is taken for "
     "sections/results.md. Rename it to sections/results.md (keep one copy)."),
    ("sections/pico.yaml", "- population: x\n",
     "fall/sections/pico.yaml:1:1: HTA010 error: pico.yaml belongs in the assessment folder, not in sections/. "
     "Move it to pico.yaml beside assessment.yaml."),
    ("evidence.CSV", "reference\n",
     "fall/evidence.CSV:1:1: HTA020 error: evidence.CSV is not read: it is taken for evidence.csv. "
     "Rename it to evidence.csv (keep one copy)."),
    ("assessment.yml", "dnr: x\n",
     "fall/assessment.yml:1:1: HTA020 error: assessment.yml is not read: it is taken for assessment.yaml. "
     "Rename it to assessment.yaml (keep one copy)."),
    ("Assessment.yaml", "dnr: x\n",
     "fall/Assessment.yaml:1:1: HTA020 error: Assessment.yaml is not read: it is taken for assessment.yaml. "
     "Rename it to assessment.yaml (keep one copy)."),
    ("conclusion.yaml", "findings: []\n",
     "fall/conclusion.yaml:1:1: HTA020 error: conclusion.yaml is not read: it is taken for conclusions.yaml. "
     "Rename it to conclusions.yaml (keep one copy)."),
    ("references.ris", "TY  - JOUR\nER  - \n",
     "fall/references.ris:1:1: HTA020 error: references.ris is taken for the references, but hta reads only "
     "references.json or references.bib. Import it with `hta refs import FILE`, then remove it or move it into a "
     "folder of your own (e.g. kilder/)."),
    ("evidence.xls", "x",
     "fall/evidence.xls:1:1: HTA020 error: evidence.xls is taken for the evidence table, but hta reads only "
     "evidence.xlsx or evidence.csv. Save it from Excel as evidence.xlsx (or as CSV named evidence.csv)."),
    ("background.md", "Text.\n",
     "fall/background.md:1:1: HTA020 error: background.md is not read: it is taken for sections/background.md. "
     "Rename it to sections/background.md (keep one copy)."),
    ("figures/method.md", "Text.\n",
     "fall/figures/method.md:1:1: HTA020 error: figures/method.md is not read: it is taken for sections/method.md. "
     "Rename it to sections/method.md (keep one copy)."),
    ("Sections/economic.md", "Text.\n",
     "fall/Sections:1:1: HTA020 error: Sections is not read: it is taken for sections/. "
     "Rename it to sections/ (keep one copy)."),
    ("figures/tabell.pdf", "%PDF",
     "fall/figures/tabell.pdf:1:1: HTA021 error: figures/tabell.pdf is not a picture hta shows (PNG, JPEG, GIF or "
     "SVG), so it is in no report. Save it as PNG or SVG, or move it into a folder of your own (e.g. kilder/)."),
    ("anteckningar.txt", "Ring Anna.\n",
     "fall/anteckningar.txt:1:1: HTA021 error: hta does not read anteckningar.txt, so it is in no report. "
     "Move material of your own into a folder of your own (e.g. kilder/), or remove it."),
    ("apa.csl", "<style/>",
     "fall/apa.csl:1:1: HTA021 error: the citation style apa.csl is not used. Name it in assessment.yaml as "
     "`csl: apa.csl`, or remove it."),
], ids=lambda v: v if "/" in v or "." in v and "\n" not in v and len(v) < 30 else None)
def test_a_file_the_format_does_not_know_is_a_finding_saying_what_it_is_taken_for(fall, capsys, name, content, expected):
    (fall / name).parent.mkdir(exist_ok=True)
    (fall / name).write_text(content, encoding="utf-8")

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, [expected])


def test_evidence_csv_beside_evidence_xlsx_is_an_error(fall, capsys):
    import pandas as pd

    pd.read_csv(fall / "evidence.csv", dtype=str).to_excel(fall / "evidence.xlsx", index=False)

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ["fall/evidence.csv:1:1: HTA022 error: evidence.csv and evidence.xlsx both hold the "
                                   "evidence table; only evidence.xlsx is read. Keep the one you edit and remove the other."])


def test_an_unknown_file_is_a_warning_in_a_draft(fall, capsys):
    replace_once(fall / "assessment.yaml", "status: for-decision", "status: draft")
    (fall / "anteckningar.txt").write_text("Ring Anna.\n", encoding="utf-8")

    status, lines = check(capsys, "fall")

    assert status == 0 and [line.split(": ")[1] for line in lines] == ["HTA021 warning"]


def test_the_authors_own_folders_and_hidden_files_are_not_findings(fall, capsys):
    (fall / "kilder").mkdir()
    (fall / "kilder" / "referanser.ris").write_text("TY  - JOUR\n", encoding="utf-8")
    (fall / ".DS_Store").write_bytes(b"\x00\x01")
    (fall / "~$evidence.xlsx").write_bytes(b"\x00")  # Excel's lock file while the workbook is open
    (fall / "sections" / "results.md~").write_text("En äldre version.\n", encoding="utf-8")  # an editor's backup

    assert check(capsys, "fall") == (0, [])


# --- Duplicate ids ---------------------------------------------------------------------------------------------

def test_two_databases_with_the_same_id_are_an_error_not_one_count_in_prose(tmp_path, monkeypatch, capsys):
    folder = copy_assessment(REFERENCE, tmp_path)
    monkeypatch.chdir(tmp_path)
    searches = folder / "searches.yaml"
    text = searches.read_text(encoding="utf-8")
    assert "{{primara.hits.pubmed}}" in (folder / "sections" / "method.md").read_text(encoding="utf-8")
    # The Cochrane database of the first search renamed PubMed: two databases named pubmed in one search.
    replace_once(searches, "    - name: Cochrane Library\n      id: cochrane\n", "    - name: PubMed\n")
    line = next(n for n, l in enumerate(searches.read_text(encoding="utf-8").splitlines(), 1)
                if n > text.splitlines().index("    - name: PubMed") + 1 and l == "    - name: PubMed")

    status, lines = check(capsys, folder.name)

    assert status == 1
    assert (f"{folder.name}/searches.yaml:{line}:13: HTA110 error: primara: the database id \"pubmed\" is used twice. "
            "Give one of them its own `id:` (e.g. pubmed-2); prose names a database's hits by it.") in lines


@pytest.mark.parametrize("file, old, new, expected", [
    ("searches.yaml", "- id: sok\n", "- id: sok\n",
     None),  # placeholder replaced below: a second search with the same id
    ("searches.yaml", "      - reason: Fel studiedesign\n        references: [berg2020]\n",
     "      - reason: Fel studiedesign\n        references: [berg2020]\n      - reason: Fel studiedesign\n        count: 0\n",
     'fall/searches.yaml:22:17: HTA110 error: sok: the exclusion id "fel-studiedesign" is used twice. Give one of them '
     "its own `id:`, or list the references of one reason in one entry."),
    ("pico.yaml", "- population:", "- id: p1\n  population:",
     'fall/pico.yaml:{line}:7: HTA110 error: the PICO id "p1" is used twice. Give each PICO its own `id:`.'),
], ids=["search", "exclusion", "pico"])
def test_duplicate_ids_are_errors(fall, capsys, file, old, new, expected):
    path = fall / file
    text = path.read_text(encoding="utf-8")
    if file == "searches.yaml" and old == new:  # the whole search twice
        path.write_text(text + text, encoding="utf-8")
        line = len(text.splitlines()) + 1
        expected = (f'fall/searches.yaml:{line}:7: HTA110 error: the search id "sok" is used twice. '
                    "Give each search its own `id:`.")
    elif file == "pico.yaml":  # the whole PICO twice, with the same id
        text = text.replace(old, new)
        path.write_text(text + text, encoding="utf-8")
        expected = expected.format(line=len(text.splitlines()) + 1)
    else:
        replace_once(path, old, new)

    status, lines = check(capsys, "fall")

    assert status == 1 and expected in lines


def test_two_references_with_the_same_id_are_an_error_at_the_second(fall, capsys):
    refs = fall / "references.json"
    entries = json.loads(refs.read_text(encoding="utf-8"))
    refs.write_text(json.dumps(entries + [{"id": "ahl2021", "title": "En annan studie"}], ensure_ascii=False, indent=2),
                    encoding="utf-8")
    line = refs.read_text(encoding="utf-8").splitlines().index('    "id": "ahl2021",', 3) + 1

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, [f'fall/references.json:{line}:5: HTA110 error: the reference id "ahl2021" is used '
                                   "twice (first in references.json). Give each reference its own id, or keep one "
                                   "entry of a work."])


def test_a_reference_id_in_both_references_json_and_bib_is_an_error(fall, capsys):
    (fall / "references.bib").write_text("@article{ahl2021,\n  title = {Samma id},\n  year = {2021}\n}\n",
                                         encoding="utf-8")

    status, lines = check(capsys, "fall")

    assert (status, lines) == (1, ['fall/references.bib:1:1: HTA110 error: the reference id "ahl2021" is used twice '
                                   "(first in references.json). Give each reference its own id, or keep one entry of a work."])


# --- Dates within reason -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("file, old, new", [
    ("assessment.yaml", "date: 2024-06-01", "date: 9999-06-01"),
    ("searches.yaml", "date: 2024-01-10", "date: 1024-01-10"),
], ids=["decision-9999", "search-1024"])
def test_a_date_far_outside_reason_is_a_finding(fall, capsys, file, old, new):
    replace_once(fall / file, old, new)
    line = next(n for n, l in enumerate((fall / file).read_text(encoding="utf-8").splitlines(), 1) if new in l)

    status, lines = check(capsys, "fall")

    assert status == 1
    assert lines == [f'fall/{file}:{line}:{lines[0].split(":")[2]}: HTA111 error: "date": the date {new[6:]} lies '
                     "outside 1900–2099. Check the year."]


# --- Numbers too long to be numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("file, old, new", [
    ("sections/background.md", "Testsjukdom ger långvarig smärta.", "Testsjukdom ger långvarig smärta. " + "7" * 5000),
    ("searches.yaml", "terms: 1 AND 2", "terms: 1 AND " + "2" * 5000),
], ids=["prose", "search-line"])
def test_a_number_of_thousands_of_digits_is_text_not_a_crash(fall, capsys, file, old, new):
    replace_once(fall / file, old, new)

    status, lines = check(capsys, "fall")

    assert status in (0, 1) and all(re.match(r"^fall/[^:]+:\d+:\d+: HTA\d{3} ", line) for line in lines)


# --- Every finding has a place ---------------------------------------------------------------------------------------

def test_every_finding_of_every_broken_fixture_has_a_line_and_a_column():
    lines = [line for case in (FIXTURES / "broken").iterdir()
             for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines()]
    assert lines and all(re.match(r"^[^:]+:\d+:\d+: HTA\d{3} ", line) for line in lines), \
        [line for line in lines if not re.match(r"^[^:]+:\d+:\d+: HTA\d{3} ", line)]


@pytest.mark.parametrize("version", ["1.3", "2.0", "x", ""])
def test_a_yaml_version_that_does_not_exist_is_a_finding(tmp_path, version):
    from hta.load.yaml_text import read_yaml

    path = tmp_path / "pico.yaml"
    path.write_text(f"# kommentar\n%YAML {version}\n---\n- population: Vuxna\n", encoding="utf-8")
    loaded = read_yaml(path)
    assert loaded.data is None
    assert [(d.code, d.line, d.column) for d in loaded.diagnostics] == [("HTA003", 2, 1)]
