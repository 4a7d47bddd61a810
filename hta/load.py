"""Read the files of an assessment folder into plain data that remembers where each value stands."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import rules
from .diagnostics import Diagnostic, display_path

Loc = tuple[str | int, ...]


@dataclass
class Source:
    """A file that was read, with the line and column of every value in it (1-based)."""

    path: Path
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """The position of `loc`, or of the nearest enclosing value that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (None, None))

    def at(self, rule: rules.Rule, loc: Loc, message: str, hint: str = "") -> Diagnostic:
        line, column = self.where(loc)
        return rule.at(self.shown, line, column, message, hint)

    def at_line(self, rule: rules.Rule, line: int | None, message: str, hint: str = "", column: int | None = None) -> Diagnostic:
        return rule.at(self.shown, line, column, message, hint)


@dataclass
class Loaded:
    """What reading a file gave: the data (None if unreadable) and the findings it raised."""

    source: Source
    data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_text(path: Path) -> tuple[str | None, list[Diagnostic]]:
    """Text of a file as UTF-8 (with or without BOM), falling back to Windows-1252 as old Excel writes."""
    source = Source(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [source.at_line(rules.MISSING_FILE, None, f"{path.name} is missing.")]
    except OSError as exc:
        return None, [source.at_line(rules.UNREADABLE_FILE, None, f"cannot read the file: {exc.strerror}.")]
    if b"\x00" in raw[:4096]:
        return None, [source.at_line(rules.UNREADABLE_FILE, None, "this is not a text file.",
                                     "Save it as plain text (UTF-8).")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


# --- YAML -----------------------------------------------------------------------------------------

def read_yaml(path: Path) -> Loaded:
    """Parse YAML keeping each value's position; syntax errors become one finding each."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    source = Source(path)
    text, problems = read_text(path)
    if text is None:
        return Loaded(source, None, problems)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return Loaded(source, None, [source.at_line(rules.EMPTY_FILE, 1, f"{path.name} is empty.",
                                                    "Write its content, or copy it from `hta new`.")])
    yaml = YAML(typ="rt")
    # Dates stay text here so that pydantic reports an impossible date (2024-02-30) at its position.
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    try:
        node = yaml.load(text)
    except DuplicateKeyError as exc:
        line, column = _mark(exc.problem_mark)
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else "a key"
        return Loaded(source, None, [source.at_line(
            rules.DUPLICATE_KEY, line, f'the key "{key}" appears twice in the same mapping.',
            "Keep one of them.", column)])
    except MarkedYAMLError as exc:
        return Loaded(source, None, [_syntax_error(source, text, exc)])
    except YAMLError as exc:
        return Loaded(source, None, [source.at_line(rules.INVALID_YAML, None, f"YAML syntax error: {exc}.")])
    data = _plain(node, (), source.positions)
    source.positions.setdefault((), (1, 1))
    return Loaded(source, data)


def _syntax_error(source: Source, text: str, exc) -> Diagnostic:
    """One finding at the place a reader would look: where an unclosed quote or bracket was opened."""
    lines = text.split("\n")
    mark = exc.problem_mark
    if mark is None or mark.line >= len(lines) or not lines[mark.line].strip():
        mark = exc.context_mark or mark
    line, column = _mark(mark)
    problem = "; ".join(p for p in (exc.context, exc.problem) if p) or "syntax error"
    tabbed = line is not None and line <= len(lines) and "\t" in lines[line - 1]
    if tabbed:
        problem = "a tab character where YAML expects spaces"
    hint = ("Indent with spaces, never tabs." if tabbed
            else "Check the quotes, colons and indentation on this line and the one before.")
    return source.at_line(rules.INVALID_YAML, line, f"YAML syntax error: {problem}.", hint, column)


def _timestamp_as_text(constructor, node):
    return constructor.construct_scalar(node)


def _mark(mark) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def _plain(node: Any, loc: Loc, positions: dict) -> Any:
    """ruamel's round-trip nodes as plain Python values, recording each value's position."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        if loc == ():
            positions[()] = (node.lc.line + 1, node.lc.col + 1)
        out = {}
        for key in node:
            line, col = node.lc.key(key)
            vline, vcol = node.lc.value(key)
            positions[loc + (str(key),)] = (vline + 1, vcol + 1)
            positions[("key",) + loc + (str(key),)] = (line + 1, col + 1)
            out[str(key)] = _plain(node[key], loc + (str(key),), positions)
        return out
    if isinstance(node, CommentedSeq):
        if loc == ():
            positions[()] = (node.lc.line + 1, node.lc.col + 1)
        out = []
        for i, item in enumerate(node):
            line, col = node.lc.item(i)
            positions[loc + (i,)] = (line + 1, col + 1)
            out.append(_plain(item, loc + (i,), positions))
        return out
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node  # dates and datetimes


# --- Tables (CSV as Swedish Excel writes it, and XLSX) -------------------------------------------

@dataclass
class Table:
    """Rows of a table file, each with the row number a spreadsheet shows (header = row 1)."""

    source: Source
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path) -> tuple[Table | None, list[Diagnostic]]:
    """A CSV (comma, semicolon or tab; UTF-8, BOM or Windows-1252) or an XLSX sheet as text cells."""
    source = Source(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, source)
    text, problems = read_text(path)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [source.at_line(rules.EMPTY_FILE, 1, f"{path.name} is empty.",
                                     "Write a header row and one row per included study.")]
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                return None, [source.at_line(
                    rules.INVALID_TABLE, reader.line_num,
                    f"row has {len(record)} fields but the header has {len(header)}.",
                    f'Quote cells that contain "{delimiter}", or check for a stray separator.')]
            record = record + [""] * (len(header) - len(record))
            rows.append((reader.line_num, {h: cell.strip() for h, cell in zip(header, record)}))
    except csv.Error as exc:
        return None, [source.at_line(rules.INVALID_TABLE, reader.line_num, f"cannot read the CSV: {exc}.")]
    return Table(source, header, rows), []


def _read_xlsx(path: Path, source: Source) -> tuple[Table | None, list[Diagnostic]]:
    import pandas as pd

    try:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except FileNotFoundError:
        return None, [source.at_line(rules.MISSING_FILE, None, f"{path.name} is missing.")]
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        return None, [source.at_line(rules.INVALID_TABLE, None, f"cannot read the workbook: {exc}.",
                                     "Open it in Excel and save it again as .xlsx.")]
    columns = [str(c).strip() for c in frame.columns]
    rows = []
    for index, record in enumerate(frame.itertuples(index=False), start=2):
        cells = {c: str(v).strip() for c, v in zip(columns, record)}
        if any(cells.values()):
            rows.append((index, cells))
    return Table(source, columns, rows), []
