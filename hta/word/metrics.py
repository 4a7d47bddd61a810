"""How wide a text is in the report's family: Word's tables are sized from it, as a typesetter would."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Advances:
    """Advance widths of one style of the family, in font units."""

    units_per_em: int
    widths: dict[int, float]  # code point -> advance
    fallback: float  # for a character the family lacks: as wide as the widest digit, 'W' or 'M'

    def width(self, text: str, size: float) -> float:
        """Width of `text` set at `size` points, in points (no kerning: Word does not kern by default)."""
        return sum(self.widths.get(ord(c), self.fallback) for c in text) * size / self.units_per_em


@cache
def advances(bold: bool = False, italic: bool = False) -> Advances:
    """The family's advances at regular or bold weight, read from the font files shipped with the project:
    measured once and kept (see fonts.derived), as reading a weight of a variable font takes a second."""
    import json

    from ..convert.fonts import derived

    data = json.loads(derived(advances_name(bold, italic), lambda: measured(bold, italic)))
    return Advances(data["units_per_em"], {int(code): width for code, width in data["widths"].items()},
                    data["fallback"])


def advances_name(bold: bool, italic: bool) -> str:
    from ..convert.fonts import derived_key

    return f"advances-{derived_key('advances', f'bold={bold}', f'italic={italic}')}.json"


def measured(bold: bool, italic: bool) -> str:
    """The advances read from the font file, as JSON (whole numbers stay whole: the sums come out the same)."""
    import json

    from fontTools.ttLib import TTFont

    from ..convert.fonts import font_files

    [path] = [p for p in font_files() if ("Italic" in p.name) == italic]
    font = TTFont(path)
    glyphs = font.getGlyphSet(location={"wght": 700 if bold else 400})
    widths = {code: glyphs[name].width for code, name in font.getBestCmap().items()}
    return json.dumps({"units_per_em": font["head"].unitsPerEm, "widths": widths,
                       "fallback": max(widths[ord(c)] for c in "0WM")}, sort_keys=True)


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width in points of `text` on one line."""
    return advances(bold, italic).width(text, size)

