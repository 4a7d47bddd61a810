"""Certainty of evidence as the regions write it, read to GRADE's four levels.

Regional reports write one level a dozen ways: "GRADE: 2/4", "⊕⊕", "(GRADE: ++)", "⨁⨁◯◯", "måttligt starkt
vetenskapligt underlag", "mycket låg tillförlitlighet", "lav tillit". `read_level` takes any form of
`FORMS` (and the symbol, fraction and plus forms) and gives the level; an unknown form is None, and the
check that reports it lists SYMBOL_FORMS and `accepted_words()`.
"""

from __future__ import annotations

import re
from enum import Enum


class Level(str, Enum):
    """GRADE's four levels of certainty, and 'not assessed' where the source gives none."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very low"
    NOT_ASSESSED = "not assessed"

    @property
    def filled(self) -> int:
        """How many of the four symbols are filled: ⊕⊕◯◯ is low (2); 0 for not assessed."""
        return {"high": 4, "moderate": 3, "low": 2, "very low": 1}.get(self.value, 0)


FILLED, EMPTY = "⊕", "◯"  # as GRADE's summary-of-findings tables print them
_FILLED_FORMS, _EMPTY_FORMS = "⊕⨁", "◯○⊝◦"

BY_FILLED = {level.filled: level for level in Level if level is not Level.NOT_ASSESSED}

# Each accepted word form (compared in lower case, spaces collapsed) and its level. The nouns after the
# level ("tillförlitlighet", "certainty", "tillit", …) are taken off first (_NOUNS), so "låg" stands for
# "låg tillförlitlighet", "low certainty" and "lav tillit" alike.
FORMS: dict[str, Level] = {
    # English (GRADE)
    "high": Level.HIGH, "moderate": Level.MODERATE, "low": Level.LOW, "very low": Level.VERY_LOW,
    # Swedish (GRADE: tillförlitlighet, evidensstyrka)
    "hög": Level.HIGH, "måttlig": Level.MODERATE, "låg": Level.LOW, "mycket låg": Level.VERY_LOW,
    # Swedish (SBU's older scale: vetenskapligt underlag, evidensstyrka 1–4)
    "starkt": Level.HIGH, "måttligt starkt": Level.MODERATE, "begränsat": Level.LOW,
    "otillräckligt": Level.VERY_LOW,
    # Norwegian bokmål (GRADE: tillit til resultatet, kvalitet på dokumentasjonen)
    "høy": Level.HIGH, "moderat": Level.MODERATE, "lav": Level.LOW, "svært lav": Level.VERY_LOW,
    "meget lav": Level.VERY_LOW,
    # No grading: the source says so; a reason must go with it
    "not assessed": Level.NOT_ASSESSED, "no grading possible": Level.NOT_ASSESSED,
    "not graded": Level.NOT_ASSESSED, "ej bedömd": Level.NOT_ASSESSED, "inte bedömd": Level.NOT_ASSESSED,
    "ej graderad": Level.NOT_ASSESSED, "gradering ej möjlig": Level.NOT_ASSESSED,
    "ikke vurdert": Level.NOT_ASSESSED, "ikke gradert": Level.NOT_ASSESSED, "gradering ikke mulig": Level.NOT_ASSESSED,
}

# The nouns a level may stand with, longest first so that "certainty of evidence" goes before "certainty".
_NOUNS = sorted((
    "certainty of evidence", "certainty of the evidence", "quality of evidence", "quality of the evidence",
    "certainty", "quality", "evidence",
    "tillförlitlighet", "vetenskapligt underlag", "evidensstyrka", "evidens", "kvalitet",
    "tillit til resultatet", "tillit", "kvalitet på dokumentasjonen", "dokumentasjon",
), key=len, reverse=True)
_NOUN_END = re.compile(r"\s+(?:" + "|".join(map(re.escape, _NOUNS)) + r")$")
_GRADE_PREFIX = re.compile(r"^(?:grade|evidensstyrka|evidensgrad)\s*:?\s*")
_FRACTION = re.compile(r"^([1-4])\s*/\s*4$")
_PLUSES = re.compile(r"^\+{1,4}$")


def _normal(text: str) -> str:
    text = " ".join(text.lower().split())
    text = text.strip().removeprefix("(").removesuffix(")").strip()
    text = _GRADE_PREFIX.sub("", text).strip().removeprefix("(").removesuffix(")").strip()
    return _NOUN_END.sub("", text).strip()


def read_level(text: str) -> Level | None:
    """The level `text` writes, or None for a form not in the table."""
    core = _normal(text)
    if core in FORMS:
        return FORMS[core]
    symbols = core.replace(" ", "")
    if symbols and all(c in _FILLED_FORMS + _EMPTY_FORMS for c in symbols):
        filled = sum(c in _FILLED_FORMS for c in symbols)
        # ⊕⊕ alone is two of four; with the empty ones written they make four, the filled ones first
        if not any(c in _EMPTY_FORMS for c in symbols):
            return BY_FILLED.get(filled)
        if len(symbols) == 4 and all(c in _FILLED_FORMS for c in symbols[:filled]):
            return BY_FILLED.get(filled)
        return None
    fraction = _FRACTION.match(symbols)
    if fraction:
        return BY_FILLED[int(fraction[1])]
    if _PLUSES.match(symbols):
        return BY_FILLED[len(symbols)]
    return None


SYMBOL_FORMS = "⊕⊕◯◯, ⨁⨁◯◯ or ⊕⊕, 2/4 or ++ (each may follow “GRADE:”, in brackets)"


def accepted_words() -> str:
    """The accepted words, grouped by level, as a finding lists them."""
    return "; ".join("/".join(f for f, lv in FORMS.items() if lv is level) for level in Level)


def symbols(level: Level) -> str:
    """⊕⊕◯◯ for low; empty for not assessed, which shows no symbols."""
    if level is Level.NOT_ASSESSED:
        return ""
    return FILLED * level.filled + EMPTY * (4 - level.filled)


# --- Strength stated in a conclusion ---------------------------------------------------------------

# The level a sentence states for the evidence under it: "måttligt stöd", "låg tillförlitlighet", "moderate
# certainty", "starkt vetenskapligt underlag", "lav tillit". Each phrase is a level word before a noun of
# certainty or support.
_STRENGTH_WORDS: dict[str, Level] = {
    "mycket låg": Level.VERY_LOW, "mycket lågt": Level.VERY_LOW, "very low": Level.VERY_LOW,
    "svært lav": Level.VERY_LOW, "svært lavt": Level.VERY_LOW, "otillräckligt": Level.VERY_LOW,
    "måttligt starkt": Level.MODERATE, "moderately strong": Level.MODERATE,
    "hög": Level.HIGH, "högt": Level.HIGH, "starkt": Level.HIGH, "high": Level.HIGH, "strong": Level.HIGH,
    "høy": Level.HIGH, "høyt": Level.HIGH, "sterk": Level.HIGH, "sterkt": Level.HIGH,
    "måttlig": Level.MODERATE, "måttligt": Level.MODERATE, "moderate": Level.MODERATE,
    "moderat": Level.MODERATE, "moderate-quality": Level.MODERATE,
    "låg": Level.LOW, "lågt": Level.LOW, "begränsat": Level.LOW, "begränsad": Level.LOW, "svagt": Level.LOW,
    "low": Level.LOW, "limited": Level.LOW, "weak": Level.LOW, "lav": Level.LOW, "lavt": Level.LOW,
    "svak": Level.LOW, "svakt": Level.LOW, "begrenset": Level.LOW,
}
_STRENGTH_NOUNS = ("tillförlitlighet", "stöd", "vetenskapligt underlag", "vetenskapligt stöd", "evidensstyrka",
                   "kunskapsunderlag", "certainty", "support", "evidence", "quality of evidence", "tillit",
                   "kvalitet", "støtte", "dokumentasjon", "kunnskapsgrunnlag")
STRENGTH = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _STRENGTH_WORDS), key=len, reverse=True)) + r")\s+(?:"
    + "|".join(sorted(map(re.escape, _STRENGTH_NOUNS), key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE)


def stated_strengths(text: str) -> list[tuple[Level, str]]:
    """Each strength of evidence `text` states, with the words that state it."""
    return [(_STRENGTH_WORDS[m[1].lower()], m[0]) for m in STRENGTH.finditer(text)]
