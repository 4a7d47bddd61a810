"""The bibliography: read `references.json` or `references.bib`, and import reference-manager exports.

Every format becomes CSL-JSON, the format pandoc's citeproc reads; `hta refs import` adds the works
of RIS, PubMed (MEDLINE), BibTeX and CSL-JSON files to `references.json`, one entry per work.
"""

from __future__ import annotations

import json
import logging
import os
import re
import string
import tempfile
import unicodedata
from dataclasses import dataclass, field
from itertools import chain, count, product
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from . import rules
from .diagnostics import Diagnostic, display_path
from .load import Source, read_text
from .model import Reference

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


# --- The assessment's bibliography ----------------------------------------------------------------

def read_reference_file(path: Path) -> tuple[list[Reference] | None, list[Diagnostic]]:
    """The references of `references.json` (CSL-JSON) or `references.bib`; None if the file is unusable."""
    source = Source(path)
    text, problems = read_text(path)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [source.at_line(rules.EMPTY_FILE, 1, f"{path.name} is empty.",
                                     "Write `[]`, or add references with `hta refs import`.")]
    if path.suffix.lower() == ".bib":
        entries, broken = parse_bibtex(text)
        findings = [source.at_line(rules.INVALID_REFERENCE_FILE, p.line, p.message,
                                   "Check the braces, quotes and commas of this entry.", p.column) for p in broken]
        items = [_Located(e.line, None, e.csl) for e in entries]
    elif path.suffix.lower() == ".json":
        items = _parse_json(text)
        if isinstance(items, Problem):
            return None, [source.at_line(rules.INVALID_REFERENCE_FILE, items.line, items.message,
                                         "Check the commas, quotes and brackets at this place.", items.column)]
        findings = []
    else:
        return None, [source.at_line(rules.INVALID_REFERENCE_FILE, None,
                                     f"{path.name} is neither CSL-JSON (.json) nor BibTeX (.bib).")]
    references = []
    for item in items:
        reference, finding = _reference(source, item)
        if reference is not None:
            references.append(reference)
        if finding is not None:
            findings.append(finding)
    return references, findings


@dataclass
class _Located:
    """A value of a file with the line and column where it starts."""

    line: int
    column: int | None
    value: Any


def _reference(source: Source, item: _Located) -> tuple[Reference | None, Diagnostic | None]:
    def invalid(message: str, hint: str = "") -> tuple[None, Diagnostic]:
        return None, source.at_line(rules.INVALID_REFERENCE, item.line, message, hint, item.column)

    if not isinstance(item.value, dict):
        return invalid(f"a reference must be an object `{{…}}`, not {type(item.value).__name__}.")
    missing = [key for key in ("id", "title") if not item.value.get(key)]
    if missing:
        name = f'"{item.value["id"]}"' if item.value.get("id") else "the reference"
        return invalid(f"{name} has no " + " and no ".join(f'"{key}"' for key in missing) + ".",
                       'Citations use the id, as in [@sbu2018].' if "id" in missing else "")
    try:
        return Reference.model_validate(item.value), None
    except ValidationError as exc:
        error = exc.errors()[0]
        return invalid(f'"{".".join(map(str, error["loc"]))}": {error["msg"]}.')


# --- CSL-JSON -------------------------------------------------------------------------------------

def parse_csl_json(text: str) -> tuple[list[ParsedEntry], list[Problem]]:
    """CSL-JSON as Zotero or doi.org write it: a list of entries, or one entry on its own."""
    items = _parse_json(text)
    if isinstance(items, Problem):
        return [], [items]
    entries, problems = [], []
    for item in items:
        if isinstance(item.value, dict):
            entries.append(ParsedEntry(dict(item.value), item.line))
        else:
            kind = type(item.value).__name__
            problems.append(Problem(item.line, f"an entry must be an object `{{…}}`, not {kind}; it was not imported.",
                                    item.column))
    return entries, problems


def _parse_json(text: str) -> list[_Located] | Problem:
    """The top-level entries of a JSON file with their positions, which the json module does not give."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(exc.lineno, f"JSON syntax error: {exc.msg}.", exc.colno)
    start = len(text) - len(text.lstrip())
    if isinstance(data, dict):
        return [_Located(*_position(text, start), data)]
    if not isinstance(data, list):
        return Problem(_position(text, start)[0], "the file must hold a list of references: [{…}, {…}].")
    # The text is valid JSON, so decoding element by element from just after `[` cannot fail.
    decoder, at, located = json.JSONDecoder(), start + 1, []
    for _ in data:
        while text[at] in " \t\r\n,":
            at += 1
        value, end = decoder.raw_decode(text, at)
        located.append(_Located(*_position(text, at), value))
        at = end
    return located


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
            problems.append(Problem(number, "the record does not start with `TY  -`; it was not imported."))
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
            problems.append(Problem(number, f"`{tag}` is not a RIS tag; the line was ignored."))
            record.last = ""
        else:
            record.add(tag, value)
    if record is not None and not skipping:
        problems.append(_unclosed(record))
    return entries, problems


def _unclosed(record: _Record) -> Problem:
    return Problem(record.line, "the record is never closed with `ER  -`; it was not imported.")


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
        "DOI": _doi(record.first("DO").split("\n")[0]),
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
            problems.append(Problem(number, "the line is neither `TAG - value` nor an indented continuation; "
                                            "it was ignored."))
    entries = []
    for record in records:
        missing = [tag for tag in ("PMID", "TI") if not record.first(tag)]
        if missing:
            problems.append(Problem(record.line, "the record has no " + " and no ".join(f"`{t}`" for t in missing)
                                    + " line; it was not imported."))
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
        "DOI": _doi(dois[0]) if dois else "",
        "abstract": record.first("AB"),
    }
    return {key: value for key, value in csl.items() if value}


def _initials_name(name: str) -> dict[str, str]:
    """`Griffin DK`, as MEDLINE's AU lines write a name when the full form is missing."""
    family, _, initials = name.strip().rpartition(" ")
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
        return [], [Problem(None, f"cannot parse the BibTeX file: {exc}.")]
    entries = []
    problems = [Problem(block.start_line + 1, f"cannot parse this BibTeX entry: {_bibtex_error(block.error)}; "
                                              "it was left out.") for block in library.failed_blocks]
    for entry in library.entries:
        try:
            entries.append(ParsedEntry(_csl_from_bibtex(entry, decode), entry.start_line + 1))
        except Exception as exc:  # whatever a malformed field does to the LaTeX decoder costs one entry, not all
            problems.append(Problem(entry.start_line + 1, f"cannot read the LaTeX of this entry: {exc}; "
                                                          "it was left out."))
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
        "DOI": _doi(raw("doi")),
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


def _doi(doi: str) -> str:
    """A DOI without the resolver or `doi:` in front, as the malformed-identifier rule wants it."""
    return re.sub(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", "", doi.strip(), flags=re.IGNORECASE)


def _year(csl: CSL) -> int | None:
    try:
        return int(csl["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


# --- Import ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Added:
    """An imported entry that became a new reference."""

    id: str
    path: str
    line: int


@dataclass(frozen=True)
class Merged:
    """An imported entry that was already in the references, and what it added to the one kept."""

    path: str
    line: int
    into: str
    key: str  # what showed it is the same work: "DOI", "PMID" or "title+year"
    filled: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What `hta refs import` did: the references file, entries added and merged, and problems met."""

    path: Path
    added: list[Added] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


_PARSERS: dict[str, Callable[[str], tuple[list[ParsedEntry], list[Problem]]]] = {
    ".ris": parse_ris, ".nbib": parse_nbib, ".bib": parse_bibtex, ".json": parse_csl_json}


def import_references(files: list[Path], folder: Path) -> ImportReport:
    """Add the works of `files` to the folder's `references.json`, one entry per work."""
    report = ImportReport(folder / "references.json")
    if not folder.is_dir():
        report.problems.append(Source(folder).at_line(rules.MISSING_FILE, None,
                                                      "the assessment folder does not exist."))
        return report
    bibliography, problems = _Bibliography.open(folder)
    report.problems += problems
    if bibliography is None:
        return report
    for path in files:
        entries, problems = _read_export(path)
        report.problems += problems
        for entry in entries:
            _import_entry(bibliography, entry, display_path(path), report)
    if report.added or any(m.filled for m in report.merged):
        _write_json(report.path, bibliography.entries)
    return report


def _import_entry(bibliography: _Bibliography, entry: ParsedEntry, shown: str, report: ImportReport) -> None:
    csl = dict(entry.csl)
    if not isinstance(csl.get("title"), str) or not csl["title"].strip():
        report.problems.append(rules.UNPARSEABLE_ENTRY.at(shown, entry.line, None, "the entry has no title; "
                                                          "it was not imported."))
        return
    if isinstance(csl.get("DOI"), str):
        csl["DOI"] = _doi(csl["DOI"])
    found = bibliography.find(csl)
    if found is None:
        csl["id"] = bibliography.new_id(csl)
        csl = _in_key_order(csl)
        bibliography.add(csl)
        report.added.append(Added(csl["id"], shown, entry.line))
    else:
        kept, key = found
        report.merged.append(Merged(shown, entry.line, kept["id"], key, bibliography.merge(kept, csl)))


def _read_export(path: Path) -> tuple[list[ParsedEntry], list[Diagnostic]]:
    source = Source(path)
    text, problems = read_text(path)
    if text is None:
        return [], problems
    parser = _PARSERS.get(path.suffix.lower())
    if path.suffix.lower() == ".txt":  # PubMed and some databases save their exports as .txt
        if re.search(r"^PMID- ", text, re.M):
            parser = parse_nbib
        elif re.search(r"^TY  - ", text, re.M):
            parser = parse_ris
    if parser is None:
        return [], [source.at_line(rules.INVALID_REFERENCE_FILE, None, f"{path.name} is not a reference file hta reads.",
                                   "Export RIS (.ris), PubMed (.nbib), BibTeX (.bib) or CSL-JSON (.json).")]
    entries, found = parser(text)
    return entries, [source.at_line(rules.UNPARSEABLE_ENTRY, p.line, p.message, "", p.column) for p in found]


@dataclass
class _Bibliography:
    """What an import adds to: the entries of `references.json` (rewritten) and of `references.bib` (only read)."""

    entries: list[Any]
    frozen: set[str] = field(default_factory=set)  # ids of entries in references.bib, never changed
    ids: set[str] = field(default_factory=set)
    by_key: dict[tuple[str, str], CSL] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path) -> tuple[_Bibliography | None, list[Diagnostic]]:
        json_path, bib_path = folder / "references.json", folder / "references.bib"
        bibliography = cls([])
        if json_path.exists():
            # Rewriting a file that could not be read would lose what it holds: stop there.
            text, problems = read_text(json_path)
            if text is None:
                return None, problems
            items = _parse_json(text) if text.strip() else []
            if isinstance(items, Problem):
                return None, [Source(json_path).at_line(rules.INVALID_REFERENCE_FILE, items.line, items.message,
                                                        "Fix it, then import again.", items.column)]
            bibliography.entries = [item.value for item in items]
            for entry in bibliography.entries:
                bibliography.index(entry)
        if bib_path.exists():
            text, _ = read_text(bib_path)
            for parsed in parse_bibtex(text or "")[0]:
                bibliography.frozen.add(parsed.csl["id"])
                bibliography.index(parsed.csl)
        return bibliography, []

    def index(self, entry: Any) -> None:
        # An entry without an id cannot be cited, so nothing is merged into it (the checks report it).
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            self.ids.add(entry["id"])
            for key in _keys(entry):
                self.by_key.setdefault(key, entry)

    def find(self, csl: CSL) -> tuple[CSL, str] | None:
        return next(((self.by_key[k], k[0]) for k in _keys(csl) if k in self.by_key), None)

    def new_id(self, csl: CSL) -> str:
        """The entry's own key (a BibTeX key, a CSL-JSON id) when it is free; else `familyYEAR`, a, b, …"""
        own = csl.get("id")
        if isinstance(own, str) and _CITABLE.fullmatch(own) and own not in self.ids:
            return own
        base = _id_base(csl)
        suffixes = ("".join(letters) for n in count(1) for letters in product(string.ascii_lowercase, repeat=n))
        return next(i for i in chain([base], (base + s for s in suffixes)) if i not in self.ids)

    def add(self, csl: CSL) -> None:
        self.entries.append(csl)
        self.index(csl)

    def merge(self, kept: CSL, csl: CSL) -> tuple[str, ...]:
        """Copy the fields `kept` lacks; an entry of references.bib is left as it is."""
        if kept.get("id") in self.frozen:
            return ()
        filled = tuple(k for k, v in csl.items() if k != "id" and v not in ("", None, [], {}) and not kept.get(k))
        for key in filled:
            kept[key] = csl[key]
        self.index(kept)
        return filled


# What pandoc accepts after @ in a citation without braces.
_CITABLE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&\-+?<>~/]*[A-Za-z0-9_]|[A-Za-z0-9_]")


def _keys(csl: CSL) -> list[tuple[str, str]]:
    """What identifies a work: its DOI, its PMID, its title and year; any one in common means the same work."""
    keys = []
    if isinstance(csl.get("DOI"), str) and _doi(csl["DOI"]):
        keys.append(("DOI", _doi(csl["DOI"]).lower()))
    if str(csl.get("PMID") or "").strip():
        keys.append(("PMID", str(csl["PMID"]).strip()))
    title = "".join(c for c in str(csl.get("title") or "").casefold() if c.isalnum())
    if title and _year(csl):
        keys.append(("title+year", f"{title} {_year(csl)}"))
    return keys


# Letters that Unicode does not decompose into an ASCII letter and a mark.
_ASCII = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def _id_base(csl: CSL) -> str:
    """`familyYEAR` in lower-case ASCII, from the first author (or editor, or the title's first word)."""
    names = [n for n in (csl.get("author") or csl.get("editor") or []) if isinstance(n, dict)]
    first = names[0] if names else {}
    word = first.get("family") or (first.get("literal") or str(csl.get("title") or "")).split(" ")[0]
    letters = unicodedata.normalize("NFKD", str(word).lower().translate(_ASCII))
    ascii_word = "".join(c for c in letters if c in string.ascii_lowercase + string.digits)
    return (ascii_word or "ref") + str(_year(csl) or "nd")


_KEY_ORDER = ["id", "type", "title", "author", "editor", "issued", "container-title", "container-title-short",
              "volume", "issue", "page", "publisher", "publisher-place", "DOI", "PMID", "URL"]


def _in_key_order(csl: CSL) -> CSL:
    """A new entry with its keys in one fixed order; entries already in the file keep theirs, so diffs stay small."""
    first = [k for k in _KEY_ORDER if k in csl]
    return {k: csl[k] for k in first + sorted(set(csl) - set(first))}


def _write_json(path: Path, entries: list[Any]) -> None:
    """Write the references in one step, so an interrupted import never leaves half a file."""
    text = json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".references-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)  # mkstemp makes it 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def format_report(report: ImportReport) -> str:
    """One line per entry added or merged and per problem, as `hta refs import` prints them."""
    lines = [f"{a.path}:{a.line}: added {a.id}" for a in report.added]
    for m in report.merged:
        filled = f"; added {', '.join(m.filled)}" if m.filled else ""
        lines.append(f"{m.path}:{m.line}: merged into {m.into} (same {m.key}{filled})")
    return "\n".join(lines + [d.text() for d in report.problems])
