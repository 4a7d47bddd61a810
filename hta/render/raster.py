"""SVG drawn as PNG for Word by Typst, which draws the same SVG into the PDF: in this process, or, on a machine
with cores to spare, in a process of its own while this one goes on."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..convert.spare import Spare

if TYPE_CHECKING:
    import subprocess

# One page the size of the picture, white, at twice its size (192 pixels an inch, its pixels being 96 an inch):
# sharp on a page of the Word file, where a diagram is set about 16 cm wide.
_PAGE = b'#set page(width: auto, height: auto, margin: 0pt, fill: white)\n#image("picture.svg")\n'
_SIZE = b'#context [#metadata(measure(image("picture.svg"))) <size>]'
PIXELS_PER_INCH = 192
LARGEST_SIDE_CM = 100  # a picture drawn larger would take gigabytes: Typst stops the whole process when it cannot


class PictureTooLarge(ValueError):
    """An SVG whose size is too large to draw as a PNG."""

    def __init__(self, width_cm: float, height_cm: float) -> None:
        super().__init__(f"{width_cm:.0f} × {height_cm:.0f} cm")
        self.width_cm, self.height_cm = width_cm, height_cm


def flow_png(svg: str) -> bytes:
    """An SVG (a flow diagram, or an author's picture) as a PNG for Word. Typst sees the project's fonts and
    nothing of the system's, so the PNG is the same on a machine with many fonts and on one with none; text
    asking for another family is set in ours. Typst reads nothing but the picture, alone in a folder. A
    picture larger than LARGEST_SIDE_CM on a side is PictureTooLarge, measured before it is drawn."""
    import typst

    from ..convert.fonts import typst_fonts

    fonts = typst_fonts()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "picture.svg").write_text(_in_our_family(svg), encoding="utf-8")
        size = json.loads(typst.query(_SIZE, "<size>", field="value", one=True, root=folder, **fonts))
        width, height = (float(size[side].removesuffix("pt")) * 2.54 / 72 for side in ("width", "height"))
        if max(width, height) > LARGEST_SIDE_CM:
            raise PictureTooLarge(width, height)
        return typst.compile(_PAGE, root=folder, format="png", ppi=PIXELS_PER_INCH, **fonts)


def _in_our_family(svg: str) -> str:
    """The SVG with a style sheet, last in it so that it prevails, setting all its text in the project's family;
    a character the family lacks falls back to the project's others (the symbols' DejaVu Sans)."""
    from ..convert.fonts import FAMILY

    end = svg.rfind("</svg>")
    if end == -1:
        return svg
    return f"{svg[:end]}<style>* {{ font-family: {FAMILY} !important }}</style>{svg[end:]}"


def draw_apart(drawings: list[tuple[str, Path]]) -> subprocess.Popen:
    """A process that draws each (svg, path) into its file, each written whole. It imports Typst, nothing of
    the model. It gives way to pandoc and to this process (niceness 10): the Word file that
    needs its PNGs waits for pandoc's reading anyway, the PDF does not."""
    process = DRAWING.take()
    try:
        process.stdin.write(json.dumps([[svg, str(path)] for svg, path in drawings]))
        process.stdin.close()
    except OSError:  # it ended already; whoever needs the files draws them
        pass
    return process


#: The drawing process imports this module alone (and Typst): it starts for each assessment with a diagram.
DRAWER = "from hta.render.raster import _draw; _draw()"


def _drawing_process() -> subprocess.Popen:
    import subprocess  # here: the drawing process imports this module, and starts none

    return subprocess.Popen([sys.executable, "-c", DRAWER],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            text=True, encoding="utf-8")


DRAWING = Spare(_drawing_process)


def _draw() -> None:
    import typst  # noqa: F401 -- loaded before the drawings are there to read

    from ..paths import write_whole

    if hasattr(os, "nice"):
        os.nice(10)
    for svg, path in json.loads(sys.stdin.read()):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_whole(Path(path), flow_png(svg))
