"""Files generated from the code, never written by hand: docs/checks*.md, the JSON Schemas, the compiled
message catalogues and the Word reference document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from pydantic import TypeAdapter

from . import i18n
from .diagnostics import SEVERITY_WORDS
from .i18n import N_, _
from .library.record import Record
from .paths import SCHEMAS, schema_folder
from .model.aspects import Economic, Ethics, Organisational
from .model.assessment import Conclusions, Metadata, Pico, Search
from .model.certainty import Rating
from .model.styles import Style
from .rules import RULES

REPO = Path(__file__).resolve().parent.parent
REFERENCE_DOC = REPO / "templates" / "reference.docx"
CHECKS_DOC = REPO / "docs" / "checks.md"  # Swedish, the users' first language; checks.<lang>.md the others

# Each YAML file of the format, and the type it holds. Their schemas are written in each language (English in
# schemas/, the others in schemas/<language>/): an editor shows a field's description while an author types
# it, in the language `hta new` wrote the file in. Their descriptions are messages of the catalogues.
SCHEMA_FILES = {
    "assessment": (Metadata, N_("assessment.yaml: metadata of the statement")),
    "pico": (list[Pico], N_("pico.yaml: one or more PICO")),
    "searches": (list[Search], N_("searches.yaml: searches, their lines and screening")),
    "conclusions": (Conclusions, N_("conclusions.yaml: what the councils note and judge")),
    "economic": (Economic, N_("economic.yaml (optional): costs now and expected; the net change is computed")),
    "organisational": (Organisational, N_("organisational.yaml (optional): staff, premises, other units, implementation")),
    "ethics": (Ethics, N_("ethics.yaml (optional): the ethical checklist, questions with answers")),
    "style": (Style, N_("templates/styles/<name>/style.yaml: a house style's section order, headings, title block "
                        "and conclusion form")),
    "certainty": (list[Rating], N_("certainty.yaml: the certainty of the evidence per outcome and comparison")),
}
# What a build writes as data: described as it is written (serialisation), computed values included.
OUTPUT_SCHEMAS = {
    "report": (Record, "<name>.json: a report as data, with every computed number, certainty and link"),
}


def schemas() -> dict[Path, str]:
    """JSON Schema text for each YAML file in each language, from the model's field descriptions, and for
    what a build writes as data (in English: it is read by programs)."""
    out = {}
    for name, (model, title) in SCHEMA_FILES.items():
        schema = _schema(TypeAdapter(model).json_schema(), title)
        for language in i18n.LANGUAGES:
            with i18n.exactly(language):
                out[schema_folder(language) / f"{name}.schema.json"] = _json(_translated(schema))
    for name, (model, title) in OUTPUT_SCHEMAS.items():
        out[SCHEMAS / f"{name}.schema.json"] = _json(_schema(TypeAdapter(model).json_schema(mode="serialization"), title))
    return out


def schema_descriptions() -> dict[str, str]:
    """Each description of the schemas authors see, with the schema it is in: the catalogues' messages from
    the model, beside those of the code (the schemas' titles are marked in the code above)."""
    found: dict[str, str] = {}
    for name, (model, _title) in SCHEMA_FILES.items():
        place = f"schemas/{name}.schema.json"
        _with_descriptions(TypeAdapter(model).json_schema(), lambda text: found.setdefault(text, place))
    return found


def _schema(schema: dict, title: str) -> dict:
    # the file's title, not the model's class name that pydantic gives the schema
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title} | {
        key: value for key, value in schema.items() if key != "title"}


def _translated(schema: dict) -> dict:
    """The schema with its title and every description in the current language; all else as it is (a field's
    own title is its key, which is the same in every language)."""
    return _with_descriptions(schema, _) | {"title": _(schema["title"])}


def _with_descriptions(value: object, change: Callable[[str], str]) -> object:
    """`value` with `change` made to every description in it (a property named "description" is a schema,
    not text, and is walked into)."""
    if isinstance(value, dict):
        return {k: change(v) if k == "description" and isinstance(v, str) else _with_descriptions(v, change)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_with_descriptions(item, change) for item in value]
    return value


def _json(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


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

    files: dict[Path, str | bytes] = dict(schemas())
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
