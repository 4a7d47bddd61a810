"""Which numbers typed in prose are counts: the reading behind HTA501 (typed-number).

A statement is full of numbers that are not counts of the searches: amounts ("20 000 kr"), doses
("0,5 mg/kg"), shares ("20 %"), durations and ages ("12 veckor", "65 år"), years and dates, ranges
("20–30"), decimals, ordinals ("2:a", "3rd", "2. mai"), names of things ("Studie 2", "punkt 1", "tabell 3"),
list numbering, citations ("[2–4]") and tables. Each is recognised by what stands next to it. Whatever is
left is a count, and only a count can be a typed copy of the data. Digits grouped by a space, a no-break
space or a narrow no-break space are one number: "20 000" is twenty thousand, not 20. docs/checks.md
(HTA501) says the same for authors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """What a number in prose is."""

    COUNT = "count"
    AMOUNT = "amount"  # a unit, a currency or a share follows or precedes it: kr, SEK, %, mg, år, veckor …
    YEAR = "year"
    DATE = "date"
    RANGE = "range"  # 20–30, 20-30
    DECIMAL = "decimal"  # 2,5 or 2.5
    ORDINAL = "ordinal"  # 2:a, 3:e, 3rd, 2. mai
    NAME = "name"  # Studie 2, punkt 1, tabell 3, fas 3, typ 2: a label, not a quantity
    WORD = "part of a word"  # B12, COVID-19, 65-åriga, RD21/01987
    AGE = "age"  # ålder 65, aged 65, 65+


@dataclass(frozen=True)
class ProseNumber:
    """One number as it stands in a line of prose: its value, its columns (0-based, end exclusive), its kind."""

    value: int
    start: int
    end: int
    kind: Kind


_S = r"[\s\u00a0\u202f]"  # a space, a no-break space or a narrow no-break space
# Digits grouped in threes by one of those spaces are one number; otherwise a run of digits. Written to
# start with one \d, which the search looks for: a pattern that starts with a repeat or an alternative is
# tried at each character of the line.
_TOKEN = re.compile(r"\d(?:\d{0,2}(?:[\u00a0\u202f ]\d{3})+(?!\d)|\d*)")
_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿµ"

_MONTHS = ("januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|"
           "januar|februar|mai|august|desember|"
           "january|february|march|may|june|july|october|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec|des")
# Units, currencies and words of size after a number: sv, nb, en. A unit may be followed by /kg, /dygn …
_UNITS = (r"%|‰|procent|prosent|percent|per\s+cent|procentenheter|prosentpoeng|percentage\s+points?|"
          r"kr|kronor|krona|kroner|sek|nok|dkk|eur|euro|usd|dollar\w*|€|\$|£|"
          r"tusen|thousand|miljon\w*|million\w*|miljard\w*|milliard\w*|billion\w*|mnkr|mkr|tkr|"
          r"mg|µg|μg|mcg|ng|g|kg|gram|mmol|µmol|mol|ml|dl|cl|l|liter|litre\w*|iu|ie|e|enheter|units?|"
          r"mmhg|kpa|cm|mm|m|km|kcal|kj|gy|msv|bpm|°c?|grader|degrees|"
          r"sekund|sekunder|s|seconds?|min|minut\w*|minutes?|h|tim\w*|timer|hours?|dygn|døgn\w*|"
          r"dag|dagar|dagen|dager|dagene|days?|veck\w*|uke|uker|ukene|weeks?|mån|månad\w*|måned\w*|months?|"
          r"år|års|åren|året|åring\w*|years?|yrs?|"
          r"gång\w*|ganger|gang|times|x|poäng|poeng|points?|doser|doses?|tabletter|tablets?|"
          r"cykler|sykluser|cycles?|sessioner|sessions?|behandlingar|behandlinger|treatments?")
_UNIT_AFTER = re.compile(rf"{_S}*(?:{_UNITS})(?![{_LETTER}])", re.I)
_CURRENCY_BEFORE = re.compile(rf"(?:kr|sek|nok|dkk|eur|usd|€|\$|£){_S}*$", re.I)
_MONTH_AFTER = re.compile(rf"\.?{_S}*(?:{_MONTHS})(?![{_LETTER}])", re.I)
_MONTH_BEFORE = re.compile(rf"(?<![{_LETTER}])(?:{_MONTHS})\.?{_S}*$", re.I)
# A word that names a thing by its number: "Studie 2", "punkt 1", "tabell 3", "fas 3", "vecka 12".
_NAME_BEFORE = re.compile(
    rf"(?<![{_LETTER}])(?:studie|studien|study|tabell|tabellen|table|figur|figuren|figure|fig|bilaga|vedlegg|"
    r"appendix|kapitel|kapittel|chapter|kap|avsnitt|section|punkt|punkten|point|pkt|fas|fase|phase|typ|type|"
    r"grad|grade|stadium|stage|steg|nivå|level|version|versjon|nr|nummer|number|no|sid|side|page|s\.|p\.|pp\.|"
    r"vecka|veckan|uke|week|dag|dagen|day|sökning|sökningen|søk|søket|search|pico|rad|raden|linje|line|"
    r"kl|klockan|klokken|§|#|nivå|klass|class|omgång|runde|round|arm|del|part|fråga|spørsmål|question)"
    rf"\.?{_S}*$", re.I)
# what _age_before decides, without scanning the line
_AGE_BEFORE = re.compile(rf"(?<![{_LETTER}])(?:ålder|åldern|alder|alderen|age|aged|åldrarna){_S}*(?:över|under|over|på|of)?{_S}*$", re.I)
_CONNECTOR = re.compile(rf"{_S}*(?:[-–—]|till|til|to|och|og|and|eller|or|à){_S}*", re.I)
_COUNT_NOUN = re.compile(rf"{_S}*(?:träffar|artiklar|studier|referenser|hits|records|studies|articles|treff|"
                         rf"artikler|referanser)(?![{_LETTER}])", re.I)

# Parts of a line that hold no prose numbers at all: placeholders, citations, code, links, numeric
# citations [2–4], footnotes, pictures' and links' targets, web addresses; and dates (2024-05-01). Two
# patterns, each searched for its first characters (one pattern of both would be tried at each character);
# blanked one after the other, they blank what the one did: no date starts inside one of the others, nor
# one of them inside a date.
_NOT_PROSE = re.compile(r"\{\{.*?\}\}|\[[^\[\]]*@[^\[\]]*\]|`[^`]*`|\]\([^)]*\)|https?://\S+|www\.\S+|"
                        r"\[\s*\d[\d\s,–\-]*\]|\^[^^\s]*\^|\[\^[^\]]*\]")
_ISO_DATE = re.compile(r"\d\d{3}-\d{2}-\d{2}")
_ISO_DATE_MIDDLE = re.compile(r"-\d\d-")  # in every date; a pattern that starts with - is searched for it
_NOT_DIGIT = re.compile(r"\D")
_DIGIT = re.compile(r"\d")
_LIST_NUMBER = re.compile(r"^\s*\d+[.)](?=\s)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_TABLE = re.compile(r"^\s*(?:\||\+[-=+:]+\+?\s*$)")


def blank(line: str) -> str:
    """The line with everything that holds no prose numbers replaced by spaces, columns kept."""
    line = _NOT_PROSE.sub(_spaces, line)
    if _ISO_DATE_MIDDLE.search(line):  # a pattern that starts with \d is tried at each digit, slowly
        line = _ISO_DATE.sub(_spaces, line)
    return _LIST_NUMBER.sub(_spaces, line)


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match[0])


def numbers(line: str, wanted: Callable[[int, int], bool] | None = None) -> list[ProseNumber]:
    """Every number of one line of prose with what it is; with `wanted`, only the numbers for which
    wanted(value, end) holds, and what the others are is read only where it decides what those are (a
    check that can flag few values need not read all the rest). Headings ("Studie 2", "PICO 1") and
    table rows name and tabulate; no number in them is read as a count."""
    if not _DIGIT.search(line) or _HEADING.match(line) or _TABLE.match(line):
        return []  # most lines have no digit: not read further
    text = blank(line)
    # a run of more than 30 digits is no count (and Python refuses to convert one of thousands)
    found = [(m, int(digits)) for m in _TOKEN.finditer(text)
             if len(digits := m[0] if m[0].isdigit() else _NOT_DIGIT.sub("", m[0])) <= 30]
    alone: dict[int, Kind] = {}  # what each number is by what stands next to it, read when first asked

    def by_itself(i: int) -> Kind:
        if i not in alone:
            m, value = found[i]
            alone[i] = _kind(text, m.start(), m.end(), value)
        return alone[i]

    def joined(i: int) -> bool:
        return _CONNECTOR.fullmatch(text[found[i][0].end():found[i + 1][0].start()]) is not None

    def kind(i: int) -> Kind:
        # "mellan 20 och 30 mg", "20 till 30 år": counts joined by "och", "till", "-" … are what the first
        # number after them that is no count is (a range stays a range)
        while by_itself(i) is Kind.COUNT and i + 1 < len(found) and joined(i):
            i += 1
        return by_itself(i)

    return [ProseNumber(value, m.start(), m.end(), kind(i)) for i, (m, value) in enumerate(found)
            if wanted is None or wanted(value, m.end())]


def counts(line: str, wanted: Callable[[int, int], bool] | None = None) -> list[ProseNumber]:
    """The numbers of a line that are counts; with `wanted`, as `numbers` says."""
    return [n for n in numbers(line, wanted) if n.kind is Kind.COUNT]


def followed_by_count_noun(line: str, end: int) -> bool:
    """"12 träffar", "8 studies": a count of what searches find, whatever its size (the number ends at `end`)."""
    return bool(_COUNT_NOUN.match(line, end))


def _kind(text: str, start: int, end: int, value: int) -> Kind:
    """What the number `text[start:end]` is, by what stands before `start` and after `end`. The patterns
    are matched in `text` itself, with `end` as where a match after it starts and `start` as the end of
    the text a match before it ends at: the line is not copied twice for each number."""
    # A pattern of fixed length L that ends at `$` can only match in the last L + 1 characters (`$` also
    # stands before a final line break): searched there alone, a long line is not scanned once per number.
    if _DECIMAL_BEFORE.search(text, max(0, start - 3), start) or _DECIMAL_AFTER.match(text, end):
        return Kind.DECIMAL
    if _range_before(text, start) or _RANGE_AFTER.match(text, end):
        return Kind.RANGE
    if (_WORD_BEFORE.search(text, max(0, start - 2), start)
            or _WORD_AFTER.match(text, end) and not _UNIT_AFTER.match(text, end)):
        return Kind.WORD  # B12, COVID-19, RD21/01987, 65-åriga, 5HT, 12a
    if _ORDINAL_SUFFIX.match(text, end) or _ORDINAL_DOT.match(text, end):
        return Kind.ORDINAL  # 2:a, 3:e, "2. mai", "3. linje"
    if _DATE_AFTER.match(text, end) or _DATE_BEFORE.search(text, max(0, start - 3), start):
        return Kind.DATE  # 14:30, 13/1, 1.3
    if _MONTH_AFTER.match(text, end) or _ends_with(_MONTH_BEFORE, text, start):
        return Kind.DATE
    if _UNIT_AFTER.match(text, end) or _ends_with(_CURRENCY_BEFORE, text, start):
        return Kind.AMOUNT
    if _age_before(text, start) or text.startswith("+", end):
        return Kind.AGE
    if _ends_with(_NAME_BEFORE, text, start):
        return Kind.NAME
    if end - start == 4 and 1800 <= value <= 2100 and not _COUNT_NOUN.match(text, end):
        return Kind.YEAR
    return Kind.COUNT


# What stands next to a number in _kind, compiled once (a library's check reads thousands of numbers).
_DECIMAL_BEFORE = re.compile(r"\d[.,]$")
_DECIMAL_AFTER = re.compile(r"[.,]\d")
_RANGE_BEFORE = re.compile(rf"\d{_S}*[-–—]{_S}*$")  # what _range_before decides, without scanning the line
_RANGE_AFTER = re.compile(rf"{_S}*[-–—]{_S}*\d")
_WORD_BEFORE = re.compile(rf"[{_LETTER}\d_/\\-]$")
_WORD_AFTER = re.compile(rf"[-/\\_]?[{_LETTER}]")
_ORDINAL_SUFFIX = re.compile(r":[a-zåäöe]\b|:(?:a|e|de|te)\b", re.I)
_ORDINAL_DOT = re.compile(r"\.\s+[a-zåäöæø]")
_DATE_AFTER = re.compile(r"[:.]\d")
_DATE_BEFORE = re.compile(r"\d[:/]$")
_SPACE = re.compile(_S)
_DIGIT = re.compile(r"\d")
# The patterns above that end in `{_S}*$` start with one word of at most this many characters (and a
# lookbehind): a match ends at the text's last character that is no space, so it starts this close to it.
WORD_WINDOW = 24
_AGE_WORD = re.compile(rf"(?<![{_LETTER}])(?:ålder|åldern|alder|alderen|age|aged|åldrarna)$", re.I)
_AGE_LINK = re.compile(r"(?:över|under|over|på|of)$", re.I)


def _unspaced_end(text: str, end: int) -> int:
    """Where the run of spaces that `text[:end]` ends with starts."""
    while end and _SPACE.match(text, end - 1):
        end -= 1
    return end


def _ends_with(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """`pattern.search(text[:start])` for a pattern `WORD{_S}*$`, searched only where WORD can stand: on a
    long line, the search from its start took most of the time of `hta check`."""
    end = _unspaced_end(text, start)
    return pattern.search(text, max(0, end - WORD_WINDOW), end) is not None


def _range_before(text: str, start: int) -> bool:
    """_RANGE_BEFORE matches `text[:start]`: a digit, then a dash, each maybe followed by spaces."""
    dash = _unspaced_end(text, start)
    if not dash or text[dash - 1] not in "-–—":
        return False
    digit = _unspaced_end(text, dash - 1)
    return bool(digit) and _DIGIT.match(text, digit - 1) is not None


def _age_before(text: str, start: int) -> bool:
    """_AGE_BEFORE matches `text[:start]`: "ålder", "aged" …, maybe then "över", "of" …, and spaces between."""
    end = _unspaced_end(text, start)
    if _AGE_WORD.search(text, max(0, end - WORD_WINDOW), end):
        return True
    link = _AGE_LINK.search(text, max(0, end - WORD_WINDOW), end)
    if link is None:
        return False
    word_end = _unspaced_end(text, link.start())
    return _AGE_WORD.search(text, max(0, word_end - WORD_WINDOW), word_end) is not None
