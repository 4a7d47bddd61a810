"""`hta refs import` and `hta new` with input a careless or hostile user gives: nothing is lost, nothing
is half-written, every problem is one finding or one line; and the export parsers over arbitrary text."""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED
from hta.cli import main
from hta.load.exports import Problem, parse_bibtex, parse_csl_json, parse_json, parse_nbib, parse_ris
from hta.load.references import import_references

EXPORTS = SHARED / "fixtures" / "references"

# An existing bibliography as an author keeps it: Swedish letters in several entries.
EXISTING = [
    {"id": "sbu2018", "type": "report", "title": "Ketamin vid behandling av kronisk smärta",
     "author": [{"literal": "Statens beredning för medicinsk och social utvärdering"}],
     "issued": {"date-parts": [[2018]]}, "publisher": "SBU", "publisher-place": "Stockholm"},
    {"id": "akesson2019", "type": "article-journal", "title": "Smärtbehandling i Sverige",
     "author": [{"family": "Åkesson", "given": "Åsa"}], "issued": {"date-parts": [[2019]]}},
]


def _strict_json(text: str):
    """JSON as the standard has it: NaN and Infinity are not JSON."""
    def refuse(literal):
        raise ValueError(f"{literal} in the written file")
    return json.loads(text, parse_constant=refuse)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def assessment(tmp_path, monkeypatch) -> Path:
    """An assessment folder with the two real exports beside it, the working folder being its parent."""
    folder = tmp_path / "fraga"
    folder.mkdir()
    (folder / "assessment.yaml").write_text("title: x\n", encoding="utf-8")
    for name in ("pubmed.nbib", "endnote.ris"):
        shutil.copy(EXPORTS / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return folder


def refs_import(capsys, *files: str) -> tuple[int, str]:
    status = main(["refs", "import", *files, "--assessment", "fraga"])
    out, err = capsys.readouterr()
    return status, out + err


# --- The references file must read cleanly, or nothing is written ---------------------------------

def test_import_into_references_json_with_one_latin1_byte_leaves_it_byte_identical(assessment, capsys):
    text = json.dumps(EXISTING, ensure_ascii=False, indent=2) + "\n"
    raw = text.encode("utf-8").replace("Sverige".encode(), "Sverige \xe5".encode("latin-1"))  # one Latin-1 å
    (assessment / "references.json").write_bytes(raw)
    line = text[:text.index("Sverige")].count("\n") + 1
    column = len(text.splitlines()[line - 1].split("Sverige")[0]) + len("Sverige ") + 1

    status, out = refs_import(capsys, "pubmed.nbib", "endnote.ris")

    assert status == 1
    assert out.strip() == (
        f"fraga/references.json:{line}:{column}: HTA015 error: byte 0xE5 is not UTF-8 text. Retype the "
        "character at this place, or save the file again as UTF-8.")
    assert (assessment / "references.json").read_bytes() == raw
    assert sorted(p.name for p in assessment.iterdir()) == ["assessment.yaml", "references.json"]


def test_import_beside_references_bib_with_one_latin1_byte_writes_nothing(assessment, capsys):
    raw = "@book{aaberg2019,\n  title = {Smärta},\n  author = {Åberg, Karin},\n  year = {2019}\n}\n".encode("utf-8")
    raw = raw.replace(b"Karin", "Kar\xefn".encode("latin-1"))
    (assessment / "references.bib").write_bytes(raw)

    status, out = refs_import(capsys, "pubmed.nbib")

    assert status == 1
    assert out.startswith("fraga/references.bib:3:23: HTA015 error: byte 0xEF is not UTF-8 text")
    assert _files(assessment) == {"assessment.yaml": b"title: x\n", "references.bib": raw}


def test_import_beside_a_references_bib_that_does_not_parse_writes_nothing(assessment, capsys):
    bib = "@article{one,\n  title = {One},\n  year = {2020}\n\n@book{two,\n  title = {Two},\n  year = {2021}\n}\n"
    (assessment / "references.bib").write_text(bib, encoding="utf-8")

    status, out = refs_import(capsys, "pubmed.nbib")

    assert status == 1
    assert out.startswith("fraga/references.bib:1:1: HTA606 error: cannot parse this BibTeX entry")
    assert "Nothing was imported." in out
    assert not (assessment / "references.json").exists()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_import_into_references_json_holding_a_non_number_writes_nothing_and_says_where(assessment, capsys, literal):
    text = '[\n  {"id": "a", "title": "A", "volume": ' + literal + '}\n]\n'
    (assessment / "references.json").write_text(text, encoding="utf-8")

    status, out = refs_import(capsys, "pubmed.nbib")

    assert status == 1
    why = "is too large for a number" if literal == "1e999" else \
        "is not a number JSON allows; write null or leave the field out"
    assert out.strip() == (f"fraga/references.json:2:39: HTA606 error: JSON syntax error: {literal} {why}. "
                           "Nothing was imported. Fix it, then import again.")
    assert (assessment / "references.json").read_text(encoding="utf-8") == text


def test_an_export_with_one_latin1_byte_is_reported_and_not_read_as_windows_1252(assessment, capsys):
    ris = "TY  - JOUR\nAU  - Åkesson, Åsa\nTI  - Smärta\nPY  - 2019\nER  - \n".encode("utf-8")
    (assessment.parent / "old.ris").write_bytes(ris.replace("Smärta".encode(), "Sm\xe4rta".encode("latin-1")))

    status, out = refs_import(capsys, "old.ris", "endnote.ris")

    assert status == 1
    assert out.splitlines() == [
        "endnote.ris:1: added smith2024",
        "old.ris:3:9: HTA015 error: byte 0xE4 is not UTF-8 text. Retype the character at this place, or save "
        "the file again as UTF-8."]
    assert [e["id"] for e in json.loads((assessment / "references.json").read_text(encoding="utf-8"))] == ["smith2024"]


# --- Never NaN or Infinity in references.json --------------------------------------------------------

CSL_WITH_NON_NUMBERS = """[
  {"id": "one", "title": "One", "volume": NaN, "issued": {"date-parts": [[2020]]}},
  {"id": "two", "title": "Two", "page": Infinity, "issue": 1e999},
  {"id": "three", "title": "Thr\\ud800ee", "note": "kept"}
]
"""


def test_an_export_with_nan_infinity_or_a_lone_surrogate_loses_the_field_with_a_finding(assessment, capsys):
    (assessment.parent / "zotero.json").write_text(CSL_WITH_NON_NUMBERS, encoding="utf-8")

    status, out = refs_import(capsys, "zotero.json")

    written = _strict_json((assessment / "references.json").read_text(encoding="utf-8"))
    assert written == [
        {"id": "one", "title": "One", "issued": {"date-parts": [[2020]]}},
        {"id": "two", "title": "Two"},
    ]
    assert status == 0  # warnings: the other entries and fields are imported
    assert out.splitlines() == [
        "zotero.json:2: added one",
        "zotero.json:3: added two",
        'zotero.json:2:43: HTA607 warning: "volume" holds `NaN`, not a number JSON allows; the field was left out.',
        'zotero.json:3:41: HTA607 warning: "page" holds `Infinity`, not a number JSON allows; the field was left out.',
        'zotero.json:3:60: HTA607 warning: "issue" holds `1e999`, not a number JSON allows; the field was left out.',
        'zotero.json:4:3: HTA607 warning: "title" holds `\\ud800`, half a character (a lone surrogate); '
        "the field was left out.",
        "zotero.json:4:1: HTA607 warning: the entry has no title; it was not imported.",
    ]


def test_nan_in_a_bibtex_export_stays_text(assessment, capsys):
    (assessment.parent / "nan.bib").write_text(
        "@article{berg,\n  title = {T},\n  author = {Berg, Anna},\n  year = {NaN},\n  volume = NaN,\n"
        "  pages = {Infinity}\n}\n", encoding="utf-8")

    status, _ = refs_import(capsys, "nan.bib")

    assert status == 0
    [entry] = _strict_json((assessment / "references.json").read_text(encoding="utf-8"))
    assert (entry["volume"], entry["page"], "issued" in entry) == ("NaN", "Infinity", False)


# --- Two works are two entries -----------------------------------------------------------------------

def test_same_title_and_year_by_different_first_authors_are_two_works(assessment, capsys):
    (assessment.parent / "letters.ris").write_text(
        "TY  - JOUR\nAU  - Berg, Anna\nTI  - Ketamine\nPY  - 2021\nER  - \n"
        "TY  - JOUR\nAU  - Lund, Per\nTI  - Ketamine.\nPY  - 2021\nER  - \n"
        "TY  - JOUR\nAU  - Bérg, A.\nTI  - KETAMINE\nPY  - 2021\nUR  - https://example.org/berg\nER  - \n",
        encoding="utf-8")

    status, out = refs_import(capsys, "letters.ris")

    assert status == 0
    assert out.splitlines() == [
        "letters.ris:1: added berg2021",
        "letters.ris:6: added lund2021",
        "letters.ris:11: merged into berg2021 (same title, year and first author; added URL)",
    ]


# --- No temporary file, ever -------------------------------------------------------------------------

def test_a_failed_write_leaves_references_json_as_it_was_and_no_temporary_file(assessment, capsys, monkeypatch):
    text = json.dumps(EXISTING, ensure_ascii=False, indent=2) + "\n"
    (assessment / "references.json").write_text(text, encoding="utf-8")

    def no_room(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_room)
    status, out = refs_import(capsys, "pubmed.nbib")

    assert status == 1
    assert out.strip() == ("fraga/references.json:1:1: HTA608 error: cannot write references.json: No space left "
                           "on device; it was left as it was, and nothing was imported. Make room, or import into "
                           "a folder you may write to.")
    assert _files(assessment) == {"assessment.yaml": b"title: x\n", "references.json": text.encode("utf-8")}


def test_a_successful_import_leaves_no_temporary_file(assessment, capsys):
    status, _ = refs_import(capsys, "pubmed.nbib", "endnote.ris")

    assert status == 0
    assert sorted(p.name for p in assessment.iterdir()) == ["assessment.yaml", "references.json"]


# --- `hta new` with a name it cannot use -------------------------------------------------------------

@pytest.mark.parametrize("name, problem", [
    ("../utanfor", "is a path, not a name"),
    ("a/b", "is a path, not a name"),
    ("a\\b", "is a path, not a name"),
    ("..", "is a path, not a name"),
    ("{tmp}/absolut", "is a path, not a name"),
    ("x" * 65, "is 65 characters long; the longest usable name has 64"),
    ("Stora-Bokstaver", "is not a usable folder name"),
    ("", "is empty"),
], ids=["dotdot-prefix", "separator", "backslash", "dotdot", "absolute", "too-long", "upper-case", "empty"])
def test_new_with_an_unusable_name_says_so_in_one_line_and_creates_nothing(tmp_path, monkeypatch, capsys, name,
                                                                            problem):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assessments").mkdir()
    name = name.replace("{tmp}", str(tmp_path))  # an absolute path that stays inside the test's folder

    status = main(["new", name, "--title", "T"])

    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and problem in err and "nothing was written" in err
    assert list(tmp_path.rglob("*")) == [tmp_path / "assessments"]


def test_new_accepts_a_name_of_64_characters(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "x" * 64, "--title", "T"]) == 0
    assert (tmp_path / "assessments" / ("x" * 64) / "assessment.yaml").is_file()
    assert [p.name for p in (tmp_path / "assessments").iterdir()] == ["x" * 64]  # no staging folder left


def test_new_over_an_existing_folder_or_file_changes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assessments" / "tom").mkdir(parents=True)
    (tmp_path / "assessments" / "fil").write_text("x", encoding="utf-8")
    for name in ("tom", "fil"):
        assert main(["new", name, "--title", "T"]) == 2
        assert "already exists; nothing was written" in capsys.readouterr().err
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "assessments", "assessments/fil", "assessments/tom"]


@pytest.mark.parametrize("parent", ["en-fil", "en-fil/under"], ids=["file", "under-a-file"])
def test_new_in_a_file_says_so_in_one_line(tmp_path, monkeypatch, capsys, parent):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "en-fil").write_text("x", encoding="utf-8")

    status = main(shlex.split(f"new fraga --title T --in {parent}"))

    err = capsys.readouterr().err
    assert status == 2 and len(err.splitlines()) == 1 and "nothing was written" in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["en-fil"]


# --- The export parsers over arbitrary text ----------------------------------------------------------

def _real(name: str) -> str:
    return (EXPORTS / name).read_text(encoding="utf-8")


# Text near each format, so the examples reach the parsers' inner paths and not only their first check.
_SEEDS = [_real("pubmed.nbib"), _real("endnote.ris"),
          "@article{k,\n  title = {T},\n  author = {A, B and {C D}},\n  year = {2020}\n}\n",
          '[{"id": "a", "title": "T", "issued": {"date-parts": [[2020]]}}]']
_TEXT = st.one_of(
    st.text(max_size=300),
    st.builds(lambda seed, cut, junk: seed[:cut] + junk + seed[cut:], st.sampled_from(_SEEDS),
              st.integers(0, 3500), st.text(max_size=40)),
    st.lists(st.sampled_from(["TY  - JOUR", "ER  - ", "AU  - ", "TI  - x", "PMID- 1", "TI  - y", "      z", "",
                              "@article{", "title = {", "}", "[", "{", '"id": "a",', "NaN", "1e999", "]", ",",
                              "@comment{", "@string{a = b}", "\\", "%", "\ud800", "\x00"]),
             max_size=30).map("\n".join),
    st.builds(lambda depth, inner: "[" * depth + inner, st.integers(0, 5000), st.sampled_from(["", "{", "1", "]"])),
)


@pytest.mark.parametrize("parse", [parse_ris, parse_nbib, parse_bibtex, parse_csl_json],
                         ids=["ris", "nbib", "bibtex", "csl-json"])
@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_any_text_gives_entries_or_located_problems_and_never_an_exception(parse, text):
    entries, problems = parse(text)

    lines = text.split("\n")
    for entry in entries:
        assert isinstance(entry.csl, dict) and 1 <= entry.line <= len(lines)
        json.dumps(entry.csl, allow_nan=False)  # what import writes: never NaN or Infinity
    for problem in problems:
        assert isinstance(problem, Problem) and problem.message
        assert problem.line is not None and 1 <= problem.line <= max(len(lines), 1), problem
        assert problem.column is None or problem.column >= 1


@settings(max_examples=150, derandomize=True, deadline=None)
@given(text=_TEXT)
def test_any_text_read_as_a_references_json_is_entries_or_one_located_problem(text):
    result = parse_json(text)

    if isinstance(result, Problem):
        assert result.line is not None and result.line >= 1
    else:
        for item in result:
            json.dumps(item.value, allow_nan=False)


@pytest.mark.parametrize("parse", [parse_csl_json, lambda text: ([], [parse_json(text)])], ids=["export", "file"])
def test_json_nested_too_deep_for_python_is_a_problem_not_a_crash(parse):
    entries, [problem] = parse("[" * 100_000)
    assert entries == [] and problem.line == 1 and "nested" in problem.message


def test_import_refuses_a_references_json_that_links_out_of_the_folder(assessment, capsys):
    """The one reader for the import too: a link out of the folder is neither read nor rewritten."""
    outside = assessment.parent / "hemlig.json"
    outside.write_text('[{"id": "hemlig", "title": "HEMLIGT-INNEHALL-4711"}]\n', encoding="utf-8")
    (assessment / "references.json").symlink_to(outside)

    status, out = refs_import(capsys, "pubmed.nbib")

    assert status == 1
    assert out.startswith("fraga/references.json:1:1: HTA012 error:")
    assert "HEMLIGT" not in out
    assert (assessment / "references.json").is_symlink()
    assert outside.read_text(encoding="utf-8") == '[{"id": "hemlig", "title": "HEMLIGT-INNEHALL-4711"}]\n'
