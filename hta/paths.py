"""Where hta's own files lie, and how a file is written whole: a module of the standard library alone, so
that importing it costs nothing (the drawing process of render/raster.py imports it)."""

import os
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LABELS = TEMPLATES / "labels"
SCHEMAS = TEMPLATES.parent / "schemas"


def schema_folder(language: str) -> Path:
    """The JSON Schemas of the files authors edit, their descriptions in `language`: English in schemas/, the
    others in schemas/<language>/ (`hta new` points each file it writes to the one of its language)."""
    return SCHEMAS if language == "en" else SCHEMAS / language


def write_whole(path: Path, content: bytes) -> None:
    """A name of this process's own, renamed into place: another process sees the old file or the new, whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
