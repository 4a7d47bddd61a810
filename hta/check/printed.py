"""What reaches the converters and the page: links and raw code, the citation style, pictures,
characters the font and PDF/A cannot take, and what is kept for the authors and not printed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable, Iterator

from .. import rules
from ..diagnostics import Diagnostic, display_path
from ..i18n import N_, _
from ..load.reader import clip, file_inside
from ..model.assessment import Assessment
from .prose import ProseReading, read_all_prose
from .readable import (CONTROL, HEADING_LINE, RAW_CODE, csl_problem, fences_blanked, has_control,
                       picture_problem, strings, text_positions, texts)
from .references import reference_at
from .run import check, once_per_assessment, source_of


# --- What reaches the converters -------------------------------------------------------------------

@check
def prose_as_read(a: Assessment) -> Iterator[Diagnostic]:
    """Links that would print as their text only, raw code that would print as code."""
    from ..convert.inert import QUARTO_CELL, is_safe_target

    unused = unused_link_targets(a)  # no link is printed from them: HTA054 says so
    for piece in read_all_prose(a):
        for target in dict.fromkeys(t for t in piece.reading.links if not is_safe_target(t) and t not in unused):
            for offset, column in list(text_positions(piece.code_free, f"]({target}")) or [(0, -1)]:
                line, column = piece.at(offset, column + 2)
                yield piece.source.at_line(rules.LINK_TARGET, line,
                                           _('the link to "{target}" is printed as its text only.').format(target=target[:80]),
                                           _("Link to an https:// address, a mailto: address or a #place in the report."),
                                           column if column > 1 else None)
        if "{=" not in piece.text and "```" not in piece.text and "~~~" not in piece.text:
            continue  # most pieces: what each pattern needs is not in the text (`in` is far faster than they)
        for offset, text in enumerate(piece.text.split("\n")):
            for match in RAW_CODE.finditer(text):
                line, column = piece.at(offset, match.start() + 1)
                yield piece.source.at_line(rules.RAW_CODE, line,
                                           _("{text} marks raw code; it is printed as code, never run.").format(text=match[0]),
                                           _("Write it in Markdown instead."), column)
            for match in QUARTO_CELL.finditer(text):  # a shortcode {{< >}} is no count placeholder: HTA503
                start = match.end() - 1  # at the brace
                line, column = piece.at(offset, start + 1)
                said = text[start:].split("}")[0] + "}"
                yield piece.source.at_line(rules.RAW_CODE, line,
                                           _("{text} marks code that Quarto would run; it is printed as text, never run.").format(text=said),
                                           _("Write it in Markdown instead."), column)


# a line that defines a footnote ([^1]: its text) or a link's target ([sbu]: https://…), and every [label]
_DEFINITION = re.compile(r"^ {0,3}\[(\^?)([^\]\n]+)\]:", re.MULTILINE)
_LABEL = re.compile(r"\[(\^?)([^\]\n]+)\]")


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()  # as pandoc matches a link's label; a footnote's is exact


@dataclass(frozen=True)
class Definition:
    piece: ProseReading
    offset: int  # in the piece's text
    footnote: bool
    label: str
    target: str = ""  # a link definition's: the first word after the colon

    @property
    def key(self) -> str:
        return self.label if self.footnote else _label(self.label)


@once_per_assessment
def _definitions_and_uses(a: Assessment) -> tuple[list[Definition], list[Definition]]:
    """Every footnote and link-target definition of the report's prose, and every [label] elsewhere (a link
    written [text][label] or [label], a footnote [^label]): pandoc matches them across the whole report. Found
    once per assessment, as two checks look at them."""
    pieces = read_all_prose(a)
    defined, starts = [], set()
    for piece in (p for p in pieces if "]:" in p.code_free):  # most prose defines nothing
        for match in _DEFINITION.finditer(piece.code_free):
            starts.add((id(piece), match.start(1) - 1))
            after = piece.code_free[match.end():].split("\n", 1)[0].split()
            defined.append(Definition(piece, match.start(1) - 1, bool(match[1]), match[2],
                                      after[0].strip("<>") if after else ""))
    # with nothing defined, only a footnote referred to can be amiss: the brackets of citations need no reading
    looked_at = [p for p in pieces if ("[" if defined else "[^") in p.code_free]
    used = [Definition(piece, m.start(), bool(m[1]), m[2]) for piece in looked_at
            for m in _LABEL.finditer(piece.code_free) if (defined or m[1]) and (id(piece), m.start()) not in starts]
    return defined, used


def unused_link_targets(a: Assessment) -> set[str]:
    """The targets of link definitions no link uses: no link is printed from them (see prose_as_read)."""
    defined, used = _definitions_and_uses(a)
    keys = {(u.footnote, u.key) for u in used}
    return {d.target for d in defined if not d.footnote and (False, d.key) not in keys}


@check
def unprinted_definitions(a: Assessment) -> Iterator[Diagnostic]:
    """A footnote or link target defined and never referred to is left out of the report, line and all
    (HTA054); a footnote referred to and never written is printed as typed, [^2] (HTA055)."""
    defined, used = _definitions_and_uses(a)
    referred = {(u.footnote, u.key) for u in used}
    written = {(d.footnote, d.key) for d in defined}
    for d in defined:
        if (d.footnote, d.key) not in referred:
            line, column = d.piece.place(d.offset)
            shown = f"[^{d.label}]" if d.footnote else f"[{d.label}]"
            yield d.piece.source.at_line(
                rules.UNPRINTED_DEFINITION, line,
                (_("{label}: defines a footnote that the text never refers to, so the report leaves the line out.")
                 if d.footnote else
                 _("{label}: defines a link target that no link uses, so the report leaves the line out.")).format(
                    label=clip(shown, 40)),
                _("Refer to it in the text ({label}); if the line is text, write it without the colon after the ].").format(
                    label=clip(shown, 40)), column)
    for u in used:
        if u.footnote and (True, u.key) not in written:
            line, column = u.piece.place(u.offset)
            written.add((True, u.key))  # said once
            yield u.piece.source.at_line(
                rules.FOOTNOTE_NOT_WRITTEN, line,
                _("[^{label}] refers to a footnote that is not written, so the report prints [^{label}] as typed.").format(
                    label=clip(u.label, 40)),
                _("Write the footnote on a line of its own after a blank line: [^{label}]: its text.").format(
                    label=clip(u.label, 40)), column)


# HTML a text pasted from a web page or typed from habit holds, and what Markdown writes instead
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]{0,9})(?:\s[^<>]*)?/?>")
_MARKDOWN_FOR: dict[str, str | None] = {  # "": nothing to write instead; None: a line break
    "sup": "^…^", "sub": "~…~", "b": "**…**", "strong": "**…**", "i": "*…*", "em": "*…*", "u": "[…]{.underline}",
    "s": "~~…~~", "strike": "~~…~~", "del": "~~…~~", "a": "[…](https://…)", "img": "![…](figures/…)",
    "code": "`…`", "pre": "```", "blockquote": "> …", "li": "- …", "ul": "- …", "ol": "1. …", "h1": "## …",
    "h2": "## …", "h3": "### …", "h4": "#### …", "table": "| … |", "tr": "| … |", "td": "| … |", "th": "| … |",
    "br": None, "p": "", "span": "", "div": "", "font": "", "small": "", "center": "", "hr": ""}


@check
def html_in_prose(a: Assessment) -> Iterator[Diagnostic]:
    """An HTML tag in prose is printed as typed (the reports read HTML as text, so that none of it runs): said
    once a tag a piece of prose, with the Markdown that does what it meant."""
    for piece in read_all_prose(a):
        if "<" not in piece.code_free:
            continue
        said = set()
        for match in _HTML_TAG.finditer(piece.code_free):
            name = match[1].lower()
            if name not in _MARKDOWN_FOR or name in said:
                continue
            said.add(name)
            line, column = piece.place(match.start())
            instead = _MARKDOWN_FOR[name]
            hint = (_("Write a backslash (\\) at the end of the line for a line break, or a blank line for a new "
                      "paragraph.") if instead is None else
                    _("Write Markdown instead: {markdown}.").format(markdown=instead) if instead else
                    _("Leave it out: the report sets the text itself (a blank line begins a new paragraph)."))
            yield piece.source.at_line(
                rules.HTML_TAG, line,
                _("{tag} is HTML, which the report prints as typed, not as formatting.").format(tag=clip(match[0], 40)),
                hint, column)


# emphasis opened with a space after its marks and closed against a word on the same line: pandoc prints the
# marks as typed. A single * must not begin its line (a list item), and "2 * 3 * 4" is closed by no word.
_SPACED_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__)[ \t]+((?:(?!\1)[^\n])*?[^\s*_])\1(?![\w*])"
                              r"|(?<=\S[ \t])(\*)[ \t]+([^*\n]*?[^\s*])\*(?![\w*])")


@check
def spaced_emphasis(a: Assessment) -> Iterator[Diagnostic]:
    """`** Viktigt**`, `* kursiv*`: a space after the opening marks keeps them from emphasising (HTA056)."""
    for piece in read_all_prose(a):
        if "*" not in piece.code_free and "__" not in piece.code_free:
            continue
        for match in _SPACED_EMPHASIS.finditer(piece.code_free):
            mark, words = (match[1], match[2]) if match[1] else (match[3], match[4])
            line, column = piece.place(match.start())
            yield piece.source.at_line(
                rules.SPACED_EMPHASIS, line,
                _('"{text}": the space after the opening {mark} keeps it from being emphasis, so the report prints the '
                  'marks as typed.').format(text=clip(match[0], 40), mark=mark),
                _("Write the marks against the words: {fixed}.").format(fixed=clip(f"{mark}{words.strip()}{mark}", 40)),
                column)


# Levels of quotation and list, of ::: blocks, and of emphasis a text may nest: beyond what a reader follows.
# Typst stops before 20 quotations and 60 blocks; hundreds of emphases end pandoc's AST too deep for Python.
DEEPEST = 10
DEEPEST_BRACKETS = 4  # pandoc's time grows some 2.5 times with each bracket within a bracket: 0.04 s at 4, a minute at 12
# The markers at the start of a line that open a level: a quotation's > and a list item's -, +, * or number.
_MARKER = re.compile(r"[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))")
_MARKER_FIRST = frozenset(" \t>-+*0123456789")  # a line that starts otherwise has no marker
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")  # pandoc reads each paragraph apart: a bracket left open ends with it
_BRACKET = re.compile(r"\\?[\[\]]")  # a link's or citation's bracket, or an escaped one, which is text
_EMPHASIS = re.compile(r"\\.|\*+|_+")  # a run of emphasis marks, or an escaped character, which is text
_BLOCK = re.compile(r"^[ \t]{0,3}(:{3,})[ \t]*(\S?)", re.MULTILINE)  # a ::: block opened (with a name) or closed


@check
def nesting(a: Assessment) -> Iterator[Diagnostic]:
    """Quotations and lists, ::: blocks, brackets or emphases nested so deep that the converters cannot read
    them, or take minutes to (HTA047), found where they are deepest; each said once a text. Indentation counts
    too: a list in a list is indented, not marked twice."""
    for piece in read_all_prose(a):
        text = piece.code_free
        levels, at = 0, 0  # the deepest, and the line it is on
        for offset, line in enumerate(text.split("\n")):
            if line[:1] not in _MARKER_FIRST:
                continue
            markers, end = 0, 0
            while match := _MARKER.match(line, end):
                markers, end = markers + 1, match.end()
            if markers:  # a list in a list is indented two or more columns a level
                depth = markers + len(line[:len(line) - len(line.lstrip(" \t"))].expandtabs(4)) // 2
                if depth > levels:
                    levels, at = depth, offset
        if levels > DEEPEST:
            yield _nesting_finding(piece, at, _("the text here is nested {depth} levels deep (quotations or lists within each other); the converters read at most {limit}.").format(depth=levels, limit=DEEPEST),
                                   _("Quote once, and make lists of at most a few levels."))
        blocks, where = _deepest_blocks(text)
        if blocks > DEEPEST:
            yield _nesting_finding(piece, text.count("\n", 0, where), _("{depth} ::: blocks stand here within each other; the converters read at most {limit}.").format(depth=blocks, limit=DEEPEST),
                                   _("Close each ::: block with a line of ::: before the next opens, or leave the blocks out: the report sets its text itself."))
        deepest, where, emphasis, emphasis_at, start = 0, 0, 0, 0, 0
        for end in [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]:
            paragraph = text[start:end]
            if paragraph.count("[") > DEEPEST_BRACKETS:  # else it cannot nest deeper: most paragraphs
                brackets = 0
                for match in _BRACKET.finditer(paragraph):
                    brackets = brackets + 1 if match[0] == "[" else max(brackets - 1, 0) if match[0] == "]" else brackets
                    if brackets > deepest:
                        deepest, where = brackets, start + match.start()
            if paragraph.count("*") + paragraph.count("_") > DEEPEST:  # as above
                depth, at = _deepest_emphasis(paragraph)
                if depth > emphasis:
                    emphasis, emphasis_at = depth, start + at
            start = end
        if deepest > DEEPEST_BRACKETS:
            yield _nesting_finding(piece, text.count("\n", 0, where), _("{depth} brackets stand here within each other; pandoc takes seconds to minutes to read more than {limit}.").format(depth=deepest, limit=DEEPEST_BRACKETS),
                                   _("Close each bracket you open, and write a bracket that is text as \\[ or \\]."))
        if emphasis > DEEPEST:
            yield _nesting_finding(piece, text.count("\n", 0, emphasis_at), _("{depth} emphases (* or _) stand here within each other; the converters read at most {limit}.").format(depth=emphasis, limit=DEEPEST),
                                   _("Close each * or _ you open, and write one that is text as \\* or \\_."))


# a list item's marker and the spaces after it: what follows is the item's content
_LIST_ITEM = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)]|#\.)[ \t]+(?=\S)")
_DEFINES = re.compile(r" {0,3}[:~][ \t]+(?=\S)")  # a definition list's definition, on the line under its term
_QUOTE_MARK = re.compile(r" {0,3}> ?")  # a quotation's mark before its text
_TOP_HEADING = re.compile(r"[ \t]{0,3}#(?:[ \t]|$)")  # one #: the level of the report's own sections
_HASH_WORD = re.compile(r" {0,3}#{1,6}(?=[^\W\d_])")  # "#Orsaker": no heading without a space after the #
# a line that begins a list, heading, quotation or table after a blank line, and is text of a paragraph after its
# line: a list's first item (a numbered list begins at 1: "2020. Då" is a sentence), not a sign before a number
# ("> 50 %", "+ 5 %", "- 3 mg" in a wrapped sentence)
_BLOCK_OPENER = re.compile(r" {0,3}(?:[-+][ \t]+(?![\d,.])\S|\*[ \t]+\S|1[.)][ \t]+\S|#\.[ \t]+\S|#{1,6}(?:[ \t]|$)"
                           r"|>(?![ \t]*[\d<=])|\|)")


# what each misread block is said as: the message and what to write instead
_MISREAD = {
    rules.INDENTED_TEXT: (
        N_("this line begins with four spaces or a tab where a paragraph begins, so the report prints it as code: in "
           "a monospaced box, with no citation, link or emphasis read in it."),
        N_("Remove the spaces at the start of the line (text pasted from Word often brings them); if it is meant as "
           "code, such as a search string, write a line of ``` above and below it instead.")),
    rules.BLOCK_WITHOUT_BLANK_LINE: (
        N_("this line has no blank line above it, so the report prints it as text of the paragraph above (a list, "
           "heading, quotation or table begins only after a blank line)."),
        N_("Leave a blank line above it; if the line goes on the sentence above, join the two lines.")),
    rules.TOP_LEVEL_HEADING: (
        N_("this heading has one #, the level of the report's own sections: it would stand beside them as a section "
           "of its own, not within this one."),
        N_("Write ## for a heading within the section (### below that).")),
    rules.HEADING_WITHOUT_SPACE: (
        N_("{text} has no space after the #, so the report prints it as text, not as a heading."),
        N_("Write a space after the #: {fixed}.")),
    rules.PASTED_BULLET: (
        N_("this line begins with {text}, a list sign pasted from Word or an e-mail: the report prints it as text, "
           "run together with the lines around it, not as a list."),
        N_("Begin each item with - (a hyphen and a space) instead, and leave a blank line above the list.")),
}


@check
def paragraph_starts(a: Assessment) -> Iterator[Diagnostic]:
    """Where pandoc begins a block other than the author meant: four spaces or a tab where a paragraph begins
    start a code block (HTA048); a list, heading, quotation or table with no blank line above it is text of the
    paragraph above (HTA049); a pasted list sign is text (HTA050); a heading of one # is a section of the
    report's own level (HTA051), and one with no space after its # is text (HTA052). Found as pandoc reads the
    lines: a section's, and a conclusion's as the list item the report prints it in."""
    from ..render.qmd import list_item

    for piece in read_all_prose(a):
        printed = list_item(piece.text) if piece.as_item else piece.text
        text = fences_blanked(printed)  # a fence's lines are code already
        found = [*_misread_blocks(text), *((offset, rules.PASTED_BULLET) for offset in _pasted_bullets(text))]
        lines = piece.text.split("\n")
        for offset, rule in sorted(found, key=lambda f: f[0]):
            written = lines[offset].strip()
            message, hint = _MISREAD[rule]
            # a heading within the section has two # at least (HTA051)
            fixed = re.sub(r"^#+", lambda m: "#" * max(2, len(m[0])) + " ", written)
            line, column = piece.at(offset, 1)
            yield piece.source.at_line(rule, line,
                                       _(message).format(text=clip(written.split()[0] if rule is rules.PASTED_BULLET
                                                                   else written, 40)),
                                       _(hint).format(fixed=clip(fixed, 40)), column)


def _misread_blocks(text: str) -> Iterator[tuple[int, rules.Rule]]:
    """(line offset, rule) of each code block begun by indentation, each block opener taken into the paragraph
    above it, and each heading of one # or with no space after its #. In a list item or a definition, a line
    that begins a list begins one; a heading, quotation or table there is text of the item, as in a paragraph.
    A line without > right under a quotation's text is text of the quotation, whatever it begins with; a list
    item right under a paragraph's line is text of the paragraph, and no list begins there."""
    content = None  # the text column of the list item or definition the lines are in, if any
    after_break, in_code, in_quote, paragraph, said = True, False, False, False, False
    term = False  # the line above (or above a blank line) is a paragraph's first: a definition may follow it
    quoted_text = False  # the line above is text of a quotation's paragraph
    for offset, line in enumerate(text.split("\n")):
        if not line.strip():
            after_break, in_quote, paragraph, quoted_text = True, False, False, False
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        if after_break and indent >= (content or 0) + 4:
            if not in_code:
                yield offset, rules.INDENTED_TEXT
            in_code, paragraph, term = True, False, False
        elif not in_code or indent < (content or 0) + 4:
            if in_code:  # the code block ends: this line begins a block of its own
                in_code, after_break = False, True
            # a block begins after a blank line, and where no paragraph goes on: after a heading or a table
            begins = after_break or not (paragraph or in_quote)
            # a list item begins where a block may, or in a list; a definition under its term
            item = ((_LIST_ITEM.match(expanded) if begins or content is not None else None)
                    or (_DEFINES.match(expanded) if term else None))
            # a line without > right under a quotation's text goes on the quotation's paragraph, an opener too
            goes_on = ((paragraph and not (content is not None and item))
                       or (quoted_text and not _QUOTE_MARK.match(expanded)))
            if goes_on and _BLOCK_OPENER.match(expanded):
                if not said:
                    yield offset, rules.BLOCK_WITHOUT_BLANK_LINE
                said = True
                continue  # text of the paragraph, which goes on
            heading = begins and HEADING_LINE.match(line) is not None
            if heading and _TOP_HEADING.match(line):
                yield offset, rules.TOP_LEVEL_HEADING
            elif after_break and _HASH_WORD.match(line):
                yield offset, rules.HEADING_WITHOUT_SPACE
            if item:
                content = item.end()
            elif begins and expanded.lstrip().startswith(">"):
                in_quote = True
            elif after_break and indent < (content or 0):
                content = None  # a paragraph at the margin ends the list
            if after_break and not heading:
                said = False  # a new paragraph: said again
            # a table's rows go on from its first, which is no paragraph
            paragraph = not in_quote and not heading and not expanded.lstrip().startswith("|")
            term = after_break and paragraph and not item
            # text of the quotation's paragraph: not a heading, nor a definition (under which a list begins)
            quoted = _QUOTE_MARK.sub("", expanded, count=1).strip() if in_quote else ""
            quoted_text = bool(quoted) and HEADING_LINE.match(quoted) is None and not _DEFINES.match(quoted)
        # a heading, itself after a blank line (else pandoc reads it as text of the paragraph above)
        after_break = after_break and HEADING_LINE.match(line) is not None


# the list signs Word, Outlook and web pages put before an item, which Markdown reads as text; a dash only in a
# run of two or more lines (a line that begins with "– " alone goes on a wrapped sentence)
_BULLET = re.compile(r" {0,3}[•◦▪▫●○■□‣⁃∙·](?:[ \t]|$)")
_DASH = re.compile(r" {0,3}[–—][ \t]")


def _pasted_bullets(text: str) -> Iterator[int]:
    """The line offset of the first pasted list sign of each paragraph."""
    lines = text.split("\n")
    said = False
    for offset, line in enumerate(lines):
        if not line.strip():
            said = False
            continue
        sign = _BULLET.match(line) or (_DASH.match(line) if any(
            0 <= other < len(lines) and _DASH.match(lines[other]) for other in (offset - 1, offset + 1)) else None)
        if sign and not said:
            yield offset
            said = True


def _deepest_blocks(text: str) -> tuple[int, int]:
    """How many ::: blocks stand within each other at most, and the offset where they do."""
    if ":::" not in text:
        return 0, 0
    depth = deepest = where = 0
    for match in _BLOCK.finditer(text):
        depth = depth + 1 if match[2] else max(depth - 1, 0)
        if depth > deepest:
            deepest, where = depth, match.start()
    return deepest, where


def _deepest_emphasis(paragraph: str) -> tuple[int, int]:
    """How many emphases stand within each other at most in a paragraph, and the offset where they do. A mark
    followed by a letter may open one, a mark after a letter closes the innermost open one of its kind, and the
    marks opened after that one stay text, as an opening mark never closed does; a _ inside a word is text.
    As pandoc reads them, less its finer rules."""
    opened: list[tuple[str, int]] = []  # the marks open, innermost last, with their offsets
    still_open = {"*": 0, "_": 0}
    pairs: list[tuple[int, int]] = []  # (offset, +1) where an emphasis opens, (offset, -1) where it closes
    for match in _EMPHASIS.finditer(paragraph):
        mark = match[0][0]
        if mark == "\\":
            continue
        before = paragraph[match.start() - 1] if match.start() else " "
        after = paragraph[match.end()] if match.end() < len(paragraph) else " "
        if mark == "_" and before.isalnum() and after.isalnum():
            continue
        if not before.isspace() and still_open[mark]:
            at = len(opened) - 1
            while opened[at][0] != mark:  # each mark passed over is dropped below: linear in all
                at -= 1
            pairs += [(opened[at][1], 1), (match.start(), -1)]
            for dropped, _offset in opened[at:]:
                still_open[dropped] -= 1
            del opened[at:]
        elif not after.isspace():
            opened.append((mark, match.start()))
            still_open[mark] += 1
    depth = deepest = where = 0
    for offset, step in sorted(pairs):
        depth += step
        if depth > deepest:
            deepest, where = depth, offset
    return deepest, where


def _nesting_finding(piece, offset: int, message: str, hint: str) -> Diagnostic:
    line, _column = piece.at(offset, 1)
    return piece.source.at_line(rules.TEXT_NESTED_TOO_DEEP, line, message, hint, 1)


@check
def citation_style(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("assessment.yaml", "csl") or not a.meta.csl:
        return
    style = file_inside(a.folder, a.meta.csl)
    if style is None:
        return  # HTA001, in `metadata`
    problem = csl_problem(style)
    if problem:
        yield rules.CITATION_STYLE.at(display_path(style), problem.line, problem.column, problem.message,
                                      _("Use an independent CSL 1.0 style, or remove `csl:` for Vancouver."))


@check
def pictures_decode(a: Assessment) -> Iterator[Diagnostic]:
    for path in a.pictures():
        problem = picture_problem(path, a.picture_bytes[path])
        if problem:
            yield rules.NOT_A_PICTURE.at(display_path(path), 1, 1, problem.message, problem.hint or
                                         _("Export the picture again as PNG, JPEG or SVG, and name it by its kind."))


@check
def control_characters(a: Assessment) -> Iterator[Diagnostic]:
    def say(char: str) -> tuple[str, str]:
        return (_("an invisible control character ({code}) is in the text.").format(code=f"U+{ord(char):04X}"),
                _("Delete it; retype the text around it if it was copied from another program."))

    yield from _characters(a, rules.CONTROL_CHARACTER, lambda text: (m := CONTROL.search(text)) and m.start(), say,
                           has_control)


@check
def unprintable_characters(a: Assessment) -> Iterator[Diagnostic]:
    """The PDF is archival (PDF/A): every letter is set in the report's own font, which must have it."""
    from ..convert.fonts import can_print, uncommon_characters

    def find(text: str) -> int | None:
        # ASCII is in every font; past it (C1 controls left by a wrong encoding included) the font is asked
        return next((m.start() for m in uncommon_characters().finditer(text)
                     if not m[0].isspace() and not can_print(m[0])), None)

    def say(char: str) -> tuple[str, str]:
        return (_('the character "{char}" ({code}) has no letter in the report\'s font, so the PDF cannot print it.').format(
                    char=char, code=f"U+{ord(char):04X}"),
                _("The font has Latin, Greek, Cyrillic and Hebrew letters and common signs: write the word in Latin letters, "
                  "or describe the sign in words."))

    yield from _characters(a, rules.UNPRINTABLE_CHARACTER, find, say)


def _characters(a: Assessment, rule: rules.Rule, find: Callable[[str], int | None],
                say: Callable[[str], tuple[str, str]], anywhere: Callable[[str], bool] | None = None) -> Iterator[Diagnostic]:
    """A finding at the first character `find` points at, in each value, section line, evidence row and
    reference of the assessment. `anywhere`: whether `find` would find one, said faster."""
    if not (anywhere(_all_text(a)) if anywhere else find(_all_text(a)) is not None):
        return  # as in most assessments: no value has one, as one scan of them all shows
    values, rows, references = _all_values(a)
    for name, loc, value in values:
        at = find(value)
        if at is not None:
            yield source_of(a, name).at(rule, loc, *say(value[at]))
    for section in a.sections.values():
        for offset, line in enumerate(section.text.split("\n")):
            at = find(line)
            if at is not None:
                yield section.source.at_line(rule, section.first_line + offset, *say(line[at]), at + 1)
    evidence = a.sources.get("evidence")
    for row, texts in rows:
        hit = next((v for v in texts if find(v) is not None), None)
        if evidence is not None and hit is not None:
            yield evidence.at_line(rule, row.row, *say(hit[find(hit)]))
    for ref, texts in references:
        hit = next((v for v in texts if find(v) is not None), None)
        if hit is not None:
            yield reference_at(a, ref.id, rule, *say(hit[find(hit)]))


@once_per_assessment
def _all_text(a: Assessment) -> str:
    """Every text value of the data files, evidence rows and references and every section in one text (a
    line break between two, which no check finds): made once per assessment, as two checks scan it."""
    return "\n".join(texts([a.meta, a.picos, a.searches, a.conclusions, a.evidence, a.references])
                     + [s.text for s in a.sections.values()])


@once_per_assessment
def _all_values(a: Assessment) -> tuple[list, list, list]:
    """Every text value of the data files with where it is, and those of each evidence row and reference:
    walked only where `_all_text` has what a check looks for, once per assessment."""
    values = [(name, loc, value) for name, data in (("assessment.yaml", a.meta), ("pico.yaml", a.picos),
                                                     ("searches.yaml", a.searches), ("conclusions.yaml", a.conclusions))
              for loc, value in strings(data)]
    rows = [(row, [v for _loc, v in strings(row)]) for row in a.evidence]
    references = [(ref, [v for _loc, v in strings(ref)]) for ref in a.references]
    return values, rows, references


@check
def not_printed(a: Assessment) -> Iterator[Diagnostic]:
    """The fields kept for the authors alone, where filled: said once a file, at the first, so that nothing
    meant for readers is lost and a clean assessment is not drowned in notes."""
    filled: dict[str, list[tuple[tuple, str]]] = {"assessment.yaml": [], "searches.yaml": [], "pico.yaml": []}
    for key in ("notes", "source"):
        if a.was_read("assessment.yaml") and getattr(a.meta, key).strip():
            filled["assessment.yaml"].append(((key,), f"`{key}`"))
    for i, search in enumerate(a.searches):
        if search.note.strip():
            filled["searches.yaml"].append(((i, "note"), _("`note` of {search}").format(search=search.id)))
    for i, p in enumerate(a.picos):
        for where, outcome in p.outcomes.located():
            if outcome.aliases:
                filled["pico.yaml"].append(((i, "outcomes", *where, "aliases"),
                                            _('`aliases` of "{outcome}"').format(outcome=outcome.name)))
    for name, fields in filled.items():
        if fields:
            what = ", ".join(f for _loc, f in fields[:3]) + (
                _(" and {count} more").format(count=len(fields) - 3) if len(fields) > 3 else "")
            yield source_of(a, name).at(rules.NOT_PRINTED, fields[0][0], _("{fields}: kept for the authors, not printed in "
                                      "the report.").format(fields=what),
                                      _("Write what readers should see in a section or the conclusions."))
