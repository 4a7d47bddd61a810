"""Where hta's own files lie: a module without imports, so that finding them costs nothing."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LABELS = TEMPLATES / "labels"
