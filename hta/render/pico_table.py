"""A PICO as the two-column table the regions print: labelled parts (P1, C2), a reference-standard row for a
diagnostic question, GRADE tier headings or O-numbers with sub-items, and line breaks kept."""

from __future__ import annotations

from ..model.assessment import Outcome
from ..model.labels import Labels
from ..model.pico import TIERS, Pico


def cell(text: str) -> str:
    """Author text for a grid-table cell: each line escaped; a line break kept as a hard break, an empty
    line as a new paragraph. One line is escaped exactly as before line breaks were kept."""
    from .qmd import escape_markdown

    paragraphs = [p for p in text.replace("\r", "").split("\n\n") if p.strip()]
    return "\n\n".join("\\\n".join(escape_markdown(line) for line in p.split("\n") if line.strip())
                       for p in paragraphs)


def _element(pico: Pico, key: str) -> str:
    """One text, or its labelled parts each as a paragraph: 'P1: …'."""
    from .qmd import escape_markdown

    parts = pico.parts(key)
    if not parts:
        return cell(getattr(pico, key))
    return "\n\n".join(f"{escape_markdown(p.label + ':')} {cell(p.text)}" for p in parts)


def _named(outcome: Outcome, labels: Labels) -> str:
    # a declared knowledge gap is marked where the outcome is listed: "Motorik (kunskapslucka)"
    return f"{outcome.name} ({labels.knowledge_gap})" if outcome.knowledge_gap else outcome.name


def outcome_cell(pico: Pico, labels: Labels) -> str:
    from .qmd import escape_markdown

    o, shapes = pico.outcomes, labels.shapes

    def sentence(title: str, items) -> str:
        return f"{escape_markdown(title)}: {escape_markdown(', '.join(_named(x, labels) for x in items))}."

    def heading(title: str, lines: list[str]) -> str:
        return "\n".join([f"**{escape_markdown(title)}**\\"] + ["\\\n".join(lines)])

    paragraphs = []
    if o.primary or o.secondary or not o.forms():
        paragraphs.append(sentence(labels.primary_outcomes, o.primary))
        if o.secondary:
            paragraphs.append(sentence(labels.secondary_outcomes, o.secondary))
    for tier in TIERS:
        if getattr(o, tier):
            paragraphs.append(heading(getattr(shapes, tier),
                                      [escape_markdown(_named(x, labels)) for x in getattr(o, tier)]))
    if o.numbered:
        # a sub-item stands under its outcome, indented by two no-break spaces
        lines = []
        for outcome in o.numbered:
            lines.append(escape_markdown(f"{outcome.number}: {_named(outcome, labels)}"))
            # a sub-item stands under its outcome, indented by two no-break spaces
            lines += ["\u00a0\u00a0" + escape_markdown(f"{item.number}: {_named(item, labels)}") for item in outcome.items]
        paragraphs.append(heading(shapes.numbered, lines))
        if o.prioritised:
            paragraphs.append(f"{escape_markdown(shapes.prioritised)}: {escape_markdown(', '.join(o.prioritised))}.")
    return "\n\n".join(paragraphs)


def pico_rows(pico: Pico, labels: Labels) -> list[tuple[str, str]]:
    from .qmd import escape_markdown

    shapes = labels.shapes
    rows = [(labels.pico_population, _element(pico, "population"))]
    if pico.diagnostic:
        rows.append((shapes.index_test, cell(pico.index_test)))
        rows.append((shapes.reference_standard, cell(pico.reference_standard)))
        if pico.target_condition.strip():
            rows.append((shapes.target_condition, cell(pico.target_condition)))
        if pico.element_text("control").strip():
            rows.append((labels.pico_control, _element(pico, "control")))
    else:
        rows.append((labels.pico_intervention, _element(pico, "intervention")))
        if pico.no_comparator and not pico.element_text("control").strip():
            rows.append((labels.pico_control, escape_markdown(shapes.no_comparator)))
        else:
            rows.append((labels.pico_control, _element(pico, "control")))
    rows.append((labels.pico_outcome, outcome_cell(pico, labels)))
    return [(escape_markdown(label), text) for label, text in rows]
