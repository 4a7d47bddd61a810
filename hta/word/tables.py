"""Word tables sized to their content, as a typesetter sizes them.

Pandoc gives every table equal or Markdown-proportioned columns, so Word and LibreOffice break
"Standardbehandling" or a hit count digit by digit. Here each column is measured in the report's
family: numbers get exactly the width of the widest number and never wrap, the label column of a
label/value table the width of its longest word, and text columns share the rest the way browsers
share it (CSS automatic table layout). The widths are written as a fixed layout, grid and cells
alike, because LibreOffice honours nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .metrics import text_width
from .ooxml import properties, put

TWIPS_PER_PT = 20
CELL_MARGIN = 85  # twips left and right inside a cell (0.15 cm)
# Word and LibreOffice round glyph positions differently; a column measured to the point would
# break its widest number on one of them. 3 % and 2 pt more than the measure is safe in both.
SLACK = 1.03
SLACK_PT = 2.0
# A reader without Arial (LibreOffice on a desktop without Liberation Sans or Arimo) gets a wider sans in
# its place: DejaVu Sans's digits are 14 % wider. A column of numbers keeps room for that, as a count
# broken over two lines is worse than a few millimetres of table.
NUMBER_SLACK = 1.2
NUMBER = re.compile(r"^[<>≤≥~+−-]?\s?\d[\d\s.,]*%?$")  # a signed change (+50 000, −20 000) too
LABEL_SHADING = "E7EEF3"  # the light blue-grey of the PICO labels, as in the HTML and the PDF


class Role(Enum):
    NUMBER = "number"  # right-aligned, exactly as wide as its widest number, never wrapped
    LABEL = "label"  # the row labels of a label/value table: as wide as the longest word
    TEXT = "text"  # wraps between words; takes what the others leave


@dataclass(frozen=True)
class Column:
    role: Role
    narrowest: float  # points: the longest word, so no word is broken
    widest: float  # points: the longest paragraph on one line

    @property
    def fixed(self) -> bool:
        return self.role is not Role.TEXT


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool
    italic: bool


def runs(paragraph) -> list[Run]:
    """The text of a paragraph with the weight and slant it is set in (hyperlinks included)."""
    def on(rpr, tag: str) -> bool:
        element = None if rpr is None else rpr.find(qn(tag))
        return element is not None and element.get(qn("w:val"), "true") not in {"0", "false", "off"}

    out = []
    for r in paragraph.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        text = "".join((t.text or "") if t.tag == qn("w:t") else " " for t in r if t.tag in {qn("w:t"), qn("w:tab")})
        out.append(Run(text, on(rpr, "w:b"), on(rpr, "w:i")))
    return out


def paragraph_extent(paragraph, size: float, bold: bool = False) -> tuple[float, float]:
    """(longest word, whole paragraph on one line) of one paragraph in points; `bold` when the layout
    will set it bold."""
    pieces: list[float] = [0.0]
    whole = 0.0
    for run in runs(paragraph):
        for char in run.text:
            if char.isspace():
                pieces.append(0.0)
            width = text_width(char, size, bold or run.bold, run.italic)
            whole += width
            if not char.isspace():
                pieces[-1] += width
    return max(pieces), whole


def cell_text(tc) -> str:

    return " ".join("".join(run.text for run in runs(p)) for p in tc.iter(qn("w:p"))).strip()


def has_header_row(tbl) -> bool:

    first = tbl.find(qn("w:tr"))
    return first is not None and first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def grid(tbl) -> list[list[tuple[int, object]]]:
    """Each row's cells with the grid column they start in."""
    rows = []
    for tr in tbl.findall(qn("w:tr")):
        column, cells = 0, []
        for tc in tr.findall(qn("w:tc")):
            cells.append((column, tc))
            column += span(tc)
        rows.append(cells)
    return rows


def span(tc) -> int:

    element = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(element.get(qn("w:val"))) if element is not None else 1


def row_labelled(tbl, headers: tuple[str, str]) -> bool:
    """Whether the table is a label/value table (the PICO): one with these two column headers."""
    rows = grid(tbl)
    return bool(rows) and tuple(cell_text(tc) for _, tc in rows[0]) == headers


def measure(tbl, size: float, labelled: bool = False) -> list[Column]:
    """The role and content widths of each grid column, header row and labels measured in bold; the first
    column of a `labelled` table holds row labels."""
    rows = grid(tbl)
    count = max((c + span(tc) for row in rows for c, tc in row), default=0)
    header = has_header_row(tbl)
    labelled = labelled and count > 1
    columns = []
    for index in range(count):
        def extents(selected_rows, bold: bool) -> list[tuple[float, float]]:
            return [paragraph_extent(p, size, bold) for row in selected_rows for c, tc in row
                    if c == index and span(tc) == 1 for p in tc.iter(qn("w:p"))]

        head = extents(rows[:1], True) if header else []
        body = extents(rows[1:] if header else rows, labelled and index == 0)
        texts = [cell_text(tc) for row in (rows[1:] if header else rows) for c, tc in row if c == index]
        narrowest = max((e[0] for e in head + body), default=0.0)
        if any(texts) and all(NUMBER.match(t) for t in texts if t):
            # a header such as "Antal träffar" may wrap between its words; the numbers never do
            width = max([narrowest] + [e[1] for e in body])
            columns.append(Column(Role.NUMBER, width, width))
        elif labelled and index == 0:
            columns.append(Column(Role.LABEL, narrowest, narrowest))
        else:
            columns.append(Column(Role.TEXT, narrowest, max((e[1] for e in head + body), default=0.0)))
    return columns


def padded(points: float, fixed: bool = False) -> float:
    """A content width in points → the column width in twips, cell margins and slack included."""
    return (points * (NUMBER_SLACK if fixed else SLACK) + SLACK_PT) * TWIPS_PER_PT + 2 * CELL_MARGIN


def column_widths(columns: list[Column], total: int) -> list[int]:
    """Widths in twips summing to `total`: fixed columns as measured, text columns sharing the rest in
    proportion to how much more room their text wants (CSS 2.1 §17.5.2.2, automatic layout)."""
    low = [padded(c.narrowest, c.fixed) for c in columns]
    high = [padded(c.widest, c.fixed) for c in columns]
    growing = [i for i, c in enumerate(columns) if not c.fixed] or list(range(len(columns)))
    if sum(high) <= total:
        # everything fits on one line: the text columns take the remaining room
        extra = total - sum(high)
        weight = sum(high[i] for i in growing)
        widths = [h + (extra * h / weight if i in growing else 0) for i, h in enumerate(high)]
    elif sum(low) <= total:
        share = (total - sum(low)) / (sum(high) - sum(low))
        widths = [lo + share * (hi - lo) for lo, hi in zip(low, high)]
    else:
        # even the words do not fit side by side: scale down, and some words will break
        widths = [lo * total / sum(low) for lo in low]
    rounded = [int(w) for w in widths]
    widest_text = max(growing, key=lambda i: rounded[i])
    rounded[widest_text] += total - sum(rounded)
    return rounded


def fits(columns: list[Column], total: int) -> bool:
    """Every column at least as wide as its longest word, within `total` twips."""
    return sum(padded(c.narrowest, c.fixed) for c in columns) <= total


def text_columns_width(columns: list[Column], total: int) -> float:
    """The average width in twips the text columns would get in a table `total` twips wide."""
    widths = column_widths(columns, total)
    text = [w for w, c in zip(widths, columns) if c.role is Role.TEXT]
    return sum(text) / len(text) if text else float(total)


def lay_out(tbl, columns: list[Column], total: int, size: float) -> None:
    """Write the widths, alignment, wrapping and row behaviour of one table."""
    widths = column_widths(columns, total)
    tbl_pr = properties(tbl, "w:tbl")
    put(tbl_pr, "w:tblW", "w:tblPr", w_w=total, w_type="dxa")
    put(tbl_pr, "w:tblInd", "w:tblPr", w_w=0, w_type="dxa")
    put(tbl_pr, "w:tblLayout", "w:tblPr", w_type="fixed")
    margins = put(tbl_pr, "w:tblCellMar", "w:tblPr")
    for side, value in (("top", 40), ("left", CELL_MARGIN), ("bottom", 40), ("right", CELL_MARGIN)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(value))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    header = has_header_row(tbl)
    if columns and columns[0].role is Role.LABEL:
        # a label/value table (the PICO): its first column labels the rows, and says so
        look = tbl_pr.find(qn("w:tblLook"))
        look = look if look is not None else put(tbl_pr, "w:tblLook", "w:tblPr")
        look.set(qn("w:firstColumn"), "1")
        look.set(qn("w:firstRow"), "1" if header else "0")
        look.set(qn("w:val"), "00A0" if header else "0080")  # the same, in the bit mask older Word versions read

    old_grid = tbl.find(qn("w:tblGrid"))
    new_grid = OxmlElement("w:tblGrid")
    for width in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(width))
        new_grid.append(col)
    if old_grid is not None:
        old_grid.addprevious(new_grid)
        tbl.remove(old_grid)
    else:
        tbl_pr.addnext(new_grid)

    for row_index, row in enumerate(grid(tbl)):
        tr = row[0][1].getparent() if row else None
        if tr is None:
            continue
        # a row that fits on a page is never split across two
        put(properties(tr, "w:tr"), "w:cantSplit", "w:trPr")
        is_header = header and row_index == 0
        if is_header:
            put(properties(tr, "w:tr"), "w:tblHeader", "w:trPr")
        for start, tc in row:
            n = span(tc)
            role = columns[start].role if n == 1 else Role.TEXT
            tc_pr = properties(tc, "w:tc")
            put(tc_pr, "w:tcW", "w:tcPr", w_w=sum(widths[start:start + n]), w_type="dxa")
            if role is Role.LABEL:
                put(tc_pr, "w:shd", "w:tcPr", w_val="clear", w_color="auto", w_fill=LABEL_SHADING)
            if role is Role.NUMBER:
                put(tc_pr, "w:noWrap", "w:tcPr")
            paragraphs = list(tc.iter(qn("w:p")))
            for p in paragraphs:
                _paragraph(p, role, bold=is_header or role is Role.LABEL, size=size, last=p is paragraphs[-1])


def _paragraph(p, role: Role, bold: bool, size: float, last: bool) -> None:
    """One cell paragraph: never hyphenated, numbers to the right, the table's type size; the cell's
    margins give the space above and below, paragraphs inside a cell are set apart by half a line."""
    p_pr = properties(p, "w:p")
    # words in a table are never hyphenated: search strings must read exactly as they run
    put(p_pr, "w:suppressAutoHyphens", "w:pPr")
    put(p_pr, "w:spacing", "w:pPr", w_before=0, w_after=0 if last else round(size * 10))
    if role is Role.NUMBER:
        put(p_pr, "w:jc", "w:pPr", w_val="right")
    for r in p.iter(qn("w:r")):
        r_pr = properties(r, "w:r")
        if bold:
            put(r_pr, "w:b", "w:rPr")
        put(r_pr, "w:sz", "w:rPr", w_val=round(size * 2))
        put(r_pr, "w:szCs", "w:rPr", w_val=round(size * 2))

