"""The rules of `hta check`, applied to a typed assessment: each yields findings, none stops the others."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .. import rules
from ..diagnostics import Diagnostic, Severity, display_path
from ..i18n import N_, _
from ..load.reader import Source, clip
from ..model.assessment import (COUNT_PLACEHOLDER, IMAGE, REQUIRED_SECTIONS, Assessment, Status, slug,
                    count_values)
from ..model.labels import available_languages, labels_for
from ..model.numerals import LARGEST_IN_WORDS, CountForm, count_form, in_words, starts_sentence
from . import prose_numbers
from .readable import (CONTROL, RAW_CODE, Reading, csl_problem, key_positions, picture_problem, read_prose,
                       strings, text_positions)

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


def _source(a: Assessment, name: str) -> Source:
    return a.sources.get(name) or Source(a.folder / name)


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
    meta = _source(a, "assessment.yaml")
    if a.was_read("assessment.yaml") and not a.meta.question.strip():
        yield meta.at(rules.MISSING_SECTION, ("question",), _("the question (`question:`) is empty."))


@check
def conclusions_present(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("conclusions.yaml"):
        return
    source = _source(a, "conclusions.yaml")
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
    source = _source(a, "assessment.yaml")
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
    searches = _source(a, "searches.yaml")
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
    yield from _twice(_source(a, "pico.yaml"), [((i,), p.id) for i, p in enumerate(a.picos) if p.id], "id",
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
    source = _source(a, "pico.yaml")
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


# --- Searches ----------------------------------------------------------------------------------------

@check
def search_lines(a: Assessment) -> Iterator[Diagnostic]:
    source = _source(a, "searches.yaml")
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
    source = _source(a, "searches.yaml")
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


# --- Prose -------------------------------------------------------------------------------------------

CITATION_GROUP = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
CITATION = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&\-+?<>~/]*[A-Za-z0-9_])")


def prose_lines(a: Assessment) -> Iterator[tuple[Source, int, str]]:
    """Every line of author prose, with where it stands: sections, and the conclusion bullets."""
    for section in a.sections.values():
        for offset, line in enumerate(section.text.split("\n")):
            yield section.source, section.first_line + offset, line
    conclusions = _source(a, "conclusions.yaml")
    for place, bullet in a.conclusions.bullets():
        yield conclusions, conclusions.where(place)[0] or 1, bullet.text


def prose_pieces(a: Assessment) -> Iterator[tuple[Source, int, int, str]]:
    """Each text pandoc reads on its own, with the line and column it starts at: a section, a conclusion bullet."""
    for section in a.sections.values():
        yield section.source, section.first_line, 1, section.text
    conclusions = _source(a, "conclusions.yaml")
    for place, bullet in a.conclusions.bullets():
        line, column = conclusions.where(place)
        yield conclusions, line or 1, column or 1, bullet.text


@dataclass(frozen=True)
class ProseReading:
    """One piece of prose as pandoc reads it."""

    source: Source
    first_line: int
    first_column: int  # where the text starts on its first line (a YAML bullet's column)
    text: str
    reading: Reading

    def at(self, offset: int, column: int) -> tuple[int, int]:
        """The file's line and column of `column` on line `offset` of the text."""
        return self.first_line + offset, column + (self.first_column - 1 if offset == 0 else 0)


def read_all_prose(a: Assessment) -> list[ProseReading]:
    """Every piece of prose with its citations and links; read once per assessment, as several checks look at it."""
    if _LAST_READ and _LAST_READ[0] is a:
        return _LAST_READ[1]
    found = [ProseReading(source, line, column, text, read_prose(text))
             for source, line, column, text in prose_pieces(a)]
    _LAST_READ[:] = [a, found]
    return found


_LAST_READ: list = []  # [assessment, readings] of the assessment checked last


def citations(a: Assessment) -> list[tuple[Source, int, int, str]]:
    """Every citation as pandoc reads it ([@key], a bare @key in running text, @{key}), where it is written;
    found once per assessment, as two checks look at them."""
    if _LAST_CITED and _LAST_CITED[0] is a:
        return _LAST_CITED[1]
    found = [(piece.source, *piece.at(offset, column), key) for piece in read_all_prose(a)
             for key in dict.fromkeys(piece.reading.citations) for offset, column in key_positions(piece.text, key)]
    _LAST_CITED[:] = [a, found]
    return found


_LAST_CITED: list = []  # [assessment, citations] of the assessment checked last


@check
def unknown_counts(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("searches.yaml"):
        return  # every count would be unknown; the file's own finding says why
    names = count_values(a)
    for source, number, line in prose_lines(a):
        for match in COUNT_PLACEHOLDER.finditer(line):
            name = f"{match[1]}.{match[2]}"
            if name not in names:
                yield source.at_line(rules.UNKNOWN_COUNT, number, *_unknown_count(a, match[1], name, names),
                                     match.start() + 1)


def _unknown_count(a: Assessment, search: str, name: str, names: dict) -> tuple[str, str]:
    """What is wrong with `{{name}}`, in the author's terms: a search that is not (yet) in searches.yaml, or
    a count that search does not have."""
    searches = [s.id for s in a.searches]
    if search not in searches:
        close = difflib.get_close_matches(search, searches, n=1)
        placeholder = "{{" + name + "}}"
        if not searches:
            return (_('{placeholder}: there is no search "{search}" (yet); searches.yaml has no searches yet.').format(
                        placeholder=placeholder, search=search),
                    _("Add the search with `id: {search}` to searches.yaml, then the count is filled in.").format(search=search))
        there = ", ".join(f'"{s}"' for s in searches)
        hint = (_('Did you mean "{name}"?').format(name=close[0]) if close
                else _("Add a search with `id: {search}` to searches.yaml.").format(search=search))
        return _('{placeholder}: there is no search "{search}" (yet); the searches are {searches}.').format(
            placeholder=placeholder, search=search, searches=there), hint
    close = difflib.get_close_matches(name, names, n=1)
    hint = (_("Did you mean {placeholder}?").format(placeholder="{{" + close[0] + "}}") if close
            else _("See docs/assessment-format.md, 'Numbers in prose'."))
    return _('{placeholder} is not a count of the search "{search}".').format(placeholder="{{" + name + "}}", search=search), hint


_ANY_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")


@check
def count_forms(a: Assessment) -> Iterator[Diagnostic]:
    """Every `{{…}}` is a count placeholder with a known form, and a count in words has words."""
    values = count_values(a)
    labels = labels_for(a.meta.language) if a.meta.language in available_languages() else None
    for source, first_line, text in prose_texts(a):
        for match in _ANY_PLACEHOLDER.finditer(text):
            line = first_line + text.count("\n", 0, match.start())
            column = match.start() - text.rfind("\n", 0, match.start())
            placeholder = COUNT_PLACEHOLDER.fullmatch(match[0])
            if placeholder is None:
                yield source.at_line(rules.COUNT_FORM, line,
                                     _("{text} is not a count placeholder.").format(text=_shown(match[0])),
                                     _("Write {digits}, {words} or {ett}.").format(
                                         digits="{{search.count}}", words="{{search.count:words}}",
                                         ett="{{search.count:ett}}"), column)
                continue
            form = count_form(placeholder[3])
            if form is None:
                yield source.at_line(rules.COUNT_FORM, line,
                                     _('"{form}" is not a form of a count.').format(form=_shown(placeholder[3].strip())),
                                     _("Write {words} (en, åtta) or {ett} (ett), or no form for digits.").format(
                                         words="{{search.count:words}}", ett="{{search.count:ett}}"), column)
                continue
            value = values.get(f"{placeholder[1]}.{placeholder[2]}")
            at_start = starts_sentence(text, match.start())
            if labels is None or not (form is not CountForm.DIGITS or at_start) or value is None:
                continue
            if isinstance(value, dt.date) or in_words(value, labels.numbers) is None:
                what = (_("a date") if isinstance(value, dt.date) else _("{value}, larger than {largest}").format(
                    value=value, largest=f"{LARGEST_IN_WORDS:,}".replace(",", " ")))
                message = (N_("{placeholder} begins a sentence, but it is {what}, which has no word form; the report "
                              "prints digits.") if at_start else
                           N_("{placeholder} is asked for in words, but it is {what}, which has no word form; the "
                              "report prints digits."))
                yield source.at_line(rules.COUNT_NOT_IN_WORDS, line, _(message).format(
                                         placeholder="{{" + f"{placeholder[1]}.{placeholder[2]}" + "}}", what=what),
                                     _("Begin the sentence with another word.") if at_start
                                     else _("Write the count without a form."), column)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def prose_texts(a: Assessment) -> Iterator[tuple[Source, int, str]]:
    """Every piece of author prose whole, with the line it starts on: sections, and the conclusion bullets."""
    for section in a.sections.values():
        yield section.source, section.first_line, section.text
    conclusions = _source(a, "conclusions.yaml")
    for place, bullet in a.conclusions.bullets():
        yield conclusions, conclusions.where(place)[0] or 1, bullet.text


@check
def typed_numbers(a: Assessment) -> Iterator[Diagnostic]:
    """A count typed where the data holds it: flagged with the name to write instead. What is a count and
    what is not (amounts, units, years, dates, ranges, …) is read in prose_numbers."""
    values = {name: v for name, v in count_values(a).items() if isinstance(v, int) and not isinstance(v, bool)}
    by_value: dict[int, list[str]] = {}
    for name, value in values.items():
        by_value.setdefault(value, []).append(name)
    for source, number, line in prose_lines(a):
        for found in prose_numbers.counts(line):
            counted = prose_numbers.followed_by_count_noun(line, found)
            if found.value in by_value and (found.value >= 10 or counted):
                names = _(" or ").join("{{" + n + "}}" for n in sorted(by_value[found.value])[:3])
                yield source.at_line(rules.TYPED_NUMBER, number,
                                     _("{number} is typed here, and the data holds it.").format(number=found.value),
                                     _("Write {names} instead, so the number cannot drift from the data.").format(names=names),
                                     found.start + 1)
            elif _HITS_NOUN.match(line, found.end) and values:
                totals = ", ".join("{{" + s.id + ".identified}} = " + str(s.counts().identified) for s in a.searches)
                yield source.at_line(rules.TYPED_NUMBER, number,
                                     _("{number} hits are typed here, but no search has that many.").format(number=found.value),
                                     _("Write the count by name instead: {totals}.").format(totals=totals), found.start + 1)


_HITS_NOUN = re.compile(r"[\s\u00a0\u202f]*(träffar|hits|treff)\b", re.I)


@check
def pictures(a: Assessment) -> Iterator[Diagnostic]:
    own = {f"figures/{p.name}" for p in a.pictures()}
    for source, number, line in prose_lines(a):
        for match in IMAGE.finditer(line):
            if match[1] not in own and a.was_read(match[1]):  # an unreadable picture is said at its file
                yield source.at_line(rules.PICTURE_OUTSIDE, number, _('the picture "{path}" is not in figures/.').format(path=match[1]),
                                     _("Copy the picture into the assessment's figures/ folder and write figures/NAME."),
                                     match.start(1) + 1)


@check
def placeholders(a: Assessment) -> Iterator[Diagnostic]:
    pattern = re.compile(r"\b(TODO|TBD|FIXME|XXX+|Lorem ipsum|Lorem)\b")
    for source, number, line in prose_lines(a):
        match = pattern.search(line)
        if match:
            yield source.at_line(rules.PLACEHOLDER, number, _('placeholder text "{text}" is left in.').format(text=match[0]),
                                 _("Write the finished text, or remove the line."), match.start() + 1)
        elif re.fullmatch(r"\s*[-*+]\s*", line):
            yield source.at_line(rules.PLACEHOLDER, number, _("an empty bullet is left in."), _("Write it or remove it."))
        elif not line.strip() and source.path.name == "conclusions.yaml":
            yield source.at_line(rules.PLACEHOLDER, number, _("an empty bullet is left in."), _("Write it or remove it."))


# --- References --------------------------------------------------------------------------------------

def _did_you_mean(key: str, ids: set[str]) -> str:
    close = difflib.get_close_matches(key, ids, n=1)
    return _('Did you mean "{name}"?').format(name=close[0]) if close else _("Add the reference with `hta refs import`.")


@check
def unknown_citations(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("references"):
        return  # every citation of a reference in the unreadable file would be unknown
    ids = {r.id for r in a.references}
    for source, number, column, key in citations(a):
        if key not in ids:
            yield source.at_line(rules.UNKNOWN_CITATION, number, _('"{citation}" is not in the references.').format(citation="@" + key),
                                 _did_you_mean(key, ids), column)
    searches = _source(a, "searches.yaml")
    for i, search in enumerate(a.searches):
        listed = [(("exclusions", k, "references", m), key) for k, e in enumerate(search.screening.exclusions)
                  for m, key in enumerate(e.references)]
        listed += [(("included", m), key) for m, key in enumerate(search.screening.included)]
        for loc, key in listed:
            if key not in ids:
                yield searches.at(rules.UNKNOWN_CITATION, (i, "screening") + loc,
                                  _('"{citation}" is not in the references.').format(citation=key), _did_you_mean(key, ids))
    evidence = a.sources.get("evidence")
    for row in a.evidence:
        if row.reference not in ids and evidence is not None:
            yield evidence.at_line(rules.EVIDENCE_REFERENCE, row.row, _('row {row}: "{reference}" is not in the references.').format(row=row.row, reference=row.reference),
                                   _did_you_mean(row.reference, ids))


@check
def uncited_references(a: Assessment) -> Iterator[Diagnostic]:
    if a.unread - {"references"}:
        return  # a reference may be cited in what could not be read
    cited = {key for *_, key in citations(a)}
    cited |= {row.reference for row in a.evidence}
    for search in a.searches:
        cited |= set(search.screening.included)
        cited |= {key for e in search.screening.exclusions for key in e.references}
    for ref in a.references:
        if ref.id not in cited:
            yield _reference_at(a, ref.id, rules.UNCITED_REFERENCE, _('"{id}" is never cited.').format(id=ref.id),
                                _("Cite it in the text, or remove it from the references."))


@check
def reference_identifiers(a: Assessment) -> Iterator[Diagnostic]:
    seen: dict[tuple[str, str], str] = {}
    for ref in a.references:
        for kind, value, pattern in (("DOI", ref.DOI, r"10\.\d{4,9}/\S+"), ("PMID", ref.PMID, r"[1-9]\d{0,9}")):
            value = str(value).strip()
            if not value:
                continue
            if not re.fullmatch(pattern, value):
                yield _reference_at(a, ref.id, rules.MALFORMED_IDENTIFIER, _('"{id}" has a malformed {kind}: "{value}".').format(id=ref.id, kind=kind, value=value),
                                    _("A DOI starts with 10. (no https://doi.org/); a PMID is digits only."))
            key = (kind, value.lower())
            if key in seen:
                yield _reference_at(a, ref.id, rules.DUPLICATE_REFERENCE,
                                    _('"{id}" has the same {kind} as "{other}": {value}.').format(
                                        id=ref.id, kind=kind, other=seen[key], value=value),
                                    _("Keep one entry and cite it by its id."))
            seen.setdefault(key, ref.id)


def _reference_at(a: Assessment, ref_id: str, rule: rules.Rule, message: str, hint: str) -> Diagnostic:
    """A finding at the line of the reference's entry in its file, as the reader found it."""
    for ref in a.references:
        if ref.id == ref_id and ref._file in a.sources:
            line, column = ref._position
            return a.sources[ref._file].at_line(rule, line, message, hint, column)
    return rule.at(display_path(a.folder / "references.json"), None, None, message, hint)


# --- Evidence ----------------------------------------------------------------------------------------

# The scales of the appraisal tools councils use, in Swedish and English (compared in lower case).
APPRAISAL_SCALES: dict[str, set[str]] = {
    "amstar 2": {"hög", "måttlig", "låg", "kritiskt låg", "high", "moderate", "low", "critically low"},
    "rob 2": {"låg", "vissa farhågor", "hög", "low", "some concerns", "high"},
    "robins-i": {"låg", "måttlig", "allvarlig", "kritisk", "ingen information", "low", "moderate", "serious",
                 "critical", "no information"},
    "grade": {"hög", "måttlig", "låg", "mycket låg", "high", "moderate", "low", "very low"},
    "sbu:s granskningsmall": {"låg", "måttlig", "hög"},
}


def rated_per_domain(row) -> bool:
    """A row rated per domain with a tool of templates/appraisal/: its ratings are checked there (HTA292)."""
    from ..model.appraisal import domain_cells, tool_named

    return bool(domain_cells(row)) and tool_named(row.appraisal_tool) is not None


@check
def evidence_ratings(a: Assessment) -> Iterator[Diagnostic]:
    evidence = a.sources.get("evidence")
    for row in a.evidence:
        scale = APPRAISAL_SCALES.get(row.appraisal_tool.strip().lower())
        if scale and not rated_per_domain(row) and row.rating.strip().lower() not in scale and evidence is not None:
            yield evidence.at_line(rules.EVIDENCE_RATING, row.row,
                                   _('row {row}: "{rating}" is not on the {tool} scale.').format(
                                       row=row.row, rating=row.rating, tool=row.appraisal_tool),
                                   _("Use one of: {values}.").format(values=", ".join(sorted(scale))))


# --- Metadata ----------------------------------------------------------------------------------------

# "Dnr RD21/01987", "Diarienr: 2019/123", "Saksnr. 21/04", "Ref. no. 12": a label typed inside the number.
_DNR_LABEL = re.compile(r"\s*(?:dnr|diarienummer|diarienr|diarie-nr|saksnr|saksnummer|ref\.?\s*no|reference\s+no)"
                        r"(?![A-Za-zÅÄÖåäöÆØæø0-9])\.?\s*[:.]?\s*", re.I)


@check
def metadata(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("assessment.yaml"):
        return
    source = _source(a, "assessment.yaml")
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
        style = (a.folder / a.meta.csl).resolve()
        if a.folder.resolve() not in style.parents or not style.is_file():
            yield source.at(rules.MISSING_FILE, ("csl",), _('the citation style "{csl}" is not a file in the assessment folder.').format(csl=a.meta.csl),
                            _("Put the .csl file in the folder and name it here, or remove `csl:` for Vancouver."))
    if a.meta.status is Status.DECIDED:
        decision = a.meta.decision
        missing = [k for k in ("group", "date", "presenter") if not decision or not getattr(decision, k)]
        if missing:
            yield source.at(rules.DECISION_RECORD, ("decision",) if decision else ("status",),
                            _("the assessment is decided but the decision record lacks {keys}.").format(keys=", ".join(missing)),
                            _("Add `decision:` with group, date and presenter."))


# --- What reaches the converters -------------------------------------------------------------------

@check
def prose_as_read(a: Assessment) -> Iterator[Diagnostic]:
    """Links that would print as their text only, raw code that would print as code."""
    from ..convert.inert import is_safe_target

    for piece in read_all_prose(a):
        for target in dict.fromkeys(t for t in piece.reading.links if not is_safe_target(t)):
            for offset, column in list(text_positions(piece.text, f"]({target}")) or [(0, -1)]:
                line, column = piece.at(offset, column + 2)
                yield piece.source.at_line(rules.LINK_TARGET, line,
                                           _('the link to "{target}" is printed as its text only.').format(target=target[:80]),
                                           _("Link to an https:// address, a mailto: address or a #place in the report."),
                                           column if column > 1 else None)
        for offset, text in enumerate(piece.text.split("\n")):
            for match in RAW_CODE.finditer(text):
                line, column = piece.at(offset, match.start() + 1)
                yield piece.source.at_line(rules.RAW_CODE, line,
                                           _("{text} marks raw code; it is printed as code, never run.").format(text=match[0]),
                                           _("Write it in Markdown instead."), column)


@check
def citation_style(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("assessment.yaml", "csl") or not a.meta.csl:
        return
    style = (a.folder / a.meta.csl).resolve()
    if a.folder.resolve() not in style.parents or not style.is_file():
        return  # HTA001, in `metadata`
    problem = csl_problem(style)
    if problem:
        yield rules.CITATION_STYLE.at(display_path(style), problem.line, problem.column, problem.message,
                                      _("Use an independent CSL 1.0 style, or remove `csl:` for Vancouver."))


@check
def pictures_decode(a: Assessment) -> Iterator[Diagnostic]:
    for path in a.pictures():
        problem = picture_problem(path, a.picture_bytes[path])
        if problem:
            yield rules.NOT_A_PICTURE.at(display_path(path), 1, 1, problem.message,
                                         _("Export the picture again as PNG, JPEG or SVG, and name it by its kind."))


@check
def control_characters(a: Assessment) -> Iterator[Diagnostic]:
    def say(char: str) -> tuple[str, str]:
        return (_("an invisible control character ({code}) is in the text.").format(code=f"U+{ord(char):04X}"),
                _("Delete it; retype the text around it if it was copied from another program."))

    yield from _characters(a, rules.CONTROL_CHARACTER, lambda text: (m := CONTROL.search(text)) and m.start(), say)


@check
def unprintable_characters(a: Assessment) -> Iterator[Diagnostic]:
    """The PDF is archival (PDF/A): every letter is set in the report's own font, which must have it."""
    from ..convert.fonts import can_print, uncommon_characters

    def find(text: str) -> int | None:
        # ASCII is in every font; past it (C1 controls left by a wrong encoding included) the font is asked
        return next((m.start() for m in uncommon_characters().finditer(text)
                     if not m[0].isspace() and not can_print(m[0])), None)

    def say(char: str) -> tuple[str, str]:
        return (_('the character "{char}" ({code}) has no letter in the report\'s font, so the PDF cannot print it.').format(
                    char=char, code=f"U+{ord(char):04X}"),
                _("The font has Latin, Greek, Cyrillic and Hebrew letters and common signs: write the word in Latin letters, "
                  "or describe the sign in words."))

    yield from _characters(a, rules.UNPRINTABLE_CHARACTER, find, say)


def _characters(a: Assessment, rule: rules.Rule, find: Callable[[str], int | None],
                say: Callable[[str], tuple[str, str]]) -> Iterator[Diagnostic]:
    """A finding at the first character `find` points at, in each value, section line, evidence row and
    reference of the assessment."""
    values, rows, references, whole = _all_values(a)
    if find(whole) is None:
        return  # as in most assessments: no value has one, as one scan of them all shows
    for name, loc, value in values:
        at = find(value)
        if at is not None:
            yield _source(a, name).at(rule, loc, *say(value[at]))
    for section in a.sections.values():
        for offset, line in enumerate(section.text.split("\n")):
            at = find(line)
            if at is not None:
                yield section.source.at_line(rule, section.first_line + offset, *say(line[at]), at + 1)
    evidence = a.sources.get("evidence")
    for row, texts in rows:
        hit = next((v for v in texts if find(v) is not None), None)
        if evidence is not None and hit is not None:
            yield evidence.at_line(rule, row.row, *say(hit[find(hit)]))
    for ref, texts in references:
        hit = next((v for v in texts if find(v) is not None), None)
        if hit is not None:
            yield _reference_at(a, ref.id, rule, *say(hit[find(hit)]))


def _all_values(a: Assessment) -> tuple[list, list, list, str]:
    """Every text value of the data files, evidence rows and references, and all of them and the sections
    in one text (a line break between two, which no check finds): walked once per assessment, as two checks
    look at each."""
    if _LAST_VALUES and _LAST_VALUES[0] is a:
        return _LAST_VALUES[1]
    values = [(name, loc, value) for name, data in (("assessment.yaml", a.meta), ("pico.yaml", a.picos),
                                                     ("searches.yaml", a.searches), ("conclusions.yaml", a.conclusions))
              for loc, value in strings(data)]
    rows = [(row, [v for _loc, v in strings(row)]) for row in a.evidence]
    references = [(ref, [v for _loc, v in strings(ref)]) for ref in a.references]
    whole = "\n".join([v for *_, v in values] + [s.text for s in a.sections.values()]
                      + [v for _, texts in rows + references for v in texts])
    found = (values, rows, references, whole)
    _LAST_VALUES[:] = [a, found]
    return found


_LAST_VALUES: list = []  # [assessment, values] of the assessment checked last


@check
def not_printed(a: Assessment) -> Iterator[Diagnostic]:
    """The fields kept for the authors alone, where filled: said once a file, at the first, so that nothing
    meant for readers is lost and a clean assessment is not drowned in notes."""
    filled: dict[str, list[tuple[tuple, str]]] = {"assessment.yaml": [], "searches.yaml": [], "pico.yaml": []}
    for key in ("notes", "source"):
        if a.was_read("assessment.yaml") and getattr(a.meta, key).strip():
            filled["assessment.yaml"].append(((key,), f"`{key}`"))
    for i, search in enumerate(a.searches):
        if search.note.strip():
            filled["searches.yaml"].append(((i, "note"), _("`note` of {search}").format(search=search.id)))
    for i, p in enumerate(a.picos):
        for where, outcome in p.outcomes.located():
            if outcome.aliases:
                filled["pico.yaml"].append(((i, "outcomes", *where, "aliases"),
                                            _('`aliases` of "{outcome}"').format(outcome=outcome.name)))
    for name, fields in filled.items():
        if fields:
            what = ", ".join(f for _loc, f in fields[:3]) + (
                _(" and {count} more").format(count=len(fields) - 3) if len(fields) > 3 else "")
            yield _source(a, name).at(rules.NOT_PRINTED, fields[0][0], _("{fields}: kept for the authors, not printed in "
                                      "the report.").format(fields=what),
                                      _("Write what readers should see in a section or the conclusions."))


_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]+")  # what a count placeholder can name (model.COUNT_PLACEHOLDER)


@check
def plain_ids(a: Assessment) -> Iterator[Diagnostic]:
    source = _source(a, "searches.yaml")
    named = [((i, "id"), search.id) for i, search in enumerate(a.searches)]
    for i, search in enumerate(a.searches):
        named += [((i, "databases", j, "id"), db.id) for j, db in enumerate(search.databases)]
        named += [((i, "screening", "exclusions", k, "id"), e.id) for k, e in enumerate(search.screening.exclusions)]
    for loc, value in named:
        if value and not _PLAIN_ID.fullmatch(value):
            yield source.at(rules.UNSAFE_ID, loc, _('the id "{id}" holds characters other than letters, digits, - and _.').format(id=value[:80]),
                            _('Write e.g. "{id}".').format(id=slug(value) or "sok1"))


# Checks in modules of their own register themselves when imported.
from . import appraisal  # noqa: E402,F401  (registers the per-domain appraisal checks, HTA290–HTA294)
from . import certainty  # noqa: E402,F401  (registers the checks of certainty.yaml and linked conclusions, HTA250–HTA258)
# The rules of the report shapes and house styles register themselves with @check (issue 11).
from . import shapes  # noqa: E402, F401
