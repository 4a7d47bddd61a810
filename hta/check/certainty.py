"""The checks of certainty.yaml and of conclusions that name their evidence (HTA250–HTA258)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from ..model.assessment import Assessment, Bullet
from ..model.certainty import comparisons, ratings_of
from ..model.notation import SYMBOL_FORMS, Level, accepted_words
from .run import check, source_of


def _like(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return _("Did you mean “{id}”? ").format(id=close[0]) if close else ""


@check
def certainty_forms(a: Assessment) -> Iterator[Diagnostic]:
    """Every certainty is read to a level; 'not assessed' says why."""
    source = source_of(a, "certainty.yaml")
    for i, rating in enumerate(a.certainty):
        if rating.level is None:
            yield source.at(rules.UNKNOWN_CERTAINTY, (i, "certainty"),
                            _("the certainty “{form}” is not a form hta reads: write {symbols}, or a level in "
                              "words.").format(form=rating.certainty, symbols=SYMBOL_FORMS),
                            _("The words: {words}; each may stand before “tillförlitlighet”, “certainty”, “tillit” "
                              "and the like.").format(words=accepted_words()))
        elif rating.level is Level.NOT_ASSESSED and not rating.reason:
            yield source.at(rules.NOT_ASSESSED_WITHOUT_REASON, (i, "certainty"),
                            _("the certainty of “{outcome}” is not assessed, and no reason is given.").format(
                                outcome=rating.outcome),
                            _("Say why under `reason:`, as the source says it."))


@check
def rated_outcomes(a: Assessment) -> Iterator[Diagnostic]:
    """Each rating names an outcome of its PICO, once per comparison, and references that exist."""
    if not a.certainty or not a.was_read("pico.yaml"):
        return
    source = source_of(a, "certainty.yaml")
    picos = {p.id: p for p in a.picos}
    references = {r.id for r in a.references}
    seen: set[tuple[str, str, str]] = set()
    for i, rating in enumerate(a.certainty):
        if len(a.picos) > 1 and not rating.pico:
            yield source.at(rules.SEVERAL_PICOS_UNNAMED, (i,), _("the rating of “{outcome}” names no PICO, and "
                            "pico.yaml has several.").format(outcome=rating.outcome),
                            _("Write `pico:` with the id of one of: {ids}.").format(ids=", ".join(picos)))
            continue
        pico = picos.get(rating.pico) if rating.pico else (a.picos[0] if a.picos else None)
        if pico is None:
            yield source.at(rules.UNKNOWN_RATED_OUTCOME, (i, "pico"),
                            _("pico.yaml has no PICO with the id “{id}”.").format(id=rating.pico),
                            _("Write the id of one of: {ids}.").format(ids=", ".join(picos)))
            continue
        ids = {o.id for o in pico.all_outcomes()}
        if rating.outcome not in ids:
            yield source.at(rules.UNKNOWN_RATED_OUTCOME, (i, "outcome"),
                            _("the PICO has no outcome with the id “{id}”.").format(id=rating.outcome),
                            _like(rating.outcome, ids) + _("Its outcomes are: {ids}.").format(ids=", ".join(sorted(ids))))
        key = (pico.id, rating.comparison, rating.outcome)
        if key in seen:
            yield source.at(rules.DUPLICATE_RATING, (i, "outcome"),
                            _("“{outcome}” is rated twice for the same comparison.").format(outcome=rating.outcome),
                            _("Keep one rating, or name each one's `comparison:`."))
        seen.add(key)
        if a.was_read("references"):
            for k, ref in enumerate(rating.references):
                if ref not in references:
                    yield source.at(rules.UNKNOWN_CITATION, (i, "references", k),
                                    _("the reference “{id}” is not in the references.").format(id=ref),
                                    _like(ref, references) + _("Add it to references.json, or correct the id."))


@check
def key_outcomes_rated(a: Assessment) -> Iterator[Diagnostic]:
    """Once there is a certainty.yaml, every key outcome of every comparison is rated or a knowledge gap."""
    if not a.certainty or not a.was_read("pico.yaml", "certainty.yaml"):
        return
    source = source_of(a, "certainty.yaml")
    for pico in a.picos:
        ratings = ratings_of(a.certainty, pico, a.picos)
        for comparison in comparisons(ratings) or [""]:
            rated = {r.outcome for r in ratings if r.comparison == comparison}
            for outcome in pico.key_outcomes():
                if outcome.id in rated or outcome.knowledge_gap:
                    continue
                where = _(" for the comparison “{comparison}”").format(comparison=comparison) if comparison else ""
                yield source.at(rules.KEY_OUTCOME_UNRATED, (),
                                _("the key outcome “{outcome}” has no certainty rating{where}.").format(
                                    outcome=outcome.name, where=where),
                                _("Add a rating with `outcome: {id}` (or `certainty: not assessed` and a `reason:`), "
                                  "or declare it `knowledge_gap: true` in pico.yaml.").format(id=outcome.id))


def uses_linked_conclusions(a: Assessment) -> bool:
    """The assessment links its conclusions to their evidence: some bullet says what it rests on. Only then
    is a bullet that says nothing of it a finding."""
    return any(_has_basis(b) for _loc, b in a.conclusions.bullets())


def _has_basis(bullet: Bullet) -> bool:
    return bool(bullet.outcomes or bullet.references or bullet.own_judgement)


@check
def conclusion_links(a: Assessment) -> Iterator[Diagnostic]:
    """Bullets name outcomes and references that exist, say what they rest on, and state no strength their
    outcomes' certainty does not have."""
    if not a.was_read("conclusions.yaml"):
        return
    from ..model.notation import stated_strengths

    source = source_of(a, "conclusions.yaml")
    outcome_names = {o.id: o.name for p in a.picos for o in p.all_outcomes()}
    references = {r.id for r in a.references}
    linked = uses_linked_conclusions(a)
    for loc, bullet in a.conclusions.bullets():
        at = loc[:2]
        if a.was_read("pico.yaml"):
            for k, outcome in enumerate(bullet.outcomes):
                if outcome not in outcome_names:
                    yield source.at(rules.UNKNOWN_BULLET_OUTCOME, at + ("outcomes", k),
                                    _("the bullet names the outcome “{id}”, which pico.yaml does not have.").format(id=outcome),
                                    _like(outcome, set(outcome_names)) + _("Its outcomes are: {ids}.").format(
                                        ids=", ".join(sorted(outcome_names))))
        if a.was_read("references"):
            for k, ref in enumerate(bullet.references):
                if ref not in references:
                    yield source.at(rules.UNKNOWN_BULLET_OUTCOME, at + ("references", k),
                                    _("the bullet names the reference “{id}”, which is not in the references.").format(id=ref),
                                    _like(ref, references) + _("Add it to references.json, or correct the id."))
        if linked and not _has_basis(bullet):
            yield source.at(rules.BULLET_WITHOUT_BASIS, at,
                            _("the bullet does not say what it rests on."),
                            _("Name its outcomes (`outcomes: [id, …]`) or references (`references: […]`), or mark "
                              "it `own_judgement: true`."))
        if not bullet.outcomes or not a.certainty:  # without ratings there is nothing to hold the words to
            continue
        levels = {r.level for r in a.certainty if r.outcome in bullet.outcomes
                  and r.level not in (None, Level.NOT_ASSESSED)}
        for stated, words in stated_strengths(bullet.text):
            if stated in levels:
                continue
            rated = ", ".join(sorted(_level_name(level) for level in levels)) or _("none")
            yield source.at(rules.STRENGTH_DISAGREES, loc,
                            _("the bullet says “{words}” ({level}), but the outcomes it names are rated: {rated}.").format(
                                words=words, level=_level_name(stated), rated=rated),
                            _("State the certainty the outcomes are rated at, or name the outcomes the claim rests on."))


def _level_name(level: Level) -> str:
    return {Level.HIGH: _("high"), Level.MODERATE: _("moderate"), Level.LOW: _("low"),
            Level.VERY_LOW: _("very low"), Level.NOT_ASSESSED: _("not assessed")}[level]
