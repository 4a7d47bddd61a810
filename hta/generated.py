"""Files generated from the code, never written by hand: docs/checks.md and the JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from .aspects import Economic, Ethics, Organisational
from .certainty import Rating
from .model import Conclusions, Metadata, Pico, Search
from .record import Record
from .styles import Style
from .rules import RULES

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
CHECKS_DOC = REPO / "docs" / "checks.md"

# Each YAML file of the format, and the type it holds.
SCHEMA_FILES = {
    "assessment": (Metadata, "assessment.yaml: metadata of the statement"),
    "pico": (list[Pico], "pico.yaml: one or more PICO"),
    "searches": (list[Search], "searches.yaml: searches, their lines and screening"),
    "conclusions": (Conclusions, "conclusions.yaml: what the councils note and judge"),
    "economic": (Economic, "economic.yaml (optional): costs now and expected; the net change is computed"),
    "organisational": (Organisational, "organisational.yaml (optional): staff, premises, other units, implementation"),
    "ethics": (Ethics, "ethics.yaml (optional): the ethical checklist, questions with answers"),
    "style": (Style, "templates/styles/<name>/style.yaml: a house style's section order, headings, title block "
                     "and conclusion form"),
    "certainty": (list[Rating], "certainty.yaml: the certainty of the evidence per outcome and comparison"),
}
# What a build writes as data: described as it is written (serialisation), computed values included.
OUTPUT_SCHEMAS = {
    "report": (Record, "<name>.json: a report as data, with every computed number, certainty and link"),
}


def schemas() -> dict[str, str]:
    """JSON Schema text for each YAML file, from the model's field descriptions."""
    out = {}
    for name, (model, title) in SCHEMA_FILES.items():
        schema = TypeAdapter(model).json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title} | schema
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    for name, (model, title) in OUTPUT_SCHEMAS.items():
        schema = TypeAdapter(model).json_schema(mode="serialization")
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title} | schema
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def checks_doc() -> str:
    """docs/checks.md: every rule in the shape of ruff's rule docs, with one table of all codes."""
    lines = [
        "# `hta check` rules",
        "",
        "Generated from `hta/rules.py` by `hta docs`; do not edit by hand.",
        "",
        "Every finding is printed as `file:line:col: CODE severity: message hint`. The severity depends on the "
        "assessment's status: while it is a `draft`, rules marked *draft: warning* are warnings, so a draft may be "
        "incomplete; from `for-decision` on (and when `decided`) every rule must pass, and warnings are errors. "
        "Notes say what cannot be verified and never fail a check. An `example` keeps the severities listed here.",
        "",
        "| code | name | severity | what it checks |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        severity = rule.severity.value + (" (draft: warning)" if rule.relaxed_in_draft else "")
        lines.append(f"| [{rule.code}](#{rule.code.lower()}) | {rule.name} | {severity} | {rule.summary} |")
    for rule in RULES.values():
        lines += [
            "", f"## {rule.code}", "", f"**{rule.name}** ({rule.severity.value}). {rule.summary}", "",
            f"**Why it matters.** {rule.why}", "", "**Fails:**", "", "```", rule.bad, "```", "",
            "**Use instead:**", "", "```", rule.good, "```",
        ]
    return "\n".join(lines) + "\n"


def generated_files() -> dict[Path, str]:
    files = {SCHEMAS / name: text for name, text in schemas().items()}
    files[CHECKS_DOC] = checks_doc()
    return files


def write_generated() -> list[Path]:
    written = []
    for path, text in generated_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
