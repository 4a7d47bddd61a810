"""An assessment folder read into the typed model, with pydantic's errors said in the author's terms."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .. import i18n, rules
from ..diagnostics import Diagnostic, has_errors
from ..i18n import N_, _
from ..model.assessment import (EARLIEST, LATEST, REQUIRED_COLUMNS, Assessment, Conclusions, EvidenceRow, Metadata,
                               Pico, Reference, Search, Section, SectionKey, evidence_column)
from ..model.certainty import Certainty, Rating
from . import reader
from .inventory import EVIDENCE_FILES, REFERENCE_FILES, take_stock
from .reader import Loaded, Source, clip, excerpt, forget_folders, read_bytes, read_text
from .tables import Table, read_table
from .yaml_text import read_yaml


def validation_findings(source: Source, error: ValidationError, model: type[BaseModel]) -> list[Diagnostic]:
    """pydantic's errors in the author's terms, each at the position of the offending value."""
    findings = []
    for err in error.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-") or p in {"int", "literal['not reported']", "str", "constrained-int"})))
        name = str(loc[-1]) if loc else ""
        kind = err["type"]
        if kind == "extra_forbidden":
            known = _field_names(model, loc[:-1])
            close = difflib.get_close_matches(name, known, n=1)
            hint = (_('Did you mean "{name}"?').format(name=close[0]) if close
                    else _("Known keys here: {keys}.").format(keys=", ".join(known)))
            line, column = source.positions.get(("key",) + loc, source.where(loc))
            findings.append(rules.UNKNOWN_KEY.at(source.shown, line, column, _("unknown key \"{name}\".").format(name=clip(name, 40)), hint))
        elif kind == "missing":
            findings.append(source.at(rules.MISSING_KEY, loc[:-1], _("\"{name}\" is missing.").format(name=name),
                                      _("Add `{name}:` here.").format(name=name)))
        elif kind in {"model_type", "model_attributes_type", "dict_type"}:
            findings.append(source.at(rules.WRONG_SHAPE, loc, _where(loc) + _("expected a mapping (key: value lines), found {kind}.").format(kind=_kind(err['input']))))
        elif kind == "date_out_of_range":
            findings.append(source.at(rules.DATE_OUT_OF_RANGE, loc, _where(loc) + _("the date {date} lies outside {earliest}–{latest}.").format(
                date=err['ctx']['date'], earliest=EARLIEST.year, latest=LATEST.year),
                                      _("Check the year.")))
        elif kind == "list_type":
            findings.append(source.at(rules.WRONG_SHAPE, loc, _where(loc) + _("expected a list (lines starting with '- '), found {kind}.").format(kind=_kind(err['input']))))
        else:
            findings.append(source.at(rules.WRONG_SHAPE, loc, _where(loc) + _message(err)))
    # pydantic reports a union (a count or 'not reported') once per branch; one finding per place is enough
    unique: dict[tuple, Diagnostic] = {}
    for f in findings:
        unique.setdefault((f.line, f.column, f.code), f)
    return list(unique.values())


def _message(err: dict) -> str:
    kind, value = err["type"], excerpt(err.get("input"))  # a value is quoted only in part: it may be a whole file
    if kind.startswith("int") or kind == "greater_than_equal":
        return _("expected a whole number ≥ 0, found {value}.").format(value=value)
    if kind == "literal_error":
        return _("expected a whole number ≥ 0 or 'not reported', found {value}.").format(value=value)
    if kind.startswith("date"):
        return _impossible_date(err.get("input")) or _("expected a date written YYYY-MM-DD, found {value}.").format(value=value)
    if kind == "enum":
        return _("{value} is not one of {expected}.").format(value=value, expected=err['ctx']['expected'].replace(" or ", _(" or ")))
    if kind.startswith("string"):
        return _("expected text, found {kind}.").format(kind=_kind(err.get('input')))
    if kind.startswith("bool"):
        return _("expected true or false, found {value}.").format(value=value)
    # a kind of error no value of the format has met so far: pydantic's own words, which are English
    return _("the value is not valid here ({reason}).").format(reason=clip(err["msg"], 120))


_MONTH_NAMES = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
                N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def _ordinal(day: int) -> str:
    """29th, 30th, 31st in English; 29:e and 29. in Swedish and Norwegian (the catalogue writes them)."""
    if 10 <= day % 100 <= 20 or day % 10 not in (1, 2, 3):
        return _("{day}th").format(day=day)
    return {1: _("{day}st"), 2: _("{day}nd"), 3: _("{day}rd")}[day % 10].format(day=day)


def _impossible_date(value: Any) -> str | None:
    """A date written YYYY-MM-DD that names a day the calendar does not have, said as such: 2019-02-30 is
    "February 2019 has no 30th day", not a format error. None when the value is not written so."""
    import calendar

    match = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", str(value))
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return _("{value}: there is no month {month}; months run from 01 to 12.").format(value=value, month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return _("{value}: {month} {year} has no {ordinal} day; its last day is the {last}.").format(
            value=value, month=_(_MONTH_NAMES[month - 1]), year=year, ordinal=_ordinal(day), last=_ordinal(last))
    return None


def _where(loc: tuple) -> str:
    return f'"{clip(loc[-1], 40)}": ' if loc and isinstance(loc[-1], str) else ""


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return _("nothing")
    return excerpt(value)


def _field_names(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a mapping at `loc` may hold, for did-you-mean suggestions."""

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if info is None:
            return []
        current = _inner_model(info.annotation)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _inner_model(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def read_assessment(folder: Path) -> tuple[Assessment, list[Diagnostic]]:
    """Read and validate every file of an assessment folder; all findings, not just the first, in the
    assessment's language. The model holds what could be read: a file that could not be stands in it as
    empty, named in `unread`."""
    forget_folders()
    first = read_yaml(folder / "assessment.yaml", folder)  # read once: it names the language of the rest
    named = first.data.get("language") if isinstance(first.data, dict) and not first.diagnostics else None
    with i18n.language(named):
        return _read_assessment(folder, first)


@cache
def _adapter(model: Any) -> Any:
    """The validator of `model`, made once per process: making one costs more than validating a file."""
    from pydantic import TypeAdapter

    return TypeAdapter(model)


def _read_assessment(folder: Path, first: Loaded) -> tuple[Assessment, list[Diagnostic]]:
    findings: list[Diagnostic] = []
    sources: dict[str, Source] = {}
    unread: set[str] = set()

    def validated(name: str, model: Any, schema_model: type[BaseModel], default: Any, required: bool = True) -> Any:
        path = folder / name
        if not required and not os.path.lexists(path):
            return default
        loaded: Loaded = first if name == "assessment.yaml" else read_yaml(path, folder)
        sources[name] = loaded.source
        findings.extend(loaded.diagnostics)
        if not loaded.diagnostics:
            try:
                return _adapter(model).validate_python(loaded.data)
            except ValidationError as exc:
                findings.extend(validation_findings(loaded.source, exc, schema_model))
        unread.add(name)
        return default() if callable(default) else default

    meta = validated("assessment.yaml", Metadata, Metadata, None)
    if meta is not None and meta.csl:
        from ..check.readable import start_csl_trial

        start_csl_trial(folder, meta.csl)  # pandoc tries the style while the rest is read and checked
    picos = validated("pico.yaml", list[Pico], Pico, [])
    searches = validated("searches.yaml", list[Search], Search, [], required=False)
    conclusions = validated("conclusions.yaml", Conclusions, Conclusions, Conclusions)
    certainty = validated("certainty.yaml", Certainty, Rating, [], required=False)
    listing = take_stock(folder, meta.csl if meta else None)
    stock = listing.findings
    if meta is None:
        meta = _stand_in_metadata(folder)
    else:
        from ..check.status import at_status  # an unknown file is a warning in a draft, an error for decision

        stock = [at_status(d, meta.status) for d in stock]
    findings.extend(stock)
    sections = _read_sections(folder, listing.sections, findings)
    unread |= {f"sections/{p.name}" for p in listing.sections if SectionKey(p.stem) not in sections}
    unread |= {m for m in listing.meant if SectionKey(m[len("sections/"):-3]) not in sections}
    pictures = _read_pictures(folder, listing.pictures, findings)
    figures = list(pictures)
    unread |= {f"figures/{p.name}" for p in listing.pictures if p not in figures}
    evidence = _read_evidence(folder, findings, sources)
    references, complete = _read_references(folder, findings, sources)
    if evidence is None:
        unread.add("evidence")
    if not complete:
        unread.add("references")
    if "assessment.yaml" not in unread and meta.csl:
        problems = _read_csl(folder, meta.csl, sources["assessment.yaml"])
        findings.extend(problems)
        if problems:
            unread.add("csl")
    assessment = Assessment(folder, meta, picos, searches, conclusions, sections, evidence or [], references, sources,
                            figures, certainty, frozenset(unread))
    assessment.picture_bytes = pictures
    _read_shapes(assessment, validated, findings)
    return assessment, findings


def _read_shapes(assessment: Assessment, validated: Any, findings: list[Diagnostic]) -> None:
    """The house style `style:` names and the optional structured aspects (economic.yaml, …)."""
    from ..model.aspects import ASPECT_FILES
    from ..i18n import _
    from ..model.styles import DEFAULT, find_style, read_style

    meta = assessment.meta
    if "assessment.yaml" not in assessment.unread and meta.style != DEFAULT:
        folder = find_style(meta.style)
        if folder is None:
            from ..model.styles import available_styles

            findings.append(assessment.sources["assessment.yaml"].at(
                rules.UNKNOWN_STYLE, ("style",), _('there is no house style "{name}".').format(name=clip(meta.style, 40)),
                _("Styles: {styles}; a style of your own is a folder with style.yaml under templates/styles/ or "
                  "in a folder named by HTA_STYLES.").format(styles=", ".join(available_styles()))))
        else:
            assessment.style, problems = read_style(folder)
            findings.extend(problems)
    for name, model in ASPECT_FILES.items():
        value = validated(name, model, model, None, required=False)
        setattr(assessment.aspects, {"economic.yaml": "economic", "organisational.yaml": "organisational",
                                     "ethics.yaml": "ethics"}[name], value)


def _stand_in_metadata(folder: Path) -> Metadata:
    """assessment.yaml could not be read or validated: the status and language it gives, where those two
    are readable (they decide the severity and language of the other findings), and nothing else."""
    from ..model.assessment import Status

    loaded = read_yaml(folder / "assessment.yaml", folder)
    data = loaded.data if isinstance(loaded.data, dict) and not loaded.diagnostics else {}
    status = next((s for s in Status if s.value == data.get("status")), Status.DRAFT)
    language = data.get("language") if isinstance(data.get("language"), str) else i18n.interface_language()
    return Metadata.model_construct(dnr="", title="", unit="", councils=[], question="", status=status,
                                    language=language, authors=[], decision=None, csl=None, short_title="",
                                    report_type="", region="", requester="", source="", notes="")


def _read_sections(folder: Path, paths: list[Path], findings: list[Diagnostic]) -> dict[SectionKey, Section]:
    sections: dict[SectionKey, Section] = {}
    for path in paths:
        source = Source(path)
        text, problems = read_text(path, folder)
        findings.extend(problems)
        if text is None:
            continue
        source.text = text
        text = _without_comments(text)
        title, first_line = "", 1
        lines = text.split("\n")
        if lines and lines[0].startswith("# "):
            title, first_line = lines[0][2:].strip(), 2
            text = "\n".join(lines[1:])
        sections[SectionKey(path.stem)] = Section(SectionKey(path.stem), source, text, title, first_line)
    return sections


def _without_comments(text: str) -> str:
    """Markdown with its <!-- comments --> (the authors' notes) blanked, keeping every line where it was.
    A comment ends at the first --> and holds no other <!--: an unclosed one stays text and hides nothing."""
    return re.sub(r"<!--(?:(?!<!--).)*?-->", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)


def _read_pictures(folder: Path, paths: list[Path], findings: list[Diagnostic]) -> dict[Path, bytes]:
    """The pictures of figures/ that the reader accepts (plain files inside the folder, within the size limit),
    each with the content it read: nothing reads them by path again."""
    accepted = {}
    for path in paths:
        content, problems = read_bytes(path, folder, reader.PICTURE_LIMIT)
        findings.extend(problems)
        if content is not None:
            accepted[path] = content
    return accepted


def _read_csl(folder: Path, name: str, meta: Source) -> list[Diagnostic]:
    """The citation style named in assessment.yaml, read as any file of the folder; a problem is shown at `csl:`."""
    _text, problems = read_text(folder / name, folder)
    line, column = meta.where(("csl",))
    return [replace(d, path=meta.shown, line=line, column=column,
                    message="csl: " + d.message) for d in problems]


def _read_evidence(folder: Path, findings: list[Diagnostic], sources: dict[str, Source]) -> list[EvidenceRow] | None:
    paths = [folder / name for name in EVIDENCE_FILES if os.path.lexists(folder / name)]
    if not paths:
        return []
    table, problems = read_table(paths[0], folder)
    findings.extend(problems)
    if table is None:
        return None
    sources["evidence"] = table.source
    return evidence_rows(table, findings)


def evidence_rows(table: Table, findings: list[Diagnostic]) -> list[EvidenceRow] | None:
    """Rows of the evidence table under the canonical column names, Swedish and Norwegian headings accepted."""
    rename: dict[str, str] = {}
    for heading in table.columns:
        column = evidence_column(heading)
        # a second heading for a column taken (Kvalitet beside Bedömning) is a column of the author's own
        if column is not None and column not in rename.values():
            rename[heading] = column
    missing = [c for c in REQUIRED_COLUMNS if c not in rename.values()]
    if missing:
        below = _heading_row(table)
        if below is not None:  # a title or a blank row above the headings, as spreadsheets often have
            findings.append(table.source.at_line(
                rules.EVIDENCE_COLUMN, 1, _("the first row must be the headings; they are in row {below}.").format(below=below),
                _("Delete the row(s) above row {below}, so that the headings stand in row 1.").format(below=below), 1))
            return None
        from ..model.labels import labels_for

        headings = labels_for(i18n.current()).evidence_columns  # as the report prints them, in the findings' language
        findings.append(table.source.at_line(
            rules.EVIDENCE_COLUMN, 1, _("the evidence table lacks the column(s) {join}.").format(
                join=", ".join(getattr(headings, c) for c in missing)),
            _("Columns: {join}.").format(join=", ".join(getattr(headings, c) for c in REQUIRED_COLUMNS)), 1))
        return None
    rows = []
    for number, cells in table.rows:
        values = {rename[c]: v for c, v in cells.items() if c in rename}
        # a column of the author's own (Resultat, Kommentar) is kept and printed, never dropped in silence
        extra = {c.strip(): v for c, v in cells.items() if c not in rename and c.strip()}
        rows.append(EvidenceRow(**values, extra=extra, row=number))
    return rows


def _heading_row(table: Table) -> int | None:
    """The row (as the spreadsheet numbers it) whose cells name the evidence table's columns, below row 1."""
    rows: list[tuple[int, list[str]]] = [(n, list(cells.values())) for n, cells in table.rows[:20]]
    if table.source.path.suffix.lower() == ".csv":
        # the reader keys a row's cells by the header, and a title row's empty headings are one key: the
        # rows are read again as they stand (this is the error path only)
        import csv
        import io

        text, _ = read_text(table.source.path, table.source.path.parent, windows_1252=True)
        lines = (text or "").splitlines()[:20]
        delimiter = max([";", ",", "\t"], key=lambda d: max((line.count(d) for line in lines), default=0))
        rows = list(enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter), start=1))[1:]
    for number, cells in rows:
        if sum(evidence_column(str(v)) is not None for v in cells) >= 3:
            return number
    return None


def _read_references(folder: Path, findings: list[Diagnostic], sources: dict[str, Source]) -> tuple[list[Reference], bool]:
    """The references of references.json and references.bib, and whether every file of them could be read;
    an id used twice is an error at its second entry."""
    from .references import read_reference_file

    references: list[Reference] = []
    first: dict[str, str] = {}
    ok = True
    for name in REFERENCE_FILES:
        path = folder / name
        if not os.path.lexists(path):
            continue
        sources[name] = Source(path)
        entries, problems = read_reference_file(path, folder)
        findings.extend(problems)
        # an entry left out (no id, say) is read no further: its citations would be "unknown" only because of it
        ok = ok and entries is not None and not has_errors(problems)
        for reference in entries or []:
            line, column = reference._position
            if reference.id in first:
                findings.append(sources[name].at_line(
                    rules.DUPLICATE_ID, line, _("the reference id \"{id}\" is used twice (first in {first}).").format(id=clip(reference.id), first=first[reference.id]),
                    _("Give each reference its own id, or keep one entry of a work."), column))
            first.setdefault(reference.id, name)
            references.append(reference)
    return references, ok
