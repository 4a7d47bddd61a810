"""Reference-manager exports read into CSL-JSON: RIS (EndNote, Zotero), PubMed (MEDLINE .nbib), BibTeX, CSL-JSON.

Each parser returns the entries it could read, each with the line it starts on, and the problems it met;
none raises for malformed input.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..i18n import N_, _
from .json_text import strict_json

# bibtexparser logs every syntax error it meets; they reach the user as findings, so its log
# would print each one twice.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

CSL = dict[str, Any]


@dataclass
class ParsedEntry:
    """One work read from a file, as a CSL-JSON entry, with the line where it starts (1-based)."""

    csl: CSL
    line: int


@dataclass(frozen=True)
class Problem:
    """Something malformed in a file: an entry that was skipped, or a line that was ignored."""

    line: int | None
    message: str
    column: int | None = None


@dataclass
class Located:
    """A value of a file with the line and column where it starts."""

    line: int
    column: int | None
    value: Any


# --- CSL-JSON -------------------------------------------------------------------------------------

def parse_csl_json(text: str) -> tuple[list[ParsedEntry], list[Problem]]:
    """CSL-JSON as Zotero or doi.org write it: a list of entries, or one entry on its own.

    A value JSON does not allow (`NaN`, `Infinity`, `1e999`: Python's json reads them as floats that
    `references.json` must never hold) costs its field, with a problem at its place; the entry is kept.
    """
    parsed = _parse_json(text)
    if isinstance(parsed, Problem):
        return [], [parsed]
    entries, problems = [], []
    for item in parsed.items:
        if isinstance(item.value, dict):
            entry = {}
            for key, value in item.value.items():
                bad = _first_not_json(value)
                if bad is None:
                    entry[key] = value
                else:
                    line, column = parsed.places.get(bad.index, (item.line, item.column))
                    problems.append(Problem(line, _("\"{key}\" holds `{literal}`, {why}; the field was left out.").format(key=key, literal=bad.literal, why=_(bad.why)), column))
            entries.append(ParsedEntry(entry, item.line))
        else:
            kind = item.value.literal if isinstance(item.value, _NotJson) else type(item.value).__name__
            problems.append(Problem(item.line, _("an entry must be an object `{{…}}`, not {kind}; it was not imported.").format(kind=kind),
                                    item.column))
    return entries, sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def parse_json(text: str) -> list[Located] | Problem:
    """The top-level entries of a JSON file with their positions, which the json module does not give.

    Strict JSON, read by the one strict reader (hta.load.json_text.strict_json): `NaN`, `Infinity`, numbers too large
    to hold and deep nesting are a problem at their place, as a syntax error is, so a file holding one is
    never rewritten with it.
    """
    try:
        data = strict_json(text)
    except json.JSONDecodeError as exc:
        return Problem(exc.lineno, _("JSON syntax error: {msg}.").format(msg=exc.msg), exc.colno)
    # What strict_json took holds no value _parse_json marks (those it refuses, and more): its data is
    # what _parse_json would read, and only a string can still hold what JSON cannot.
    parsed = _parse_json(text, (data,))
    if isinstance(parsed, Problem):
        return parsed
    if _encodes(text) and not _SURROGATE_ESCAPE.search(text):
        return parsed.items  # no string can hold half a character
    for item in parsed.items:
        bad = _first_not_json(item.value)
        if bad is not None:
            line, column = parsed.places.get(bad.index, (item.line, item.column))
            return Problem(line, _("`{literal}` is {why}.").format(literal=bad.literal, why=_(bad.why)), column)
    return parsed.items


@dataclass(frozen=True)
class _NotJson:
    """A value Python's json module reads but JSON does not allow, standing where it was in the data."""

    index: int  # its place among such values, in file order; -1 for text (its place is not tracked)
    literal: str
    why: str


@dataclass
class _Parsed:
    """The located top-level entries of a JSON file, and the line and column of each `_NotJson` by its index."""

    items: list[Located]
    places: dict[int, tuple[int, int]]


_NOT_A_NUMBER = N_("not a number JSON allows")
_LONGEST_INTEGER = 300  # digits; Python refuses to read integers past 4300 digits, and no field needs more


# Where a lone surrogate can come from: itself in the text (which read_text never gives), or a \u escape.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")


def _encodes(text: str) -> bool:
    """Whether `text` holds no surrogate, which UTF-8 cannot encode: the encoder finds one faster than a pattern."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_json(text: str, read: tuple[Any] | None = None) -> _Parsed | Problem:
    """The entries of `text` located; `read`, when given, holds what json.loads reads in it, no value marked."""
    marked: list[str] = []

    def not_json(literal: str) -> _NotJson:
        marked.append(literal)
        return _NotJson(len(marked) - 1, literal if len(literal) <= 20 else literal[:17] + "...", _NOT_A_NUMBER)

    def number(literal: str) -> float | _NotJson:
        value = float(literal)
        return value if math.isfinite(value) else not_json(literal)

    def integer(literal: str) -> int | _NotJson:
        return int(literal) if len(literal.lstrip("-")) <= _LONGEST_INTEGER else not_json(literal)

    if read is not None:
        data = read[0]
    else:
        try:
            data = json.loads(text, parse_constant=not_json, parse_float=number, parse_int=integer)
        except json.JSONDecodeError as exc:
            return Problem(exc.lineno, _("JSON syntax error: {msg}.").format(msg=exc.msg), exc.colno)
        except RecursionError:
            return Problem(1, _("the JSON is nested too deeply to read."), 1)
    start = len(text) - len(text.lstrip(" \t\r\n"))
    # the places are looked for only where a value was marked: finding them takes a pass over every token
    located = _Parsed([], dict(enumerate(_not_json_places(text))) if marked else {})
    if isinstance(data, dict):
        located.items.append(Located(*_position(text, start), data))
        return located
    if not isinstance(data, list):
        return Problem(_position(text, start)[0], _("the file must hold a list of references: [{…}, {…}]."), 1)
    # The text is valid JSON, so decoding element by element from just after `[` cannot fail.
    decoder = json.JSONDecoder(parse_constant=lambda s: s, parse_float=lambda s: s, parse_int=lambda s: s)
    at = start + 1
    for value in data:
        while text[at] in " \t\r\n,":
            at += 1
        _value, end = decoder.raw_decode(text, at)
        located.items.append(Located(*_position(text, at), value))
        at = end
    return located


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)')


def _not_json_places(text: str) -> list[tuple[int, int]]:
    """Line and column of each value the json module marked as not JSON, in file order (strings skipped)."""
    places = []
    for match in _JSON_TOKEN.finditer(text):
        literal = match[1]
        if literal is None:
            continue
        if literal.lstrip("-")[:1].isalpha() or (
                not literal.lstrip("-").isdigit() and not math.isfinite(float(literal))) or (
                literal.lstrip("-").isdigit() and len(literal.lstrip("-")) > _LONGEST_INTEGER):
            places.append(_position(text, match.start(1)))
    return places


def _first_not_json(value: Any) -> _NotJson | None:
    """The first value in `value`, in file order, that JSON cannot hold: a marked number, or text with a
    lone surrogate (`"\\ud800"` reads into a string no UTF-8 file can hold). A loop, not recursion: the
    data may be nested as deep as the json module reads."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, _NotJson):
            return value
        if isinstance(value, str):
            half = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
            if half is not None:
                return _NotJson(-1, f"\\u{ord(half):x}", N_("half a character (a lone surrogate)"))
        elif isinstance(value, dict):
            pending += reversed([v for pair in value.items() for v in pair])
        elif isinstance(value, list):
            pending += reversed(value)
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


# --- RIS (EndNote, Zotero, Mendeley, databases) ---------------------------------------------------

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_RIS_TAGS = frozenset(
    "TY ER A1 A2 A3 A4 AB AD AN AU AV BT C1 C2 C3 C4 C5 C6 C7 C8 CA CN CP CT CY DA DB DO DP ED EP ET "
    "ID IS J1 J2 JA JF JO KW L1 L2 L3 L4 LA LB LK M1 M2 M3 N1 N2 NV OP PB PP PY RI RN RP SE SN SP ST "
    "T1 T2 T3 TA TI TT U1 U2 U3 U4 U5 UR VL VO Y1 Y2".split())
_RIS_TYPES = {"JOUR": "article-journal", "EJOUR": "article-journal", "BOOK": "book", "RPRT": "report",
              "ELEC": "webpage", "WEB": "webpage", "CHAP": "chapter", "CONF": "paper-conference",
              "CPAPER": "paper-conference", "THES": "thesis", "GEN": "document"}


@dataclass
class _Record:
    """The tagged values of one RIS or MEDLINE record, each tag's values in file order."""

    line: int
    values: dict[str, list[str]] = field(default_factory=dict)
    last: str = ""

    def add(self, tag: str, value: str) -> None:
        self.values.setdefault(tag, []).append(value)
        self.last = tag

    def extend(self, text: str, separator: str) -> None:
        if self.last:  # a continuation of an ignored line is ignored with it
            self.values[self.last][-1] += separator + text

    def all(self, tag: str) -> list[str]:
        return self.values.get(tag, [])

    def first(self, *tags: str) -> str:
        return next((v for tag in tags for v in self.all(tag) if v), "")


def parse_ris(text: str) -> tuple[list[ParsedEntry], list[Problem]]:
    """RIS records from `TY  -` to `ER  -`; EndNote continues multi-valued fields on untagged lines."""
    entries: list[ParsedEntry] = []
    problems: list[Problem] = []
    record: _Record | None = None
    skipping = False  # inside a record that lacks its TY line, up to its ER
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line:
            continue
        match = _RIS_LINE.match(line)
        tag, value = (match[1], (match[2] or "").strip()) if match else ("", line.strip())
        if tag == "TY":
            if record is not None and not skipping:
                problems.append(_unclosed(record))
            record, skipping = _Record(number), False
            record.add(tag, value)
        elif record is None:
            problems.append(Problem(number, _("the record does not start with `TY  -`; it was not imported.")))
            record, skipping = (None if tag == "ER" else _Record(number)), True
        elif tag == "ER":
            if not skipping:
                entries.append(ParsedEntry(_csl_from_ris(record), record.line))
            record = None
        elif skipping:
            continue
        elif not tag:
            record.extend(value, "\n")
        elif tag not in _RIS_TAGS:
            problems.append(Problem(number, _("`{tag}` is not a RIS tag; the line was ignored.").format(tag=tag)))
            record.last = ""
        else:
            record.add(tag, value)
    if record is not None and not skipping:
        problems.append(_unclosed(record))
    return entries, problems


def _unclosed(record: _Record) -> Problem:
    return Problem(record.line, _("the record is never closed with `ER  -`; it was not imported."))


def _csl_from_ris(record: _Record) -> CSL:
    first_page, last_page = record.first("SP"), record.first("EP")
    csl = {
        "type": _RIS_TYPES.get(record.first("TY"), "document"),
        "title": _one_line(record.first("TI", "T1")),
        "author": [_person(name) for tag in ("AU", "A1") for value in record.all(tag)
                   for name in value.split("\n") if name.strip()],
        "issued": _issued(record.first("PY", "Y1", "DA")),
        "container-title": _one_line(record.first("T2", "JF", "JO")),
        "container-title-short": _one_line(record.first("J2", "JA")),
        "volume": record.first("VL"),
        "issue": record.first("IS"),
        "page": f"{first_page}-{last_page}" if first_page and last_page else first_page,
        "publisher": record.first("PB"),
        "publisher-place": record.first("CY"),
        "accessed": _issued(record.first("Y2")),
        "DOI": normal_doi(record.first("DO").split("\n")[0]),
        "URL": record.first("UR").split("\n")[0],
        "language": record.first("LA"),
        "keyword": ", ".join(k.strip() for v in record.all("KW") for k in v.split("\n") if k.strip()),
        "abstract": record.first("AB", "N2"),
    }
    return {key: value for key, value in csl.items() if value}


# --- PubMed (MEDLINE .nbib) -----------------------------------------------------------------------

_MEDLINE_LINE = re.compile(r"^([A-Z][A-Z0-9 ]{3})-(?: (.*))?$")


def parse_nbib(text: str) -> tuple[list[ParsedEntry], list[Problem]]:
    """MEDLINE records as PubMed saves them: blank-line separated, continued on 6-space indented lines."""
    records: list[_Record] = []
    problems: list[Problem] = []
    record: _Record | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line:
            record = None
            continue
        match = _MEDLINE_LINE.match(line)
        if match:
            tag = match[1].strip()
            if record is None or (tag == "PMID" and record.all("PMID")):
                record = _Record(number)
                records.append(record)
            record.add(tag, (match[2] or "").strip())
        elif line[0].isspace() and record is not None:
            record.extend(line.strip(), " ")
        else:
            problems.append(Problem(number, _("the line is neither `TAG - value` nor an indented continuation; it was ignored.")))
    entries = []
    for record in records:
        missing = [tag for tag in ("PMID", "TI") if not record.first(tag)]
        if missing:
            problems.append(Problem(record.line, _("the record has no {tags} line; it was not imported.").format(
                tags=_(" and no ").join(f"`{t}`" for t in missing))))
        else:
            entries.append(ParsedEntry(_csl_from_medline(record), record.line))
    return entries, sorted(problems, key=lambda p: p.line or 0)


def _csl_from_medline(record: _Record) -> CSL:
    dois = [v.removesuffix("[doi]").strip() for tag in ("LID", "AID") for v in record.all(tag)
            if v.endswith("[doi]")]
    full_names = [_person(name) for name in record.all("FAU")]
    csl = {
        "type": "article-journal",
        # PubMed ends every title with a full stop that the citation style adds again.
        "title": _one_line(record.first("TI")).removesuffix("."),
        "author": (full_names or [_initials_name(name) for name in record.all("AU")])
                  + [{"literal": name} for name in record.all("CN")],
        "issued": _issued(record.first("DP")),
        "container-title": record.first("JT"),
        "container-title-short": record.first("TA"),
        "volume": record.first("VI"),
        "issue": record.first("IP"),
        "page": record.first("PG"),
        "PMID": record.first("PMID"),
        "DOI": normal_doi(dois[0]) if dois else "",
        "abstract": record.first("AB"),
    }
    return {key: value for key, value in csl.items() if value}


def _initials_name(name: str) -> dict[str, str]:
    """`Griffin DK`, as MEDLINE's AU lines write a name when the full form is missing."""
    family, _space, initials = name.strip().rpartition(" ")
    return {"family": family, "given": initials} if family else {"family": initials}


# --- BibTeX ---------------------------------------------------------------------------------------

_BIBTEX_TYPES = {"article": "article-journal", "book": "book", "report": "report", "techreport": "report",
                 "inproceedings": "paper-conference", "conference": "paper-conference", "online": "webpage",
                 "incollection": "chapter", "inbook": "chapter", "phdthesis": "thesis",
                 "mastersthesis": "thesis", "thesis": "thesis"}


def parse_bibtex(text: str) -> tuple[list[ParsedEntry], list[Problem]]:
    """BibTeX entries as CSL-JSON with their keys as ids; titles keep their case, LaTeX becomes Unicode."""
    import bibtexparser
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
    from pylatexenc.latex2text import LatexNodes2Text  # bibtexparser 2 depends on it

    decoder = LatexNodes2Text()

    def decode(value: str) -> str:
        return _one_line(decoder.latex_to_text(value))

    try:
        library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    except Exception as exc:  # the parser has no error type of its own for a file it cannot split
        return [], [Problem(1, _("cannot parse the BibTeX file: {exc}.").format(exc=exc), 1)]
    entries = []
    problems = [Problem(block.start_line + 1, _("cannot parse this BibTeX entry: {bibtex_error}; it was left out.").format(bibtex_error=_bibtex_error(block.error))) for block in library.failed_blocks]
    for entry in library.entries:
        try:
            entries.append(ParsedEntry(_csl_from_bibtex(entry, decode), entry.start_line + 1))
        except Exception as exc:  # whatever a malformed field does to the LaTeX decoder costs one entry, not all
            problems.append(Problem(entry.start_line + 1, _("cannot read the LaTeX of this entry: {exc}; it was left out.").format(exc=exc)))
    return entries, sorted(problems, key=lambda p: p.line or 0)


def _bibtex_error(error: Exception) -> str:
    """The parser's reason in one line, without its advice to programmers (" Note: … `failed_block` …")."""
    reason = (getattr(error, "abort_reason", "") or str(error)).split(" Note:")[0].strip().splitlines()
    return reason[0].rstrip(".") if reason else type(error).__name__


def _csl_from_bibtex(entry: Any, decode: Callable[[str], str]) -> CSL:
    fields = {f.key.lower(): f.value for f in entry.fields}

    def text(*keys: str) -> str:
        return next((decode(fields[k]) for k in keys if isinstance(fields.get(k), str) and fields[k].strip()), "")

    def raw(key: str) -> str:  # identifiers and URLs: a `%` or `_` in them is not LaTeX
        return fields[key].strip() if isinstance(fields.get(key), str) else ""

    kind = entry.entry_type.lower()
    default = "webpage" if kind == "misc" and raw("url") else "document"
    csl = {
        "id": entry.key,
        "type": _BIBTEX_TYPES.get(kind, default),
        "title": text("title"),
        "author": _bibtex_names(fields.get("author"), decode),
        "editor": _bibtex_names(fields.get("editor"), decode),
        "issued": _issued(raw("year") or raw("date")),
        "container-title": text("journal", "journaltitle", "booktitle"),
        "volume": raw("volume"),
        "issue" if kind == "article" else "number": raw("number"),
        "page": raw("pages").replace("--", "-"),
        "publisher": text("publisher", "institution", "school"),
        "publisher-place": text("address", "location"),
        "DOI": normal_doi(raw("doi")),
        "PMID": raw("pmid"),
        "URL": raw("url"),
        "abstract": text("abstract"),
        "note": text("note"),
    }
    return {key: value for key, value in csl.items() if value}


def _bibtex_names(names: Any, decode: Callable[[str], str]) -> list[dict[str, str]]:
    people = []
    for name in names if isinstance(names, list) else []:
        last = " ".join(name.von + name.last)
        if not name.first and not name.von and len(name.last) == 1 and last.startswith("{") and last.endswith("}"):
            people.append({"literal": decode(last)})  # `{Statens beredning …}`: an organisation, not a person
            continue
        person = {"family": decode(last), "given": decode(" ".join(name.first)),
                  "suffix": decode(" ".join(name.jr))}
        people.append({key: value for key, value in person.items() if value})
    return people


# --- Shared by the formats ------------------------------------------------------------------------

def _one_line(text: str) -> str:
    return " ".join(text.split())


def _person(name: str) -> dict[str, str]:
    """`Family, Given` as RIS and MEDLINE write a person; anything without a comma is an organisation."""
    family, comma, given = name.strip().partition(",")
    if not comma:
        return {"literal": name.strip()}
    return {"family": family.strip(), "given": given.strip()} if given.strip() else {"family": family.strip()}


def _issued(date: str) -> dict[str, list[list[int]]] | None:
    year = re.search(r"\b(\d{4})\b", date)
    return {"date-parts": [[int(year[1])]]} if year else None


def normal_doi(doi: str) -> str:
    """A DOI without the resolver or `doi:` in front, as the malformed-identifier rule wants it."""
    return re.sub(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", "", doi.strip(), flags=re.IGNORECASE)


def year_of(csl: CSL) -> int | None:
    try:
        return int(csl["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
