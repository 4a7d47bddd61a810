"""SVG drawn as PNG for Word, in this process or in one of its own: resvg holds Python's lock while it
draws (a tenth of a second or more a diagram), stopping every other thread of the process that asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..convert.convert import Spare


def flow_png(svg: str) -> bytes:
    """An SVG (a flow diagram, or an author's picture) rasterised at twice its size on white, for Word.
    resvg sees the project's family and nothing else, so the PNG is the same on a machine with many
    fonts and on one with none; text asking for another family is set in ours, since resvg leaves out
    text it has no font for."""
    import resvg_py

    from ..convert.fonts import FAMILY, font_files

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="white", zoom=2, skip_system_fonts=True,
                                       font_files=[str(p) for p in font_files()], font_family=FAMILY,
                                       sans_serif_family=FAMILY,
                                       style_sheet=f"* {{ font-family: {FAMILY} !important }}"))


def draw_apart(drawings: list[tuple[str, Path]]) -> subprocess.Popen:
    """A process that draws each (svg, path) into its file, each written whole. It imports resvg and the
    font list, nothing of the model: it starts in a twentieth of a second. It gives way to pandoc and to this
    process (niceness 10): the Word file that needs its PNGs waits for pandoc's reading anyway, the PDF does not."""
    process = DRAWING.take()
    try:
        process.stdin.write(json.dumps([[svg, str(path)] for svg, path in drawings]))
        process.stdin.close()
    except OSError:  # it ended already; whoever needs the files draws them
        pass
    return process


def _drawing_process() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from hta.render.raster import _draw; _draw()"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            text=True, encoding="utf-8")


DRAWING = Spare(_drawing_process)


def _draw() -> None:
    import resvg_py  # noqa: F401 -- loaded, with the font list, before the drawings are there to read

    from ..convert.fonts import font_files
    from ..paths import write_whole

    if hasattr(os, "nice"):
        os.nice(10)
    font_files()
    for svg, path in json.loads(sys.stdin.read()):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_whole(Path(path), flow_png(svg))
