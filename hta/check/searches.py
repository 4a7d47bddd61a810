"""The searches and their screening: each count where it belongs, and the sums that must hold."""

from __future__ import annotations

from collections.abc import Iterator

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import N_, _
from ..model.assessment import Assessment
from .run import check, source_of


# --- Searches ----------------------------------------------------------------------------------------

@check
def search_lines(a: Assessment) -> Iterator[Diagnostic]:
    source = source_of(a, "searches.yaml")
    decided = a.meta.decision.date if a.meta.decision and a.meta.decision.date else None
    for i, search in enumerate(a.searches):
        for j, db in enumerate(search.databases):
            where = (i, "databases", j)
            misnumbered = [(k, line) for k, line in enumerate(db.lines) if line.n != k + 1]
            for k, line in misnumbered:
                yield source.at(rules.LINE_NUMBERS, where + ("lines", k, "n"),
                                _("{database}: line {place} is numbered {number}.").format(
                                    database=db.name, place=k + 1, number=line.n),
                                _("Number the lines 1, 2, 3, … in order; this one should be {place}.").format(place=k + 1))
            if misnumbered:
                continue  # which line a combination means is unclear until the numbering is fixed
            seen: set[int] = set()
            for k, line in enumerate(db.lines):
                for ref in line.combined_lines:
                    if ref >= line.n or ref not in seen:
                        yield source.at(rules.COMBINATION_REFERENCE, where + ("lines", k, "terms"),
                                        _('{database}: line {number} ("{terms}") refers to line {other}, '
                                          "which does not come before it.").format(
                                            database=db.name, number=line.n, terms=line.terms, other=ref))
                seen.add(line.n)
            if decided and db.date > decided:
                yield source.at(rules.SEARCH_DATE, where + ("date",),
                                _("{database} was searched {date}, after the decision date {decided}.").format(
                                    database=db.name, date=db.date.isoformat(), decided=decided.isoformat()))


# --- Screening ---------------------------------------------------------------------------------------

@check
def screening_arithmetic(a: Assessment) -> Iterator[Diagnostic]:
    source = source_of(a, "searches.yaml")
    for i, search in enumerate(a.searches):
        s, c = search.screening, search.counts()
        at = lambda key: (i, "screening", key)  # noqa: E731

        def unverifiable(what: str, missing: str) -> Diagnostic:
            return source.at(rules.UNVERIFIABLE, at(missing), _("{search}: {what} cannot be verified: "
                             "{missing} is recorded as not reported.").format(search=search.id, what=_(what), missing=missing))

        if isinstance(s.identified, int) and s.identified != c.identified:
            yield source.at(rules.SCREENING_SUM, at("identified"),
                            _("{search}: identified is {identified}, but the databases' hits add up to {hits}.").format(
                                search=search.id, identified=s.identified, hits=c.identified),
                            _("Correct the hits or the identified count; the report prints the sum of the hits."))
        if isinstance(s.screened, int):
            if c.duplicates is None:
                yield unverifiable(N_("identified − duplicates = screened"), "duplicates")
            elif c.identified - c.duplicates != s.screened:
                yield source.at(rules.SCREENING_SUM, at("screened"),
                                _("{search}: identified {identified} − duplicates {duplicates} = "
                                  "{difference}, but screened is {screened}.").format(
                                    search=search.id, identified=c.identified, duplicates=c.duplicates,
                                    difference=c.identified - c.duplicates, screened=s.screened))
        elif s.screened is None and c.duplicates is None:
            yield unverifiable(N_("the number screened"), "duplicates")
        if isinstance(s.excluded_screening, int):
            if c.screened is None or c.fulltext is None:
                yield unverifiable(N_("screened − excluded = full texts"), "duplicates" if c.screened is None else "fulltext")
            elif c.screened - s.excluded_screening != c.fulltext:
                yield source.at(rules.SCREENING_SUM, at("excluded_screening"),
                                _("{search}: screened {screened} − excluded {excluded} = "
                                  "{difference}, but full texts are {fulltext}.").format(
                                    search=search.id, screened=c.screened, excluded=s.excluded_screening,
                                    difference=c.screened - s.excluded_screening, fulltext=c.fulltext))
        if c.fulltext is not None and c.fulltext - c.excluded != c.included:
            yield source.at(rules.SCREENING_SUM, at("included"),
                            _("{search}: full texts {fulltext} − excluded {excluded} = "
                              "{difference}, but {included} are included.").format(
                                search=search.id, fulltext=c.fulltext, excluded=c.excluded,
                                difference=c.fulltext - c.excluded, included=c.included),
                            _("Every full text is either excluded with a reason or included."))
        for name, value in (("duplicates", c.duplicates), ("screened", c.screened),
                            ("excluded_screening", c.excluded_screening)):
            if value is not None and value < 0:
                yield source.at(rules.SCREENING_SUM, at(name), _("{search}: {name} comes out negative ({value}).").format(
                    search=search.id, name=name, value=value))
        for k, exclusion in enumerate(s.exclusions):
            if not exclusion.reason.strip():
                yield source.at(rules.EXCLUSION_REASON, at("exclusions") + (k, "reason"),
                                _("{search}: an exclusion has no reason.").format(search=search.id),
                                _("Write why, e.g. 'Fel studiedesign'."))
            if exclusion.count is not None and exclusion.count < len(exclusion.references):
                yield source.at(rules.SCREENING_SUM, at("exclusions") + (k, "count"),
                                _("{search}: count {count} is less than the {listed} references listed.").format(
                                    search=search.id, count=exclusion.count, listed=len(exclusion.references)))
