"""`hta check` for the ratings of the evidence table: per domain (HTA290–HTA294) and as a whole (HTA703)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from ..load.reader import Source
from ..model.appraisal import Level, Tool, amstar2_counts, appraisals, domain_cells, normal, read_level, tool_named, tools
from ..model.assessment import Assessment, EvidenceRow, evidence_column
from .run import check


def scale_words(levels: list[Level], language: str) -> str:
    """A scale as a finding lists it: the report language's words, and the English where they differ."""
    def both(lv: Level) -> str:
        word, english = lv.words.get(language), lv.words.en
        return f'"{word}"' if word.lower() == english.lower() else f'"{word}" ("{english}")'

    return ", ".join(both(lv) for lv in levels)


@check
def appraisal_ratings(a: Assessment) -> Iterator[Diagnostic]:
    evidence = a.sources.get("evidence")
    if evidence is None:
        return
    language = a.meta.language

    def column_of(heading: str) -> int | None:
        return evidence.positions.get(("column", heading), (None, None))[1]

    for row in a.evidence:
        cells = domain_cells(row)
        if not cells:
            continue
        tool = tool_named(row.appraisal_tool)
        if tool is None:
            names = ", ".join(t.name for t in tools())
            said = (_('"{tool}" is not an appraisal tool hta knows').format(tool=row.appraisal_tool)
                    if row.appraisal_tool.strip() else _("the row names no appraisal tool"))
            yield evidence.at_line(
                rules.APPRAISAL_TOOL, row.row,
                _("row {row}: {said}, so its per-domain ratings ({domains}) cannot be read.").format(
                    row=row.row, said=said, domains=", ".join(cells)),
                _("Write one of: {names} in the appraisal_tool column; for a tool or version not listed, add a file "
                  "to templates/appraisal/.").format(names=names),
                _column(evidence, "appraisal_tool"))
            continue
        yield from _cells(a, row, tool, cells, column_of, language)


def _column(source: Source, canonical: str) -> int | None:
    """The column of a known column ("rating") under whichever heading the author gave it ("Bedömning")."""
    return next((col for loc, (_line, col) in source.positions.items()
                 if len(loc) == 2 and loc[0] == "column" and evidence_column(str(loc[1])) == canonical), None)


def _cells(a: Assessment, row: EvidenceRow, tool: Tool, cells: dict[str, tuple[str, str]], column_of,
           language: str) -> Iterator[Diagnostic]:
    evidence = a.sources["evidence"]
    for domain_id, (heading, value) in cells.items():
        domain = tool.domain(domain_id)
        if domain is None:
            yield evidence.at_line(
                rules.APPRAISAL_DOMAIN, row.row,
                _('row {row}: {tool} has no domain "{domain}" (column "{heading}").').format(
                    row=row.row, tool=tool.name, domain=domain_id, heading=heading),
                _("{tool} has the domains {ids}; leave the cell empty or move the rating to its domain.").format(
                    tool=tool.name, ids=", ".join(d.id for d in tool.domains)),
                column_of(heading))
            continue
        levels = tool.levels(domain)
        if read_level(value, levels) is None:
            yield evidence.at_line(
                rules.APPRAISAL_SCALE, row.row,
                _('row {row}: "{value}" is not on the {tool} scale for {domain}.').format(
                    row=row.row, value=value, tool=tool.name, domain=domain.id),
                _("Write one of: {scale}.").format(scale=scale_words(levels, language)),
                column_of(heading))
    if tool.overall and row.rating.strip() and read_level(row.rating, tool.overall_scale) is None:
        yield evidence.at_line(
            rules.APPRAISAL_SCALE, row.row,
            _('row {row}: the overall rating "{value}" is not on the {tool} scale.').format(
                row=row.row, value=row.rating, tool=tool.name),
            _("Write one of: {scale}.").format(scale=scale_words(tool.overall_scale, language)),
            _column(evidence, "rating"))
    empty = [d.id for d in tool.domains if d.id not in {i.upper() for i in cells}]
    if empty and all(tool.domain(i) for i in cells):
        yield evidence.at_line(
            rules.APPRAISAL_INCOMPLETE, row.row,
            _("row {row}: {tool} domain(s) {ids} have no rating; the figure shows them as not rated.").format(
                row=row.row, tool=tool.name, ids=", ".join(empty)),
            _("Rate them, or leave all of the row's domain columns empty to give the overall rating alone."),
            column_of(cells[next(iter(cells))][0]))


@check
def amstar2_overall(a: Assessment) -> Iterator[Diagnostic]:
    evidence = a.sources.get("evidence")
    if evidence is None:
        return
    for group in appraisals(a):
        if group.tool.overall is None or group.tool.overall.rule != "amstar-2":
            continue
        for study in group.studies:
            counts = amstar2_counts(study)
            if counts is None or study.overall is None or counts.allows(study.overall.id):
                continue
            computed = next(lv for lv in group.tool.overall_scale if lv.id == counts.rating())
            language = a.meta.language
            yield evidence.at_line(
                rules.AMSTAR2_OVERALL, study.row.row,
                _('row {row}: the overall rating "{typed}" disagrees with the items: {flaws} critical flaw(s) and '
                  '{weaknesses} non-critical weakness(es) give "{computed}".').format(
                    row=study.row.row, typed=study.row.rating, flaws=counts.critical_flaws,
                    weaknesses=counts.weaknesses, computed=computed.words.get(language)),
                _('Write "{computed}", or check the items answered "no".').format(
                    computed=computed.words.get(language)),
                _column(evidence, "rating"))


# --- The overall rating of a row rated as a whole ------------------------------------------------------

# Tools not in templates/appraisal/ (so without domains or figures) whose overall scale is still known, in
# Swedish, Norwegian and English (compared as `normal` makes them). ROBINS-I without a version is either.
OTHER_SCALES: dict[str, set[str]] = {
    "robins-i": {"låg", "måttlig", "allvarlig", "kritisk", "ingen information", "lav", "moderat", "alvorlig",
                 "ingen informasjon", "low", "moderate", "serious", "critical", "no information"},
    "grade": {"hög", "måttlig", "låg", "mycket låg", "høy", "moderat", "lav", "svært lav", "high", "moderate", "low",
              "very low"},
    "sbu:s granskningsmall": {"låg", "måttlig", "hög"},
}


@check
def evidence_ratings(a: Assessment) -> Iterator[Diagnostic]:
    """A row rated as a whole, by a tool whose scale is known: its rating is on that scale, in any of the
    three languages (a row rated per domain is checked by appraisal_ratings)."""
    evidence = a.sources.get("evidence")
    if evidence is None:
        return
    for row in a.evidence:
        tool = tool_named(row.appraisal_tool)
        if tool is not None and domain_cells(row):
            continue
        if tool is not None:
            if not tool.overall or read_level(row.rating, tool.overall_scale) is not None:
                continue
            scale = scale_words(tool.overall_scale, a.meta.language)
        else:
            words = OTHER_SCALES.get(normal(row.appraisal_tool))
            if words is None or normal(row.rating) in words:
                continue
            scale = ", ".join(sorted(words))
        yield evidence.at_line(rules.EVIDENCE_RATING, row.row,
                               _('row {row}: "{rating}" is not on the {tool} scale.').format(
                                   row=row.row, rating=row.rating, tool=row.appraisal_tool),
                               _("Use one of: {values}.").format(values=scale))
