"""Model → `.qmd`: the report's Markdown, laid out by the Jinja2 templates under templates/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from .labels import TEMPLATES, Labels, labels_for
from .model import COUNT_PLACEHOLDER, Assessment, Pico, Status, count_values
from .numerals import CountForm, count_form, starts_sentence, write_count

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

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # HTML pages escape every value; Markdown is escaped per value with the `md` filter (HTML escaping
        # would print &amp; in the report).
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False,
                                            default=False),
        undefined=jinja2.StrictUndefined,  # a misspelt variable must fail the build, not print nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # pandoc's attribute syntax {#fig-id} is Jinja's comment opener; move Jinja comments out of its way
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters["md"] = escape_markdown
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)  # JSON strings are YAML
    env.filters["grid_table"] = grid_table
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
    cells = [(a, b.split("\n")) for a, b in [header, *rows]]
    left = max(len(a) for a, _ in cells) + 2
    right = max(len(line) for _, lines in cells for line in lines) + 2
    border = f"+{'-' * left}+{'-' * right}+"
    out = [border]
    for n, (label, lines) in enumerate(cells):
        for i, line in enumerate(lines):
            out.append(f"| {(label if i == 0 else ''):<{left - 2}} | {line:<{right - 2}} |")
        out.append(border.replace("-", "=") if n == 0 else border)
    return "\n".join(out)


def report_type_line(report_type: str) -> str:
    """The kind of report as the title block prints it, above the title: "utlåtande" → "Utlåtande"."""
    kind = report_type.strip()
    return kind[:1].upper() + kind[1:]


def pico_rows(pico: Pico, labels: Labels) -> list[tuple[str, str]]:
    def named(outcome) -> str:
        # a declared knowledge gap is marked where the outcome is listed: "Motorik (kunskapslucka)"
        return f"{outcome.name} ({labels.knowledge_gap})" if outcome.knowledge_gap else outcome.name

    def outcomes(title: str, items) -> str:
        return f"{escape_markdown(title)}: {escape_markdown(', '.join(named(o) for o in items))}."

    outcome_lines = [outcomes(labels.primary_outcomes, pico.outcomes.primary)]
    if pico.outcomes.secondary:
        outcome_lines += ["", outcomes(labels.secondary_outcomes, pico.outcomes.secondary)]
    return [
        (escape_markdown(labels.pico_population), escape_markdown(pico.population)),
        (escape_markdown(labels.pico_intervention), escape_markdown(pico.intervention)),
        (escape_markdown(labels.pico_control), escape_markdown(pico.control)),
        (escape_markdown(labels.pico_outcome), "\n".join(outcome_lines)),
    ]


def render_qmd(assessment: Assessment, figures: dict[str, Figure], csl_name: str) -> str:
    """The whole report as Quarto Markdown, read alike by pandoc and by Quarto."""
    from .appraisal import is_domain_column
    from .appraisal_figures import report_blocks as appraisal_blocks
    from . import sof

    labels = labels_for(assessment.meta.language)
    values = count_values(assessment)

    def prose(text: str) -> str:
        # the author writes figures/x.png; beside the .qmd the picture lies in resources/figures/
        text = re.sub(r"(!\[[^\]]*\]\(\s*<?)figures/", rf"\1{RESOURCES}/figures/", text)
        return fill_counts(text, values, labels).strip()

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
        banner=labels.banner.get(meta.status.value, ""),
        # the author's own heading is prose; the label is plain text. A section holding only the authors'
        # comments (as `hta new` writes an optional one) is absent
        sections={key.value: (section.title or escape_markdown(labels.section(key.value)), prose(section.text))
                  for key, section in assessment.sections.items() if section.text.strip()},
        picos=[(pico, pico_rows(pico, labels)) for pico in assessment.picos],
        # the per-domain ratings ("D1", "Q4") are shown by the appraisal figures and their tables instead
        extra_columns=list(dict.fromkeys(c for row in assessment.evidence for c in row.extra
                                         if not is_domain_column(c))),
        findings=[sof.bullet_markdown(prose(f.text), f, "findings", k, assessment, labels)
                  for k, f in enumerate(assessment.conclusions.findings)],
        judgements=[sof.bullet_markdown(prose(j.text), j, "judgements", k, assessment, labels)
                    for k, j in enumerate(assessment.conclusions.judgements)],
        summary_of_findings=sof.tables(assessment, labels),
        notes_heading=labels.notes_that.format(councils=councils),
        judges_heading=labels.judges_that.format(councils=councils),
        decision_line=decision_line,
        figures=figures,
        appraisal=appraisal_blocks(assessment, RESOURCES),
        resources=RESOURCES,
        csl_name=csl_name,
        authors=[", ".join(x for x in (a.name, a.title, a.affiliation) if x) for a in meta.authors],
    )
