"""certainty.yaml: the certainty of the evidence per outcome and comparison, as the source rates it (GRADE).

The file is optional: an assessment whose source gives no certainty per outcome (the reference statement
gives an overall judgement) has none, and its report shows no summary-of-findings table and no symbols.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import BeforeValidator, Field, computed_field

from .assessment import Count, Pico, Strict
from .notation import Level, read_level


class DownReason(str, Enum):
    """GRADE's five reasons to rate the certainty down."""

    RISK_OF_BIAS = "risk-of-bias"
    INCONSISTENCY = "inconsistency"
    INDIRECTNESS = "indirectness"
    IMPRECISION = "imprecision"
    PUBLICATION_BIAS = "publication-bias"


class UpReason(str, Enum):
    """GRADE's three reasons to rate the certainty of observational evidence up."""

    LARGE_EFFECT = "large-effect"
    DOSE_RESPONSE = "dose-response"
    PLAUSIBLE_CONFOUNDING = "plausible-confounding"


class Downgrade(Strict):
    reason: DownReason = Field(description="risk-of-bias, inconsistency, indirectness, imprecision or publication-bias.")
    levels: Annotated[int, Field(ge=1, le=2)] = Field(1, description="Levels rated down for it: 1 or 2.")
    explanation: str = Field("", description="Why, as the source says it; printed as the footnote.")


class Upgrade(Strict):
    reason: UpReason = Field(description="large-effect, dose-response or plausible-confounding.")
    levels: Annotated[int, Field(ge=1, le=2)] = Field(1, description="Levels rated up for it: 1 or 2.")
    explanation: str = Field("", description="Why, as the source says it; printed as the footnote.")


def _reason_alone(value: object) -> object:
    return {"reason": value} if isinstance(value, str) else value


DowngradeEntry = Annotated[Downgrade, BeforeValidator(_reason_alone, json_schema_input_type=str | Downgrade)]
UpgradeEntry = Annotated[Upgrade, BeforeValidator(_reason_alone, json_schema_input_type=str | Upgrade)]


class Rating(Strict):
    """The certainty of the evidence on one outcome of one comparison, as the source rates it."""

    outcome: str = Field(description="The outcome's id in pico.yaml (its `id:`, or the name made into one: "
                         "'Smärta' → 'smarta').")
    pico: str = Field("", description="The PICO's id, when pico.yaml has several.")
    comparison: str = Field("", description="The comparison, as printed above its table (e.g. 'Ketamin mot "
                            "placebo'), when the evidence of a PICO has several.")
    certainty: str = Field(description="The certainty as the source writes it: ⊕⊕◯◯, 'GRADE: 2/4', '++', "
                           "'låg tillförlitlighet', 'måttligt starkt vetenskapligt underlag', 'lav', 'moderate', "
                           "or 'not assessed' (with `reason:`).")
    reason: str = Field("", description="Why the certainty was not assessed (with `certainty: not assessed`).")
    down: list[DowngradeEntry] = Field(default_factory=list, description="Each reason for rating down, with the "
                                       "levels and the source's explanation.")
    up: list[UpgradeEntry] = Field(default_factory=list, description="Each reason for rating up.")
    studies: Count | None = Field(None, description="Number of studies, or 'not reported'.")
    participants: Count | None = Field(None, description="Number of participants, or 'not reported'.")
    design: str = Field("", description="Design of the studies, e.g. 'RCT', 'observational'.")
    relative_effect: str = Field("", description="Relative effect with confidence interval, as the source states "
                                 "it, e.g. 'RR 0,75 (95 % KI 0,60–0,94)'.")
    absolute_effect: str = Field("", description="Absolute effect with confidence interval, as the source states "
                                 "it, e.g. '52 färre per 1 000 (från 84 till 13 färre)'.")
    effect: str = Field("", description="The effect in words, where the source states no numbers.")
    references: list[str] = Field(default_factory=list, description="Reference ids of the sources of this rating.")

    @computed_field(description="The certainty read to GRADE's levels: high, moderate, low, very low, not "
                    "assessed; null for a form hta does not know.")
    @property
    def level(self) -> Level | None:
        return read_level(self.certainty)


Certainty = list[Rating]


def ratings_of(ratings: list[Rating], pico: Pico, picos: list[Pico]) -> list[Rating]:
    """The ratings that belong to `pico`: those naming its id, or every one when there is a single PICO."""
    if len(picos) == 1:
        return [r for r in ratings if not r.pico or r.pico == pico.id]
    return [r for r in ratings if r.pico and r.pico == pico.id]


def comparisons(ratings: list[Rating]) -> list[str]:
    """The comparisons of `ratings`, in the order they first appear ('' for a PICO with one)."""
    return list(dict.fromkeys(r.comparison for r in ratings))
