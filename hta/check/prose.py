"""The authors' prose: the counts and numbers it names or types, its pictures and placeholders."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import N_, _
from ..load.reader import Source, text_position
from ..model.assessment import COUNT_PLACEHOLDER, IMAGE, Assessment, count_values
from ..model.labels import available_languages, labels_for
from ..model.numerals import LARGEST_IN_WORDS, CountForm, count_form, in_words, starts_sentence
from . import prose_numbers
from .readable import Reading, code_blanked, key_positions, read_prose
from .run import check, once_per_assessment, source_of


# --- Prose -------------------------------------------------------------------------------------------

CITATION_GROUP = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
CITATION = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&\-+?<>~/]*[A-Za-z0-9_])")


@once_per_assessment
def prose_lines(a: Assessment) -> list[ProseLine]:
    """Every line of author prose: the sections', and the conclusions' (an empty conclusion as one empty line;
    the blank lines between a conclusion's paragraphs are none). Made once per assessment, as four checks
    go through them."""
    found = []
    for piece in read_all_prose(a):
        lines = piece.text.split("\n")
        for offset, line in enumerate(lines):
            if line.strip() or not piece.in_yaml or len(lines) == 1:
                found.append(ProseLine(piece, offset, line))
    return found


def prose_pieces(a: Assessment) -> Iterator[tuple[Source, int, int, str, bool]]:
    """Each text pandoc reads on its own, with the line and column it starts at: a section, a conclusion bullet;
    and whether the report prints it as a list item (every conclusion but a summary's, which are paragraphs:
    render/shapes.conclusion_blocks)."""
    for section in a.sections.values():
        yield section.source, section.first_line, 1, section.text, False
    conclusions = source_of(a, "conclusions.yaml")
    for place, bullet in a.conclusions.bullets():
        line, column = conclusions.where(place)
        yield conclusions, line or 1, column or 1, bullet.text, place[0] != "summary"


@dataclass(frozen=True)
class ProseReading:
    """One piece of prose as pandoc reads it."""

    source: Source
    first_line: int
    first_column: int  # where the text starts on its first line (a YAML bullet's column)
    text: str
    code_free: str  # the text with its code blanked (readable.code_blanked): where citations, links and nesting are read
    reading: Reading
    in_yaml: bool = False  # a YAML value, whose lines need not be the file's (see _written_at)
    as_item: bool = False  # printed as a list item, its lines after the first indented into it

    def at(self, offset: int, column: int) -> tuple[int, int]:
        """The file's line and column of `column` on line `offset` of the text."""
        if self.in_yaml and self.source.text is not None:
            lines = self.text.split("\n")
            return self.place(sum(len(line) + 1 for line in lines[:offset]) + column - 1)
        return self.first_line + offset, column + (self.first_column - 1 if offset == 0 else 0)

    def place(self, at: int) -> tuple[int, int]:
        """The file's line and column of the character at offset `at` of the text."""
        if self.in_yaml and self.source.text is not None:
            return text_position(self.source.text, self._written_at[min(at, len(self._written_at) - 1)])
        line, column = text_position(self.text, at)
        return self.at(line - 1, column)

    @cached_property
    def _written_at(self) -> list[int]:
        """Where in the file each character of a YAML value was written. A value over several lines is not
        the file's lines: a block (`|`, `>`) begins on the line under its mark and leaves out the indentation,
        and a folded or plain value joins its lines with spaces. Found by walking the value and the file
        together; an escape in a quoted value ("\\u00e9") is placed where it begins. Only asked for a finding."""
        raw = self.source.text
        lines = raw.split("\n")
        at = sum(len(line) + 1 for line in lines[:self.first_line - 1]) + self.first_column - 1
        if raw[at:at + 1] in ("|", ">"):
            at = raw.find("\n", at) + 1 or len(raw)
        written = []
        for char in self.text + " ":  # and one past the end
            if char.isspace():
                written.append(at)
                if raw[at:at + 1] == char:
                    at += 1
                continue
            found = raw.find(char, at, at + 80)  # past the line break, the indentation and a quote or an escape
            written.append(at if found == -1 else found)
            at = at if found == -1 else found + 1
        return written


@dataclass(frozen=True)
class ProseLine:
    """One line of a piece of prose."""

    piece: ProseReading
    offset: int  # the line's place in the piece, from 0
    text: str

    @property
    def source(self) -> Source:
        return self.piece.source

    def at(self, column: int) -> tuple[int, int]:
        """The file's line and column of `column` (from 1) of this line."""
        return self.piece.at(self.offset, column)


@once_per_assessment
def read_all_prose(a: Assessment) -> list[ProseReading]:
    """Every piece of prose with its citations and links; read once per assessment, as several checks look at it."""
    return [ProseReading(source, line, column, text, code_free, read_prose(code_free),
                          in_yaml=source.path.suffix != ".md", as_item=as_item)
             for source, line, column, text, as_item in prose_pieces(a) for code_free in [code_blanked(text)]]


@once_per_assessment
def citations(a: Assessment) -> list[tuple[Source, int, int, str]]:
    """Every citation as pandoc reads it ([@key], a bare @key in running text, @{key}), where it is written;
    found once per assessment, as two checks look at them."""
    return [(piece.source, *piece.at(offset, column), key) for piece in read_all_prose(a)
             for key in dict.fromkeys(piece.reading.citations) for offset, column in key_positions(piece.code_free, key)]


@check
def unknown_counts(a: Assessment) -> Iterator[Diagnostic]:
    if not a.was_read("searches.yaml"):
        return  # every count would be unknown; the file's own finding says why
    names = count_values(a)
    for line in prose_lines(a):
        for match in COUNT_PLACEHOLDER.finditer(line.text):
            name = f"{match[1]}.{match[2]}"
            if name not in names:
                number, column = line.at(match.start() + 1)
                yield line.source.at_line(rules.UNKNOWN_COUNT, number, *_unknown_count(a, match[1], name, names), column)


def _unknown_count(a: Assessment, search: str, name: str, names: dict) -> tuple[str, str]:
    """What is wrong with `{{name}}`, in the author's terms: a search that is not (yet) in searches.yaml, or
    a count that search does not have."""
    searches = [s.id for s in a.searches]
    if search not in searches:
        close = difflib.get_close_matches(search, searches, n=1)
        placeholder = "{{" + name + "}}"
        if not searches:
            return (_('{placeholder}: there is no search "{search}" (yet); searches.yaml has no searches yet.').format(
                        placeholder=placeholder, search=search),
                    _("Add the search with `id: {search}` to searches.yaml, then the count is filled in.").format(search=search))
        there = ", ".join(f'"{s}"' for s in searches)
        hint = (_('Did you mean "{name}"?').format(name=close[0]) if close
                else _("Add a search with `id: {search}` to searches.yaml.").format(search=search))
        return _('{placeholder}: there is no search "{search}" (yet); the searches are {searches}.').format(
            placeholder=placeholder, search=search, searches=there), hint
    close = difflib.get_close_matches(name, names, n=1)
    hint = (_("Did you mean {placeholder}?").format(placeholder="{{" + close[0] + "}}") if close
            else _("See docs/assessment-format.md, 'Numbers in prose'."))
    return _('{placeholder} is not a count of the search "{search}".').format(placeholder="{{" + name + "}}", search=search), hint


_ANY_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")


@check
def count_forms(a: Assessment) -> Iterator[Diagnostic]:
    """Every `{{…}}` is a count placeholder with a known form, and a count in words has words."""
    values = count_values(a)
    labels = labels_for(a.meta.language) if a.meta.language in available_languages() else None
    for source, first_line, text in prose_texts(a):
        for match in _ANY_PLACEHOLDER.finditer(text):
            line = first_line + text.count("\n", 0, match.start())
            column = match.start() - text.rfind("\n", 0, match.start())
            placeholder = COUNT_PLACEHOLDER.fullmatch(match[0])
            if placeholder is None:
                yield source.at_line(rules.COUNT_FORM, line,
                                     _("{text} is not a count placeholder.").format(text=_shown(match[0])),
                                     _("Write {digits}, {words} or {ett}.").format(
                                         digits="{{search.count}}", words="{{search.count:words}}",
                                         ett="{{search.count:ett}}"), column)
                continue
            form = count_form(placeholder[3])
            if form is None:
                yield source.at_line(rules.COUNT_FORM, line,
                                     _('"{form}" is not a form of a count.').format(form=_shown(placeholder[3].strip())),
                                     _("Write {words} (en, åtta) or {ett} (ett), or no form for digits.").format(
                                         words="{{search.count:words}}", ett="{{search.count:ett}}"), column)
                continue
            value = values.get(f"{placeholder[1]}.{placeholder[2]}")
            at_start = starts_sentence(text, match.start())
            if labels is None or not (form is not CountForm.DIGITS or at_start) or value is None:
                continue
            if isinstance(value, dt.date) or in_words(value, labels.numbers) is None:
                what = (_("a date") if isinstance(value, dt.date) else _("{value}, larger than {largest}").format(
                    value=value, largest=f"{LARGEST_IN_WORDS:,}".replace(",", " ")))
                message = (N_("{placeholder} begins a sentence, but it is {what}, which has no word form; the report "
                              "prints digits.") if at_start else
                           N_("{placeholder} is asked for in words, but it is {what}, which has no word form; the "
                              "report prints digits."))
                yield source.at_line(rules.COUNT_NOT_IN_WORDS, line, _(message).format(
                                         placeholder="{{" + f"{placeholder[1]}.{placeholder[2]}" + "}}", what=what),
                                     _("Begin the sentence with another word.") if at_start
                                     else _("Write the count without a form."), column)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def prose_texts(a: Assessment) -> Iterator[tuple[Source, int, str]]:
    """Every piece of author prose whole, with the line it starts on: sections, and the conclusion bullets."""
    for section in a.sections.values():
        yield section.source, section.first_line, section.text
    conclusions = source_of(a, "conclusions.yaml")
    for place, bullet in a.conclusions.bullets():
        yield conclusions, conclusions.where(place)[0] or 1, bullet.text


@check
def typed_numbers(a: Assessment) -> Iterator[Diagnostic]:
    """A count typed where the data holds it: flagged with the name to write instead. What is a count and
    what is not (amounts, units, years, dates, ranges, …) is read in prose_numbers."""
    values = {name: v for name, v in count_values(a).items() if isinstance(v, int) and not isinstance(v, bool)}
    by_value: dict[int, list[str]] = {}
    for name, value in values.items():
        by_value.setdefault(value, []).append(name)
    for prose_line in prose_lines(a):
        source, line = prose_line.source, prose_line.text

        # only a number flagged below if it is a count is classified: what the others are is not read
        def flaggable(value: int, end: int, line: str = line) -> bool:
            return (value in by_value and (value >= 10 or prose_numbers.followed_by_count_noun(line, end))
                    or bool(values and _HITS_NOUN.match(line, end)))

        for found in prose_numbers.counts(line, flaggable):
            counted = prose_numbers.followed_by_count_noun(line, found.end)
            if found.value in by_value and (found.value >= 10 or counted):
                names = _(" or ").join("{{" + n + "}}" for n in sorted(by_value[found.value])[:3])
                number, column = prose_line.at(found.start + 1)
                yield source.at_line(rules.TYPED_NUMBER, number,
                                     _("{number} is typed here, and the data holds it.").format(number=found.value),
                                     _("Write {names} instead, so the number cannot drift from the data.").format(names=names),
                                     column)
            elif _HITS_NOUN.match(line, found.end) and values:
                totals = ", ".join("{{" + s.id + ".identified}} = " + str(s.counts().identified) for s in a.searches)
                number, column = prose_line.at(found.start + 1)
                yield source.at_line(rules.TYPED_NUMBER, number,
                                     _("{number} hits are typed here, but no search has that many.").format(number=found.value),
                                     _("Write the count by name instead: {totals}.").format(totals=totals), column)


_HITS_NOUN = re.compile(r"[\s\u00a0\u202f]*(träffar|hits|treff)\b", re.I)


@check
def pictures(a: Assessment) -> Iterator[Diagnostic]:
    own = {f"figures/{p.name}" for p in a.pictures()}
    for line in prose_lines(a):
        for match in IMAGE.finditer(line.text):
            if match[1] not in own and a.was_read(match[1]):  # an unreadable picture is said at its file
                number, column = line.at(match.start(1) + 1)
                yield line.source.at_line(rules.PICTURE_OUTSIDE, number,
                                          _('the picture "{path}" is not in figures/.').format(path=match[1]),
                                          _("Copy the picture into the assessment's figures/ folder and write figures/NAME."),
                                          column)


_PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX+|Lorem ipsum|Lorem)\b")
# What every match of _PLACEHOLDER holds, searched for first: a pattern that starts with \b is tried at each
# character of the line, this one only where one of its first letters stands.
_PLACEHOLDER_WORD = re.compile("TODO|TBD|FIXME|XXX|Lorem")


@check
def placeholders(a: Assessment) -> Iterator[Diagnostic]:
    for prose_line in prose_lines(a):
        line = prose_line.text
        match = _PLACEHOLDER.search(line) if _PLACEHOLDER_WORD.search(line) else None
        if match:
            number, column = prose_line.at(match.start() + 1)
            yield prose_line.source.at_line(rules.PLACEHOLDER, number,
                                            _('placeholder text "{text}" is left in.').format(text=match[0]),
                                            _("Write the finished text, or remove the line."), column)
        # what \s*[-*+]\s* matches (strip() takes what \s matches), or an empty conclusion
        elif line.strip() in ("-", "*", "+") or not line.strip() and prose_line.piece.in_yaml:
            yield prose_line.source.at_line(rules.PLACEHOLDER, prose_line.at(1)[0], _("an empty bullet is left in."),
                                            _("Write it or remove it."))
