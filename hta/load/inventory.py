"""What an assessment folder holds, accounted for: each file is read, or is a finding that says what it
is taken for (a misnamed file) or that it is in no report (an unknown file).

The format's files stand in three places: the assessment folder itself, `sections/` and `figures/`.
Any other subfolder is the authors' own (sources, notes) and never read.
"""

from __future__ import annotations

import difflib
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from ..model.assessment import PICTURE_TYPES, SectionKey
from .reader import Source, clip

YAML_FILES = ("assessment.yaml", "pico.yaml", "searches.yaml", "conclusions.yaml", "certainty.yaml")
EVIDENCE_FILES = ("evidence.xlsx", "evidence.csv")  # in the order they are preferred
REFERENCE_FILES = ("references.json", "references.bib")
FOLDERS = ("sections", "figures")
SECTION_FILES = tuple(f"{key.value}.md" for key in SectionKey)
ASPECT_FILES = ("economic.yaml", "organisational.yaml", "ethics.yaml")  # optional: aspects.py
_TOP = YAML_FILES + ASPECT_FILES + EVIDENCE_FILES + REFERENCE_FILES

# Names an operating system or an editor leaves beside the files (and hidden files, `~$` lock files of Office,
# `name~` and `#name#` backups of editors); they are nobody's content.
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", "__macosx"}


@dataclass(frozen=True)
class Listing:
    """The files of an assessment the format reads, as found in the folder."""

    sections: list[Path]  # sections/<key>.md, exactly so named
    pictures: list[Path]  # figures/<name>.<picture type>
    findings: list[Diagnostic]
    # sections/<key>.md that a misnamed file in sections/ is taken for (`bakgrund.md` → background.md): its
    # finding says "did you mean", so the section is not also reported missing
    meant: frozenset[str] = frozenset()


def take_stock(folder: Path, csl: str | None) -> Listing:
    """Every name in the folder, `sections/` and `figures/`, sorted into what is read and what is a finding."""
    findings: list[Diagnostic] = []
    for name, is_dir in _entries(folder, findings):
        if name in _TOP or name in FOLDERS or name == csl:  # a file named sections/ is reported when listed
            continue
        findings.extend(_top_level(folder / name, is_dir))
    if all(os.path.lexists(folder / name) for name in EVIDENCE_FILES):
        findings.append(Source(folder / "evidence.csv").at_line(
            rules.TWO_FILES, 1, _("evidence.csv and evidence.xlsx both hold the evidence table; only evidence.xlsx is read."),
            _("Keep the one you edit and remove the other."), 1))
    sections, meant = [], set()
    for name, is_dir in _entries(folder / "sections", findings):
        if name in SECTION_FILES:
            sections.append(folder / "sections" / name)
        else:
            findings.append(_stray_in_sections(folder / "sections" / name, is_dir))
            if not is_dir and _taken_for(name):
                meant.add(f"sections/{_taken_for(name)}")
    pictures = []
    for name, is_dir in _entries(folder / "figures", findings):
        path = folder / "figures" / name
        if Path(name).suffix.lower() in PICTURE_TYPES:
            pictures.append(path)  # the reader says whether it is a plain file
        elif _as_section(name):
            findings.append(_misnamed(path, f"sections/{_as_section(name)}"))
        else:
            findings.append(Source(path).at_line(
                rules.UNKNOWN_FILE, 1, _("figures/{name} is not a picture hta shows (PNG, JPEG, GIF or SVG), so it is in no report.").format(name=clip(name)),
                _("Save it as PNG or SVG, or move it into a folder of your own (e.g. kilder/)."), 1))
    return Listing(sorted(sections), sorted(pictures), findings, frozenset(meant))


def _entries(folder: Path, findings: list[Diagnostic]) -> list[tuple[str, bool]]:
    """The names in `folder` (none if it does not exist), without the hidden ones and the system's own."""
    try:
        with os.scandir(folder) as scan:
            found = [(entry.name, _is_dir(entry)) for entry in scan]
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        findings.append(Source(folder).at_line(rules.NOT_A_FILE, 1, _("{name} is not a folder.").format(name=folder.name),
                                               _("Make {name}/ a folder holding the files.").format(name=folder.name), 1))
        return []
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            findings.append(Source(folder).at_line(rules.NOT_A_FILE, 1, _("{name} is a link that leads back to itself.").format(name=folder.name),
                                                   _("Replace the link by the folder itself."), 1))
        else:
            findings.append(Source(folder).at_line(rules.UNREADABLE_FILE, 1, _("cannot list the folder: {strerror}.").format(strerror=exc.strerror), "", 1))
        return []
    return sorted((name, is_dir) for name, is_dir in found
                  if not name.startswith((".", "~$", "#")) and not name.endswith("~") and name.lower() not in _SYSTEM_FILES)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: the reader says what it is, if the name is one hta reads
        return False


def _top_level(path: Path, is_dir: bool) -> list[Diagnostic]:
    name, lowered = path.name, path.name.lower()
    stem, suffix = Path(lowered).stem, Path(lowered).suffix
    if is_dir:
        meant = _close(lowered, FOLDERS)
        return [_misnamed(path, meant + "/")] if meant else []  # any other folder is the authors' own
    meant = lowered if lowered in _TOP else None  # the right name in another case
    if meant is None and f"{stem}.yaml" in YAML_FILES and suffix in {".yml", ".txt", ".json", ""}:
        meant = f"{stem}.yaml"
    if meant:
        return [_misnamed(path, meant)]
    if stem == "references":
        return [Source(path).at_line(
            rules.MISNAMED_FILE, 1, _("{name} is taken for the references, but hta reads only references.json or references.bib.").format(name=clip(name)),
            _("Import it with `hta refs import FILE`, then remove it or move it into a folder of your own (e.g. kilder/)."), 1)]
    if stem == "evidence":
        return [Source(path).at_line(
            rules.MISNAMED_FILE, 1, _("{name} is taken for the evidence table, but hta reads only evidence.xlsx or evidence.csv.").format(name=clip(name)),
            _("Save it from Excel as evidence.xlsx (or as CSV named evidence.csv)."), 1)]
    if _as_section(name):
        return [_misnamed(path, f"sections/{_as_section(name)}")]
    meant = _close(lowered, _TOP)
    if meant:
        return [_misnamed(path, meant)]
    if suffix == ".csl":
        return [Source(path).at_line(rules.UNKNOWN_FILE, 1, _("the citation style {name} is not used.").format(name=clip(name)),
                                     _("Name it in assessment.yaml as `csl: {name}`, or remove it.").format(name=clip(name)), 1)]
    return [Source(path).at_line(rules.UNKNOWN_FILE, 1, _("hta does not read {name}, so it is in no report.").format(name=clip(name)),
                                 _("Move material of your own into a folder of your own (e.g. kilder/), or remove it."), 1)]


def _stray_in_sections(path: Path, is_dir: bool) -> Diagnostic:
    name = path.name
    section = _as_section(name)
    if section and not is_dir:
        return _misnamed(path, f"sections/{section}", rules.UNKNOWN_SECTION)
    top = _close(name.lower(), _TOP)
    if top and not is_dir:
        return Source(path).at_line(rules.UNKNOWN_SECTION, 1, _("{name} belongs in the assessment folder, not in sections/.").format(name=name),
                                    _("Move it to {top} beside assessment.yaml.").format(top=top), 1)
    close = difflib.get_close_matches(Path(name).stem.lower(), [key.value for key in SectionKey], n=1)
    hint = (_('Did you mean "{name}"?').format(name=f"{close[0]}.md") if close else
            _("Section files: {files}; other material belongs in a folder of your own (e.g. kilder/).").format(
                files=", ".join(SECTION_FILES)))
    message = (_("the folder {name}/ is not a section of the report.") if is_dir
               else _("{name} is not a section of the report."))
    return Source(path).at_line(rules.UNKNOWN_SECTION, 1, message.format(name=clip(name)), hint, 1)


def _taken_for(name: str) -> str | None:
    """The section file a stray file in sections/ is suggested for, as its finding names it."""
    close = difflib.get_close_matches(Path(name).stem.lower(), [key.value for key in SectionKey], n=1)
    return _as_section(name) or (f"{close[0]}.md" if close else None)


def _as_section(name: str) -> str | None:
    """The section file a text file's name stands for (`Background.txt` → `background.md`), if any."""
    stem, suffix = Path(name).stem.lower(), Path(name).suffix.lower()
    if suffix in {".md", ".markdown", ".txt", ".text", ".docx", ".doc", ".rtf", ".qmd", ""} and stem in {
            key.value for key in SectionKey}:
        return f"{stem}.md"
    return None


def _close(lowered: str, known: tuple[str, ...]) -> str | None:
    """The known name a name in lower case is a slip of a letter from (`assesment.yaml`, `figure`)."""
    close = difflib.get_close_matches(lowered, known, n=1, cutoff=0.85)
    return close[0] if close else None


def _misnamed(path: Path, meant: str, rule: rules.Rule = rules.MISNAMED_FILE) -> Diagnostic:
    shown = f"{path.parent.name}/{path.name}" if path.parent.name in FOLDERS else path.name
    return Source(path).at_line(rule, 1, _("{shown} is not read: it is taken for {meant}.").format(shown=clip(shown), meant=meant),
                                _("Rename it to {meant} (keep one copy).").format(meant=meant), 1)
