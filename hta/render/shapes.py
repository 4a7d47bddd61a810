"""The parts of a report a house style shapes: the conclusions in its form, the structured aspects as tables,
and the lines of its title block."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model.aspects import Aspects, Economic, Ethics, Organisational
from ..model.assessment import Assessment, Bullet, Conclusions, Metadata
from ..model.labels import Labels
from ..model.styles import Style, TitleLine


@dataclass(frozen=True)
class ConclusionBlock:
    heading: str  # plain text
    items: list[str]  # Markdown, each a bullet (or a paragraph)
    paragraphs: bool  # a summarising judgement is prose, not a list


def conclusion_blocks(conclusions: Conclusions, meta: Metadata, style: Style, labels: Labels,
                      bullet_markdown: Callable[[Bullet, str, int], str]) -> list[ConclusionBlock]:
    """The conclusion lists in the style's order and with its headings, each bullet as `bullet_markdown`
    writes it (its text, and the outcomes it rests on). In the councils' form (Dalarna)
    what they note and judge is headed by the councils, in the grammar of one or several; the two lists are
    printed even when empty, as before. A list the assessment leaves empty is otherwise not printed."""
    councils = labels.join(meta.councils)
    one = len(meta.councils) == 1
    shapes = labels.shapes
    plain = style.conclusions.headings == "plain"
    headings = {
        "findings": shapes.findings if plain else (shapes.notes_that_one if one else labels.notes_that).format(councils=councils),
        "judgements": shapes.judgements if plain else (shapes.judges_that_one if one else labels.judges_that).format(councils=councils),
        "summary": shapes.summary, "recommendations": shapes.recommendations, "knowledge_gaps": shapes.knowledge_gaps,
    }
    blocks = []
    for key in style.conclusions.order:
        bullets = getattr(conclusions, key.value)
        always = not plain and key.value in {"findings", "judgements"}
        if bullets or always:
            blocks.append(ConclusionBlock(headings[key.value],
                                          [bullet_markdown(b, key.value, k) for k, b in enumerate(bullets)],
                                          key.value == "summary"))
    return blocks


def _amount(value: float, labels: Labels) -> str:
    """An amount as the language writes it: 150 000 (no-break space) in sv and nb, 150,000 in en."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if not labels.language.startswith("en"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text.replace("-", "\u2212")


def _signed(value: float, labels: Labels) -> str:
    return ("+" if value > 0 else "") + _amount(value, labels)


def economic_table(economic: Economic, labels: Labels) -> str:
    from .qmd import escape_markdown

    s = labels.shapes
    head = [s.economic_item, s.economic_current, s.economic_expected, s.economic_change]
    lines = ["| " + " | ".join(escape_markdown(h) for h in head) + " |", "|:---|--:|--:|--:|"]
    for item in economic.items:
        lines.append(f"| {escape_markdown(item.item)} | {_amount(item.current, labels)} | "
                     f"{_amount(item.expected, labels)} | {_signed(item.change, labels)} |")
    lines.append(f"| **{escape_markdown(s.economic_total)}** | **{_amount(economic.current, labels)}** | "
                 f"**{_amount(economic.expected, labels)}** | **{_signed(economic.change, labels)}** |")
    caption = s.economic_caption.format(currency=economic.currency, year=economic.year)
    out = "\n".join(lines) + f"\n\n: {escape_markdown(caption)} {{#tbl-economic}}\n"
    if economic.budget_room is not None:
        out += (f"\n{escape_markdown(s.economic_budget + ':')} {_amount(economic.budget_room, labels)} "
                f"{escape_markdown(economic.currency)}\n")
    return out


def organisational_table(organisational: Organisational, labels: Labels) -> str:
    from .pico_table import cell
    from .qmd import escape_markdown, grid_table

    s = labels.shapes
    rows = [(escape_markdown(getattr(s, key)), cell(getattr(organisational, key)))
            for key in ("staff", "premises", "other_units", "implementation") if getattr(organisational, key).strip()]
    if not rows:
        return ""
    header = (escape_markdown(labels.pico_part), escape_markdown(labels.pico_description))
    return grid_table(rows, header) + f"\n\n: {escape_markdown(s.organisational_caption)} {{#tbl-organisational}}\n"


def ethics_table(ethics: Ethics, labels: Labels) -> str:
    """The checklist as a grid table, the one Markdown table whose cells hold paragraphs: an answer keeps the
    author's paragraphs and line breaks, escaped line by line (pico_table.cell)."""
    from .pico_table import cell
    from .qmd import escape_markdown, grid_table

    s = labels.shapes
    rows = [(_wrapped(escape_markdown(q.question), 30), _wrapped(cell(q.answer), 50)) for q in ethics.questions]
    header = (escape_markdown(s.ethics_question), escape_markdown(s.ethics_answer))
    return grid_table(rows, header) + f"\n\n: {escape_markdown(s.ethics_caption)} {{#tbl-ethics}}\n"


def _wrapped(markdown: str, width: int) -> str:
    """Escaped Markdown with its long lines broken at spaces, which in a table cell are spaces still: pandoc
    sizes a grid table's columns by their longest lines, and an answer written on one long line would leave
    the question a sliver. A line break the author wrote (a line ending in a backslash) stays at its line's end;
    a line never begins with markup, as every punctuation mark of author text is escaped."""
    import textwrap

    return "\n".join("\n".join(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False)) or line
                     for line in markdown.split("\n"))


def aspect_tables(aspects: Aspects, labels: Labels) -> dict[str, str]:
    """Each structured aspect as Markdown, under the section it follows."""
    tables = {}
    if aspects.economic and aspects.economic.items:
        tables["economic"] = economic_table(aspects.economic, labels)
    if aspects.organisational:
        table = organisational_table(aspects.organisational, labels)
        if table:
            tables["organisational"] = table
    if aspects.ethics and aspects.ethics.questions:
        tables["ethical"] = ethics_table(aspects.ethics, labels)
    return tables


def title_lines(assessment: Assessment, style: Style, labels: Labels) -> dict[str, str]:
    """The title block's lines as plain text, empty where the style does not print one."""
    from ..model.identity import identity_line
    from .qmd import report_type_line

    meta = assessment.meta
    values = {
        TitleLine.REGION: meta.region, TitleLine.IDENTITY: identity_line(meta, labels),
        TitleLine.ORGANISATION: meta.organisation, TitleLine.UNIT: meta.unit,
        TitleLine.COUNCILS: labels.join(meta.councils), TitleLine.REPORT_TYPE: report_type_line(meta.report_type),
    }
    return {line.value: (value if line in style.title_block else "") for line, value in values.items()}
