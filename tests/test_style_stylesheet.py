"""A house style's report.css is read through the one reader with its style.yaml, confined to the style's
folder: one that cannot be read is a finding (HTA223) of every assessment in the style, with its file and line,
never a stylesheet left out of the page in silence."""

from __future__ import annotations

import os
import shutil

import pytest

from reports import styled_copy
from test_checks import MINIMAL, run_check

# every section the minimal assessment has, so that the style's stylesheet is the only finding
STYLE = "name: Testregionen\nsections: [question, pico, background, summary, method, results, technical, economic, " \
        "ethical, conclusions, authors]\n"
TWO_MB = 2 * 1024 * 1024


def link_out(styles) -> None:
    (styles / "site.css").write_text("body { color: red; }\n", encoding="utf-8")
    os.symlink("../site.css", styles / "testregion" / "report.css")


def folder_in_place(styles) -> None:
    (styles / "testregion" / "report.css").mkdir()


@pytest.mark.parametrize("css, make, expected", [
    (b'.title-block {\n  content: "V\xe4stra";\n}\n', None,
     'styles/testregion/report.css:2:14: HTA223 error: the house style "Testregionen" cannot use its report.css: '
     "byte 0xE4 is not UTF-8 text. The whole file looks saved as Windows-1252 (ANSI): save it again as UTF-8 (in "
     "Notepad or Excel: Save as → Encoding UTF-8)."),
    (b"/*" + b" " * TWO_MB + b"*/\n", None,
     'styles/testregion/report.css:1:1: HTA223 error: the house style "Testregionen" cannot use its report.css: '
     "report.css is 2.0 MB; hta reads files of at most 2.0 MB of this kind. See docs/assessment-format.md, 'Limits'."),
    (None, link_out,
     'styles/testregion/report.css:1:1: HTA223 error: the house style "Testregionen" cannot use its report.css: '
     "report.css leads outside the style's folder. Put the stylesheet itself in styles/testregion; a link out of "
     "the style's folder is never read."),
    (None, folder_in_place,
     'styles/testregion/report.css:1:1: HTA223 error: the house style "Testregionen" cannot use its report.css: '
     "report.css is a folder, not a file. Put the stylesheet itself in styles/testregion."),
], ids=["not-utf8", "too-large", "link-out-of-the-style", "a-folder"])
def test_a_style_stylesheet_that_cannot_be_read_is_a_finding_of_each_assessment_in_the_style(
        css, make, expected, tmp_path, monkeypatch, capsys):
    files = {"style.yaml": STYLE} | ({"report.css": css} if css is not None else {})
    styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "testregion", files)
    if make:
        make(tmp_path / "styles")
    shutil.copytree(tmp_path / "fall", tmp_path / "fall2")
    shutil.copytree(MINIMAL, tmp_path / "other")  # in hta's own style: nothing to say of the other's stylesheet

    status, out, err = run_check(tmp_path, monkeypatch, capsys, "fall", "fall2", "other")

    assert (status, out.splitlines()) == (1, [expected, expected])
    assert "Traceback" not in err


def test_a_style_whose_stylesheet_cannot_be_read_builds_no_report(tmp_path, monkeypatch):
    from hta.build import build

    folder = styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "testregion",
                         {"style.yaml": STYLE, "report.css": b"h1 { color: #12345\xff; }\n"})
    [outcome] = build([folder], tmp_path / "out")

    assert not outcome.built and not (tmp_path / "out" / "fall" / "fall.html").exists()
    assert [d.code for d in outcome.diagnostics] == ["HTA223"]

