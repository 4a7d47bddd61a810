"""`hta check`'s rules run over a typed assessment: each rule registers with @check and yields findings, and
none stops the others; the author's `hta: ignore` marks and the assessment's status have the last word."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TypeVar

from ..diagnostics import Diagnostic
from ..load.reader import Source
from ..model.assessment import Assessment
from .status import at_status

Check = Callable[[Assessment], Iterator[Diagnostic]]
T = TypeVar("T")
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def once_per_assessment(fn: Callable[[Assessment], T]) -> Callable[[Assessment], T]:
    """`fn(a)` worked out once for the assessment being checked, as several checks ask for it: only the last
    assessment's is kept, so a library's check holds one at a time."""
    last: list = []  # [assessment, fn's result]

    @functools.wraps(fn)
    def once(a: Assessment) -> T:
        if not last or last[0] is not a:
            last[:] = [a, fn(a)]
        return last[1]

    return once


def run_checks(assessment: Assessment) -> list[Diagnostic]:
    """Every rule over the assessment, less what the author's `hta: ignore` marks silence, at the severity
    its status calls for."""
    from .suppressions import apply

    findings = apply(assessment, [d for fn in CHECKS for d in fn(assessment)])
    return [at_status(d, assessment.meta.status) for d in findings]


def source_of(a: Assessment, name: str) -> Source:
    """The file `name` as it was read, for the positions of its values; a stand-in when it was not."""
    return a.sources.get(name) or Source(a.folder / name)


# Every module of rules registers its rules when imported.
from . import appraisal, certainty, printed, prose, references, searches, shapes, structure  # noqa: E402,F401
