"""The appraisal figures of one tool: a traffic-light figure (studies × domains) and a summary bar chart (share of
studies per judgement and domain), as SVG for HTML and PDF and PNG for Word, each described in words and given
again as a table beside it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cache

from jinja2 import Template

from ..model.appraisal import (FigureLabels, Level, StudyAppraisal, Tone, Tool, ToolAppraisals, appraisals,
                        figure_labels)
from ..model.assessment import Assessment
from .flow import FONT_FAMILY

FONT_SIZE = 13
SMALL = 11
CHAR = 0.55 * FONT_SIZE  # a wide average advance, as flow.py: text measured so always fits
LINE = 17
MARGIN = 12
CELL = 34  # column pitch of the traffic light
OVERALL_GAP = 8
RADIUS = 13
LABEL_WIDTH = 270  # domain names of the summary chart
BAR_WIDTH = 380
MIN_WIDTH = 560

# Fill and letter colour of each tone. Every letter reaches 4.5:1 against its fill (WCAG AA for text), and
# every circle and bar segment has a dark outline, so a pale fill still stands out from the white page.
COLOURS: dict[Tone, tuple[str, str]] = {
    Tone.GOOD: ("#1a7f37", "#ffffff"),
    Tone.FAIR: ("#f5c518", "#000000"),
    Tone.POOR: ("#e8710a", "#000000"),
    Tone.BAD: ("#b3261e", "#ffffff"),
    Tone.UNCLEAR: ("#a8c7fa", "#000000"),
    Tone.NONE: ("#ffffff", "#000000"),
}
OUTLINE = "#333333"


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle, end
    size: int = FONT_SIZE
    bold: bool = False
    fill: str = "#000000"


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    fill: str
    dashed: bool = False  # not rated: an empty, dashed circle


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = OUTLINE
    dashed: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Drawing:
    """A figure laid out: what the SVG template draws, and the figure in words."""

    id: str
    width: int
    height: int
    title: str
    description: str
    rects: tuple[Rect, ...]
    circles: tuple[Circle, ...]
    lines: tuple[Line, ...]
    texts: tuple[Text, ...]
    font_family: str = FONT_FAMILY
    font_size: int = FONT_SIZE


def _wrap(text: str, width: float, size: int = FONT_SIZE) -> list[str]:
    return textwrap.wrap(text, max(8, int(width / (0.55 * size)))) or [""]


def _percent(n: int, total: int, language: str) -> str:
    share = round(100 * n / total) if total else 0
    return f"{share}%" if language == "en" else f"{share}\u00a0%"


def _word(level: Level | None, labels: FigureLabels, language: str) -> str:
    return level.words.get(language) if level else labels.not_rated


def _columns(tool: Tool, labels: FigureLabels) -> list[str]:
    """The traffic light's column headings: the domain ids (an asterisk on AMSTAR 2's critical items), Overall."""
    heads = [d.id + ("*" if d.critical else "") for d in tool.domains]
    return heads + ([labels.overall] if tool.overall else [])


class _Canvas:
    """Shapes collected while laying out a figure."""

    def __init__(self) -> None:
        self.rects: list[Rect] = []
        self.circles: list[Circle] = []
        self.lines: list[Line] = []
        self.texts: list[Text] = []

    def mark(self, x: float, y: float, level: Level | None, r: float = RADIUS) -> None:
        """A judgement: its coloured circle with its symbol, or an empty dashed circle where none is given."""
        if level is None:
            self.circles.append(Circle(x, y, r, "#ffffff", dashed=True))
            return
        fill, ink = COLOURS[level.tone]
        self.circles.append(Circle(x, y, r, fill))
        size = FONT_SIZE if len(level.symbol) == 1 else SMALL
        self.texts.append(Text(x, y + size * 0.36, level.symbol, "middle", size, True, ink))

    def key(self, top: float, width: float, scales: list[tuple[str, list[Level]]], labels: FigureLabels,
            language: str, not_rated: bool) -> float:
        """The key under a figure: each scale's symbols and words; returns the y below it."""
        y = top
        for heading, levels in scales:
            entries: list[tuple[Level | None, str]] = [(lv, lv.words.get(language)) for lv in levels]
            if not_rated:
                entries.append((None, labels.not_rated))
            x = MARGIN
            if heading:
                self.texts.append(Text(x, y + 4, heading + ":", bold=True))
                x += len(heading) * CHAR + 14
            for level, word in entries:
                need = 24 + len(word) * CHAR + 14
                if x + need > width - MARGIN and x > MARGIN + 1:
                    x, y = MARGIN + 12, y + LINE + 6
                self.mark(x + 9, y, level, 9)
                self.texts.append(Text(x + 24, y + 4.5, word))
                x += need
            y += LINE + 8
        return y

    def drawing(self, id: str, width: float, height: float, title: str, description: str) -> Drawing:
        return Drawing(id, int(width), int(height), title, description, tuple(self.rects), tuple(self.circles),
                       tuple(self.lines), tuple(self.texts))


def traffic_light(group: ToolAppraisals, language: str) -> Drawing:
    """Studies down, domains across, a circle per judgement with its symbol; the domains' names in the key."""
    tool, labels = group.tool, figure_labels(language)
    heads = _columns(tool, labels)
    label_width = max(len(s.label) for s in group.studies) * CHAR + 2 * MARGIN
    # the Overall column is as wide as its heading, and set apart from the domains by a gap
    overall_extra = max(0, len(labels.overall) * SMALL * 0.55 - CELL) + 2 * OVERALL_GAP if tool.overall else 0
    grid_width = CELL * len(heads) + overall_extra
    width = max(MIN_WIDTH, MARGIN + label_width + grid_width + MARGIN)
    canvas = _Canvas()
    top = MARGIN
    if tool.groups:
        # QUADAS-2: a bracket naming the group over its domains (risk of bias, applicability)
        for g in tool.groups:
            members = [i for i, d in enumerate(tool.domains) if d.group == g.id]
            x1 = MARGIN + label_width + members[0] * CELL + 3
            x2 = MARGIN + label_width + (members[-1] + 1) * CELL - 3
            canvas.texts.append(Text((x1 + x2) / 2, top + 12, g.name.get(language), "middle", SMALL, True))
            canvas.lines.append(Line(x1, top + 18, x2, top + 18))
        top += 26
    for i, head in enumerate(heads):
        x = MARGIN + label_width + i * CELL + CELL / 2 + (overall_extra / 2 if i == len(tool.domains) else 0)
        canvas.texts.append(Text(x, top + 13, head, "middle", SMALL if i == len(tool.domains) else FONT_SIZE, True))
    top += 24
    canvas.texts.append(Text(MARGIN, top - 11, labels.study, bold=True))
    for row, study in enumerate(group.studies):
        y = top + row * CELL + CELL / 2
        if row % 2 == 0:  # banded rows guide the eye along a long row
            canvas.rects.append(Rect(MARGIN / 2, y - CELL / 2, width - MARGIN, CELL, "#f1f3f4", "none"))
        canvas.texts.append(Text(MARGIN, y + 4.5, study.label))
        for i, rated in enumerate(study.ratings):
            canvas.mark(MARGIN + label_width + i * CELL + CELL / 2, y, rated.level)
        if tool.overall:
            canvas.mark(MARGIN + label_width + len(tool.domains) * CELL + CELL / 2 + overall_extra / 2, y,
                        study.overall)
    y = top + len(group.studies) * CELL + 20
    y = _legend(canvas, group, y, width, labels, language)
    for d in tool.domains:
        for k, text in enumerate(_wrap(f"{d.id}{'*' if d.critical else ''}: {_domain_name(tool, d, language)}",
                                       width - 2 * MARGIN - 16, SMALL)):
            canvas.texts.append(Text(MARGIN + (16 if k else 0), y, text, size=SMALL))
            y += LINE - 2
    if any(d.critical for d in tool.domains):
        canvas.texts.append(Text(MARGIN, y, f"* {labels.critical}", size=SMALL))
        y += LINE - 2
    title = labels.traffic_caption.format(tool=tool.name)
    return canvas.drawing(f"appraisal-{tool.id}-traffic", width, y + MARGIN, title, traffic_description(group, language))


def _domain_name(tool: Tool, domain, language: str) -> str:
    group = tool.group_name(domain.group, language)
    return f"{group}: {domain.name.get(language)}" if group else domain.name.get(language)


def _legend(canvas: _Canvas, group: ToolAppraisals, y: float, width: float, labels: FigureLabels,
            language: str) -> float:
    tool = group.tool
    not_rated = any(r.level is None for s in group.studies for r in s.ratings)
    if tool.overall and tool.overall.scale:
        scales = [(f"{tool.domains[0].id}–{tool.domains[-1].id}", tool.scale), (labels.overall, tool.overall.scale)]
    else:
        scales = [("", tool.scale)]
    return canvas.key(y, width, scales, labels, language, not_rated) + 4


@dataclass(frozen=True)
class Share:
    """How many of the studies got one judgement in one domain (None: not rated)."""

    level: Level | None
    count: int
    total: int


def shares(group: ToolAppraisals) -> list[tuple[str, list[Share]]]:
    """Per domain (and Overall), the count of studies for each judgement of its scale, in scale order, and last
    the studies not rated there, if any."""
    total = len(group.studies)
    tool = group.tool
    rows: list[tuple[str, list[Level | None], list[Level]]] = [
        (d.id, [s.ratings[i].level for s in group.studies], tool.levels(d)) for i, d in enumerate(tool.domains)]
    if tool.overall and any(s.overall for s in group.studies):
        rows.append(("overall", [s.overall for s in group.studies], tool.overall_scale))
    out = []
    for key, given, levels in rows:
        counts = [Share(lv, sum(g is not None and g.id == lv.id for g in given), total) for lv in levels]
        missing = sum(g is None for g in given)
        out.append((key, counts + ([Share(None, missing, total)] if missing else [])))
    return out


def summary_chart(group: ToolAppraisals, language: str) -> Drawing:
    """One 100 % bar per domain, a segment per judgement with its symbol and share where it fits."""
    tool, labels = group.tool, figure_labels(language)
    width = MARGIN + LABEL_WIDTH + 12 + BAR_WIDTH + MARGIN + 20  # room for the "100 %" under the bar's end
    x0 = MARGIN + LABEL_WIDTH + 12
    canvas = _Canvas()
    y = MARGIN
    current_group = ""
    names = {d.id: d for d in tool.domains}
    for key, row in shares(group):
        domain = names.get(key)
        if domain and domain.group != current_group:
            current_group = domain.group
            canvas.texts.append(Text(MARGIN, y + 13, tool.group_name(domain.group, language), bold=True))
            y += LINE + 4
        name = f"{domain.id}{'*' if domain.critical else ''} {domain.name.get(language)}" if domain else labels.overall
        lines = _wrap(name, LABEL_WIDTH)
        height = max(26, len(lines) * LINE + 8)
        for k, text in enumerate(lines):
            canvas.texts.append(Text(MARGIN, y + (height - len(lines) * LINE) / 2 + (k + 1) * LINE - 4, text,
                                     bold=domain is None))
        x = x0
        for share in (s for s in row if s.count):
            w = BAR_WIDTH * share.count / share.total
            fill, ink = COLOURS[share.level.tone] if share.level else ("#ffffff", "#000000")
            canvas.rects.append(Rect(x, y + 3, w, height - 6, fill, dashed=share.level is None))
            label = f"{share.level.symbol if share.level else ''} {_percent(share.count, share.total, language)}".strip()
            if len(label) * CHAR + 6 > w:
                label = share.level.symbol if share.level and CHAR * len(share.level.symbol) + 6 <= w else ""
            if label:
                canvas.texts.append(Text(x + w / 2, y + height / 2 + 4.5, label, "middle", FONT_SIZE, True, ink))
            x += w
        y += height + 4
    for k in range(5):  # the scale: 0, 25, 50, 75, 100 %
        x = x0 + BAR_WIDTH * k / 4
        canvas.lines.append(Line(x, y, x, y + 5))
        canvas.texts.append(Text(x, y + 18, _percent(k, 4, language), "middle", SMALL))
    canvas.lines.append(Line(x0, y, x0 + BAR_WIDTH, y))
    y += 34
    y = _legend(canvas, group, y, width, labels, language)
    if any(d.critical for d in tool.domains):
        canvas.texts.append(Text(MARGIN, y, f"* {labels.critical}", size=SMALL))
        y += LINE - 2
    title = labels.summary_caption.format(tool=tool.name)
    return canvas.drawing(f"appraisal-{tool.id}-summary", width, y + MARGIN, title,
                          summary_description(group, language))


# --- The figures in words: alt text in HTML and the PDF, picture description in Word -----------------------

def traffic_description(group: ToolAppraisals, language: str) -> str:
    """Every study's judgement in every domain (and overall), in the report's language."""
    labels = figure_labels(language)
    studies = []
    for study in group.studies:
        parts = [f"{r.domain.id} {_word(r.level, labels, language).lower()}" for r in study.ratings]
        if group.tool.overall:
            parts.append(f"{labels.overall.lower()} {_word(study.overall, labels, language).lower()}")
        studies.append(f"{study.label}: {', '.join(parts)}.")
    return f"{group.tool.name}. " + " ".join(studies)


def summary_description(group: ToolAppraisals, language: str) -> str:
    """Every domain's count and share of studies per judgement."""
    labels = figure_labels(language)
    names = {d.id: d for d in group.tool.domains}
    rows = []
    for key, row in shares(group):
        name = f"{key} {names[key].name.get(language)}" if key in names else labels.overall
        counts = ", ".join(f"{_word(s.level, labels, language).lower()} {s.count} {labels.of} {s.total} "
                           f"({_percent(s.count, s.total, language)})" for s in row if s.count)
        rows.append(f"{name}: {counts}.")
    return f"{group.tool.name}. " + " ".join(rows)


# --- SVG and the report's figures ----------------------------------------------------------------------------

def drawing_svg(drawing: Drawing) -> str:
    return _template().render(d=drawing)


@cache
def _template() -> Template:
    from .templates import environment

    # escaped for SVG: study labels come from the references
    return environment(autoescape=True).get_template("appraisal.svg.j2")


@dataclass(frozen=True)
class AppraisalFigures:
    """One tool's two figures and the tables beside them, as the report prints them."""

    tool: Tool
    group: ToolAppraisals
    traffic: Drawing
    summary: Drawing

    @property
    def stem(self) -> str:
        return f"appraisal-{self.tool.id}"


def figures_of(a: Assessment) -> list[AppraisalFigures]:
    """The figures of every tool the evidence table rates per domain, in the order the table first uses it."""
    language = a.meta.language
    return [AppraisalFigures(g.tool, g, traffic_light(g, language), summary_chart(g, language)) for g in appraisals(a)]


def study_rows(figures: AppraisalFigures, language: str) -> list[tuple[StudyAppraisal, list[str]]]:
    """The traffic light as a table: each study's judgements in words."""
    labels = figure_labels(language)
    out = []
    for study in figures.group.studies:
        words = [_word(r.level, labels, language) for r in study.ratings]
        if figures.tool.overall:
            words.append(_word(study.overall, labels, language))
        out.append((study, words))
    return out


def share_rows(figures: AppraisalFigures, language: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The summary chart as a table: a column per judgement given, a row per domain, "2 (67 %)" in each cell and
    "–" where the judgement is not on that domain's scale (AMSTAR 2's items and its overall rating)."""
    labels = figure_labels(language)
    table = shares(figures.group)
    given = {_word(s.level, labels, language) for _key, row in table for s in row if s.count}
    order = [lv.words.get(language) for lv in [*figures.tool.scale, *figures.tool.overall_scale]] + [labels.not_rated]
    heads = [w for w in dict.fromkeys(order) if w in given]
    names = {d.id: d for d in figures.tool.domains}
    rows = []
    for key, row in table:
        by_word = {_word(s.level, labels, language): s for s in row}
        cells = [f"{s.count} ({_percent(s.count, s.total, language)})" if (s := by_word.get(h)) else "–"
                 for h in heads]
        name = f"{key} {_domain_name(figures.tool, names[key], language)}" if key in names else labels.overall
        rows.append((name, cells))
    return heads, rows


def column_heads(figures: AppraisalFigures, language: str) -> list[str]:
    return _columns(figures.tool, figure_labels(language))


# --- In the report ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportBlock:
    """What templates/appraisal.qmd.j2 prints for one tool, every text escaped for Markdown."""

    id: str
    traffic_stem: str
    summary_stem: str
    traffic_caption: str
    summary_caption: str
    traffic_table: str
    summary_table: str
    study_head: str
    columns: list[str]
    study_rows: list[tuple[str, list[str]]]
    key: str
    domain_head: str
    share_heads: list[str]
    share_rows: list[tuple[str, list[str]]]


def stems(figures: AppraisalFigures, resources: str) -> tuple[str, str]:
    return f"{resources}/{figures.traffic.id}", f"{resources}/{figures.summary.id}"


def report_blocks(a: Assessment, appraisal: list[AppraisalFigures], resources: str) -> list[ReportBlock]:
    """What the report prints of `appraisal`, the assessment's figures (`figures_of`)."""
    from .qmd import escape_markdown as md

    language = a.meta.language
    labels = figure_labels(language)
    blocks = []
    for figures in appraisal:
        tool = figures.tool
        traffic, summary = stems(figures, resources)
        key = "; ".join(f"{d.id}: {_domain_name(tool, d, language)}" for d in tool.domains)
        if any(d.critical for d in tool.domains):
            key += f"; * {labels.critical}"
        heads, rows = share_rows(figures, language)
        blocks.append(ReportBlock(
            id=f"appraisal-{tool.id}", traffic_stem=traffic, summary_stem=summary,
            traffic_caption=md(labels.traffic_caption.format(tool=tool.name)),
            summary_caption=md(labels.summary_caption.format(tool=tool.name)),
            traffic_table=md(labels.traffic_table.format(tool=tool.name)),
            summary_table=md(labels.summary_table.format(tool=tool.name)),
            study_head=md(labels.study), columns=[md(h) for h in column_heads(figures, language)],
            study_rows=[(f"{md(study.label)} [@{study.row.reference}]", [md(w) for w in words])
                        for study, words in study_rows(figures, language)],
            key=md(key), domain_head=md(labels.domain), share_heads=[md(h) for h in heads],
            share_rows=[(md(name), [md(c) for c in cells]) for name, cells in rows]))
    return blocks


def drawn(appraisal: list[AppraisalFigures], resources: str) -> list[tuple[str, Drawing]]:
    """Each figure drawn, by the stem the .qmd names it with."""
    return [pair for figures in appraisal for pair in zip(stems(figures, resources), (figures.traffic, figures.summary))]


def write_figures(appraisal: list[AppraisalFigures], out, png) -> dict:
    """Each tool's two figures as SVG and PNG beside the .qmd (`png(svg)` rasterises, cached), as the
    converters' figures by stem."""
    from .qmd import RESOURCES, Figure

    written = {}
    for stem, drawing in drawn(appraisal, RESOURCES):
        svg = drawing_svg(drawing)
        written[stem] = Figure(stem, svg, png(svg), drawing.description)
        (out / f"{stem}.svg").write_text(svg, encoding="utf-8")
        (out / f"{stem}.png").write_bytes(written[stem].png)
    return written
