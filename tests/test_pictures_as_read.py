"""The author's pictures reach the report as the one reader read them: what `hta check` accepted and decoded is
what the Word file, the web page and the PDF show; a picture replaced after the check stops its report."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from reports import pdf_figure_alts

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour, written here so that the expected bytes come from no code under test."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pdf_image_sizes(path: Path) -> list[tuple[int, int]]:
    """(width, height) of each picture in the PDF, as poppler's pdfimages lists them."""
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [(int(line.split()[3]), int(line.split()[4])) for line in out.splitlines()[2:] if line.strip()]


def report_with_picture(tmp_path: Path, picture: bytes, alt: str = "Ett testdiagram") -> Path:
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "figures").mkdir()
    (folder / "figures" / "bild.png").write_bytes(picture)
    with (folder / "sections" / "results.md").open("a", encoding="utf-8") as results:
        results.write(f"\n![{alt}](figures/bild.png)\n")
    return folder


@pytest.mark.parametrize("jobs", [1, 2], ids=["read-after-the-checks", "read-while-checked"])
def test_the_picture_checked_is_the_picture_in_every_format(jobs, tmp_path):
    """Built one step after another, and as one assessment on two cores, where pandoc reads the report
    (and writes its Typst source) while the checks run, before the report's folder and pictures are written."""
    from hta.build import build

    checked = png(4, 3, (200, 30, 30))
    [outcome] = build([report_with_picture(tmp_path, checked)], tmp_path / "out", jobs=jobs)
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    built = tmp_path / "out" / "fall"
    with zipfile.ZipFile(built / "fall.docx") as docx:
        assert checked in [docx.read(name) for name in docx.namelist() if name.startswith("word/media/")]
    assert base64.b64encode(checked).decode() in (built / "fall.html").read_text(encoding="utf-8")
    assert (4, 3) in pdf_image_sizes(built / "fall.pdf")
    assert "Ett testdiagram" in pdf_figure_alts(built / "fall.pdf")  # the author's words, for a screen reader


def test_a_pictures_alt_text_reaches_the_pdf_as_typed_and_never_as_typst_code(tmp_path):
    """The alt text is written into the Typst source as a string: a quotation mark or a backslash in it ends
    nothing, and Typst code in it is words."""
    from hta.build import build

    alt = 'Bild "a\\\\b" #calc.pow(2, 3) ); #read("/etc/passwd")'  # the Markdown's escaped backslash: one, as read
    [outcome] = build([report_with_picture(tmp_path, png(4, 3, (0, 0, 0)), alt)], tmp_path / "out", jobs=2)
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    alts = pdf_figure_alts(tmp_path / "out" / "fall" / "fall.pdf")
    assert 'Bild "a\\b" #calc.pow(2, 3) ); #read("/etc/passwd")' in alts


def test_a_picture_replaced_after_the_check_stops_its_report_and_says_which(tmp_path, monkeypatch):
    import hta.build

    folder = report_with_picture(tmp_path, png(4, 3, (200, 30, 30)))
    check_all = hta.build.check_all

    def check_then_swap(*args, **kwargs):
        outcomes = check_all(*args, **kwargs)
        (folder / "figures" / "bild.png").write_bytes(png(9, 7, (30, 30, 200)))  # after the check, before writing
        return outcomes

    monkeypatch.setattr(hta.build, "check_all", check_then_swap)
    [outcome] = hta.build.build([folder], tmp_path / "out")
    assert not outcome.built
    [finding] = [d for d in outcome.diagnostics if d.code == "HTA962"]
    assert finding.path.endswith("figures/bild.png") and "changed after it was checked" in finding.message
    assert not (tmp_path / "out" / "fall" / "fall.docx").exists()


def test_a_checked_assessment_keeps_no_picture_in_memory(tmp_path):
    from hta.build import read_and_check

    assessment, _findings = read_and_check(report_with_picture(tmp_path, png(4, 3, (200, 30, 30))))
    assert assessment.picture_bytes == {} and list(assessment.picture_digests) == assessment.pictures()
