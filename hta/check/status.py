"""The severity a finding has at the assessment's status: a module of its own, so that reading an assessment
(which says its files' findings at that severity) imports none of the rules."""

from __future__ import annotations

from .. import rules
from ..diagnostics import Diagnostic, Severity
from ..model.assessment import Status


def at_status(d: Diagnostic, status: Status) -> Diagnostic:
    """A draft may be incomplete: completeness rules are warnings. From for-decision on every rule must
    pass: warnings are errors. Notes (what cannot be verified) stay notes."""
    severity = d.severity
    if status is Status.DRAFT and rules.RULES[d.code].relaxed_in_draft and severity is Severity.ERROR:
        severity = Severity.WARNING
    elif status in (Status.FOR_DECISION, Status.DECIDED) and severity is Severity.WARNING:
        severity = Severity.ERROR
    return Diagnostic(d.path, d.line, d.column, d.code, severity, d.message, d.hint)
