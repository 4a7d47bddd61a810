"""Files generated from the code, never written by hand: docs/checks*.md, the JSON Schemas, the compiled
message catalogues and the Word reference document."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from . import i18n
from .diagnostics import SEVERITY_WORDS
from .i18n import _
from .library.record import Record
from .model.aspects import Economic, Ethics, Organisational
from .model.assessment import Conclusions, Metadata, Pico, Search
from .model.certainty import Rating
from .model.styles import Style
from .rules import RULES

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
REFERENCE_DOC = REPO / "templates" / "reference.docx"
CHECKS_DOC = REPO / "docs" / "checks.md"  # Swedish, the users' first language; checks.<lang>.md the others

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


def checks_doc_path(language: str) -> Path:
    return CHECKS_DOC if language == i18n.DEFAULT else CHECKS_DOC.with_suffix(f".{language}.md")


def checks_doc(language: str = i18n.DEFAULT) -> str:
    """docs/checks.md in one language: every rule in the shape of ruff's rule docs, with one table of all
    codes. The examples are data and stay as they are."""
    with i18n.exactly(language):
        others = " · ".join(f"[{code}]({checks_doc_path(code).name})" for code in i18n.LANGUAGES if code != language)
        lines = [
            _("# `hta check` rules"),
            "",
            _("Generated from `hta/rules.py` by `hta docs`; do not edit by hand.") + f" ({others})",
            "",
            _("Every finding is printed as `file:line:col: CODE severity: message hint`. The severity depends on the "
              "assessment's status: while it is a `draft`, rules marked *draft: warning* are warnings, so a draft may be "
              "incomplete; from `for-decision` on (and when `decided`) every rule must pass, and warnings are errors. "
              "Notes say what cannot be verified and never fail a check. An `example` keeps the severities listed here. "
              "Findings are written in the assessment's language (`language:` in assessment.yaml)."),
            "",
            "| " + " | ".join((_("code"), _("name"), _("severity"), _("what it checks"))) + " |",
            "|---|---|---|---|",
        ]
        severity_word = {s: _(w) for s, w in SEVERITY_WORDS.items()}
        for rule in RULES.values():
            severity = severity_word[rule.severity] + (_(" (draft: warning)") if rule.relaxed_in_draft else "")
            lines.append(f"| [{rule.code}](#{rule.code.lower()}) | {rule.name} | {severity} | {_(rule.summary)} |")
        for rule in RULES.values():
            lines += [
                "", f"## {rule.code}", "", f"**{rule.name}** ({severity_word[rule.severity]}). {_(rule.summary)}", "",
                _("**Why it matters.**") + f" {_(rule.why)}", "", _("**Fails:**"), "", "```", rule.bad, "```", "",
                _("**Use instead:**"), "", "```", rule.good, "```",
            ]
    return "\n".join(lines) + "\n"


def generated_files() -> dict[Path, str | bytes]:
    from .catalogues import catalogue_files

    files: dict[Path, str | bytes] = {SCHEMAS / name: text for name, text in schemas().items()}
    # the catalogues first: the docs in Swedish and Norwegian are read through the .mo just made
    files |= catalogue_files()
    for language in i18n.LANGUAGES:
        files[checks_doc_path(language)] = checks_doc(language)
    files[REFERENCE_DOC] = reference_doc()
    return files


def reference_doc() -> bytes:
    """The Word reference document: pandoc's own with the statement's styles (word/docx.py). Kept in
    templates/ as a file, so that a build reads it instead of making it (a tenth of a second of every first
    build), and an organisation sees what its own reference document starts from."""
    import tempfile

    from .word.docx import make_reference_doc

    with tempfile.TemporaryDirectory() as tmp:
        return make_reference_doc(Path(tmp) / "reference.docx").read_bytes()


def write_generated() -> list[Path]:
    from .catalogues import catalogue_files

    written = _write(catalogue_files())
    i18n.translations.cache_clear()  # the docs in each language are read through the catalogues just written
    return written + _write(generated_files())


def _write(files: dict[Path, str | bytes]) -> list[Path]:
    written = []
    for path, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            written.append(path)
    return written
