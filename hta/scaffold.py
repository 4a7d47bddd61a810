"""`hta new`: a complete assessment folder whose every file says, in the report's language, what goes there.

The files' structure is written once, in templates/new/; what the comments say and the defaults (report
type, council) come from one catalogue per language, templates/new-comments/<language>.yaml. Every section
of the report gets its file, the optional ones too: a section holding only its comment is left out."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .diagnostics import HtaError
from .i18n import _
from .model.assessment import REQUIRED_SECTIONS, SectionKey, slug
from .model.labels import TEMPLATES
from .paths import schema_folder

NEW = TEMPLATES / "new"
COMMENTS = TEMPLATES / "new-comments"
SECTION = "section.md"  # the template of every sections/<key>.md

#: The longest name `hta new` accepts: the name becomes a folder, a build folder and part of every URL
#: of the library, and Windows paths stop at 260 characters.
LONGEST_NAME = 64
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


SHAPES = ("intervention", "diagnostic", "tiers", "numbered", "multi")  # templates/new/shapes/<shape>.yaml


def new_assessment(parent: Path, name: str, title: str, language: str = "sv", shape: str = "intervention",
                   style: str = "dalarna") -> Path:
    """Create `parent/name` from templates/new/, with title and language filled in; refuse to overwrite
    anything. The folder appears whole or not at all: it is written beside its place and renamed into it."""
    from .model.labels import available_languages

    check_name(name)
    if language not in available_languages():
        raise HtaError(_("no labels for the language \"{language}\": use one of {languages}.").format(language=language, languages=", ".join(available_languages())))
    if shape not in SHAPES:
        raise HtaError(_('no PICO shape "{shape}": use one of {shapes}.').format(shape=shape, shapes=", ".join(SHAPES)))
    from .model.styles import available_styles, find_style

    if find_style(style) is None:
        raise HtaError(_('no house style "{style}": use one of {styles}.').format(
            style=style, styles=", ".join(available_styles())))
    if parent.exists() and not parent.is_dir():
        raise HtaError(_("--in {parent} is a file, not a folder; nothing was written. Name a folder.").format(parent=parent))
    folder = parent / name
    if folder.exists() or folder.is_symlink():
        raise HtaError(_("{folder} already exists; nothing was written. Choose another name.").format(folder=folder))
    schemas = Path(os.path.relpath(schema_folder(language), folder.resolve())).as_posix()
    files = scaffold_files(title, language, schemas, shape, style)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}-", suffix=".new"))
    except OSError as exc:  # --in under a file, or a folder this user may not write to
        raise HtaError(_("cannot create a folder in {parent}: {strerror}; nothing was written.").format(parent=parent, strerror=exc.strerror)) from None
    try:
        for relative, text in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it 0700
        # rename() refuses a non-empty target, and on POSIX replaces an empty one: check once more just
        # before, so a folder made meanwhile by someone else is never taken over.
        if folder.exists() or folder.is_symlink():
            raise HtaError(_("{folder} already exists; nothing was written. Choose another name.").format(folder=folder))
        staging.rename(folder)
    except OSError as exc:  # a full disk, or a folder made at the same instant
        shutil.rmtree(staging, ignore_errors=True)
        raise HtaError(_("cannot create {folder}: {strerror}; nothing was written.").format(folder=folder, strerror=exc.strerror)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


class Defaults(BaseModel):
    """What a new assessment starts with, and the words of the commented examples, in one language."""

    model_config = ConfigDict(extra="forbid")
    report_type: str
    council: str
    author_name: str
    author_title: str
    decision_group: str
    search_title: str
    exclusion_reason: str
    reference_id: str
    outcome_example: str
    sensitivity: str
    specificity: str
    finding_example: str
    judgement_example: str
    downgrade_explanation: str
    harm_example: str
    not_assessed_reason: str


class AssessmentComments(BaseModel):
    """The comment above each key of assessment.yaml."""

    model_config = ConfigDict(extra="forbid")
    intro: str
    dnr: str
    title: str
    report_type: str
    region: str
    unit: str
    councils: str
    requester: str
    question: str
    status: str
    language: str
    authors: str
    decision: str
    style: str


class ShapeComments(BaseModel):
    """What pico.yaml says of each shape `hta new --shape` writes (the default, intervention, says c.pico only)."""

    model_config = ConfigDict(extra="forbid")
    diagnostic: str
    tiers: str
    numbered: str
    multi: str


class Comments(BaseModel):
    """templates/new-comments/<language>.yaml: everything `hta new` says in one language."""

    model_config = ConfigDict(extra="forbid")
    defaults: Defaults
    assessment: AssessmentComments
    pico: str
    shapes: ShapeComments
    searches: str
    certainty: str
    conclusions: str
    optional: str = Field(description="Added to the comment of a section the report may leave out.")
    sections: dict[SectionKey, str]


def comments_for(language: str) -> Comments:
    from .load.yaml_text import read_own_yaml

    return Comments.model_validate(read_own_yaml(COMMENTS / f"{language}.yaml"))


def scaffold_files(title: str, language: str, schemas: str, shape: str = "intervention",
                   style: str = "dalarna") -> dict[Path, str]:
    """Every file of a new assessment, by its path in the folder: templates/new/ rendered with the
    language's comments, pico.yaml in the chosen shape, and one file per section the house style prints."""
    from .model.labels import labels_for
    from .render.qmd import environment
    from .model.styles import find_style, read_style

    env = environment().overlay()
    env.filters["comment"] = lambda text: "\n".join(f"# {line}".rstrip() for line in str(text).split("\n"))
    env.filters["slug"] = slug  # an outcome's id as pico.yaml makes it from its name (certainty.yaml's example)
    c = comments_for(language)
    labels = labels_for(language)

    def render(template: Path, **values) -> str:
        return env.from_string(template.read_text(encoding="utf-8")).render(c=c, **values)

    files = {template.relative_to(NEW): render(template, title=title, language=language, schemas=schemas, style=style,
                                               labels=labels)
             for template in sorted(NEW.glob("*")) if template.is_file() and template.name != SECTION}
    files[Path("pico.yaml")] = render(NEW / "shapes" / f"{shape}.yaml", schemas=schemas)
    house, problems = read_style(find_style(style))
    printed = {part.value for part in house.sections} if house else {key.value for key in SectionKey}
    required = set(house.required_sections) if house else set(REQUIRED_SECTIONS)
    for key in SectionKey:
        if key.value not in printed:
            continue  # a section the house style does not print (risks.md in Dalarna's)
        files[Path("sections") / f"{key.value}.md"] = render(
            NEW / SECTION, heading=labels.section(key.value), says=" ".join(c.sections[key].split()),
            optional=key not in required)
    return files


def check_name(name: str) -> None:
    """A name `hta new` can use as one folder under `--in`, or one clear line saying why not."""
    if not name:
        problem = _("is empty")
    elif "/" in name or "\\" in name or os.sep in name or name in (".", ".."):
        problem = _("is a path, not a name (it holds / or \\, or is . or ..)")
    elif len(name) > LONGEST_NAME:
        problem = _("is {length} characters long; the longest usable name has {longest}").format(length=len(name), longest=LONGEST_NAME)
    elif not _NAME.fullmatch(name):
        problem = _("is not a usable folder name: use lower-case letters, digits and hyphens")
    elif name in ("report", "failed"):  # `hta check` would say HTA952 of it (build.reserved_name)
        problem = _("is a name hta keeps for its own files (report.json and failed.json beside every report)")
    else:
        return
    shown = name if len(name) <= 40 else name[:37] + "..."
    raise HtaError(_("\"{shown}\" {problem}; nothing was written. Write a short name such as ketamin-langvarig-smarta, and choose the parent folder with --in.").format(shown=shown, problem=problem))
