"""The report's type family, shipped with the project: a PDF or picture set on any machine has the same letters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: Arimo (SIL Open Font Licence) has the metrics of Arial, the family councils' Word templates use, so a
#: Word file that names Arial lays out the same in Word, in LibreOffice and beside our PDF.
FAMILY = "Arimo"
WORD_FAMILY = "Arial"

#: GRADE's certainty symbols (⊕⊕◯◯) are not in Arimo. DejaVu Sans has them and is a sans-serif of the same
#: build; its licence (Bitstream Vera's, DejaVu's changes in the public domain) lets it be embedded and shipped
#: like the OFL. The report takes only SYMBOLS from it; no fontpkg wheel carries a face with ⊕ (Noto Sans and
#: Noto Sans Symbols lack it; Symbols 2 and Math are not packaged).
SYMBOL_FAMILY = "DejaVu Sans"
SYMBOLS = frozenset("⊕⨁◯○⊝")
#: Word has no font we can ship; Segoe UI Symbol (Windows, Office) has ⊕ and ◯, and where it is missing Word
#: and LibreOffice take the symbols from a font that has them.
WORD_SYMBOL_FAMILY = "Segoe UI Symbol"


@cache
def font_folder() -> Path:
    """The folder holding the family's font files (from the fontpkg-arimo wheel)."""
    import fontpkg_arimo

    return fontpkg_arimo.ROOT / "files"


# Letters every version of the family has (Latin-1, Latin Extended-A, the common punctuation, €): text
# made of them is known printable without opening the font, so `hta check` need not import fontTools.
SURELY_PRINTABLE = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2028), *range(0x2030, 0x203B), 0x20AC, 0x2122])


def can_print(char: str) -> bool:
    """Whether the family, or the symbol face for the certainty symbols, has a letter for `char`: all the PDF
    can print, as PDF/A sets every letter in it."""
    return ord(char) in SURELY_PRINTABLE or char in SYMBOLS or ord(char) in printable()


@cache
def symbol_font_file() -> Path:
    """DejaVu Sans, regular: the face of the certainty symbols (from the rinoh-typeface-dejavusans wheel)."""
    import rinoh_typeface_dejavusans

    return Path(rinoh_typeface_dejavusans.__file__).parent / "DejaVuSans.ttf"


def font_paths() -> list[str]:
    """What Typst may set text in: the family's folder and the symbol face, nothing of the system's."""
    return [str(font_folder()), str(symbol_font_file().parent)]  # Typst reads folders of fonts


@cache
def printable() -> frozenset[int]:
    """Every character the family has a letter for: all the PDF can print, as PDF/A sets every letter in it."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in font_files():
        covered |= set(TTFont(path, lazy=True)["cmap"].getBestCmap())
    return frozenset(covered)


def font_files() -> list[Path]:
    """Every font file of the family: regular and italic, each with its weight axis."""
    return sorted(font_folder().glob("*.ttf"))


#: Always in the web font, whatever the page's text: the letters of the Nordic languages and their
#: neighbours, and the common signs. Most pages need nothing more, so most pages share one cut of the
#: font, made once per process: cutting it takes seconds, more than the rest of a page.
_WEB_BASE = frozenset(map(chr, SURELY_PRINTABLE))


def web_font_css(text: str) -> str:
    """@font-face rules that carry the family inside the page (WOFF2 as data: URIs), cut down to the
    common letters and any others in `text`, so a one-file HTML page shows the PDF's letters without
    fetching anything."""
    symbols = SYMBOLS & frozenset(text)
    return _web_font_css(_WEB_BASE | frozenset(text)) + (_symbol_font_css(symbols) if symbols else "")


@cache
def _symbol_font_css(characters: frozenset[str]) -> str:
    """The symbol face cut to the certainty symbols a page has."""
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    font = TTFont(symbol_font_file(), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    data = io.BytesIO()
    subset.save_font(font, data, options)
    return (f'\n@font-face {{ font-family: "{SYMBOL_FAMILY}"; font-style: normal; font-weight: 400 700; '
            f'src: url("data:font/woff2;base64,{base64.b64encode(data.getvalue()).decode()}") format("woff2"); }}')


@cache
def _web_font_css(characters: frozenset[str]) -> str:
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    rules = []
    for path in font_files():
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]  # kerning and ligatures as the full font has them
        options.hinting = False  # screens of today render well unhinted; the file is a third smaller
        font = TTFont(path, recalcTimestamp=False)  # the file's own date, not the time of the build
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in characters))
        subsetter.subset(font)
        data = io.BytesIO()
        subset.save_font(font, data, options)
        style = "italic" if "Italic" in path.name else "normal"
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-style: {style}; font-weight: 400 700; '
            f'src: url("data:font/woff2;base64,{base64.b64encode(data.getvalue()).decode()}") format("woff2"); }}')
    return "\n".join(rules)
