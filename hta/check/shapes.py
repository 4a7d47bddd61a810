"""The rules of `hta check` for the report shapes: diagnostic PICOs, GRADE tiers, numbered outcomes, labels,
evidence per PICO, structured economic aspects and house styles (rules HTA210–HTA249)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from ..load.reader import clip
from ..model.assessment import Assessment
from ..model.pico import number_order
from .run import check, source_of


@check
def pico_shapes(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("pico.yaml"):
        return
    source = source_of(a, "pico.yaml")
    for i, pico in enumerate(a.picos):
        o = pico.outcomes
        if pico.diagnostic and not pico.reference_standard.strip():
            yield source.at(rules.REFERENCE_STANDARD_MISSING, (i, "index_test"),
                            _("the diagnostic PICO names an index test but no reference standard."),
                            _("Add `reference_standard:` with what the test is compared with."))
        if (o.important or o.limited) and not o.critical:
            yield source.at(rules.NO_CRITICAL_OUTCOME, (i, "outcomes"),
                            _("the outcomes are written as GRADE tiers, and none is critical."),
                            _("List the outcomes critical for the decision under `critical:`."))
        if len(o.forms()) > 1:
            yield source.at(rules.MIXED_OUTCOME_FORMS, (i, "outcomes"),
                            _("the outcomes are written in {count} forms at once: {forms}.").format(
                                count=len(o.forms()), forms=", ".join(o.forms())),
                            _("Use one form: primary/secondary, critical/important/limited, or numbered."))
        yield from _numbers(source, i, pico)
        for key in ("population", "intervention", "control"):
            seen: set[str] = set()
            for k, part in enumerate(pico.parts(key)):
                if part.label in seen:
                    yield source.at(rules.DUPLICATE_LABEL, (i, key, k),
                                    _('the label "{label}" is used twice in "{key}".').format(label=clip(part.label, 20), key=key),
                                    _("Give each its own label (P1, P2; C1, C2, C3)."))
                seen.add(part.label)
        if pico.no_comparator and pico.element_text("control").strip():
            yield source.at(rules.COMPARATOR_CONTRADICTION, (i, "control"),
                            _("the PICO says it has no comparator (no_comparator: true) and names one."),
                            _("Remove `control:`, or `no_comparator:`."))
        if len(a.picos) > 1 and not pico.question.strip():
            yield source.at(rules.PICO_QUESTION, (i,), _('the PICO "{pico}" has no question of its own.').format(
                                pico=clip(pico.id or pico.title or str(i + 1), 30)),
                            _("Add `question:` to each PICO."))


def _numbers(source, i: int, pico) -> Iterator[Diagnostic]:
    o = pico.outcomes
    seen: set[str] = set()
    last: tuple[int, str] | None = None
    for where, outcome in o.located():
        if where[0] != "numbered":
            continue
        order = number_order(outcome.number)
        if order is None:
            yield source.at(rules.OUTCOME_NUMBER, (i, "outcomes", *where, "number"),
                            _('"{number}" is not an outcome number like O1 or O5a.').format(number=clip(outcome.number, 20)),
                            _("Write O and a number, and a letter for a sub-item."))
        elif outcome.number in seen:
            yield source.at(rules.OUTCOME_NUMBER, (i, "outcomes", *where, "number"),
                            _('the outcome number "{number}" is used twice.').format(number=outcome.number),
                            _("Give each outcome its own number."))
        elif last is not None and order <= last:
            yield source.at(rules.OUTCOME_NUMBER, (i, "outcomes", *where, "number"),
                            _('"{number}" comes after a later number; the outcomes are out of order.').format(number=outcome.number),
                            _("Number them in the order listed: O1, O2, …, with sub-items O5a, O5b under O5."))
        seen.add(outcome.number)
        last = order or last
    known = {x.number for x in o.numbered_flat()} | {x.id for x in o.numbered_flat()}
    for k, name in enumerate(o.prioritised):
        if name not in known:
            numbers = ", ".join(x.number for x in o.numbered_flat()) or _("none")
            yield source.at(rules.UNKNOWN_PRIORITISED, (i, "outcomes", "prioritised", k),
                            _('the prioritised outcome "{name}" is not among the numbered outcomes.').format(
                                name=clip(name, 30)),
                            _("Numbered outcomes: {numbers}.").format(numbers=numbers))


@check
def evidence_per_pico(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("pico.yaml", "evidence") or not a.evidence:
        return
    source = source_of(a, "evidence")
    ids = [pico.id or str(k) for k, pico in enumerate(a.picos, start=1)]
    for row in a.evidence:
        for name in row.picos():
            if name not in ids:
                yield source.at_line(rules.UNKNOWN_PICO, row.row, _('row {row} names the PICO "{name}", which pico.yaml does not have.').format(
                                         row=row.row, name=clip(name, 30)),
                                     _("PICOs: {ids}.").format(ids=", ".join(ids)))
    if len(a.picos) < 2 or not any(row.picos() for row in a.evidence):
        return
    pico_source = source_of(a, "pico.yaml")
    for i, (pico, key) in enumerate(zip(a.picos, ids)):
        reported = " ".join(row.outcomes for row in a.evidence if key in row.picos()).lower()
        key_ids = {id(x) for x in pico.key_outcomes()}
        for where, outcome in pico.outcomes.located():
            if id(outcome) not in key_ids or outcome.knowledge_gap:
                continue
            terms = [outcome.name.lower(), *(t.lower() for t in outcome.aliases)]
            if not any(term.split("(")[0].strip() in reported for term in terms):
                yield pico_source.at(rules.OUTCOME_WITHOUT_PICO_EVIDENCE, (i, "outcomes", *where),
                                     _('no study of the PICO "{pico}" reports the outcome "{outcome}".').format(
                                         pico=clip(key, 30), outcome=clip(outcome.name)),
                                     _("Name it in the outcomes column of a study with this PICO, or declare "
                                       "`knowledge_gap: true`."))


@check
def economic_sums(a: Assessment) -> Iterator[Diagnostic]:
    economic = a.aspects.economic
    if economic is None or economic.totals is None:
        return
    source = source_of(a, "economic.yaml")
    for key in ("current", "expected", "change"):
        typed = getattr(economic.totals, key)
        computed = getattr(economic, key)
        if typed is not None and abs(typed - computed) > 1e-9:
            yield source.at(rules.ECONOMIC_SUM, ("totals", key),
                            _("the total {key} is {typed:g}, but the cost lines add up to {computed:g}.").format(
                                key=key, typed=typed, computed=computed),
                            _("Correct the line or the total that was mistyped; the report prints the computed sum."))


@check
def sections_in_style(a: Assessment) -> Iterator[Diagnostic]:
    from ..model.styles import default_style

    style = a.style or default_style()
    printed = {part.value for part in style.sections}
    for key, section in a.sections.items():
        if key.value not in printed and section.text.strip():
            yield section.source.at_line(rules.SECTION_NOT_IN_STYLE, section.first_line,
                                         _('the house style "{style}" does not print the section {file}.').format(
                                             style=clip(style.name, 40), file=f"{key.value}.md"),
                                         _("Move its text into a section the style prints, or choose a style "
                                           "that has it."))
    # the summary-of-findings tables are printed with the evidence; a style without it would drop them
    source = a.sources.get("certainty.yaml")
    if a.certainty and "evidence" not in printed and source is not None:
        yield source.at(rules.SECTION_NOT_IN_STYLE, (), _('the house style "{style}" does not print the evidence, '
                                                         'and with it the summary-of-findings tables of certainty.yaml.'
                                                         ).format(style=clip(style.name, 40)),
                        _("Add `evidence` to the style's sections, or choose a style that has it."))
