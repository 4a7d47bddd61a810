"""An assessment folder read into the typed model, with pydantic's errors said in the author's terms."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import rules
from .diagnostics import Diagnostic
from .load import Loaded, Source, Table, read_table, read_text, read_yaml
from .model import (EVIDENCE_COLUMNS, Assessment, Conclusions, EvidenceRow, Metadata, Pico, Reference, Search,
                    Section, SectionKey)

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
            hint = f'Did you mean "{close[0]}"?' if close else f"Known keys here: {', '.join(known)}."
            line, column = source.positions.get(("key",) + loc, source.where(loc))
            findings.append(rules.UNKNOWN_KEY.at(source.shown, line, column, f'unknown key "{name}".', hint))
        elif kind == "missing":
            findings.append(source.at(rules.MISSING_KEY, loc[:-1], f'"{name}" is missing.',
                                      f"Add `{name}:` here."))
        elif kind in {"model_type", "model_attributes_type", "dict_type"}:
            findings.append(source.at(rules.WRONG_SHAPE, loc, f"{_where(loc)}expected a mapping (key: value lines), found {_kind(err['input'])}."))
        elif kind == "list_type":
            findings.append(source.at(rules.WRONG_SHAPE, loc, f"{_where(loc)}expected a list (lines starting with '- '), found {_kind(err['input'])}."))
        else:
            findings.append(source.at(rules.WRONG_SHAPE, loc, f"{_where(loc)}{_message(err)}"))
    # pydantic reports a union (a count or 'not reported') once per branch; one finding per place is enough
    unique: dict[tuple, Diagnostic] = {}
    for f in findings:
        unique.setdefault((f.line, f.column, f.code), f)
    return list(unique.values())


def _message(err: dict) -> str:
    kind, value = err["type"], err.get("input")
    if kind.startswith("int") or kind == "greater_than_equal":
        return f"expected a whole number ≥ 0, found {value!r}."
    if kind == "literal_error":
        return f"expected a whole number ≥ 0 or 'not reported', found {value!r}."
    if kind.startswith("date"):
        return _impossible_date(value) or f"expected a date written YYYY-MM-DD, found {value!r}."
    if kind == "enum":
        return f"{value!r} is not one of {err['ctx']['expected']}."
    if kind.startswith("string"):
        return f"expected text, found {_kind(value)}."
    if kind.startswith("bool"):
        return f"expected true or false, found {value!r}."
    return err["msg"] + "."


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def _impossible_date(value: Any) -> str | None:
    """A date written YYYY-MM-DD that names a day the calendar does not have, said as such: 2019-02-30 is
    "February 2019 has no 30th day", not a format error. None when the value is not written so."""
    import calendar

    match = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", str(value))
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return f"{value}: there is no month {month}; months run from 01 to 12."
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        ordinal = f"{day}{'th' if 10 <= day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"
        return f"{value}: {_MONTH_NAMES[month - 1]} {year} has no {ordinal} day; its last day is the {last}{'st' if last == 31 else 'th'}."
    return None


def _where(loc: tuple) -> str:
    return f'"{loc[-1]}": ' if loc and isinstance(loc[-1], str) else ""


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{value!r}"


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


def read_assessment(folder: Path) -> tuple[Assessment | None, list[Diagnostic]]:
    """Read and validate every file of an assessment folder; all findings, not just the first."""
    from pydantic import TypeAdapter

    findings: list[Diagnostic] = []
    sources: dict[str, Source] = {}

    def validated(name: str, model: Any, schema_model: type[BaseModel], default: Any = None, required: bool = True) -> Any:
        path = folder / name
        if not path.exists() and not required:
            return default
        loaded: Loaded = read_yaml(path)
        sources[name] = loaded.source
        findings.extend(loaded.diagnostics)
        if loaded.diagnostics:
            return None
        try:
            return TypeAdapter(model).validate_python(loaded.data)
        except ValidationError as exc:
            findings.extend(validation_findings(loaded.source, exc, schema_model))
            return None

    meta = validated("assessment.yaml", Metadata, Metadata)
    picos = validated("pico.yaml", list[Pico], Pico)
    searches = validated("searches.yaml", list[Search], Search, default=[], required=False)
    conclusions = validated("conclusions.yaml", Conclusions, Conclusions)
    sections = _read_sections(folder, findings)
    evidence = _read_evidence(folder, findings, sources)
    references = _read_references(folder, findings, sources)
    if any(x is None for x in (meta, picos, searches, conclusions, evidence, references)):
        return None, findings
    return Assessment(folder, meta, picos, searches, conclusions, sections, evidence, references, sources), findings


def _read_sections(folder: Path, findings: list[Diagnostic]) -> dict[SectionKey, Section]:
    sections: dict[SectionKey, Section] = {}
    known = [k.value for k in SectionKey]
    for path in sorted((folder / "sections").glob("*.md")):
        source = Source(path)
        if path.stem not in known:
            close = difflib.get_close_matches(path.stem, known, n=1)
            hint = f'Did you mean "{close[0]}.md"?' if close else f"Section files: {', '.join(k + '.md' for k in known)}."
            findings.append(source.at_line(rules.UNKNOWN_SECTION, None, f"{path.name} is not a section of the report.", hint))
            continue
        text, problems = read_text(path)
        findings.extend(problems)
        if text is None:
            continue
        text = _without_comments(text)
        title, first_line = "", 1
        lines = text.split("\n")
        if lines and lines[0].startswith("# "):
            title, first_line = lines[0][2:].strip(), 2
            text = "\n".join(lines[1:])
        sections[SectionKey(path.stem)] = Section(SectionKey(path.stem), source, text, title, first_line)
    return sections


def _without_comments(text: str) -> str:
    """Markdown with its <!-- comments --> (the authors' notes) blanked, keeping every line where it was."""
    return re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)


def _read_evidence(folder: Path, findings: list[Diagnostic], sources: dict[str, Source]) -> list[EvidenceRow] | None:
    paths = [p for p in (folder / "evidence.xlsx", folder / "evidence.csv") if p.exists()]
    if not paths:
        return []
    table, problems = read_table(paths[0])
    findings.extend(problems)
    if table is None:
        return None
    sources["evidence"] = table.source
    return evidence_rows(table, findings)


def evidence_rows(table: Table, findings: list[Diagnostic]) -> list[EvidenceRow] | None:
    """Rows of the evidence table under the canonical column names, Swedish headers accepted."""
    rename: dict[str, str] = {}
    for column in table.columns:
        for canonical, names in EVIDENCE_COLUMNS.items():
            if column.lower() in names:
                rename[column] = canonical
    missing = [c for c in ("reference", "design", "population", "intervention", "comparison", "outcomes",
                           "follow_up", "appraisal_tool", "rating") if c not in rename.values()]
    if missing:
        findings.append(table.source.at_line(
            rules.EVIDENCE_COLUMN, 1, f"the evidence table lacks the column(s) {', '.join(missing)}.",
            f"Columns: {', '.join(EVIDENCE_COLUMNS)}."))
        return None
    rows = []
    for number, cells in table.rows:
        values = {rename[c]: v for c, v in cells.items() if c in rename}
        rows.append(EvidenceRow(**values, row=number))
    return rows


def _read_references(folder: Path, findings: list[Diagnostic], sources: dict[str, Source]) -> list[Reference] | None:
    from .references import read_reference_file

    references: list[Reference] = []
    ok = True
    for path in sorted(folder.glob("references.*")):
        if path.suffix.lower() not in {".json", ".bib"}:
            continue
        sources[path.name] = Source(path)
        entries, problems = read_reference_file(path)
        findings.extend(problems)
        ok = ok and entries is not None
        references.extend(entries or [])
    return references if ok else None
