"""`hta new`: a complete assessment folder whose every file says, in Swedish, what goes there."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .diagnostics import HtaError
from .labels import TEMPLATES

NEW = TEMPLATES / "new"
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def new_assessment(folder: Path, title: str, language: str = "sv") -> list[Path]:
    """Create `folder` from templates/new/, with title and language filled in; refuse to overwrite anything."""
    from .labels import available_languages
    from .render import environment

    if language not in available_languages():
        raise HtaError(f'no labels for the language "{language}": use one of {", ".join(available_languages())}.')
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", folder.name):
        raise HtaError(f'"{folder.name}" is not a usable folder name: use lower-case letters, digits and '
                       "hyphens, e.g. ketamin-langvarig-smarta.")
    if folder.exists():
        raise HtaError(f"{folder} already exists; nothing was written. Choose another name.")
    schemas = Path(os.path.relpath(SCHEMAS, folder.resolve())).as_posix()
    written = []
    for template in sorted(NEW.rglob("*")):
        if template.is_dir():
            continue
        target = folder / template.relative_to(NEW)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = environment().from_string(template.read_text(encoding="utf-8")).render(
            title=title, language=language, schemas=schemas)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
