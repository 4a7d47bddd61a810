"""Where hta's own files lie, and how a file is written whole: a module of the standard library alone, so
that importing it costs nothing (the drawing process of render/raster.py imports it)."""

import os
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LABELS = TEMPLATES / "labels"


def write_whole(path: Path, content: bytes) -> None:
    """A name of this process's own, renamed into place: another process sees the old file or the new, whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
