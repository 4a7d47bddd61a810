"""pico.yaml: every shape a regional HTA report gives its question.

A PICO names its population (or labelled sub-populations P1, P2), one or more interventions, zero or more
labelled comparators (C1–C3, or none, said in words) and its outcomes in one of three forms: primary and
secondary; GRADE importance tiers (critical, important, of limited importance); or numbered O1–On with
sub-items (O5a, O5b) and a prioritised subset. A diagnostic PICO names the index test, the reference
standard and the target condition instead of intervention and comparator. An assessment may have several
PICOs, each with its own id and question. Any text may span lines; the report keeps the line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from .assessment import Outcome, OutcomeEntry, Strict


class Labelled(Strict):
    """One labelled part of a PICO element: a sub-population, an intervention or a comparator."""

    label: str = Field("", description="Its label as the report prints it, e.g. 'P1', 'C2'; default: the "
                                       "element's letter and its place (P1, I2, C3).")
    text: str = Field(description="What it is; may span lines.")


def _text_or_mapping(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


# A labelled part is usually just its text; the mapping form gives its own label.
LabelledEntry = Annotated[Labelled, BeforeValidator(_text_or_mapping, json_schema_input_type=str | Labelled)]

# A PICO element is one text, or a list of labelled parts (P1, P2; C1, C2, C3).
Element = str | list[LabelledEntry]


class NumberedOutcome(Outcome):
    """One outcome of the numbered form: O1, O2, … with sub-items O5a, O5b."""

    number: str = Field("", description="Its number as printed, e.g. 'O5' or 'O5a'; default: O and its place "
                                        "(O1, O2, …), a sub-item its parent's number and a letter (O5a).")
    items: list[NumberedEntry] = Field(default_factory=list, description="Sub-items, e.g. O5a and O5b under O5.")


NumberedEntry = Annotated[NumberedOutcome, BeforeValidator(lambda v: {"name": v} if isinstance(v, str) else v,
                                                          json_schema_input_type=str | NumberedOutcome)]
NumberedOutcome.model_rebuild()

TIERS = ("critical", "important", "limited")  # GRADE's importance, most important first
FORMS = {"primary": ("primary", "secondary"), "tiers": TIERS, "numbered": ("numbered",)}
_NUMBER = re.compile(r"^[A-Za-z]*(\d+)([a-z]?)$")


class Outcomes(Strict):
    """The outcomes of one PICO, in one of three forms: primary/secondary, GRADE tiers, or numbered."""

    primary: list[OutcomeEntry] = Field(default_factory=list, description="Primary outcomes (primära utfallsmått).")
    secondary: list[OutcomeEntry] = Field(default_factory=list, description="Secondary outcomes (sekundära utfallsmått).")
    critical: list[OutcomeEntry] = Field(default_factory=list, description="GRADE: critical for decision making "
                                         "(kritiska för beslut).")
    important: list[OutcomeEntry] = Field(default_factory=list, description="GRADE: important, not critical "
                                          "(viktiga).")
    limited: list[OutcomeEntry] = Field(default_factory=list, description="GRADE: of limited importance "
                                        "(av begränsad betydelse).")
    numbered: list[NumberedEntry] = Field(default_factory=list, description="Numbered outcomes O1–On, each with "
                                          "optional sub-items (O5a, O5b).")
    prioritised: list[str] = Field(default_factory=list, description="The numbers (O1, O5a) or ids of the "
                                   "prioritised numbered outcomes; when left out, every numbered outcome is key.")

    def model_post_init(self, context: Any) -> None:
        for k, outcome in enumerate(self.numbered, start=1):
            outcome.number = outcome.number or f"O{k}"
            for j, item in enumerate(outcome.items):
                item.number = item.number or f"{outcome.number}{chr(ord('a') + j) if j < 26 else j + 1}"

    def forms(self) -> list[str]:
        """The forms this PICO's outcomes are written in: normally one of primary, tiers, numbered."""
        return [form for form, groups in FORMS.items() if any(getattr(self, g) for g in groups)]

    def numbered_flat(self) -> list[NumberedOutcome]:
        """Every numbered outcome and sub-item, in the order printed: O1, …, O5, O5a, O5b, O6."""
        return [x for outcome in self.numbered for x in (outcome, *outcome.items)]

    def located(self) -> Iterator[tuple[tuple[str | int, ...], Outcome]]:
        """Every outcome with where it stands under `outcomes:`."""
        for group in ("primary", "secondary", *TIERS):
            for j, outcome in enumerate(getattr(self, group)):
                yield (group, j), outcome
        for j, outcome in enumerate(self.numbered):
            yield ("numbered", j), outcome
            for k, item in enumerate(outcome.items):
                yield ("numbered", j, "items", k), item

    def prioritised_outcomes(self) -> list[NumberedOutcome]:
        by_name = {o.number: o for o in self.numbered_flat()} | {o.id: o for o in self.numbered_flat()}
        return [by_name[p] for p in self.prioritised if p in by_name]


def number_order(number: str) -> tuple[int, str] | None:
    """'O5a' → (5, 'a'); None for a number not of that form."""
    match = _NUMBER.match(number.strip())
    return (int(match[1]), match[2]) if match else None


class Pico(Strict):
    """One PICO of pico.yaml."""

    id: str = Field("", description="Optional short name of this PICO, unique in pico.yaml, for an assessment with "
                                    "several; evidence rows name the PICO they answer by it.")
    title: str = Field("", description="A heading for this PICO when the assessment has several.")
    question: str = Field("", description="This PICO's own question, printed above its table, when the assessment "
                                          "has several.")
    population: Element = Field(description="Population/Målgrupp: one text, or labelled sub-populations (P1, P2).")
    intervention: Element = Field(description="Intervention/Behandling/Teknik/Strategi: one text, or several "
                                                  "(I1, I2). Not used by a diagnostic PICO.")
    control: Element = Field(description="Control/Kontroll/Standardbehandling: one text, or labelled "
                                             "comparators (C1, C2, C3).")
    no_comparator: bool = Field(False, description="True when the question has no comparator: the report says so "
                                                   "in words.")
    index_test: str = Field("", description="Diagnostic: the test assessed (indextest).")
    reference_standard: str = Field("", description="Diagnostic: what the index test is compared with "
                                                    "(referensstandard).")
    target_condition: str = Field("", description="Diagnostic: the condition the test is to find (målbetingelse).")
    outcomes: Outcomes = Field(description="Outcome/Utfall av intresse, in one of the forms: primary and "
                                           "secondary, GRADE tiers (critical, important, limited), or numbered.")

    @model_validator(mode="before")
    @classmethod
    def _needed_keys(cls, data: Any) -> Any:
        """A diagnostic PICO has no intervention, and a question without a comparator no control: those keys
        may be left out there. Everywhere else a missing key stays a missing key."""
        if isinstance(data, dict):
            diagnostic = "index_test" in data or "reference_standard" in data
            if diagnostic:
                data = {"intervention": "", **data}
            if diagnostic or data.get("no_comparator") is True:
                data = {"control": "", **data}
        return data

    def model_post_init(self, context: Any) -> None:
        for key, letter in (("population", "P"), ("intervention", "I"), ("control", "C")):
            for k, part in enumerate(self.parts(key), start=1):
                part.label = part.label or f"{letter}{k}"

    @property
    def diagnostic(self) -> bool:
        """A question about a test: it has the key index_test or reference_standard (filled in or not yet)."""
        return bool(self.model_fields_set & {"index_test", "reference_standard"})

    def parts(self, key: str) -> list[Labelled]:
        """The labelled parts of an element written as a list; [] for one written as one text."""
        value = getattr(self, key)
        return value if isinstance(value, list) else []

    def element_text(self, key: str) -> str:
        """An element as one text, whatever its form: for checks that look for words in it."""
        value = getattr(self, key)
        return value if isinstance(value, str) else "\n".join(p.text for p in value)

    def missing_elements(self) -> list[str]:
        """The elements this PICO's kind needs that are empty."""
        needed = ["population"] + (["index_test"] if self.diagnostic else ["intervention"])
        if not self.diagnostic and not self.no_comparator:
            needed.append("control")
        return [key for key in needed if not self.element_text(key).strip()]

    def all_outcomes(self) -> list[Outcome]:
        """Every outcome of this PICO, in the order the report lists them."""
        return [outcome for where, outcome in self.outcomes.located()]

    def key_outcomes(self) -> list[Outcome]:
        """The outcomes a decision rests on: primary, GRADE-critical, and the prioritised numbered ones (every
        numbered one when none is prioritised). Each needs evidence or a declared knowledge gap."""
        o = self.outcomes
        numbered = o.prioritised_outcomes() if o.prioritised else list(o.numbered)
        return [*o.primary, *o.critical, *numbered]
