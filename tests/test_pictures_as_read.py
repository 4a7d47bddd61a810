"""The author's pictures reach the report as the one reader read them: what `hta check` accepted and decoded is
what the Word file, the web page and the PDF show, even when the file is replaced after the check."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

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


def test_a_picture_replaced_after_the_check_does_not_reach_the_report(tmp_path, monkeypatch):
    import hta.build

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "figures").mkdir()
    checked, swapped = png(4, 3, (200, 30, 30)), png(9, 7, (30, 30, 200))
    (folder / "figures" / "bild.png").write_bytes(checked)
    with (folder / "sections" / "results.md").open("a", encoding="utf-8") as results:
        results.write("\n![Ett testdiagram](figures/bild.png)\n")
    check_all = hta.build.check_all

    def check_then_swap(*args, **kwargs):
        outcomes = check_all(*args, **kwargs)
        (folder / "figures" / "bild.png").write_bytes(swapped)  # after the check, before the report is written
        return outcomes

    monkeypatch.setattr(hta.build, "check_all", check_then_swap)
    [outcome] = hta.build.build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]

    built = tmp_path / "out" / "fall"
    with zipfile.ZipFile(built / "fall.docx") as docx:
        media = [docx.read(name) for name in docx.namelist() if name.startswith("word/media/")]
    assert checked in media and swapped not in media
    page = (built / "fall.html").read_text(encoding="utf-8")
    assert base64.b64encode(checked).decode() in page and base64.b64encode(swapped).decode() not in page
    assert (4, 3) in pdf_image_sizes(built / "fall.pdf") and (9, 7) not in pdf_image_sizes(built / "fall.pdf")
