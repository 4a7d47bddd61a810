"""One record for everything a user can cause, and the formatters that print it."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

from . import i18n
from .i18n import N_, _


class Severity(str, Enum):
    """How much a finding matters: errors stop a report, warnings and notes do not."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding about an assessment, located in the file the author edits."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)
    #: The language the message is written in (the assessment's, see i18n): the severity word follows it.
    language: str = field(default_factory=i18n.current, compare=False)

    def __post_init__(self) -> None:
        # Editors and CI annotations need a place: a problem of the whole file stands at 1:1.
        object.__setattr__(self, "line", self.line if self.line is not None else 1)
        object.__setattr__(self, "column", self.column if self.column is not None else 1)
        # A finding is one line: whatever of a file it quotes is cut short and cannot move the terminal.
        object.__setattr__(self, "message", one_line(self.message, MESSAGE_LIMIT))
        object.__setattr__(self, "hint", one_line(self.hint, MESSAGE_LIMIT))

    def location(self) -> str:
        """`path:line:col` as editors and CI annotations understand it."""
        return f"{self.path}:{self.line}:{self.column}"

    def severity_word(self) -> str:
        with i18n.language(self.language):
            return _(SEVERITY_WORDS[self.severity])

    def text(self) -> str:
        """The one-line form: `path:line:col: CODE severity: message (hint)`."""
        hint = f" {self.hint}" if self.hint else ""
        return f"{self.location()}: {self.code} {self.severity_word()}: {self.message}{hint}"


SEVERITY_WORDS = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning"), Severity.NOTE: N_("note")}


MESSAGE_LIMIT = 400  # characters of a message or a hint; values quoted in them are shorter still (load.excerpt)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int) -> str:
    """`text` without control characters or line breaks, and at most `limit` characters long."""
    text = _UNPRINTABLE.sub(lambda m: "\\n" if m[0] == "\n" else f"\\x{ord(m[0]):02x}", text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


class HtaError(Exception):
    """A problem the user can fix, said in the user's terms: the CLI prints it, never a traceback."""


def display_path(path: Path | str) -> str:
    """A path as the user typed it: relative to the working folder when inside it."""
    path, here = Path(path), Path.cwd()
    # The name the author sees, never where a link leads: only the folders above it are resolved.
    for candidate in (lambda: Path(os.path.abspath(path)), lambda: path.parent.resolve() / path.name):
        try:
            return str(candidate().relative_to(here))
        except (ValueError, RuntimeError, OSError):  # elsewhere, or a folder above is a link loop
            continue
    return str(path)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTE: "\033[36m"}


def format_text(diagnostics: list[Diagnostic], colour: bool = False) -> str:
    lines = []
    for d in diagnostics:
        line = d.text()
        if colour:
            word = f"{d.severity_word()}:"
            line = line.replace(word, f"{_COLOURS[d.severity]}{word}\033[0m", 1)
        lines.append(line)
    return "\n".join(lines)


def format_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps(
        [asdict(d) | {"severity": d.severity.value} for d in diagnostics], ensure_ascii=False, indent=2
    )


def format_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub workflow commands, so findings show on the changed lines of a pull request."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
    lines = []
    for d in diagnostics:
        props = [f"file={d.path}", f"line={d.line}", f"col={d.column}", f"title={d.code}"]
        message = f"{d.message} {d.hint}".strip().replace("%", "%25").replace("\n", "%0A")
        lines.append(f"::{level[d.severity]} {','.join(props)}::{message}")
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


def wants_colour(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ
