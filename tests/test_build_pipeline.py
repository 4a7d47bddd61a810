"""Numbers come from the data, the .qmd is what the engines read, and a broken assessment does not stop the others."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REFERENCE, copy_assessment, replace_once
from reports import docx_text, image_descriptions, pdf_text, read_html, svg_images, words

from hta.build import build, convert_qmd
from hta.convert.convert import quarto_path


def _formats(folder):
    name = folder.name
    html = read_html(folder / f"{name}.html")
    return {
        "docx": words(docx_text(folder / f"{name}.docx")),
        "html": words(html.text + " " + " ".join(svg_images(html))),
        "pdf": words(pdf_text(folder / f"{name}.pdf")),
    }


def test_changing_one_hit_count_changes_every_place_and_every_total(tmp_path):
    folder = copy_assessment(REFERENCE, tmp_path / "src")
    replace_once(folder / "searches.yaml", "hits: 163\n", "hits: 170\n")

    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    for fmt, text in _formats(tmp_path / "out" / folder.name).items():
        # the PubMed line of Söksträngar, the prose and the flow diagram: 170 + 79 = 249
        assert re.search(r"7 3 AND 6 170\b", text), fmt
        assert "249 träffar identifierades" in text, fmt
        assert "De 249 träffar" in text, fmt
        assert "ett stort antal artiklar (249)" in text, fmt
        assert "PubMed (n = 170)" in text, fmt
        assert "(n = 249)" in text, fmt
        assert not re.search(r"(?<![\d.,])(163|242)(?![\d.,])", text), fmt


def test_word_picture_descriptions_follow_the_data(tmp_path):
    folder = copy_assessment(REFERENCE, tmp_path / "src")
    replace_once(folder / "searches.yaml", "hits: 79\n", "hits: 80\n")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built
    descriptions = " ".join(image_descriptions(tmp_path / "out" / folder.name / f"{folder.name}.docx"))
    assert "CINAHL (n = 80)" in descriptions and "Träffar i databaser (n = 243)" in descriptions


def test_outputs_are_converted_from_the_qmd_alone(reference_build, tmp_path):
    """Whatever the .qmd says is what every format shows: no engine reads the data behind it."""
    out = tmp_path / reference_build.name
    shutil.copytree(reference_build, out)
    from hta.convert.convert import Job
    from hta.load.validate import read_assessment

    assessment, _ = read_assessment(REFERENCE)
    qmd = out / f"{out.name}.qmd"
    qmd.write_text(qmd.read_text(encoding="utf-8") + "\n\nQMD-MARKER-PARAGRAPH\n", encoding="utf-8")
    csl = assessment.meta.csl or "nlm-citation-sequence-brackets.csl"  # the reference dates reports to the day
    job = Job(out, out.name, Path("resources/references.json"), Path("resources") / Path(csl).name, {})
    convert_qmd(job, assessment, "pandoc")
    for fmt, text in _formats(out).items():
        assert "QMD-MARKER-PARAGRAPH" in text, fmt


def _convert_copy(reference_build: Path, folder: Path) -> Path:
    from hta.convert.convert import Job
    from hta.load.validate import read_assessment

    out = shutil.copytree(reference_build, folder / reference_build.name)
    assessment, _ = read_assessment(REFERENCE)
    csl = assessment.meta.csl or "nlm-citation-sequence-brackets.csl"
    convert_qmd(Job(out, out.name, Path("resources/references.json"), Path("resources") / Path(csl).name, {}),
                assessment, "pandoc")
    return out


def _runs_as_read(docx: Path) -> list[list[tuple[str, str]]]:
    """Each paragraph of a Word file as its runs of text, a run's formatting with it, adjacent runs formatted
    alike taken as one: what Word shows, whichever way the text is cut into runs."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    paragraphs = []
    for p in root.iter(f"{w}p"):
        runs: list[tuple[str, str]] = []
        for r in p.iter(f"{w}r"):
            props = r.find(f"{w}rPr")
            shape = etree.tostring(props).decode() if props is not None else ""
            text = "".join(t.text or "" for t in r.iter(f"{w}t"))
            if runs and runs[-1][0] == shape:
                runs[-1] = (shape, runs[-1][1] + text)
            else:
                runs.append((shape, text))
        paragraphs.append(runs)
    return paragraphs


def test_html_and_word_written_from_joined_words_read_as_from_pandocs_words(reference_build, tmp_path, monkeypatch):
    """The HTML and Word writers are given each run of words as one Str, which pandoc reads in less time: the
    web page is the same to the byte, and the Word file's text and formatting are the same (cut into fewer
    runs). Everything else in the Word file is the same to the byte."""
    import zipfile

    joined = _convert_copy(reference_build, tmp_path / "joined")

    def words_as_read(node, stand_ins):  # the writer's stand-ins, and every word and space as pandoc read it
        if isinstance(node, dict):
            return {key: words_as_read(value, stand_ins) for key, value in stand_ins.get(id(node), node).items()}
        return [words_as_read(x, stand_ins) for x in node] if isinstance(node, list) else node

    monkeypatch.setattr("hta.convert.convert._words_joined", words_as_read)
    as_read = _convert_copy(reference_build, tmp_path / "as-read")
    name = reference_build.name
    assert (joined / f"{name}.html").read_bytes() == (as_read / f"{name}.html").read_bytes()
    assert _runs_as_read(joined / f"{name}.docx") == _runs_as_read(as_read / f"{name}.docx")
    words_joined, pandocs_words = (zipfile.ZipFile(folder / f"{name}.docx") for folder in (joined, as_read))
    assert words_joined.namelist() == pandocs_words.namelist()
    for part in words_joined.namelist():
        if part != "word/document.xml":
            assert words_joined.read(part) == pandocs_words.read(part), part


def test_no_line_of_the_typst_source_starts_with_a_number_typst_would_read_as_a_list(reference_build):
    """A word such as `2020.` or a reference's `1.` that a line starts with is escaped: Typst would read it as a
    numbered list. Pandoc's Typst writer escapes it only where it stands as a word of its own."""
    typ = (reference_build / "resources" / f"{reference_build.name}.typ").read_text(encoding="utf-8")
    assert "\\2020. De vetenskapliga" in typ and "\\1. SBU:s" in typ  # a wrapped line, a reference
    assert not re.findall(r"(?m)^[ \t]*[0-9]+\.\s", typ)


@pytest.mark.skipif(quarto_path() is None, reason="quarto is not on PATH: the quarto engine cannot be exercised here")
def test_quarto_engine_renders_the_same_qmd(tmp_path):
    [outcome] = build([REFERENCE], tmp_path, engine="quarto")
    assert outcome.built
    out = tmp_path / REFERENCE.name
    assert "Söksträngar" in docx_text(out / f"{REFERENCE.name}.docx")
    assert "Söksträngar" in read_html(out / f"{REFERENCE.name}.html").text


def test_qmd_front_matter_is_valid_quarto(reference_build):
    from ruamel.yaml import YAML

    text = (reference_build / f"{reference_build.name}.qmd").read_text(encoding="utf-8")
    front = YAML(typ="safe").load(text.split("---\n")[1])
    assert set(front["format"]) == {"html", "docx", "typst"}
    assert front["format"]["docx"]["default-image-extension"] == "png"
    assert front["lang"] == "sv-SE"
    for key in ("bibliography", "csl"):
        assert (reference_build / front[key]).is_file()
    assert (reference_build / front["format"]["docx"]["reference-doc"]).is_file()


def test_an_assessment_with_errors_is_reported_and_the_others_still_build(tmp_path):
    broken = copy_assessment(REFERENCE, tmp_path / "src")
    broken = broken.rename(broken.with_name("trasig"))
    (broken / "assessment.yaml").write_text("dnr: X\ntitle: [oavslutad\n", encoding="utf-8")
    outcomes = build([broken, REFERENCE], tmp_path / "out")
    assert [o.built for o in outcomes] == [False, True]
    assert outcomes[0].diagnostics[0].code == "HTA003"
    assert outcomes[0].diagnostics[0].path.endswith("trasig/assessment.yaml")
    # no report: only the record of why, which the index lists
    assert [p.name for p in (tmp_path / "out" / "trasig").iterdir()] == ["failed.json"]


def test_build_command_reports_unbuildable_assessment_in_the_users_terms(tmp_path, capsys, monkeypatch):
    from hta.cli import main

    broken = copy_assessment(REFERENCE, tmp_path)
    (broken / "pico.yaml").write_text("- population: Vuxna\n  intervention: X\n  control: Y\n  outcomes:\n    primary: [Smärta]\n  populaton: Z\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status = main(["build", broken.name, "--out", "out"])
    out, err = capsys.readouterr()
    assert status == 1
    assert f'{broken.name}/pico.yaml:6:3: HTA007 error: unknown key "populaton". Did you mean "population"?' in err
    assert "Traceback" not in err
    assert f"[1/1] {broken.name}: NOT built, 1 error above must be fixed first." in err
    # the rest is still checked: its notes (HTA120, HTA403) are counted beside the one error
    assert re.search(rf"^{broken.name}\s+NOT built\s+1\s+0\s+\d+$", out, re.M)


MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def test_several_picos_each_get_their_labelled_table(tmp_path):
    from docx import Document

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    pico = (folder / "pico.yaml").read_text(encoding="utf-8")
    second = pico.replace("Vuxna med testsjukdom", "Barn med testsjukdom").replace("- population", "- title: Barn\n  population")
    (folder / "pico.yaml").write_text(pico.replace("- population", "- title: Vuxna\n  population") + second, encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    doc = Document(tmp_path / "out" / "fall" / "fall.docx")
    picos = [t for t in doc.tables if t.rows[1].cells[0].text == "Population/Målgrupp"]
    assert [t.rows[1].cells[1].text for t in picos] == ["Vuxna med testsjukdom", "Barn med testsjukdom"]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[1:4] == ["PICO", "Vuxna", "Barn"]


def test_references_kept_as_bibtex_build_with_their_titles_as_written(tmp_path):
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "references.json").unlink()
    (folder / "references.bib").write_text(
        "@article{ahl2021, title = {Testbehandling mot smärta i {Sverige}: en RCT}, author = {Ahl, Anna},\n"
        "  journal = {Läkartidningen}, year = {2021}, doi = {10.1000/test.2021.1}}\n"
        "@article{berg2020, title = {En fallserie om testbehandling}, author = {Berg, Bo}, year = {2020}}\n"
        "@book{cederlund2022, title = {Testbehandling: en systematisk översikt}, author = {Cederlund, Cecilia}, year = {2022}}\n",
        encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    text = words(docx_text(tmp_path / "out" / "fall" / "fall.docx"))
    assert "1. Ahl A. Testbehandling mot smärta i Sverige: en RCT. Läkartidningen. 2021. doi:10.1000/test.2021.1" in text


def test_rebuilding_unchanged_data_gives_identical_files(reference_build, tmp_path):
    [outcome] = build([REFERENCE], tmp_path)
    for path in outcome.outputs:
        assert path.read_bytes() == (reference_build / path.name).read_bytes(), path.name
