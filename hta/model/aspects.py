"""Structured aspects beside the prose: economic.yaml (costs now and expected, the net change computed),
organisational.yaml (staff, premises, other units, implementation) and ethics.yaml (questions with answers).
Each is optional; each is printed as a table after its section's prose."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from .assessment import Strict

Amount = int | float


class CostItem(Strict):
    """One line of the cost table."""

    item: str = Field(description="What the cost is for, e.g. 'Läkemedel'.")
    current: Amount = Field(0, description="What it costs today, per year.")
    expected: Amount = Field(0, description="What it is expected to cost with the new method, per year.")

    @property
    def change(self) -> Amount:
        """The net change, computed: expected − current."""
        return self.expected - self.current


class CostTotals(Strict):
    """Totals as the source report prints them; checked against the items' sums, never printed themselves."""

    current: Amount | None = Field(None, description="The total of today's costs, as the source gives it.")
    expected: Amount | None = Field(None, description="The total of the expected costs, as the source gives it.")
    change: Amount | None = Field(None, description="The net change, as the source gives it.")


class Economic(Strict):
    """economic.yaml: the costs of the method in one currency and price year."""

    currency: str = Field(description="Currency of every amount, e.g. 'SEK'.")
    year: int = Field(description="Price year of the amounts, e.g. 2024.")
    items: list[CostItem] = Field(description="The cost lines, current and expected.")
    totals: CostTotals | None = Field(None, description="Totals as the source prints them, to check that the table "
                                      "adds up; the report prints the computed sums.")
    budget_room: Amount | None = Field(None, description="Room in the budget for the change, when stated.")

    @property
    def current(self) -> Amount:
        return sum(i.current for i in self.items)

    @property
    def expected(self) -> Amount:
        return sum(i.expected for i in self.items)

    @property
    def change(self) -> Amount:
        return self.expected - self.current


class Organisational(Strict):
    """organisational.yaml: what the method asks of the organisation. Text may span lines."""

    staff: str = Field("", description="Staff and competence needed (personal).")
    premises: str = Field("", description="Premises and equipment (lokaler).")
    other_units: str = Field("", description="Other units affected (andra enheter).")
    implementation: str = Field("", description="How and when it would be introduced (införande).")


class EthicsQuestion(Strict):
    question: str = Field(description="The question of the checklist, e.g. 'Påverkas patientens autonomi?'.")
    answer: str = Field(description="The answer; may span lines.")


class Ethics(Strict):
    """ethics.yaml: the ethical checklist, its questions with their answers."""

    questions: list[EthicsQuestion] = Field(description="The questions, in the order printed.")


ASPECT_FILES = {"economic.yaml": Economic, "organisational.yaml": Organisational, "ethics.yaml": Ethics}


@dataclass
class Aspects:
    """The structured aspects an assessment gives; None for a file it has not."""

    economic: Economic | None = None
    organisational: Organisational | None = None
    ethics: Ethics | None = None
