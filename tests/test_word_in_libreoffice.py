"""The Word file opened as a reader opens it: LibreOffice lays it out, computes the page numbers, shows the figures."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from reports import pdf_text, words

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/system-packages installs it)")


def test_libreoffice_lays_out_the_word_file_with_page_numbers_and_figures(reference_build, tmp_path):
    docx = reference_build / f"{reference_build.name}.docx"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    from pypdf import PdfReader

    pdf = tmp_path / f"{reference_build.name}.pdf"
    reader = PdfReader(pdf)
    total = len(reader.pages)
    assert total > 5
    for number, page in enumerate(reader.pages, start=1):
        assert f"{number} ({total})" in page.extract_text()
    text = words(pdf_text(pdf))
    assert "Dnr: RD21/01987" in text and "Söksträngar" in text
    # pages may share one resource dictionary: count each picture once
    pictures = {x.idnum: x.get_object() for page in reader.pages
                for x in (page["/Resources"].get("/XObject") or {}).values()
                if x.get_object().get("/Subtype") == "/Image"}.values()
    assert len(pictures) == 2  # the two flow diagrams
    assert all(p["/Width"] > 500 for p in pictures)
