"""References: every citation known, every reference cited, each identifier well-formed."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from .. import rules
from ..diagnostics import Diagnostic, display_path
from ..i18n import _
from ..model.assessment import Assessment
from .prose import citations, read_all_prose
from .readable import cited_keys
from .run import check, source_of


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
    searches = source_of(a, "searches.yaml")
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


_BRACKETS = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")  # a pair of brackets with an @ inside, none within


@check
def citations_in_citations(a: Assessment) -> Iterator[Diagnostic]:
    """[@a, @b] or [@a @b]: pandoc reads @b as words after @a (its suffix), and numeric styles print @b's
    number alone. References in one pair of brackets are separated by semicolons."""
    for piece in read_all_prose(a):
        if "@" not in piece.code_free:
            continue
        for group in _BRACKETS.finditer(piece.code_free):
            at = group.start(1)
            for part in group[1].split(";"):
                keys = cited_keys(part)
                if len(keys) > 1:
                    (first, _start), (second, start) = keys[:2]
                    line, column = piece.place(at + start)
                    yield piece.source.at_line(
                        rules.CITATION_IN_CITATION, line,
                        _("@{second} follows @{first} in the same brackets with no semicolon between them: pandoc reads "
                          "it as words after @{first}, and the report prints the wrong number.").format(first=first, second=second),
                        _("Separate the references with a semicolon: [@{first}; @{second}].").format(first=first, second=second),
                        column)
                at += len(part) + 1


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
            yield reference_at(a, ref.id, rules.UNCITED_REFERENCE, _('"{id}" is never cited.').format(id=ref.id),
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
                yield reference_at(a, ref.id, rules.MALFORMED_IDENTIFIER, _('"{id}" has a malformed {kind}: "{value}".').format(id=ref.id, kind=kind, value=value),
                                    _("A DOI starts with 10. (no https://doi.org/); a PMID is digits only."))
            key = (kind, value.lower())
            if key in seen:
                yield reference_at(a, ref.id, rules.DUPLICATE_REFERENCE,
                                    _('"{id}" has the same {kind} as "{other}": {value}.').format(
                                        id=ref.id, kind=kind, other=seen[key], value=value),
                                    _("Keep one entry and cite it by its id."))
            seen.setdefault(key, ref.id)


def reference_at(a: Assessment, ref_id: str, rule: rules.Rule, message: str, hint: str) -> Diagnostic:
    """A finding at the line of the reference's entry in its file, as the reader found it."""
    for ref in a.references:
        if ref.id == ref_id and ref._file in a.sources:
            line, column = ref._position
            return a.sources[ref._file].at_line(rule, line, message, hint, column)
    return rule.at(display_path(a.folder / "references.json"), None, None, message, hint)


