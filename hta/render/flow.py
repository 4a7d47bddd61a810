"""The PRISMA 2020 flow diagram of one search, as SVG: for HTML and the PDF, and drawn as PNG for Word (raster.py)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cache

from jinja2 import Template

from ..model.assessment import Search, slug
from ..model.labels import Labels

FONT_SIZE = 13
LINE = 18  # baseline to baseline
PAD = 10  # inside a box, around its text
CHAR = 0.55 * FONT_SIZE  # a wide average advance (wider than Arimo's), so wrapped text always fits its box
# the project's family first; Arial has its metrics, so a page without Arimo still fits the boxes
FONT_FAMILY = "Arimo, Arial, Helvetica, sans-serif"
COLUMN = 320
GAP_X = 50  # between the two columns: room for the sideways arrow
GAP_Y = 36  # between rows: room for the downward arrow
STAGE = 28  # width of the stage bars on the far left
MARGIN = 10
INDENT = 12
NBSP = "\u00a0"
LEFT = MARGIN + STAGE + 16
RIGHT = LEFT + COLUMN + GAP_X
WIDTH = RIGHT + COLUMN + MARGIN
MIN_HEIGHT = 2 * LINE + 2 * PAD

@dataclass(frozen=True)
class Line:
    text: str
    indent: int = 0  # breakdown lines ('PubMed (n = 112)') sit under their heading


@dataclass(frozen=True)
class Box:
    """One box: where it is and its text, already wrapped into lines."""

    key: str  # the Counts field it shows, e.g. "duplicates"
    x: int
    y: int
    width: int
    height: int
    lines: tuple[Line, ...]

    @property
    def texts(self) -> list[tuple[int, int, str]]:
        """x, baseline y and text of each line."""
        # the text block is centred vertically, so a box stretched to its row's height still looks balanced
        top = self.y + (self.height - len(self.lines) * LINE) // 2
        return [(self.x + PAD + line.indent, top + (i + 1) * LINE - 5, line.text) for i, line in enumerate(self.lines)]


@dataclass(frozen=True)
class Arrow:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Stage:
    """A bar on the far left naming the PRISMA stage of the rows beside it."""

    label: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Diagram:
    id: str  # prefix of the SVG's ids, unique per search so several diagrams can share one HTML page
    width: int
    height: int
    font_size: int
    font_family: str
    title: str
    description: str
    stages: tuple[Stage, ...]
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


@dataclass(frozen=True)
class _Text:
    """What one box says: a heading, item lines such as 'PubMed (n = 112)', and its count."""

    key: str
    heading: str
    count: str
    items: tuple[str, ...] = ()

    def lines(self) -> tuple[Line, ...]:
        def wrap(text: str, indent: int = 0) -> list[Line]:
            width = int((COLUMN - 2 * PAD - indent) / CHAR)
            return [Line(t.replace(NBSP, " "), indent) for t in textwrap.wrap(text, width)]

        return tuple(wrap(f"{self.heading} ({self.count})") + [x for item in self.items for x in wrap(item, INDENT)])

    def sentence(self) -> str:
        items = f": {', '.join(self.items)}" if self.items else ""
        return f"{self.heading} ({self.count}){items}.".replace(NBSP, " ")


def flow_svg(search: Search, labels: Labels) -> str:
    """The flow diagram of one search as a standalone SVG document."""
    return diagram_svg(diagram(search, labels))


def diagram_svg(laid_out: Diagram) -> str:
    """A diagram already laid out, drawn as a standalone SVG document."""
    return _template().render(diagram=laid_out)


def diagram(search: Search, labels: Labels) -> Diagram:
    """Boxes, arrows and stage bars of the flow diagram, with every number from `search.counts()`."""
    counts, flow = search.counts(), labels.flow

    def n(value: int | None) -> str:
        # never wrapped inside: "(n =" at the end of a line and "7)" on the next reads badly
        return f"n = {flow.not_reported if value is None else value}".replace(" ", NBSP)

    names = {db.id: db.name for db in search.databases}
    reasons = {e.id: e.reason for e in search.screening.exclusions}
    rows = [
        (_Text("identified", flow.records_identified, n(counts.identified),
               tuple(f"{names[k]} ({n(v)})" for k, v in counts.hits.items())),
         _Text("duplicates", flow.duplicates_removed, n(counts.duplicates))),
        (_Text("screened", flow.records_screened, n(counts.screened)),
         _Text("excluded_screening", flow.records_excluded, n(counts.excluded_screening))),
        (_Text("fulltext", flow.fulltext_assessed, n(counts.fulltext)),
         _Text("excluded", flow.fulltext_excluded, n(counts.excluded),
               tuple(f"{reasons[k]} ({n(v)})" for k, v in counts.excluded_by_reason.items()))),
        (_Text("included", flow.studies_included, n(counts.included)), None),
    ]
    # rows of each stage, top to bottom: identification, screening, included
    stages = [(flow.identification, [0]), (flow.screening, [1, 2]), (flow.included, [3])]

    heights = [max(MIN_HEIGHT, *(len(t.lines()) * LINE + 2 * PAD for t in row if t)) for row in rows]
    for label, members in stages:
        # a stage's rotated label must fit along its bar
        short = int(len(label) * CHAR) + 2 * PAD - (sum(heights[i] for i in members) + GAP_Y * (len(members) - 1))
        if short > 0:
            heights[members[-1]] += short
    tops = [MARGIN + sum(heights[:i]) + GAP_Y * i for i in range(len(rows))]

    boxes: list[Box] = []
    arrows: list[Arrow] = []
    for i, (left, right) in enumerate(rows):
        top, height = tops[i], heights[i]
        boxes.append(Box(left.key, LEFT, top, COLUMN, height, left.lines()))
        if right:
            boxes.append(Box(right.key, RIGHT, top, COLUMN, height, right.lines()))
            arrows.append(Arrow(LEFT + COLUMN, top + height // 2, RIGHT, top + height // 2))
        if i + 1 < len(rows):
            arrows.append(Arrow(LEFT + COLUMN // 2, top + height, LEFT + COLUMN // 2, tops[i + 1]))
    stage_bars = tuple(
        Stage(label, MARGIN, tops[members[0]], STAGE, tops[members[-1]] + heights[members[-1]] - tops[members[0]])
        for label, members in stages)

    texts = [t for row in rows for t in row if t]
    return Diagram(
        id=f"flow-{slug(search.id) or 'search'}",
        width=WIDTH,
        height=tops[-1] + heights[-1] + MARGIN,
        font_size=FONT_SIZE,
        font_family=FONT_FAMILY,
        title=search.title,
        description=" ".join(t.sentence() for t in texts),
        stages=stage_bars,
        boxes=tuple(boxes),
        arrows=tuple(arrows),
    )


@cache
def _template() -> Template:
    from .templates import environment

    # escaped for SVG: authors write reasons such as "Fel population <18 år"
    return environment(autoescape=True).get_template("flow.svg.j2")
