"""House styles: an organisation's section order, headings, title block and conclusion form, as files.

A style is a folder `templates/styles/<name>/` holding `style.yaml` and, where it needs them, `report.css`
(added to the HTML page's stylesheet), `reference.docx` (the Word reference document) and `report.typst` (the
PDF's template), each in place of hta's own. `style:` in assessment.yaml names it; Region Dalarna's is the default.
An organisation may keep its styles outside hta: the folders named in the environment variable HTA_STYLES
(separated as PATH is) are searched first. A style is structure and headings only, never content.
"""

from __future__ import annotations

import os
import re
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator
from pydantic_core import PydanticCustomError

from ..diagnostics import Diagnostic, display_path
from .assessment import SectionKey, Strict
from .labels import TEMPLATES, Labels

STYLES = TEMPLATES / "styles"
DEFAULT = "dalarna"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


class Part(str, Enum):
    """What a report is made of, in the order a style lists them: the prose sections and the parts hta writes."""

    QUESTION = "question"
    PICO = "pico"
    BACKGROUND = "background"
    SUMMARY = "summary"
    PRIOR_REVIEW = "prior-review"
    METHOD = "method"
    SCREENING = "screening"
    RESULTS = "results"
    EVIDENCE = "evidence"  # the evidence table(s)
    EVIDENCE_LEVEL = "evidence-level"
    EFFICACY = "efficacy"
    RISKS = "risks"
    TECHNICAL = "technical"
    ECONOMIC = "economic"
    ETHICAL = "ethical"
    ORGANISATIONAL = "organisational"
    CONCLUSIONS = "conclusions"
    DECISION = "decision"
    REQUESTER = "requester"
    AUTHORS = "authors"
    SEARCHES = "searches"


class Conclusion(str, Enum):
    FINDINGS = "findings"
    JUDGEMENTS = "judgements"
    SUMMARY = "summary"
    RECOMMENDATIONS = "recommendations"
    KNOWLEDGE_GAPS = "knowledge_gaps"


class TitleLine(str, Enum):
    REGION = "region"
    IDENTITY = "identity"
    ORGANISATION = "organisation"
    UNIT = "unit"
    COUNCILS = "councils"
    REPORT_TYPE = "report_type"


# Headings a style may rename: every part, the report's references, and each conclusion list ("summary" is the
# prose section; the summarising judgement of the conclusions is "overall_judgement").
CONCLUSION_HEADINGS = {"findings": "findings", "judgements": "judgements", "overall_judgement": "summary",
                       "recommendations": "recommendations", "knowledge_gaps": "knowledge_gaps"}
HEADING_KEYS = {p.value for p in Part} | set(CONCLUSION_HEADINGS) | {"references"}


class ConclusionForm(Strict):
    headings: Literal["councils", "plain"] = Field("councils", description="councils: '{councils} konstaterar att' "
                                                   "/ 'bedömer att' (Dalarna); plain: the lists' own headings "
                                                   "(Slutsatser, Bedömning, …).")
    order: list[Conclusion] = Field(default_factory=lambda: list(Conclusion), description="The conclusion lists in "
                                    "the order printed; a list the assessment leaves empty is not printed.")
    required: list[Conclusion] = Field(default_factory=lambda: [Conclusion.FINDINGS, Conclusion.JUDGEMENTS],
                                       description="The lists `hta check` requires.")


class CertaintyWords(Strict):
    """How a house style writes the certainty of evidence, in one language."""

    heading: str = Field("", description="Heading of the certainty column, e.g. 'Evidensstyrka'; default: the "
                         "language's ('Tillförlitlighet').")
    levels: dict[Literal["high", "moderate", "low", "very low", "not assessed"], str] = Field(
        default_factory=dict, description="Words for the levels, e.g. high: Starkt vetenskapligt underlag; a "
        "level left out keeps the language's word.")
    symbols: bool = Field(True, description="false: the level in words alone, without ⊕⊕◯◯.")


class Style(Strict):
    """style.yaml of a house style."""

    name: str = Field(description="The organisation whose style it is, e.g. 'Region Dalarna'.")
    sections: list[Part] = Field(description="The parts of the report in the order printed; a part left out is "
                                 "not printed.")
    required_sections: list[SectionKey] = Field(default_factory=list, description="The prose sections "
                                                "`hta check` requires (sections/<key>.md).")
    headings: dict[str, dict[str, str]] = Field(default_factory=dict, description="Per language (sv, en, nb), "
                                                "headings that replace the default ones: part or conclusion → "
                                                "heading.")
    title_block: list[TitleLine] = Field(default_factory=lambda: list(TitleLine), description="The lines the "
                                         "title block prints (region, identity, organisation, unit, councils, "
                                         "report_type); a line left out is not printed.")
    conclusions: ConclusionForm = Field(default_factory=ConclusionForm, description="How the conclusions are "
                                        "headed and which lists they have.")
    certainty: dict[Literal["sv", "nb", "en"], CertaintyWords] = Field(
        default_factory=dict, description="Per language (sv, en, nb), how the summary-of-findings tables write "
        "certainty: the column's heading, the words for the levels, and whether symbols are printed.")
    _folder: Path = PrivateAttr(Path())  # where the style was read from (set by the reader)
    _css: str = PrivateAttr("")  # its report.css as the reader read it: what the page gets, never read again

    @property
    def folder(self) -> Path:
        return self._folder

    @field_validator("headings")
    @classmethod
    def _known_headings(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for language, headings in value.items():
            unknown = sorted(set(headings) - HEADING_KEYS)
            if unknown:
                raise PydanticCustomError("unknown_heading", "{language}: no part is called {names}; headings "
                                          "name one of: {known}", {"language": language, "names": ", ".join(unknown),
                                                                   "known": ", ".join(sorted(HEADING_KEYS))})
        return value

    def heading(self, language: str, key: str) -> str | None:
        return self.headings.get(language, {}).get(key)

    def labels(self, labels: Labels) -> Labels:
        """The language's labels with this style's headings in place of the default ones."""
        language = labels.language.split("-")[0]
        own = self.headings.get(language, {})
        sections = {k.replace("-", "_"): v for k, v in own.items() if k.replace("-", "_") in type(labels.sections).model_fields}
        top = {k: v for k, v in own.items() if k in {"question", "pico", "evidence", "authors", "searches", "references"}}
        shapes = {CONCLUSION_HEADINGS[k]: v for k, v in own.items() if k in CONCLUSION_HEADINGS}
        words = self.certainty.get(language)
        certainty = labels.certainty if words is None else labels.certainty.model_copy(update={
            "levels": {**labels.certainty.levels, **words.levels}, "symbols": words.symbols,
            **({"certainty": words.heading} if words.heading else {})})
        return labels.model_copy(update={**top, "sections": labels.sections.model_copy(update=sections),
                                         "shapes": labels.shapes.model_copy(update=shapes), "certainty": certainty})


def style_folders() -> list[Path]:
    """Where styles are looked for: HTA_STYLES's folders first, then hta's own."""
    extra = [Path(p) for p in os.environ.get("HTA_STYLES", "").split(os.pathsep) if p.strip()]
    return [*extra, STYLES]


def style_files() -> list[tuple[str, Path]]:
    """Every file of every style hta can find, as (where/name/file, path): what a build's outputs depend on."""
    # a file this account may not read is left to the reader, whose finding says so (HTA223): no traceback here
    return [(f"{k}/{path.relative_to(folder).as_posix()}", path) for k, folder in enumerate(style_folders())
            if folder.is_dir() for path in sorted(folder.rglob("*")) if path.is_file() and os.access(path, os.R_OK)]


def available_styles() -> list[str]:
    return sorted({p.name for folder in style_folders() if folder.is_dir() for p in folder.iterdir()
                   if (p / "style.yaml").is_file()})


def find_style(name: str) -> Path | None:
    """The folder of the style `name`, or None; a name that is not a plain folder name is no style."""
    if not _NAME.fullmatch(name):
        return None
    return next((folder / name for folder in style_folders() if (folder / name / "style.yaml").is_file()), None)


def read_style(folder: Path) -> tuple[Style | None, list[Diagnostic]]:
    """A style's style.yaml, read through the one reader and validated: a malformed style is findings."""
    from ..i18n import current

    # its findings are in the language of the assessment that asks: a style read for a Swedish one is read
    # again for an English one
    return _read_style(folder, _stamp(folder), current())


def _stamp(folder: Path) -> tuple[tuple[float, int], ...]:
    """When style.yaml and report.css last changed: a style read before is read again when either has."""
    stamps = []
    for name in ("style.yaml", "report.css"):
        try:
            info = (folder / name).lstat()
            stamps.append((info.st_mtime, info.st_size))
        except OSError:
            stamps.append((0.0, 0))
    return tuple(stamps)


@cache
def _read_style(folder: Path, stamp: Any, language: str) -> tuple[Style | None, list[Diagnostic]]:
    from pydantic import ValidationError

    from ..load.yaml_text import read_yaml
    from ..load.validate import validation_findings

    loaded = read_yaml(folder / "style.yaml", folder)
    if loaded.diagnostics:
        return None, loaded.diagnostics
    try:
        style = Style.model_validate(loaded.data)
    except ValidationError as exc:
        return None, validation_findings(loaded.source, exc, Style)
    style._folder = folder
    style._css, problems = _read_css(folder, style.name)
    return style, problems


def _read_css(folder: Path, name: str) -> tuple[str, list[Diagnostic]]:
    """The style's report.css through the one reader, confined to the style's folder; a file that cannot be
    read is a finding of every assessment in the style, never left out in silence."""
    from .. import rules
    from ..i18n import _
    from ..load.reader import read_text

    path = folder / "report.css"
    if not os.path.lexists(path):
        return "", []
    text, problems = read_text(path, folder)
    if text is not None:
        return text, []
    shown = display_path(folder)
    # the reader speaks of an assessment folder; here the folder that confines the file is the style's
    own_words = {rules.OUTSIDE_FOLDER.code: (_("report.css leads outside the style's folder."),
                                             _("Put the stylesheet itself in {folder}; a link out of the style's "
                                               "folder is never read.").format(folder=shown)),
                 rules.NOT_A_FILE.code: (None, _("Put the stylesheet itself in {folder}.").format(folder=shown))}
    findings = []
    for d in problems:
        message, hint = own_words.get(d.code, (None, None))
        findings.append(rules.STYLE_FILE_UNREADABLE.at(
            d.path, d.line, d.column, _('the house style "{style}" cannot use its report.css: {problem}').format(
                style=name, problem=message or d.message),
            hint or d.hint or _("Make the file readable for the account that runs hta.")))
    return "", findings


def default_style() -> Style:
    style, findings = read_style(STYLES / DEFAULT)
    assert style is not None, findings  # hta's own default style is tested
    return style


def style_file(assessment: Any, name: str) -> Path | None:
    """The house style's own `name` (reference.docx, report.typst), when the assessment's style has one: an
    organisation's template, as trusted as hta's own; None for hta's."""
    style = assessment.style
    path = style.folder / name if style is not None else None
    return path if path is not None and path.is_file() and not path.is_symlink() else None


def style_css(style: Style) -> str:
    """The style's own report.css, if it has one, as the reader read it with style.yaml (a file it could not
    read is a finding of `hta check`)."""
    return style._css
