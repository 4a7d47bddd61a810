"""Appraisal tools as data (templates/appraisal/<tool>.yaml) and the per-domain ratings of the evidence table.

A tool file names the tool's domains and the scale of each; a new version of a tool is a new file. The evidence
table carries a study's per-domain ratings in columns headed by the domain ids of its tool ("D1", "RoB D1",
"Q4"), in the words of the tool's scale in Swedish, Norwegian or English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .assessment import Assessment, EvidenceRow, Reference
from .labels import TEMPLATES

TOOLS = TEMPLATES / "appraisal"
LANGUAGES = ("sv", "nb", "en")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Tone(str, Enum):
    """How good a judgement is, which sets its colour: the same tone looks the same in every tool."""

    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    BAD = "bad"
    UNCLEAR = "unclear"
    NONE = "none"  # not applicable, e.g. AMSTAR 2's "no meta-analysis"


class Words(_Data):
    en: str
    sv: str
    nb: str

    def get(self, language: str) -> str:
        return getattr(self, language, self.en)


class Level(_Data):
    """One judgement of a scale, e.g. RoB 2's "some concerns"."""

    id: str = Field(description="Stable id of the judgement, e.g. 'some-concerns'.")
    symbol: str = Field(description="Drawn inside the figure's circle, so that no judgement is told by colour alone.")
    tone: Tone = Field(description="good, fair, poor, bad, unclear or none: sets the colour.")
    words: Words = Field(description="The judgement as the report prints it, per language.")
    aliases: list[str] = Field(default_factory=list, description="Other words an author may type for it.")

    def spellings(self) -> set[str]:
        return {normal(w) for w in [self.id, self.words.en, self.words.sv, self.words.nb, *self.aliases]}


class Group(_Data):
    id: str
    name: Words


class Domain(_Data):
    """A domain (or item) of the tool, judged per study."""

    id: str = Field(description="The column heading the evidence table uses for it, e.g. 'D1'.")
    name: Words = Field(description="The domain's name, per language.")
    group: str = Field("", description="The group it belongs to (QUADAS-2: risk of bias or applicability).")
    critical: bool = Field(False, description="AMSTAR 2: a critical item.")
    answers: list[str] = Field(default_factory=list, description="The levels this domain allows; default all.")


class Overall(_Data):
    scale: list[Level] = Field(default_factory=list, description="The overall judgement's scale; default the domains'.")
    rule: Literal["", "amstar-2"] = Field("", description="How the overall judgement follows from the domains.")


class Tool(_Data):
    """One appraisal tool, one version: its domains and scales."""

    id: str
    name: str = Field(description="As the report prints it, e.g. 'RoB 2'.")
    version: str
    source: str = Field(description="Where the domains and scales come from.")
    names: list[str] = Field(description="What the evidence table's appraisal_tool column may call it.")
    scale: list[Level] = Field(description="The domains' judgements, best first.")
    groups: list[Group] = Field(default_factory=list)
    domains: list[Domain]
    overall: Overall | None = Field(None, description="Present when the tool has an overall judgement.")

    @model_validator(mode="after")
    def _consistent(self) -> Tool:
        levels = {level.id for level in self.scale}
        for domain in self.domains:
            if not set(domain.answers) <= levels:
                raise ValueError(f"{domain.id} allows answers the scale lacks: {set(domain.answers) - levels}")
            if domain.group and domain.group not in {g.id for g in self.groups}:
                raise ValueError(f"{domain.id} is in an unknown group {domain.group}")
        return self

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id.lower() == domain_id.lower()), None)

    def levels(self, domain: Domain) -> list[Level]:
        """The judgements `domain` allows, in scale order."""
        return [lv for lv in self.scale if not domain.answers or lv.id in domain.answers]

    @property
    def overall_scale(self) -> list[Level]:
        return (self.overall.scale or self.scale) if self.overall else []

    def group_name(self, group_id: str, language: str) -> str:
        return next((g.name.get(language) for g in self.groups if g.id == group_id), "")


def normal(text: str) -> str:
    """A rating or name as compared: lower case, spaces folded, dashes alike ("Some  concerns" = "some concerns")."""
    return " ".join(text.replace("–", "-").replace("—", "-").lower().split())


def read_level(text: str, levels: list[Level]) -> Level | None:
    key = normal(text)
    return next((lv for lv in levels if key in lv.spellings()), None)


@cache
def tools() -> tuple[Tool, ...]:
    """Every tool file under templates/appraisal/, read through the one reader and validated."""
    from ..load.yaml_text import read_own_yaml

    return tuple(Tool.model_validate(read_own_yaml(path)) for path in sorted(TOOLS.glob("*.yaml"))
                 if path.name != LABELS_FILE)


def tool_named(name: str) -> Tool | None:
    key = normal(name)
    return next((t for t in tools() if key in {normal(n) for n in [t.name, t.id, *t.names]}), None)


# --- The labels of the figures ------------------------------------------------------------------------

LABELS_FILE = "labels.yaml"


class FigureLabels(_Data):
    traffic_caption: str
    summary_caption: str
    traffic_table: str
    summary_table: str
    study: str
    domain: str
    overall: str
    not_rated: str
    key: str
    of: str
    critical: str


@cache
def figure_labels(language: str) -> FigureLabels:
    from ..load.yaml_text import read_own_yaml

    data = read_own_yaml(TOOLS / LABELS_FILE)
    return FigureLabels.model_validate(data.get(language) or data["en"])


# --- Per-domain ratings in the evidence table -----------------------------------------------------------

# Words that may stand before a domain id in a column heading, besides the tools' own names ("RoB 2 D1").
_PREFIXES = ("domain", "domän", "domene", "item", "fråga", "spørsmål", "question", "rob", "robins", "robins-i",
             "quadas", "amstar", "sbu")
_ID = re.compile(r"^[daq]\d{1,2}$", re.IGNORECASE)  # the shape of every tool's domain ids: D1, A3, Q16


@cache
def _prefixes() -> frozenset[str]:
    return frozenset(_PREFIXES) | {normal(n) for t in tools() for n in [t.name, *t.names]}


def domain_id(heading: str) -> str | None:
    """The domain id a column heading names ("D1", "RoB 2 D1", "Domän D1" → "D1"), or None for a column of the
    author's own ("Resultat", "Kommentar D1")."""
    *before, last = heading.split() or [""]
    if not _ID.match(last) or (before and normal(" ".join(before)) not in _prefixes()):
        return None
    return last.upper()


def domain_cells(row: EvidenceRow) -> dict[str, tuple[str, str]]:
    """The row's filled per-domain cells: domain id → (column heading, value)."""
    return {domain_id(h): (h, v) for h, v in row.extra.items() if domain_id(h) and v.strip()}


def is_domain_column(heading: str) -> bool:
    return domain_id(heading) is not None


@dataclass(frozen=True)
class Rated:
    """One study's judgement in one domain: the level, or None where the cell is empty."""

    domain: Domain
    level: Level | None


@dataclass(frozen=True)
class StudyAppraisal:
    """One row of the evidence table appraised per domain with a known tool, every cell on its scale."""

    row: EvidenceRow
    label: str  # how the figure names the study: "Ahl 2021"
    ratings: tuple[Rated, ...]
    overall: Level | None


@dataclass(frozen=True)
class ToolAppraisals:
    """The studies appraised with one tool: what one traffic-light figure and one summary chart show."""

    tool: Tool
    studies: tuple[StudyAppraisal, ...]


def appraisals(a: Assessment) -> list[ToolAppraisals]:
    """The per-domain appraisals of the evidence table, per tool in the order the table first uses them. A row
    whose tool is unknown, or with a rating off its scale, is left out: `hta check` reports it (an error)."""
    by_tool: dict[str, list[tuple[EvidenceRow, list[Rated], Level | None]]] = {}
    tool_of: dict[str, Tool] = {}
    for row in a.evidence:
        cells = domain_cells(row)
        # the tools are read only for a table that rates domains (a tenth of a second, once per process)
        tool = tool_named(row.appraisal_tool) if cells else None
        if tool is None:
            continue
        if any(tool.domain(d) is None for d in cells):
            continue
        ratings = []
        for domain in tool.domains:
            text = cells.get(domain.id, ("", ""))[1]
            level = read_level(text, tool.levels(domain)) if text else None
            if text and level is None:
                break
            ratings.append(Rated(domain, level))
        else:
            overall = read_level(row.rating, tool.overall_scale) if row.rating.strip() and tool.overall else None
            if row.rating.strip() and tool.overall and overall is None:
                continue
            by_tool.setdefault(tool.id, []).append((row, ratings, overall))
            tool_of[tool.id] = tool
    result = []
    references = {r.id: r for r in a.references}
    for tool_id, rows in by_tool.items():
        labels = study_labels([references.get(row.reference) or row.reference for row, *_rest in rows])
        result.append(ToolAppraisals(tool_of[tool_id], tuple(
            StudyAppraisal(row, label, tuple(ratings), overall)
            for (row, ratings, overall), label in zip(rows, labels))))
    return result


def study_labels(references: list[Reference | str]) -> list[str]:
    """Short names of the studies as figures give them: first author and year ("Ahl 2021"); the reference id
    where the entry has no usable author. Two rows of one name get a, b, … as reviews write them."""
    names = [_author_year(r) if isinstance(r, Reference) else r for r in references]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    counter: dict[str, int] = {}
    out = []
    for name in names:
        if seen[name] > 1:
            counter[name] = counter.get(name, 0) + 1
            out.append(f"{name}{'abcdefghijklmnopqrstuvwxyz'[(counter[name] - 1) % 26]}")
        else:
            out.append(name)
    return out


def _author_year(ref: Reference) -> str:
    extra = ref.model_extra or {}
    authors = extra.get("author") or []
    first = authors[0] if authors and isinstance(authors[0], dict) else {}
    name = first.get("family") or first.get("literal") or ""
    if not name or len(name) > 24:
        return ref.id
    if not isinstance(name, str):
        return ref.id
    issued = extra.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    first_date = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    year = first_date[0] if first_date and isinstance(first_date[0], (int, str)) else ""
    return f"{name} {year}".strip()


# --- AMSTAR 2: the overall confidence from the items -----------------------------------------------------

@dataclass(frozen=True)
class Amstar2Counts:
    critical_flaws: int
    weaknesses: int  # non-critical

    def rating(self) -> str:
        """The overall confidence by Shea et al. 2017 (BMJ 2017;358:j4008, table 3), as a level id."""
        if self.critical_flaws > 1:
            return "critically-low"
        if self.critical_flaws == 1:
            return "low"
        return "moderate" if self.weaknesses > 1 else "high"

    def allows(self, level_id: str) -> bool:
        """Whether a typed overall rating agrees: the rule's own, or low where it gives moderate, which the
        paper allows for several non-critical weaknesses."""
        computed = self.rating()
        return level_id == computed or (computed == "moderate" and level_id == "low")


def amstar2_counts(study: StudyAppraisal) -> Amstar2Counts | None:
    """Critical flaws and non-critical weaknesses, or None when an item is not rated (the rule needs all)."""
    if any(r.level is None for r in study.ratings):
        return None
    flaws = [r for r in study.ratings if r.level is not None and r.level.id == "no"]
    return Amstar2Counts(sum(r.domain.critical for r in flaws), sum(not r.domain.critical for r in flaws))
