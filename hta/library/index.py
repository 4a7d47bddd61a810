"""The library: `_build/index.html` listing every built report, and the same as a Quarto website."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # for the annotations alone: an unchanged build lists its reports without pydantic
    from ..model.assessment import Assessment, Metadata

MANIFEST = "report.json"
# Beside a report whose latest version could not be built (or in a folder of its own when it never was): why.
# It travels with the report folder (a shard's artifact) and goes when the report is next built (swap_in
# replaces the folder) or found buildable again (clear_failure).
FAILED = "failed.json"
INDEX_FILES = ("index.html", "index.qmd")  # the library's index, beside the report folders


def index_file_named(name: str) -> str | None:
    """The index file a folder of this name would stand in place of, compared without case (as Windows and
    macOS compare names), or None."""
    return next((f for f in INDEX_FILES if f.casefold() == name.casefold()), None)
STATE = ".hta"  # under the output folder, never published: the build's lock, log and temporary folders


@dataclass(frozen=True)
class Entry:
    """What the index shows of one built report."""

    name: str
    title: str
    dnr: str
    status: str
    date: str  # decision date, ISO, or "" when not yet reported for decision
    language: str
    report_type: str = ""
    region: str = ""
    findings: int = 0  # what `hta check` reports of it, notes included
    errors: list[str] = field(default_factory=list)  # the findings that keep its latest version from being built
    built: bool = True  # its report's files are there (for a failed one: those of its last good build)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def link(self, extension: str) -> str:
        return f"{self.name}/{self.name}.{extension}"


def entry_of(name: str, meta: Metadata | None, findings: list[Diagnostic]) -> Entry:
    """What the index shows of an assessment, from its assessment.yaml as read (None: it could not be)."""
    from ..diagnostics import has_errors

    errors = [d.text() for d in findings if d.severity is Severity.ERROR] if has_errors(findings) else []
    if meta is None:
        return Entry(name, name, "", "", "", "", findings=len(findings), errors=errors, built=False)
    date = meta.decision.date.isoformat() if meta.decision and meta.decision.date else ""
    return Entry(name, meta.title, meta.dnr, meta.status.value, date, meta.language, meta.report_type, meta.region,
                 len(findings), errors)


def write_manifest(assessment: Assessment, out: Path, findings: list[Diagnostic] = ()) -> Path:
    """Beside each report, what the index needs to know of it."""
    path = out / MANIFEST
    entry = entry_of(assessment.name, assessment.meta, list(findings))
    path.write_text(json.dumps(asdict(entry), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_failure(out_root: Path, entry: Entry) -> None:
    """The record of an assessment whose latest version was not built, in its report folder; the report
    there (if any) is left as its last good build made it."""
    folder = out_root / entry.name
    folder.mkdir(parents=True, exist_ok=True)
    record = asdict(entry) | {"built": (folder / MANIFEST).is_file()}
    _replace(folder / FAILED, json.dumps(record, ensure_ascii=False, indent=1) + "\n", out_root)


def clear_failure(out_root: Path, name: str) -> None:
    """The assessment is buildable again: its report folder holds no record of a failure."""
    folder = out_root / name
    (folder / FAILED).unlink(missing_ok=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()  # it held the record alone: the assessment never built


def entries(root: Path) -> list[Entry]:
    """Every assessment under `root`, built or failed, newest first; those not yet reported for decision lead,
    being current work, and failed ones first of all, being what needs doing."""
    found = []
    for folder in root.iterdir() if root.is_dir() else []:
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        manifest, failed = folder / MANIFEST, folder / FAILED
        if failed.is_file():
            entry = _entry(failed)
            found.append(Entry(**{**asdict(entry), "built": manifest.is_file()}))
        elif manifest.is_file():
            found.append(_entry(manifest))
    return sorted(found, key=lambda e: (e.failed, e.date or "9999", e.name), reverse=True)


def _entry(path: Path) -> Entry:
    known = set(Entry.__dataclass_fields__)
    return Entry(**{k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k in known})


def write_index(root: Path, language: str = "sv") -> list[Path]:
    """_build/index.html, and _build/index.qmd for those who render the library with Quarto."""
    from ..model.labels import labels_for
    from ..render.qmd import environment

    labels = labels_for(language)
    listed = entries(root)
    env = environment()
    html = _replace(root / INDEX_FILES[0], env.get_template("index.html.j2").render(entries=listed, labels=labels))
    qmd = _replace(root / INDEX_FILES[1], env.get_template("index.qmd.j2").render(entries=listed, labels=labels))
    return [html, qmd]


def _replace(path: Path, text: str, root: Path | None = None) -> Path:
    """Write into .hta/ and rename over `path`: a reader sees the old file or the new one, never a part of it.
    A temporary file a killed build leaves in .hta/ is removed by the next build (publish.output_lock)."""
    import tempfile

    state = (root or path.parent) / STATE
    state.mkdir(exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=state, prefix="tmp-",
                                     delete=False) as f:
        f.write(text)
    os.chmod(f.name, 0o666 & ~umask())  # a temporary file is private (0600); the index is published
    os.replace(f.name, path)
    return path


def umask() -> int:
    """The process's umask: what a plainly created file or folder would have left out of its mode."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
