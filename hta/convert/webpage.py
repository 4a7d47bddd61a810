"""The HTML page's layout, applied to the sanitised body: tables in their own scroll boxes, numbered
captions, row labels as row headers, and the running matter of the printed page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..model.labels import Labels

#: A table with this many columns or more is wide: on a phone it scrolls in its box, printed it gets a
#: landscape page (the PDF's rule, report.typst, also turns such a table's pages).
WIDE_COLUMNS = 7


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def top_level_tables(body: str) -> list[Span]:
    """Where each outermost <table>…</table> lies in `body`; a table nested in a cell stays inside its own."""
    spans, depth, start = [], 0, 0
    for match in re.finditer(r"<(/?)table\b[^>]*>", body):
        if not match[1]:
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append(Span(start, match.end()))
    return spans


def text_of(fragment: str) -> str:
    """The words of an HTML fragment, as a screen reader reads them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def arrange(body: str, labels: Labels) -> str:
    """Number the captions, put each table in a box of its own, and mark row labels."""
    figure_number = 0

    def figure_caption(match: re.Match) -> str:
        nonlocal figure_number
        figure_number += 1
        return f'{match[1]}<span class="caption-label">{labels.figure} {figure_number}.</span> '

    body = re.sub(r"(<figcaption[^>]*>)", figure_caption, body)
    parts, last, table_number = [], 0, 0
    for span in top_level_tables(body):
        table = body[span.start:span.end]
        if "<caption" in table[:table.find("<tr")]:
            table_number += 1
            table = re.sub(r"(<caption[^>]*>)", rf'\1<span class="caption-label">{labels.table} '
                                                rf'{table_number}.</span> ', table, count=1)
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
        name = text_of(caption[1]) if caption else _heading_before(body, span.start)
        parts += [body[last:span.start], _boxed(_row_labels(_without_widths(table), labels), name)]
        last = span.end
    return "".join(parts) + body[last:]


def _heading_before(body: str, position: int) -> str:
    headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", body[:position], re.S)
    return text_of(headings[-1]) if headings else ""


def _without_widths(table: str) -> str:
    """The Markdown's column widths go: the browser sizes columns to their content, never below a word."""
    return re.sub(r"<colgroup>.*?</colgroup>\s*", "", table, count=1, flags=re.S)


def _row_labels(table: str, labels: Labels) -> str:
    """The PICO table labels its rows in its first column, under a header row that names the two columns: those
    cells are row headers, and may break after a slash on a narrow screen (Population/Målgrupp). Other tables
    are read by their columns."""
    head = re.search(r"<thead.*?</thead>", table, re.S)
    headers = [text_of(cell) for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", head[0], re.S)] if head else []
    if headers != [labels.pico_part, labels.pico_description]:
        return table

    def first_cell(match: re.Match) -> str:
        row, attributes, content = match[1], match[2], match[3]
        breakable = re.sub(r"/(?![^<]*>)", "/<wbr>", content)  # slashes in the text, not in its tags
        return f'{row}<th scope="row"{attributes}>{breakable}</th>'

    body_start = head.end()
    return table[:body_start] + re.sub(r"(<tr[^>]*>\s*)<td([^>]*)>(.*?)</td>", first_cell, table[body_start:], flags=re.S)


def _boxed(table: str, name: str) -> str:
    """A table in a box that scrolls sideways by itself, reachable and named for keyboard and screen reader."""
    first_row = re.search(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    columns = len(re.findall(r"<t[hd]\b", first_row[1])) if first_row else 0
    kind = "table-wrap wide" if columns >= WIDE_COLUMNS else "table-wrap"
    return (f'<div class="{kind}" tabindex="0" role="region" aria-label="{html.escape(name, quote=True)}">'
            f"{table}</div>")


def css_string(text: str) -> str:
    """`text` as a CSS string whose every character that is not a letter, digit or space is escaped:
    an author's title cannot end the string, the rule or the <style> element. (The space after each escape
    ends it, and is not part of the string.)"""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text) + '"'


def short_title(title: str, limit: int = 70) -> str:
    """The title's first words up to `limit` characters, with an ellipsis when some are left out."""
    if len(title) <= limit:
        return title
    words, kept = title.split(), ""
    for word in words:
        if len(kept) + len(word) + 2 > limit:
            break
        kept = f"{kept} {word}".strip()
    return kept + " …"


def print_rules(title: str, dnr: str, status_word: str) -> str:
    """The printed page's running matter, which only CSS can place in a page margin: from page 2 the short
    title and the Dnr at the top, the page number as "1 (18)" at the foot, and a draft's or example's
    status on every page."""
    rules = [
        "@page { @top-left { content: %s; } @top-right { content: %s; } }" % (css_string(short_title(title)),
                                                                           css_string(dnr)),
        "@page :first { @top-left { content: none; } @top-right { content: none; } }",
    ]
    if status_word:
        rules.append("@page { @bottom-left { content: %s; } }" % css_string(status_word))
    return "\n".join(rules)
