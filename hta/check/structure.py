"""What an assessment must hold and may name: sections, conclusions, people, ids, PICO, metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import N_, _
from ..load.reader import Source, clip, file_inside
from ..model.assessment import REQUIRED_SECTIONS, Assessment, Status, slug
from ..model.labels import available_languages, labels_for
from .run import check, source_of


# --- Structure ---------------------------------------------------------------------------------------

@check
def required_sections(a: Assessment) -> Iterator[Diagnostic]:
    # the house style names the sections it requires; Dalarna's (the default) are REQUIRED_SECTIONS
    for key in (a.style.required_sections if a.style else REQUIRED_SECTIONS):
        section = a.sections.get(key)
        if not a.was_read(f"sections/{key.value}.md"):
            continue  # unreadable, or a misnamed file is taken for it: said where that file is
        if section is None:
            yield Source(a.folder / "sections" / f"{key.value}.md").at_line(
                rules.MISSING_SECTION, None, _("the section {file} is missing.").format(file=f"{key.value}.md"),
                _("Write it; an aspect without evidence still needs a sentence that says so."))
        elif not section.text.strip():
            yield section.source.at_line(rules.MISSING_SECTION, section.first_line,
                                         _("the section {file} is empty.").format(file=f"{key.value}.md"),
                                         _("Write it; an aspect without evidence still needs a sentence that says so."))
    meta = source_of(a, "assessment.yaml")
    if a.was_read("assessment.yaml") and not a.meta.question.strip():
        yield meta.at(rules.MISSING_SECTION, ("question",), _("the question (`question:`) is empty."))


@check
def conclusions_present(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("conclusions.yaml"):
        return
    source = source_of(a, "conclusions.yaml")
    required = {c.value for c in a.style.conclusions.required} if a.style else {"findings", "judgements"}
    for key, words in (("findings", N_('"findings" is empty: what the councils note (konstaterar att) is missing.')),
                       ("judgements", N_('"judgements" is empty: what the councils judge (bedömer att) is missing.')),
                       ("summary", N_('"summary" is empty: the summarising judgement is missing.')),
                       ("recommendations", N_('"recommendations" is empty: the recommendations are missing.')),
                       ("knowledge_gaps", N_('"knowledge_gaps" is empty: the knowledge gaps are missing.'))):
        if key not in required:
            continue
        if not [item for item in getattr(a.conclusions, key) if item.text.strip()]:
            yield source.at(rules.MISSING_CONCLUSIONS, (key,), _(words),
                            _("Add at least one bullet under `{key}:`.").format(key=key))


@check
def people_present(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("assessment.yaml"):
        return
    source = source_of(a, "assessment.yaml")
    if not a.meta.authors:
        yield source.at(rules.MISSING_PEOPLE, ("authors",), _("no authors are named."),
                        _("Add `authors:` with name, title and affiliation of each author."))
    for key, what in (("dnr", N_("the registration number (Dnr) is missing.")), ("unit", N_("the issuing unit is missing.")),
                      ("requester", N_("the requester (`requester:`) is missing."))):
        if key == "dnr" and a.meta.report_number.strip():
            continue  # a report known by its own number may have no Dnr
        if not getattr(a.meta, key).strip():
            yield source.at(rules.MISSING_PEOPLE, (key,), _(what), _("Fill in `{key}:`.").format(key=key))
    if not [c for c in a.meta.councils if c.strip()]:
        yield source.at(rules.MISSING_PEOPLE, ("councils",), _("no council is named."),
                        _("List the councils behind the statement under `councils:`."))


@check
def duplicate_ids(a: Assessment) -> Iterator[Diagnostic]:
    """An id names one thing: searches, the databases and exclusions of a search, and PICOs each once."""
    searches = source_of(a, "searches.yaml")
    yield from _twice(searches, [((i,), s.id) for i, s in enumerate(a.searches)], "id",
                      N_('the search id "{id}" is used twice.'), _("Give each search its own `id:`."))
    for i, search in enumerate(a.searches):
        yield from _twice(searches, [((i, "databases", j), db.id) for j, db in enumerate(search.databases)], "name",
                          N_('{search}: the database id "{id}" is used twice.'),
                          _("Give one of them its own `id:` (e.g. pubmed-2); prose names a database's hits by it."),
                          search.id)
        yield from _twice(searches, [((i, "screening", "exclusions", k), e.id)
                                     for k, e in enumerate(search.screening.exclusions)], "reason",
                          N_('{search}: the exclusion id "{id}" is used twice.'),
                          _("Give one of them its own `id:`, or list the references of one reason in one entry."),
                          search.id)
    yield from _twice(source_of(a, "pico.yaml"), [((i,), p.id) for i, p in enumerate(a.picos) if p.id], "id",
                      N_('the PICO id "{id}" is used twice.'), _("Give each PICO its own `id:`."))


def _twice(source: Source, named: list[tuple[tuple, str]], made_from: str, message: str, hint: str,
           search: str = "") -> Iterator[Diagnostic]:
    """A finding at each id used before; at the key it was made from when the id is not written."""
    seen: set[str] = set()
    for loc, name in named:
        if name in seen:
            at = loc + ("id",) if loc + ("id",) in source.positions else loc + (made_from,)
            yield source.at(rules.DUPLICATE_ID, at, _(message).format(id=clip(name), search=search), hint)
        seen.add(name)


# --- PICO --------------------------------------------------------------------------------------------

@check
def pico_complete(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("pico.yaml"):
        return
    source = source_of(a, "pico.yaml")
    # an outcome is looked for in the results; when those could not be read, its absence says nothing
    results_read = a.was_read("sections/results.md", "sections/prior-review.md")
    if not a.picos:
        yield source.at(rules.PICO_ELEMENT, (), _("the assessment has no PICO."), _("Write one in pico.yaml."))
    results = " ".join(a.sections[k].text for k in a.sections if k.value in {"results", "prior-review"}).lower()
    for i, pico in enumerate(a.picos):
        for element in pico.missing_elements():
            yield source.at(rules.PICO_ELEMENT, (i, element), _('the PICO\'s "{element}" is empty.').format(element=element))
        # the other outcome forms (GRADE tiers, numbered) have rules of their own (shapes.py)
        if not pico.outcomes.primary and pico.outcomes.forms() in ([], ["primary"]):
            yield source.at(rules.NO_PRIMARY_OUTCOME, (i, "outcomes"), _("the PICO has no primary outcome."),
                            _("List at least one under `outcomes: primary:`."))
        for where, outcome in pico.outcomes.located():
            terms = [_outcome_term(outcome.name)] + [t.lower() for t in outcome.aliases]
            if results_read and not outcome.knowledge_gap and not any(t and t in results for t in terms):
                yield source.at(rules.OUTCOME_NOT_ADDRESSED, (i, "outcomes", *where),
                                _('the outcome "{outcome}" is not addressed in the results.').format(outcome=outcome.name),
                                _("Report it in sections/results.md, name the words the results use for it "
                                  "under `aliases:`, or declare `knowledge_gap: true`."))


def _outcome_term(name: str) -> str:
    """'Smärta (mätt med olika metoder)' is addressed where the results speak of 'smärta'."""
    return re.sub(r"\([^)]*\)", "", name).strip().lower()


# --- Metadata ----------------------------------------------------------------------------------------

# "Dnr RD21/01987", "Diarienr: 2019/123", "Saksnr. 21/04", "Ref. no. 12": a label typed inside the number.
_DNR_LABEL = re.compile(r"\s*(?:dnr|diarienummer|diarienr|diarie-nr|saksnr|saksnummer|ref\.?\s*no|reference\s+no)"
                        r"(?![A-Za-zÅÄÖåäöÆØæø0-9])\.?\s*[:.]?\s*", re.I)


@check
def metadata(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("assessment.yaml"):
        return
    source = source_of(a, "assessment.yaml")
    languages = available_languages()
    if a.meta.language not in languages:
        yield source.at(rules.UNKNOWN_LANGUAGE, ("language",), _('"{language}" has no labels file.').format(language=a.meta.language),
                        _("Use one of: {values}.").format(values=", ".join(languages)))
    prefix = _DNR_LABEL.match(a.meta.dnr)
    if prefix and a.meta.dnr[prefix.end():].strip():
        number = a.meta.dnr[prefix.end():].strip()
        label = labels_for(a.meta.language).dnr if a.meta.language in languages else "Dnr:"
        yield source.at(rules.DNR_PREFIX, ("dnr",), _('the Dnr is written with its label, "{dnr}"; the report '
                        'prints "{label}" before it, so it would read "{label} {dnr}".').format(dnr=a.meta.dnr, label=label),
                        _("Write dnr: {number}.").format(number=number))
    if a.meta.csl and a.was_read("csl"):
        if file_inside(a.folder, a.meta.csl) is None:
            yield source.at(rules.MISSING_FILE, ("csl",), _('the citation style "{csl}" is not a file in the assessment folder.').format(csl=a.meta.csl),
                            _("Put the .csl file in the folder and name it here, or remove `csl:` for Vancouver."))
    if a.meta.status is Status.DECIDED:
        decision = a.meta.decision
        missing = [k for k in ("group", "date", "presenter") if not decision or not getattr(decision, k)]
        if missing:
            yield source.at(rules.DECISION_RECORD, ("decision",) if decision else ("status",),
                            _("the assessment is decided but the decision record lacks {keys}.").format(keys=", ".join(missing)),
                            _("Add `decision:` with group, date and presenter."))


_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]+")  # what a count placeholder can name (model.COUNT_PLACEHOLDER)


@check
def plain_ids(a: Assessment) -> Iterator[Diagnostic]:
    source = source_of(a, "searches.yaml")
    named = [((i, "id"), search.id) for i, search in enumerate(a.searches)]
    for i, search in enumerate(a.searches):
        named += [((i, "databases", j, "id"), db.id) for j, db in enumerate(search.databases)]
        named += [((i, "screening", "exclusions", k, "id"), e.id) for k, e in enumerate(search.screening.exclusions)]
    for loc, value in named:
        if value and not _PLAIN_ID.fullmatch(value):
            yield source.at(rules.UNSAFE_ID, loc, _('the id "{id}" holds characters other than letters, digits, - and _.').format(id=value[:80]),
                            _('Write e.g. "{id}".').format(id=slug(value) or "sok1"))
