"""Model → `.qmd`: the report's Markdown, laid out by the Jinja2 templates under templates/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..model.assessment import COUNT_PLACEHOLDER, Assessment, Pico, Status, count_values, slug
from ..model.identity import identity_line
from ..model.labels import Labels, labels_for
from ..model.numerals import CountForm, count_form, starts_sentence, write_count

if TYPE_CHECKING:
    from .appraisal_figures import AppraisalFigures

RESOURCES = "resources"  # folder beside the .qmd holding what it refers to


@dataclass(frozen=True)
class Figure:
    """A generated figure: the .qmd names it without extension, each engine picks SVG or PNG."""

    stem: str  # e.g. resources/flow-primara
    svg: str
    png: bytes
    description: str  # the figure in words: alt text in HTML, picture description in Word


@cache
def environment():
    import jinja2

    from .templates import environment as templates_environment

    env = templates_environment(
        # HTML pages escape every value; Markdown is escaped per value with the `md` filter (HTML escaping
        # would print &amp; in the report).
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False,
                                            default=False),
        # pandoc's attribute syntax {#fig-id} is Jinja's comment opener; move Jinja comments out of its way
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["md"] = escape_markdown
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)  # JSON strings are YAML
    env.filters["grid_table"] = grid_table
    env.filters["list_item"] = list_item
    return env


# Every ASCII punctuation mark: pandoc's Markdown reads a backslash before any of them as that mark, literally.
# Escaping all of them, not the ones known to matter today, leaves no way for a value to open markup: no
# list or quote at a line start (- > 1) a.), no fence (::: ```), no attribute ({=typst}), no citation
# (@key), no math ($), no HTML (<), and straight quotes, -- and ... stay as typed.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """Plain text from the data (metadata, PICO, search terms, table cells, labels) that must print as typed,
    on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fill_counts(text: str, values: dict, labels: Labels) -> str:
    """Replace each {{search.count}} by its value: in digits, or in words where `{{search.count:words}}`
    asks for them or the count begins a sentence. Names and forms were verified by the checks."""
    def fill(m: re.Match) -> str:
        form = count_form(m[3]) or CountForm.DIGITS
        return write_count(values[f"{m[1]}.{m[2]}"], labels, form, starts_sentence(text, m.start()))

    return COUNT_PLACEHOLDER.sub(fill, text)


def grid_table(rows: list[tuple[str, str]], header: tuple[str, str]) -> str:
    """A two-column pandoc grid table: the only Markdown table whose cells hold several lines. Its header row
    names the columns, so that Word, the PDF and a screen reader know it as a table with headers."""
    from itertools import zip_longest

    cells = [(a.split("\n"), b.split("\n")) for a, b in [header, *rows]]
    left = max(len(line) for lines, _ in cells for line in lines) + 2
    right = max(len(line) for _, lines in cells for line in lines) + 2
    border = f"+{'-' * left}+{'-' * right}+"
    out = [border]
    for n, (labels, lines) in enumerate(cells):
        for label, line in zip_longest(labels, lines, fillvalue=""):
            out.append(f"| {label:<{left - 2}} | {line:<{right - 2}} |")
        out.append(border.replace("-", "=") if n == 0 else border)
    return "\n".join(out)


def report_type_line(report_type: str) -> str:
    """The kind of report as the title block prints it, above the title: "utlåtande" → "Utlåtande"."""
    kind = report_type.strip()
    return kind[:1].upper() + kind[1:]


def pico_rows(pico: Pico, labels: Labels) -> list[tuple[str, str]]:
    """The PICO table's rows, in the shape its pico.yaml gives (pico_table.py)."""
    from .pico_table import pico_rows as rows

    return rows(pico, labels)


def pico_blocks(assessment: Assessment, labels: Labels) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each PICO as (heading, its own question, table rows), heading and question as Markdown. With several
    PICOs one without a title is headed by its id."""
    from .pico_table import cell

    several = len(assessment.picos) > 1
    blocks = []
    for k, pico in enumerate(assessment.picos, start=1):
        heading = pico.title or (f"PICO {pico.id or k}" if several else "")
        blocks.append((escape_markdown(heading), cell(pico.question), pico_rows(pico, labels)))
    return blocks


def evidence_tables(assessment: Assessment, labels: Labels) -> list[tuple[str, str, list]]:
    """The evidence tables as (caption, table id, rows): one, or with several PICOs one per PICO that an
    evidence row names (its rows), and one of the rows that name none."""
    rows = assessment.evidence
    if len(assessment.picos) < 2 or not any(row.picos() for row in rows):
        return [(escape_markdown(labels.evidence), "tbl-evidence", rows)] if rows else []
    tables = []
    for k, pico in enumerate(assessment.picos, start=1):
        key = pico.id or str(k)
        answering = [row for row in rows if key in row.picos()]
        if answering:
            name = pico.title or f"PICO {key}"
            tables.append((escape_markdown(f"{labels.evidence}: {name}"), f"tbl-evidence-{slug(key) or k}", answering))
    unassigned = [row for row in rows if not row.picos()]
    if unassigned:
        tables.append((escape_markdown(labels.evidence), "tbl-evidence", unassigned))
    return tables


def list_item(text: str) -> str:
    """A conclusion as the report's list prints it: its lines after the first indented into the item, so that
    its paragraphs and lists stay in it. The checks read a conclusion as this too (check/printed.py)."""
    return "- " + _LINE_AFTER_THE_FIRST.sub("\n  ", text)


_LINE_AFTER_THE_FIRST = re.compile(r"\n(?=[^\n])")  # a blank line stays empty


def render_qmd(assessment: Assessment, figures: dict[str, Figure], appraisal: list[AppraisalFigures],
               csl_name: str) -> str:
    """The whole report as Quarto Markdown, read alike by pandoc and by Quarto: `figures` the flow diagrams,
    `appraisal` the figures of the appraisals per domain (appraisal_figures.figures_of)."""
    from ..convert.inert import QUARTO_READ_FORMAT, quarto_inert
    from ..model.appraisal import is_domain_column
    from .appraisal_figures import report_blocks as appraisal_blocks
    from . import sof
    from .shapes import aspect_tables, conclusion_blocks, title_lines
    from ..model.styles import default_style

    style = assessment.style or default_style()
    labels = style.labels(labels_for(assessment.meta.language))
    values = count_values(assessment)

    def prose(text: str) -> str:
        # the author writes figures/x.png; beside the .qmd the picture lies in resources/figures/
        text = re.sub(r"(!\[[^\]]*\]\(\s*<?)figures/", rf"\1{RESOURCES}/figures/", text)
        return quarto_inert(fill_counts(text, values, labels)).strip()

    meta = assessment.meta
    councils = labels.join(meta.councils)
    decision = meta.decision
    decision_line = ""
    if decision and decision.group and decision.date:
        template = labels.decided_line if meta.status is Status.DECIDED else labels.decision_line
        decision_line = template.format(group=decision.group, date=decision.date.isoformat(),
                                        presenter=decision.presenter)
    return environment().get_template("report.qmd.j2").render(
        a=assessment,
        meta=meta,
        labels=labels,
        councils=councils,
        report_type=report_type_line(meta.report_type),
        identity=identity_line(meta, labels),
        banner=labels.banner.get(meta.status.value, ""),
        # the author's own heading is prose; the label is plain text. A section holding only the authors'
        # comments (as `hta new` writes an optional one) is absent
        sections={key.value: (section.title or escape_markdown(labels.section(key.value)), prose(section.text))
                  for key, section in assessment.sections.items() if section.text.strip()},
        picos=pico_blocks(assessment, labels),
        # the per-domain ratings ("D1", "Q4") are shown by the appraisal figures and their tables instead
        extra_columns=list(dict.fromkeys(c for row in assessment.evidence for c in row.extra
                                         if not is_domain_column(c))),
        evidence_tables=evidence_tables(assessment, labels),
        summary_of_findings=sof.tables(assessment, labels),
        # the house style's order of parts, conclusion form, aspect tables and title block (styles.py); each
        # bullet with the outcomes it rests on, linked to their summary-of-findings rows (sof.py)
        order=[part.value for part in style.sections],
        conclusion_blocks=conclusion_blocks(
            assessment.conclusions, meta, style, labels,
            lambda bullet, key, k: sof.bullet_markdown(prose(bullet.text), bullet, key, k, assessment, labels,
                                                       linked="evidence" in {part.value for part in style.sections})),
        aspect_tables=aspect_tables(assessment.aspects, labels),
        title=title_lines(assessment, style, labels),
        decision_line=decision_line,
        figures=figures,
        appraisal=appraisal_blocks(assessment, appraisal, RESOURCES),
        resources=RESOURCES,
        csl_name=csl_name,
        quarto_from=QUARTO_READ_FORMAT,
        authors=[", ".join(x for x in (a.name, a.title, a.affiliation) if x) for a in meta.authors],
    )
