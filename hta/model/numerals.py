"""Counts in words ("åtta", "åtte", "eight"), and where in prose a sentence begins.

Swedish public-sector writing (Språkrådet, Svenska skrivregler) writes numbers one to twelve in words in
running text and never begins a sentence with digits: "Åtta artiklar bedömdes …". `{{search.count:words}}`
asks for the word form anywhere; a count that begins a sentence is always written in words, with a capital.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

from .labels import Labels, NumberWords

#: Words go up to this; a larger count stays in digits (and a check asks to rephrase a sentence it begins).
LARGEST_IN_WORDS = 999_999


class CountForm(str, Enum):
    """How `{{search.count:form}}` asks for its count to be written."""

    DIGITS = ""  # no form: digits, but words where the count begins a sentence
    WORDS = "words"  # words; 1 in the common gender (Swedish and Norwegian "en")
    NEUTER = "ett"  # words; 1 in the neuter gender ("ett"); English has one form


def count_form(option: str | None) -> CountForm | None:
    """The form a placeholder's option names (any case, spaces ignored); None for an unknown option."""
    try:
        return CountForm((option or "").strip().lower())
    except ValueError:
        return None


def write_count(value: int | dt.date | None, labels: Labels, form: CountForm, at_sentence_start: bool) -> str:
    """A count as the report prints it: digits, or words when asked for or when it begins a sentence."""
    if value is None:
        text = labels.not_reported
    elif isinstance(value, dt.date):
        return value.isoformat()
    elif form is not CountForm.DIGITS or at_sentence_start:
        text = in_words(value, labels.numbers, neuter=form is CountForm.NEUTER) or str(value)
    else:
        text = str(value)
    return capitalised(text) if at_sentence_start else text


def in_words(value: int, words: NumberWords, neuter: bool = False) -> str | None:
    """`value` in words, 1 (and a last 1, as in 21) in the neuter gender when asked; None past 999 999."""
    if not 0 <= value <= LARGEST_IN_WORDS:
        return None
    thousands, rest = divmod(value, 1000)
    hundreds, tail = divmod(rest, 100)
    parts = []
    if thousands:
        parts.append(f"{in_words(thousands, words, neuter=True)}{words.joiner}{words.thousand}")
    if hundreds:
        parts.append(f"{_below_100(hundreds, words, neuter=True)}{words.joiner}{words.hundred}")
    if tail or not parts:
        last = _below_100(tail, words, neuter)
        parts.append(f"{words.and_word}{words.joiner or ' '}{last}" if parts and words.and_word else last)
    text = words.joiner.join(parts)
    for written, spelt in words.spelling.items():
        text = text.replace(written, spelt)
    return text


def _below_100(value: int, words: NumberWords, neuter: bool) -> str:
    if value == 1 and neuter:
        return words.one_neuter
    if value < 20:
        return words.ones[value]
    tens, ones = divmod(value, 10)
    return words.tens[tens - 2] + (f"{words.tens_joiner}{_below_100(ones, words, neuter)}" if ones else "")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# What may stand at the start of a line before the first word of a block: list markers, a heading's
# hashes, a block quote's `>`, and emphasis opening the sentence.
_BLOCK_OPENING = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|#{1,6}[ \t]+|>[ \t]?)*[*_]{0,3}")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]*_]*$")
# Words that end in a full stop without ending a sentence ("ca. 8", "t.ex. 8"); any word with a dot inside
# ("t.ex.", "bl.a.", "e.g.") counts as one too.
_ABBREVIATIONS = frozenset("ca cf dvs eg etc ex fig jfr kap ko nr no resp ref s st tab vs vol".split())


def starts_sentence(text: str, start: int) -> bool:
    """Whether the text at `start` begins a sentence: the start of a paragraph, list item, heading or
    quote, or after `.`, `!` or `?` and a space (also across a line break inside a paragraph)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if not _BLOCK_OPENING.fullmatch(before):
        return before[-1:].isspace() and _ends_sentence(before)
    if before.strip() or line_start == 0:
        return True
    previous = text[:line_start - 1]
    previous_line = previous[previous.rfind("\n") + 1:]
    return not previous_line.strip() or _ends_sentence(previous)


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    if not _SENTENCE_END.search(text):
        return False
    last_word = text.split()[-1].rstrip("\"”’')]*_")
    if last_word.endswith("."):
        word = last_word[:-1].lstrip("(\"“‘'[")
        return not ("." in word or word.casefold() in _ABBREVIATIONS)
    return True
