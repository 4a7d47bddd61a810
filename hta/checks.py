"""The rules of `hta check`, applied to a typed assessment: each returns findings, none stops the others."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator

from . import rules
from .diagnostics import Diagnostic, Severity
from .model import COUNT_PLACEHOLDER, Assessment, Section, Status, count_values

Check = Callable[[Assessment], Iterator[Diagnostic]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def run_checks(assessment: Assessment) -> list[Diagnostic]:
    """Every rule over the assessment; completeness rules are warnings while it is a draft."""
    findings = [d for fn in CHECKS for d in fn(assessment)]
    if assessment.meta.status is Status.DRAFT:
        findings = [_relaxed(d) for d in findings]
    return findings


def _relaxed(d: Diagnostic) -> Diagnostic:
    rule = rules.RULES.get(d.code)
    if rule and rule.relaxed_in_draft and d.severity is Severity.ERROR:
        return Diagnostic(d.path, d.line, d.column, d.code, Severity.WARNING, d.message, d.hint)
    return d


# --- Prose --------------------------------------------------------------------------------------------

CITATION = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&\-+?<>~/]*[A-Za-z0-9_])")


def section_lines(section: Section) -> Iterator[tuple[int, str]]:
    for offset, line in enumerate(section.text.split("\n")):
        yield section.first_line + offset, line


@check
def unknown_counts(a: Assessment) -> Iterator[Diagnostic]:
    names = count_values(a)
    for section in a.sections.values():
        for number, line in section_lines(section):
            for match in COUNT_PLACEHOLDER.finditer(line):
                name = f"{match[1]}.{match[2]}"
                if name not in names:
                    close = difflib.get_close_matches(name, names, n=1)
                    hint = f"Did you mean {{{{{close[0]}}}}}?" if close else "See docs/assessment-format.md, 'Numbers in prose'."
                    yield section.source.at_line(rules.UNKNOWN_COUNT, number, f"{{{{{name}}}}} is not a count of the searches.",
                                                 hint, match.start() + 1)


@check
def unknown_citations(a: Assessment) -> Iterator[Diagnostic]:
    ids = {r.id for r in a.references}
    for section in a.sections.values():
        for number, line in section_lines(section):
            for match in re.finditer(r"\[[^\]]*@[^\]]*\]", line):
                for key in CITATION.findall(match[0]):
                    if key not in ids:
                        close = difflib.get_close_matches(key, ids, n=1)
                        hint = f'Did you mean "@{close[0]}"?' if close else "Add the reference with `hta refs import`."
                        yield section.source.at_line(rules.UNKNOWN_CITATION, number,
                                                     f'"@{key}" is not in the references.', hint,
                                                     line.index("@" + key, match.start()) + 1)
