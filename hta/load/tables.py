"""Tables: CSV as Swedish Excel writes it, and XLSX, each row with the number a spreadsheet shows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from . import reader
from .reader import CONTROL, Source, clip, read_bytes, read_text, size_shown


@dataclass
class Table:
    """Rows of a table file, each with the row number a spreadsheet shows (header = row 1)."""

    source: Source
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path, root: Path | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """A CSV (comma, semicolon or tab; UTF-8, BOM or Windows-1252) or an XLSX sheet as text cells."""
    source = Source(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, root, source)
    text, problems = read_text(path, root, windows_1252=True)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [source.at_line(rules.EMPTY_FILE, 1, _("{name} is empty.").format(name=path.name),
                                     _("Write a header row and one row per included study."), 1)]
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        _place_columns(source, header)
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header) and sum(1 for h in header if h) <= 1:
                # a one-field title above the headings, as spreadsheets often have: said as what it is, the
                # same as validate.evidence_rows says it for a title row that has the table's width
                return None, [source.at_line(
                    rules.EVIDENCE_COLUMN, 1,
                    _("the first row must be the headings; they are in row {below}.").format(below=reader.line_num),
                    _("Delete the row(s) above row {below}, so that the headings stand in row 1.").format(
                        below=reader.line_num), 1)]
            if len(record) > len(header):
                return None, [source.at_line(
                    rules.INVALID_TABLE, reader.line_num,
                    _("row has {count} fields but the header has {count2}.").format(count=len(record), count2=len(header)),
                    _("Quote cells that contain \"{delimiter}\", or check for a stray separator.").format(delimiter=delimiter), 1)]
            record = record + [""] * (len(header) - len(record))
            rows.append((reader.line_num, {h: cell.strip() for h, cell in zip(header, record)}))
    except csv.Error as exc:
        return None, [source.at_line(rules.INVALID_TABLE, reader.line_num, _("cannot read the CSV: {exc}.").format(exc=exc), "", 1)]
    return Table(source, header, rows), []


def _place_columns(source: Source, header: list[str]) -> None:
    """Where each heading stands (row 1, its column), so a finding about a cell can name its column."""
    for number, heading in enumerate(header, start=1):
        source.positions.setdefault(("column", heading), (1, number))


def _read_xlsx(path: Path, root: Path | None, source: Source) -> tuple[Table | None, list[Diagnostic]]:
    import zipfile

    import pandas as pd

    raw, problems = read_bytes(path, root, reader.WORKBOOK_LIMIT)
    if raw is None:
        return None, problems

    def unreadable(reason: str) -> tuple[None, list[Diagnostic]]:
        return None, [source.at_line(rules.INVALID_TABLE, 1, _("cannot read the workbook: {reason}.").format(reason=clip(reason, 120)),
                                     _("Open it in Excel and save it again as .xlsx."), 1)]

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return unreadable(_("it is not an Excel workbook ({exc})").format(exc=exc))
    if unpacked > reader.WORKBOOK_UNPACKED_LIMIT:
        return None, [source.at_line(rules.FILE_TOO_LARGE, 1, _("{name} unpacks to {size}; hta reads workbooks of at most {size2} unpacked.").format(name=path.name, size=size_shown(unpacked), size2=size_shown(reader.WORKBOOK_UNPACKED_LIMIT)),
                                     _("See docs/assessment-format.md, 'Limits'."), 1)]
    try:
        frame = pd.read_excel(io.BytesIO(raw), dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook; none of them is our bug
        return unreadable(str(exc) or type(exc).__name__)
    columns = [str(c).strip() for c in frame.columns]
    _place_columns(source, columns)
    rows = []
    for index, record in enumerate(frame.itertuples(index=False), start=2):
        cells = {c: str(v).strip() for c, v in zip(columns, record)}
        for number, value in enumerate(cells.values(), start=1):
            control = CONTROL.search(value)
            if control:
                return None, [source.at_line(rules.CONTROL_CHARACTER, index,
                                             _("row {index}: an invisible control character (U+{control:04X}) is in a cell.").format(index=index, control=ord(control[0])), _("Delete it in Excel."), number)]
        if any(cells.values()):
            rows.append((index, cells))
    return Table(source, columns, rows), []
