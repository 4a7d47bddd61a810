"""`<name>.json`: the validated assessment with every computed number, its certainty and conclusion links,
written beside the report so that a registry can harvest statements without reading Word or PDF.

Its JSON Schema (schemas/report.schema.json) is generated from `Record` by `hta docs`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..model.assessment import Assessment, Bullet, EvidenceRow, Metadata, Pico, Reference, Search
from ..model.certainty import Rating
from ..model.notation import Level

FORMAT = "hta-report/1"


class CountsRecord(BaseModel):
    """The numbers of one search as the report prints them, each computed once from the data; null where
    not reported."""

    model_config = ConfigDict(extra="forbid")
    identified: int = Field(description="Records identified: the sum of the databases' hits.")
    duplicates: int | None = Field(description="Duplicates removed.")
    screened: int | None = Field(description="Records screened on title and abstract.")
    excluded_screening: int | None = Field(description="Records excluded on title and abstract.")
    fulltext: int | None = Field(description="Full texts assessed for eligibility.")
    excluded: int = Field(description="Full texts excluded, all reasons.")
    included: int = Field(description="Studies included.")
    hits: dict[str, int] = Field(description="Hits per database id.")
    excluded_by_reason: dict[str, int] = Field(description="Full texts excluded per exclusion id.")
    dates: dict[str, dt.date] = Field(description="Search date per database id.")


class SearchRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    search: Search = Field(description="The search as searches.yaml gives it.")
    counts: CountsRecord = Field(description="Its numbers as the report prints them.")


class LinkedOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="The outcome's id.")
    name: str = Field(description="The outcome as printed.")
    certainty: list[Level] = Field(description="The certainty of each comparison that rates it, in the order "
                                   "of certainty.yaml; empty where it is not rated.")


class ConclusionRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="The bullet's anchor in the HTML report, e.g. 'conclusion-findings-1'.")
    kind: Literal["findings", "judgements"] = Field(description="What the councils note (findings) or judge.")
    bullet: Bullet = Field(description="The bullet as conclusions.yaml gives it.")
    outcomes: list[LinkedOutcome] = Field(description="The outcomes it names, with their certainty.")


class Record(BaseModel):
    """One report as data: everything it prints, computed numbers included."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["hta-report/1"] = Field(description="The version of this format.")
    name: str = Field(description="The assessment's folder name; the report's files are <name>.html, .docx, .pdf.")
    metadata: Metadata
    picos: list[Pico]
    searches: list[SearchRecord]
    evidence: list[EvidenceRow] = Field(description="The included studies.")
    certainty: list[Rating] = Field(description="The certainty of the evidence per outcome and comparison; empty "
                                    "where the source rates none.")
    conclusions: list[ConclusionRecord]
    references: list[Reference] = Field(description="The bibliography as CSL-JSON.")


def record(assessment: Assessment) -> Record:
    from dataclasses import asdict

    from ..render.sof import bullet_id

    names = {o.id: o.name for p in assessment.picos for o in p.all_outcomes()}
    conclusions = []
    for kind in ("findings", "judgements"):
        for k, bullet in enumerate(getattr(assessment.conclusions, kind)):
            linked = [LinkedOutcome(id=o, name=names.get(o, o),
                                    certainty=[r.level for r in assessment.certainty if r.outcome == o and r.level])
                      for o in bullet.outcomes]
            conclusions.append(ConclusionRecord(id=bullet_id(kind, k), kind=kind, bullet=bullet, outcomes=linked))
    return Record(
        format=FORMAT, name=assessment.name, metadata=assessment.meta, picos=assessment.picos,
        searches=[SearchRecord(search=s, counts=CountsRecord(**asdict(s.counts()))) for s in assessment.searches],
        evidence=assessment.evidence, certainty=assessment.certainty, conclusions=conclusions,
        references=assessment.references)


def write_record(assessment: Assessment, folder: Path) -> Path:
    """`<name>.json` in `folder`."""
    path = folder / f"{assessment.name}.json"
    data = record(assessment).model_dump(mode="json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
