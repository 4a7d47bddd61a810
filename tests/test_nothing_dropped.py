"""Nothing accepted and dropped: what the format accepts is in the built report, in Word, HTML and PDF —
the report type and region in the title block, a declared knowledge gap where its outcome is listed, and
the author's own columns of the evidence table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reports import docx_text, pdf_text, read_html, words

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from hta.build import build

    folder = tmp_path_factory.mktemp("in") / "fall"
    shutil.copytree(MINIMAL, folder)
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "report_type: mini-HTA\nregion: Region Testland\n", encoding="utf-8")
    evidence = folder / "evidence.csv"
    lines = evidence.read_text(encoding="utf-8").splitlines()
    # Kvalitet names the rating a second time: a column of the author's own, as Resultat is
    evidence.write_text("\n".join([lines[0] + ",Kvalitet,Resultat"]
                                  + [line + f",Kvalitet {i},Effekt {i}" for i, line in enumerate(lines[1:], 1)]) + "\n",
                        encoding="utf-8")
    out = tmp_path_factory.mktemp("build")
    [outcome] = build([folder], out)
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    return out / "fall"


def texts(built: Path) -> dict[str, str]:
    return {"docx": words(docx_text(built / "fall.docx")), "html": words(read_html(built / "fall.html").text),
            "pdf": words(pdf_text(built / "fall.pdf"))}


@pytest.mark.parametrize("kind", ["docx", "html", "pdf"])
def test_report_type_and_region_are_in_the_title_block(built, kind):
    text = texts(built)[kind]
    assert "Region Testland" in text
    assert "Mini-HTA" in text
    assert text.index("Mini-HTA") < text.index("Ett minimalt utlåtande för testerna")


@pytest.mark.parametrize("kind", ["docx", "html", "pdf"])
def test_a_knowledge_gap_is_marked_where_its_outcome_is_listed(built, kind):
    assert "Livskvalitet (kunskapslucka)" in texts(built)[kind]


def test_evidence_columns_of_the_authors_own_are_kept(built):
    page = read_html(built / "fall.html")
    [table] = [t for t in page.tables if "Resultat" in t[0]]
    assert table[0][-1] == "Resultat"
    assert [row[-1] for row in table[1:]] == ["Effekt 1", "Effekt 2"]
    for kind in ("docx", "pdf"):
        assert "Effekt 1" in texts(built)[kind] and "Resultat" in texts(built)[kind]


def test_a_second_heading_for_a_column_is_kept_as_a_column_of_its_own(built):
    """Kvalitet beside rating both name the rating: the first is the rating, the second is printed under its
    own heading, not dropped."""
    page = read_html(built / "fall.html")
    [table] = [t for t in page.tables if "Kvalitet" in t[0]]
    assert table[0][-2:] == ["Kvalitet", "Resultat"]
    assert [row[-2] for row in table[1:]] == ["Kvalitet 1", "Kvalitet 2"]
    assert [row[table[0].index("Bedömning")] for row in table[1:]] == ["Låg", "Måttlig"]


def test_a_title_row_above_the_headings_is_said_as_such(tmp_path, monkeypatch, capsys):
    from hta.cli import main

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    evidence = folder / "evidence.csv"
    evidence.write_text("Tabell 1. Inkluderade studier,,,,,,,,\n" + evidence.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "fall"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "fall/evidence.csv:1:1: HTA701 error: the first row must be the headings; they are in row 2. "
        "Delete the row(s) above row 2, so that the headings stand in row 1."]


def test_a_one_field_title_row_above_semicolon_headings_is_said_as_such(tmp_path, monkeypatch, capsys):
    """Swedish Excel saves CSV with semicolons; a title row of one field is not "a row with 9 fields"."""
    from hta.cli import main

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    evidence = folder / "evidence.csv"
    table = evidence.read_text(encoding="utf-8").replace(",", ";")
    evidence.write_text("Tabell 1. Inkluderade studier\n" + table, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "fall"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "fall/evidence.csv:1:1: HTA701 error: the first row must be the headings; they are in row 2. "
        "Delete the row(s) above row 2, so that the headings stand in row 1."]
