"""Report labels (Frågeställning, Bakgrund, …): one YAML file per language under templates/labels/."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from ..paths import LABELS, TEMPLATES  # noqa: F401 -- named here by the modules that use labels


class _Labels(BaseModel):
    # every key is required: a language file missing one would leave a hole in the report
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlowLabels(_Labels):
    """Boxes of the PRISMA 2020 flow diagram."""

    identification: str
    screening: str
    included: str
    records_identified: str
    duplicates_removed: str
    records_screened: str
    records_excluded: str
    fulltext_assessed: str
    fulltext_excluded: str
    studies_included: str
    not_reported: str


class SectionLabels(_Labels):
    background: str
    summary: str
    prior_review: str = Field(alias="prior-review")
    method: str
    screening: str
    results: str
    technical: str
    economic: str
    ethical: str
    organisational: str
    evidence_level: str = Field(alias="evidence-level")
    efficacy: str
    risks: str


class EvidenceLabels(_Labels):
    reference: str
    design: str
    population: str
    intervention: str
    comparison: str
    outcomes: str
    follow_up: str
    appraisal_tool: str
    rating: str


class CertaintyLabels(_Labels):
    """The summary-of-findings table and the outcomes named after a conclusion."""

    table: str = Field(description="Caption of a summary-of-findings table.")
    outcome: str
    studies: str = Field(description="Heading of the column of studies and participants.")
    studies_value: str = Field(description="A cell of that column: '{studies} ({participants})'.")
    participants_unknown: str = Field(description="Participants not reported, in that cell.")
    effect: str
    certainty: str
    levels: dict[str, str] = Field(description="high, moderate, low, very low, not assessed, in words.")
    rated_down: str = Field(description="Footnote of a rating down: '{levels} for {reason}'.")
    rated_up: str
    steps: list[str] = Field(description="'one level', 'two levels'.")
    reasons: dict[str, str] = Field(description="Each reason for rating down or up, in words.")
    notes: str = Field(description="Heading of the footnotes under the table.")
    outcomes_after: str = Field(description="Before the outcomes a conclusion names: 'Utfall'.")
    own_judgement: str = Field(description="After a conclusion that is the council's own judgement.")
    back_to_conclusion: str = Field(description="What the link from a table row back to its conclusion says.")
    symbols: bool = Field(True, description="Whether a level is printed with its symbols (⊕⊕◯◯) before its words.")


class LibraryLabels(_Labels):
    """The index page of _build/."""

    title: str
    intro: str
    assessment: str
    dnr: str
    status: str
    date: str
    files: str
    report_type: str
    region: str
    findings: str
    failed: str  # a report whose latest version could not be built: "{errors}" is how many errors keep it so
    never_built: str


class NumberWords(_Labels):
    """How the language writes a count in words, from 0 to 999 999 (hta/model/numerals.py puts them together)."""

    ones: list[str] = Field(min_length=20, max_length=20,
                            description="0 to 19; 1 in the common gender (Swedish and Norwegian 'en').")
    one_neuter: str = Field(description="1 in the neuter gender ('ett'); also the 1 of 'ett hundra', 'ett tusen'.")
    tens: list[str] = Field(min_length=8, max_length=8, description="20, 30, … 90.")
    tens_joiner: str = Field(description="Between tens and ones: '' (tjugotre) or '-' (twenty-three).")
    hundred: str
    thousand: str
    joiner: str = Field(description="Between the parts of a number over 99: '' writes it as one word "
                                    "(Swedish: tvåhundrafemtiosju), ' ' as several (to hundre og femtisju).")
    and_word: str = Field(description="Before the last part under 100 of a larger number: 'og', 'and'; '' for none.")
    spelling: dict[str, str] = Field(default_factory=dict,
                                     description="Spelling after joining, e.g. Swedish etttusen → ettusen.")


class ShapeLabels(_Labels):
    """The words of the report shapes of other regions (pico.py, report identity, conclusion forms, aspects)."""

    index_test: str
    reference_standard: str
    target_condition: str
    no_comparator: str
    critical: str
    important: str
    limited: str
    numbered: str = Field(description="Heading of numbered outcomes in the PICO table.")
    prioritised: str
    notes_that_one: str = Field(description="The findings' heading when one council or unit writes.")
    judges_that_one: str
    findings: str = Field(description="The findings' heading in a style that does not name the councils.")
    judgements: str
    summary: str = Field(description="The summarising judgement's heading.")
    recommendations: str
    knowledge_gaps: str
    economic_item: str
    economic_current: str
    economic_expected: str
    economic_change: str
    economic_total: str
    economic_budget: str
    economic_caption: str = Field(description="'{currency}' and '{year}' are filled in.")
    organisational_caption: str
    staff: str
    premises: str
    other_units: str
    implementation: str
    ethics_caption: str
    ethics_question: str
    ethics_answer: str


class Labels(_Labels):
    """All words a report prints that are not the author's."""

    language: str = Field(description="BCP 47 tag written into the documents, e.g. sv-SE.")
    dnr: str
    question: str
    pico: str
    pico_part: str = Field(description="Header of the PICO table's label column.")
    pico_description: str = Field(description="Header of the PICO table's text column.")
    pico_population: str
    pico_intervention: str
    pico_control: str
    pico_outcome: str
    primary_outcomes: str
    secondary_outcomes: str
    knowledge_gap: str
    sections: SectionLabels
    evidence: str
    evidence_columns: EvidenceLabels
    flow_caption: str
    figure: str = Field(description="Caption label before a figure's number: Figur 1.")
    table: str = Field(description="Caption label before a table's number: Tabell 1.")
    flow: FlowLabels
    notes_that: str
    judges_that: str
    conjunction: str
    decision_line: str
    decided_line: str
    requester: str
    authors: str
    searches: str
    search_number: str
    search_terms: str
    search_hits: str
    no_searches: str
    references: str
    not_reported: str
    numbers: NumberWords
    banner: dict[str, str]
    watermark: dict[str, str]
    status_names: dict[str, str]
    library: LibraryLabels
    shapes: ShapeLabels
    certainty: CertaintyLabels

    def join(self, items: list[str]) -> str:
        """'A, B och C' in the report's language."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.conjunction} {items[-1]}"

    def section(self, key: str) -> str:
        return getattr(self.sections, key.replace("-", "_"))


def available_languages() -> list[str]:
    return sorted(p.stem for p in LABELS.glob("*.yaml"))


@cache
def labels_for(language: str) -> Labels:
    """Read through the one reader, as every file is (and in a third of the time ruamel's own loader takes)."""
    from ..load.yaml_text import read_own_yaml

    return Labels.model_validate(read_own_yaml(LABELS / f"{language}.yaml"))
