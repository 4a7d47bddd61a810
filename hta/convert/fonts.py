"""The report's type family, shipped with the project: a PDF or picture set on any machine has the same letters."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from typing import Callable
from pathlib import Path

from ..paths import write_whole

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


@cache
def uncommon_characters() -> re.Pattern:
    """Matches each character past ASCII that is not surely printable: all that `can_print` need be asked
    of, so a text is scanned at the speed of a regular expression, not a letter at a time in Python."""
    ranges, start = [], None
    for code in sorted(SURELY_PRINTABLE | set(range(0x7F))):
        if start is None or code != end + 1:
            if start is not None:
                ranges.append((start, end))
            start = code
        end = code
    ranges.append((start, end))
    return re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


def can_print(char: str) -> bool:
    """Whether the family, or the symbol face for the certainty symbols, has a letter for `char`: all the PDF
    can print, as PDF/A sets every letter in it."""
    return ord(char) in SURELY_PRINTABLE or char in SYMBOLS or ord(char) in printable()


@cache
def symbol_font_file() -> Path:
    """DejaVu Sans, regular: the face of the certainty symbols (from the rinoh-typeface-dejavusans wheel)."""
    # found, not imported: importing the package loads rinohtype and parses the font, near two seconds
    spec = importlib.util.find_spec("rinoh_typeface_dejavusans")
    return Path(spec.origin).parent / "DejaVuSans.ttf"


def font_paths() -> list[str]:
    """What Typst may set text in: the family's folder and the symbol face, nothing of the system's."""
    return [str(font_folder()), str(symbol_font_file().parent)]  # Typst reads folders of fonts


def typst_fonts() -> dict:
    """Typst's font options for every compile, the PDF's and the Word PNGs': the project's fonts and none of the
    system's, so every machine sets the same letters."""
    return {"font_paths": font_paths(), "ignore_system_fonts": True}


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


#: How the web font is cut; part of a cut's key, so a change here makes every kept cut stale.
_CUT_OPTIONS = (("flavor", "woff2"),
                ("layout_features", ("*",)),  # kerning and ligatures as the full font has them
                ("hinting", False))  # screens of today render well unhinted; the file is a third smaller

#: What is derived from the font files and slow to make (cuts of the web font, the advance widths Word's
#: tables are measured with), kept between builds: set by the build to its cache folder
#: (`_build/.hta/cache/font`).
_kept_in: Path | None = None
#: The same, shipped with hta for the common case: the common cut (no letters beyond `_WEB_BASE`) and the
#: advance widths, so a first build on a fresh clone makes neither. Made again by `python -m hta.convert.fonts`;
#: a file is used only while its name, the key of what it was made from, still matches.
SHIPPED_CUTS = Path(__file__).resolve().parents[2] / "templates" / "webfont"


def keep_cuts_in(folder: Path | None) -> None:
    """Where what is derived from the font is kept between builds (None: only in this process)."""
    global _kept_in
    _kept_in = folder


def web_font_css(text: str) -> str:
    """@font-face rules that carry the family inside the page (WOFF2 as data: URIs), cut down to the
    common letters and any others in `text`, so a one-file HTML page shows the PDF's letters without
    fetching anything."""
    # line breaks and tabs are never drawn, and the symbols have a face of their own: left out, most pages
    # share the common cut, shipped with hta
    symbols = SYMBOLS & frozenset(text)
    return (_web_font_css(_WEB_BASE | frozenset(c for c in set(text) if c >= " " and c not in SYMBOLS), _kept_in)
            + (_symbol_font_css(symbols) if symbols else ""))


def cut_key(characters: frozenset[str]) -> str:
    """Everything a cut's bytes depend on: the font files, the letters, the options and the versions of
    fontTools and the Brotli compressor of WOFF2. Cutting takes seconds; this, milliseconds."""
    return derived_key("cut", "".join(sorted(characters)))


def derived_key(*parts: str) -> str:
    """The key of something derived from the font files: they, the cut's options, the versions of fontTools
    and Brotli, and `parts`, which say what is derived."""
    import hashlib

    h = hashlib.sha256()
    for part in (_cut_basis(), *(p.encode("utf-8", "surrogatepass") for p in parts)):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


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
def _cut_basis() -> bytes:
    """The part of every key that is the same for all: hashed once per process."""
    import hashlib
    from importlib.metadata import version

    h = hashlib.sha256()
    for part in [*(path.read_bytes() for path in font_files()), repr(_CUT_OPTIONS).encode(),
                 version("fonttools").encode(), version("brotli").encode()]:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest()


def derived(name: str, make: Callable[[], str]) -> str:
    """The text kept as `name` (named by its key), from this machine's earlier builds or as shipped; else
    `make()`, kept for the next build."""
    for folder in (_kept_in, SHIPPED_CUTS):
        if folder is not None and (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8")
    text = make()
    if _kept_in is not None:
        _kept_in.mkdir(parents=True, exist_ok=True)
        write_whole(_kept_in / name, text.encode("utf-8"))  # a worker reading it sees the whole file or none
    return text


@cache
def _web_font_css(characters: frozenset[str], kept_in: Path | None) -> str:
    # `kept_in` is part of what is remembered: a cut found in no folder is kept in the build's own
    return derived(f"{cut_key(characters)}.css", lambda: _cut(characters))


def _cut(characters: frozenset[str]) -> str:
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    rules = []
    for path in font_files():
        options = subset.Options()
        for option, value in _CUT_OPTIONS:
            setattr(options, option, list(value) if isinstance(value, tuple) else value)
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


def ship_common_cut() -> list[Path]:
    """Write the common cut and the advance widths into the shipped folder, replacing any stale ones: run
    after a new fontTools, Brotli or font version, or a change of `_CUT_OPTIONS` (a test says when)."""
    from ..word import metrics

    SHIPPED_CUTS.mkdir(exist_ok=True)
    for stale in [*SHIPPED_CUTS.glob("*.css"), *SHIPPED_CUTS.glob("*.json")]:
        stale.unlink()
    path = SHIPPED_CUTS / f"{cut_key(_WEB_BASE)}.css"
    path.write_text(_cut(_WEB_BASE), encoding="utf-8")
    written = [path]
    for bold in (False, True):
        for italic in (False, True):
            path = SHIPPED_CUTS / metrics.advances_name(bold, italic)
            path.write_text(metrics.measured(bold, italic), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    print("\n".join(map(str, ship_common_cut())))
