"""The report's type family, shipped with the project: a PDF or picture set on any machine has the same letters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: Arimo (SIL Open Font Licence) has the metrics of Arial, the family councils' Word templates use, so a
#: Word file that names Arial lays out the same in Word, in LibreOffice and beside our PDF.
FAMILY = "Arimo"
WORD_FAMILY = "Arial"


@cache
def font_folder() -> Path:
    """The folder holding the family's font files (from the fontpkg-arimo wheel)."""
    import fontpkg_arimo

    return fontpkg_arimo.ROOT / "files"


def font_files() -> list[Path]:
    """Every font file of the family: regular and italic, each with its weight axis."""
    return sorted(font_folder().glob("*.ttf"))
