"""The bibliography: read `references.json` or `references.bib`, and import reference-manager exports.

Every format becomes CSL-JSON, the format pandoc's citeproc reads; `hta refs import` adds the works
of RIS, PubMed (MEDLINE), BibTeX and CSL-JSON files to `references.json`, one entry per work.
"""

from __future__ import annotations

import bisect
import json
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

from .. import rules
from ..diagnostics import Diagnostic, display_path
from ..i18n import N_, _
from ..model.assessment import Reference
from .exports import (CSL, ParsedEntry, Problem, normal_doi, Located, parse_json, year_of, parse_bibtex,
                      parse_csl_json, parse_nbib, parse_ris)
from .reader import Source, clip, read_text

# --- The assessment's bibliography ----------------------------------------------------------------

def read_reference_file(path: Path, root: Path | None = None) -> tuple[list[Reference] | None, list[Diagnostic]]:
    """The references of `references.json` (CSL-JSON) or `references.bib` in the folder `root`; None if the
    file is unusable."""
    source = Source(path)
    text, problems = read_text(path, root)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [source.at_line(rules.EMPTY_FILE, 1, _("{name} is empty.").format(name=path.name),
                                     _("Write `[]`, or add references with `hta refs import`."), 1)]
    if path.suffix.lower() == ".bib":
        entries, broken = parse_bibtex(text)
        findings = [source.at_line(rules.INVALID_REFERENCE_FILE, p.line, p.message,
                                   _("Check the braces, quotes and commas of this entry."), p.column) for p in broken]
        items = [Located(e.line, None, e.csl) for e in entries]
    elif path.suffix.lower() == ".json":
        items = parse_json(text)
        if isinstance(items, Problem):
            return None, [source.at_line(rules.INVALID_REFERENCE_FILE, items.line, items.message,
                                         _("Check the commas, quotes and brackets at this place."), items.column)]
        findings = []
    else:
        return None, [source.at_line(rules.INVALID_REFERENCE_FILE, 1,
                                     _("{name} is neither CSL-JSON (.json) nor BibTeX (.bib).").format(name=path.name), "", 1)]
    references, starts = [], _line_starts(text)
    for item in items:
        reference, finding = _reference(source, item)
        if reference is not None:
            reference._file, reference._position = path.name, _id_position(text, starts, item)
            references.append(reference)
        if finding is not None:
            findings.append(finding)
    return references, findings


def _line_starts(text: str) -> list[int]:
    """The offset in `text` where each line starts."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


_ID_KEY = re.compile(r'"id"\s*:\s*"')


def _id_position(text: str, starts: list[int], item: Located) -> tuple[int, int]:
    """Where the entry's id is written (`"id": "…"` in JSON), else where the entry starts. `starts`: the
    text's line starts, found once for all its entries."""
    offset = starts[min(item.line, len(starts)) - 1] + (item.column or 1) - 1
    # `"id"\s*:\s*"ID"` searched as its fixed part, each match then read for the id: a pattern per id
    # would be compiled anew for each of a library's thousands of ids
    written = str(item.value.get("id")) + '"'
    found = _ID_KEY.search(text, offset)
    while found is not None and not text.startswith(written, found.end()):
        found = _ID_KEY.search(text, found.start() + 1)
    if found is None:
        return item.line, item.column or 1
    line = bisect.bisect_right(starts, found.start())
    return line, found.start() - starts[line - 1] + 1


def _reference(source: Source, item: Located) -> tuple[Reference | None, Diagnostic | None]:
    def invalid(message: str, hint: str = "") -> tuple[None, Diagnostic]:
        return None, source.at_line(rules.INVALID_REFERENCE, item.line, message, hint, item.column)

    if not isinstance(item.value, dict):
        return invalid(_("a reference must be an object `{{…}}`, not {kind}.").format(kind=type(item.value).__name__))
    missing = [key for key in ("id", "title") if not item.value.get(key)]
    if missing:
        keys = _(" and no ").join(f'"{key}"' for key in missing)
        message = (_('"{id}" has no {keys}.').format(id=clip(str(item.value["id"])), keys=keys) if item.value.get("id")
                   else _("the reference has no {keys}.").format(keys=keys))
        return invalid(message, _("Citations use the id, as in [@sbu2018].") if "id" in missing else "")
    try:
        return Reference.model_validate(item.value), None
    except ValidationError as exc:
        error = exc.errors()[0]
        return invalid(_('"{key}": the value is not valid here ({reason}).').format(
            key=clip(".".join(map(str, error["loc"]))), reason=error["msg"]))


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
    key: str  # what showed it is the same work: "DOI", "PMID" or TITLE_YEAR_AUTHOR
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
                                                      _("the assessment folder does not exist.")))
        return report
    bibliography, problems = _Bibliography.open(folder)
    report.problems += problems
    if bibliography is None:  # nothing is written over a references file that did not read cleanly
        return report
    for path in files:
        entries, problems = _read_export(path)
        report.problems += problems
        for entry in entries:
            _import_entry(bibliography, entry, display_path(path), report)
    if report.added or any(m.filled for m in report.merged):
        try:
            _write_json(report.path, bibliography.entries)
        except OSError as exc:
            report.problems.append(Source(report.path).at_line(
                rules.REFERENCES_NOT_WRITTEN, 1, _("cannot write {name}: {value}; it was left as it was, and nothing was imported.").format(name=report.path.name, value=exc.strerror or exc), _("Make room, or import into a folder you may write to."), 1))
            report.added.clear()
            report.merged.clear()
    return report


def _import_entry(bibliography: _Bibliography, entry: ParsedEntry, shown: str, report: ImportReport) -> None:
    csl = dict(entry.csl)
    if not isinstance(csl.get("title"), str) or not csl["title"].strip():
        report.problems.append(rules.UNPARSEABLE_ENTRY.at(shown, entry.line, None, _("the entry has no title; it was not imported.")))
        return
    if isinstance(csl.get("DOI"), str):
        csl["DOI"] = normal_doi(csl["DOI"])
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
    text, problems = read_text(path)  # strict UTF-8: never re-read in another encoding
    if text is None:
        return [], problems
    parser = _PARSERS.get(path.suffix.lower())
    if path.suffix.lower() == ".txt":  # PubMed and some databases save their exports as .txt
        if re.search(r"^PMID- ", text, re.M):
            parser = parse_nbib
        elif re.search(r"^TY  - ", text, re.M):
            parser = parse_ris
    if parser is None:
        return [], [source.at_line(rules.INVALID_REFERENCE_FILE, None, _("{name} is not a reference file hta reads.").format(name=path.name),
                                   _("Export RIS (.ris), PubMed (.nbib), BibTeX (.bib) or CSL-JSON (.json)."))]
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
        # Rewriting a file that did not read cleanly would lose what it holds, and matching against a
        # BibTeX file read in part would add its unread works twice: stop at the first problem.
        if json_path.exists() or json_path.is_symlink():
            text, problems = read_text(json_path, folder)
            if text is None:
                return None, problems
            items = parse_json(text) if text.strip() else []
            if isinstance(items, Problem):
                return None, [Source(json_path).at_line(rules.INVALID_REFERENCE_FILE, items.line,
                                                        _("{message} Nothing was imported.").format(message=items.message), _("Fix it, then import again."),
                                                        items.column)]
            bibliography.entries = [item.value for item in items]
            for entry in bibliography.entries:
                bibliography.index(entry)
        if bib_path.exists() or bib_path.is_symlink():
            text, problems = read_text(bib_path, folder)
            if text is None:
                return None, problems
            entries, broken = parse_bibtex(text)
            if broken:
                return None, [Source(bib_path).at_line(rules.INVALID_REFERENCE_FILE, p.line,
                                                       _("{message} Nothing was imported.").format(message=p.message),
                                                       _("Fix it, then import again."), p.column or 1) for p in broken]
            for parsed in entries:
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
    """What identifies a work: its DOI, its PMID, or its title, year and first author together; any one in
    common means the same work. Title and year alone are not enough: editorials, letters and reports of one
    series share titles ("Ketamine", "Correction") within a year, and merging two works loses one."""
    keys = []
    if isinstance(csl.get("DOI"), str) and normal_doi(csl["DOI"]):
        keys.append(("DOI", normal_doi(csl["DOI"]).lower()))
    if str(csl.get("PMID") or "").strip():
        keys.append(("PMID", str(csl["PMID"]).strip()))
    title = _comparable(csl.get("title"))
    if title and year_of(csl):
        keys.append((TITLE_YEAR_AUTHOR, f"{title} {year_of(csl)} {_first_author(csl)}"))
    return keys


TITLE_YEAR_AUTHOR = N_("title, year and first author")


def _first_author(csl: CSL) -> str:
    """The first author's family name (or an organisation's name), comparable across exports: RIS may
    write "Müller" where BibTeX wrote "M{\\"u}ller", and one export may lack the accent."""
    names = csl.get("author")
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], dict) else {}
    return _comparable(first.get("family") or first.get("literal"))


def _comparable(text: Any) -> str:
    letters = unicodedata.normalize("NFKD", str(text or "").casefold().translate(_ASCII))
    return "".join(c for c in letters if c.isalnum())


# Letters that Unicode does not decompose into an ASCII letter and a mark.
_ASCII = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def _id_base(csl: CSL) -> str:
    """`familyYEAR` in lower-case ASCII, from the first author (or editor, or the title's first word)."""
    names = [n for n in (csl.get("author") or csl.get("editor") or []) if isinstance(n, dict)]
    first = names[0] if names else {}
    word = first.get("family") or (first.get("literal") or str(csl.get("title") or "")).split(" ")[0]
    letters = unicodedata.normalize("NFKD", str(word).lower().translate(_ASCII))
    ascii_word = "".join(c for c in letters if c in string.ascii_lowercase + string.digits)
    return (ascii_word or "ref") + str(year_of(csl) or "nd")


_KEY_ORDER = ["id", "type", "title", "author", "editor", "issued", "container-title", "container-title-short",
              "volume", "issue", "page", "publisher", "publisher-place", "DOI", "PMID", "URL"]


def _in_key_order(csl: CSL) -> CSL:
    """A new entry with its keys in one fixed order; entries already in the file keep theirs, so diffs stay small."""
    first = [k for k in _KEY_ORDER if k in csl]
    return {k: csl[k] for k in first + sorted(set(csl) - set(first))}


def _write_json(path: Path, entries: list[Any]) -> None:
    """Write the references in one step, so an interrupted import never leaves half a file."""
    # allow_nan=False: NaN or Infinity here is a bug (the parsers leave such values out with a finding),
    # and json.dumps would write it as a bare NaN that no JSON reader accepts.
    text = json.dumps(entries, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
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
    lines = [f"{a.path}:{a.line}: " + _("added {id}").format(id=a.id) for a in report.added]
    for m in report.merged:
        message = (_("merged into {id} (same {key}; added {fields})") if m.filled else _("merged into {id} (same {key})"))
        lines.append(f"{m.path}:{m.line}: " + message.format(id=m.into, key=_(m.key), fields=", ".join(m.filled)))
    return "\n".join(lines + [d.text() for d in report.problems])
