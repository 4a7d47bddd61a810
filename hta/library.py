"""The library: `_build/index.html` listing every built report, and the same as a Quarto website."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .model import Assessment

MANIFEST = "report.json"
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

    def link(self, extension: str) -> str:
        return f"{self.name}/{self.name}.{extension}"


def write_manifest(assessment: Assessment, out: Path) -> Path:
    """Beside each report, what the index needs to know of it."""
    meta = assessment.meta
    date = meta.decision.date.isoformat() if meta.decision and meta.decision.date else ""
    entry = Entry(assessment.name, meta.title, meta.dnr, meta.status.value, date, meta.language)
    path = out / MANIFEST
    path.write_text(json.dumps(asdict(entry), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def entries(root: Path) -> list[Entry]:
    """Every report under `root`, newest first; those not yet reported for decision lead, being current work."""
    found = [Entry(**json.loads(p.read_text(encoding="utf-8"))) for p in root.glob(f"*/{MANIFEST}")
             if not p.parent.name.startswith(".")]
    return sorted(found, key=lambda e: (e.date or "9999", e.name), reverse=True)


def write_index(root: Path, language: str = "sv") -> list[Path]:
    """_build/index.html, and _build/index.qmd for those who render the library with Quarto."""
    from .labels import labels_for
    from .render import environment

    labels = labels_for(language)
    listed = entries(root)
    env = environment()
    html = _replace(root / "index.html", env.get_template("index.html.j2").render(entries=listed, labels=labels))
    qmd = _replace(root / "index.qmd", env.get_template("index.qmd.j2").render(entries=listed, labels=labels))
    return [html, qmd]


def _replace(path: Path, text: str) -> Path:
    """Write into .hta/ and rename over `path`: a reader sees the old file or the new one, never a part of it.
    A temporary file a killed build leaves in .hta/ is removed by the next build (publish.output_lock)."""
    import tempfile

    (path.parent / STATE).mkdir(exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent / STATE, prefix="tmp-",
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
