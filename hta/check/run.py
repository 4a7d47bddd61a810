"""`hta check`'s rules run over a typed assessment: each rule registers with @check and yields findings, and
none stops the others; the author's `hta: ignore` marks and the assessment's status have the last word."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .. import rules
from ..diagnostics import Diagnostic, Severity
from ..load.reader import Source
from ..model.assessment import Assessment, Status

Check = Callable[[Assessment], Iterator[Diagnostic]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def run_checks(assessment: Assessment) -> list[Diagnostic]:
    """Every rule over the assessment, less what the author's `hta: ignore` marks silence, at the severity
    its status calls for."""
    from .suppressions import apply

    findings = apply(assessment, [d for fn in CHECKS for d in fn(assessment)])
    return [at_status(d, assessment.meta.status) for d in findings]


def at_status(d: Diagnostic, status: Status) -> Diagnostic:
    """A draft may be incomplete: completeness rules are warnings. From for-decision on every rule must
    pass: warnings are errors. Notes (what cannot be verified) stay notes."""
    severity = d.severity
    if status is Status.DRAFT and rules.RULES[d.code].relaxed_in_draft and severity is Severity.ERROR:
        severity = Severity.WARNING
    elif status in (Status.FOR_DECISION, Status.DECIDED) and severity is Severity.WARNING:
        severity = Severity.ERROR
    return Diagnostic(d.path, d.line, d.column, d.code, severity, d.message, d.hint)


def source_of(a: Assessment, name: str) -> Source:
    """The file `name` as it was read, for the positions of its values; a stand-in when it was not."""
    return a.sources.get(name) or Source(a.folder / name)


# Every module of rules registers its rules when imported.
from . import appraisal, certainty, printed, prose, references, searches, shapes, structure  # noqa: E402,F401
