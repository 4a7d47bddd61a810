"""Read the files of an assessment folder into plain data that remembers where each value stands.

Every file of an assessment is read by one reader, `read_bytes`: it refuses a file that leads outside
the assessment folder, a name that is not a plain file, and a file over its size limit. Text is UTF-8,
strictly (`read_text`); YAML (`yaml_text.read_yaml`), JSON (`json_text.strict_json`) and tables
(`tables.read_table`) are parsed with bounds on what a file can make the reader build. Every problem is a finding with a place, never an
exception; a finding quotes at most a short excerpt of a file.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import rules
from ..diagnostics import Diagnostic, display_path
from ..i18n import _

Loc = tuple[str | int, ...]

# --- Limits (documented in docs/assessment-format.md, "Limits") ---------------------------------------

TEXT_LIMIT = 2 * 1024 * 1024  # bytes of a text file: YAML, Markdown, CSV, JSON, BibTeX, CSL
WORKBOOK_LIMIT = 10 * 1024 * 1024  # bytes of evidence.xlsx
WORKBOOK_UNPACKED_LIMIT = 50 * 1024 * 1024  # bytes of evidence.xlsx once unzipped: a small zip can unpack to gigabytes
PICTURE_LIMIT = 10 * 1024 * 1024  # bytes of a picture in figures/
MAX_DEPTH = 32  # levels of lists and mappings in a YAML or JSON file; the format needs about eight
NUMBER_DIGITS = 30  # digits of a whole number: counts and years need far fewer
EXCERPT = 60  # characters of a file a finding may quote


def clip(text: str, width: int = EXCERPT) -> str:
    """At most `width` characters of `text`, as a finding may quote them."""
    return text if len(text) <= width else text[:width] + "…"


def excerpt(value: Any, width: int = EXCERPT) -> str:
    """A value of a file as a finding may quote it: text in quotes and escaped, at most `width` characters."""
    return repr(clip(value, width)) if isinstance(value, str) else clip(repr(value), width)


@dataclass
class Source:
    """A file that was read, with the line and column of every value in it (1-based)."""

    path: Path
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    text: str | None = None  # as read, for what looks at the file again (`hta: ignore` marks)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    def where(self, loc: Loc) -> tuple[int | None, int | None]:
        """The position of `loc`, or of the nearest enclosing value that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (None, None))

    def at(self, rule: rules.Rule, loc: Loc, message: str, hint: str = "") -> Diagnostic:
        line, column = self.where(loc)
        return rule.at(self.shown, line, column, message, hint)

    def at_line(self, rule: rules.Rule, line: int | None, message: str, hint: str = "", column: int | None = None) -> Diagnostic:
        return rule.at(self.shown, line, column, message, hint)


@dataclass
class Loaded:
    """What reading a file gave: the data (None if unreadable) and the findings it raised."""

    source: Source
    data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


# --- The one reader ------------------------------------------------------------------------------------

def read_bytes(path: Path, root: Path | None, limit: int) -> tuple[bytes | None, list[Diagnostic]]:
    """The content of `path`, if it is a plain file of at most `limit` bytes inside `root` (the assessment
    folder; None for a file named on the command line, which may be anywhere)."""
    source = Source(path)

    def refuse(rule: rules.Rule, message: str, hint: str = "") -> tuple[None, list[Diagnostic]]:
        return None, [source.at_line(rule, 1, message, hint, 1)]

    if "\0" in os.fspath(path):  # a name from a YAML "\0" escape: no file has it, and the system refuses to look
        return refuse(rules.MISSING_FILE, _("{name} is missing.").format(name=path.name))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = None
    if root is not None and hasattr(os, "O_NOFOLLOW") and _plainly_inside(path, root):
        try:
            # O_NOFOLLOW: the file itself is no link either, so this is the file resolve() would lead to
            descriptor = os.open(path, flags)
        except OSError:
            pass  # a link, a folder, a missing file …: found out and said below, as for any path
    if descriptor is None:
        try:
            resolved = path.resolve()  # every link followed, `..` taken away
        except (RuntimeError, OSError):  # a link loop: RuntimeError up to Python 3.12, OSError after
            return refuse(rules.NOT_A_FILE, _("{name} is a link that leads back to itself.").format(name=path.name),
                          _("Replace the link by the file itself."))
        # made absolute first: the same relative name is another folder once the working folder changes
        if root is not None and not resolved.is_relative_to(_resolved(Path(os.path.abspath(root)))):
            # Said without the target: whether a file exists outside the folder is none of the report's business.
            return refuse(rules.OUTSIDE_FOLDER, _("{name} leads outside the assessment folder.").format(name=path.name),
                          _("Copy the file into the assessment folder; a link or a path out of it is never read."))
        try:
            # O_NONBLOCK: opening a pipe must not wait for a writer; O_NOFOLLOW: no link swapped in since resolve().
            descriptor = os.open(resolved, flags)
        except FileNotFoundError:
            if path.is_symlink():
                return refuse(rules.NOT_A_FILE, _("{name} is a link to a file that does not exist.").format(name=path.name),
                              _("Replace the link by the file itself."))
            return refuse(rules.MISSING_FILE, _("{name} is missing.").format(name=path.name))
        except OSError as exc:
            if resolved.is_dir():
                return refuse(rules.NOT_A_FILE, _("{name} is a folder, not a file.").format(name=path.name))
            return refuse(rules.UNREADABLE_FILE, _("cannot read the file: {strerror}.").format(strerror=exc.strerror))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return refuse(rules.NOT_A_FILE, _("{name} is {kind_of}, not a file.").format(name=path.name, kind_of=_kind_of(info.st_mode)),
                          _("Put the file itself in its place."))
        if info.st_size > limit:
            return refuse(rules.FILE_TOO_LARGE, _("{name} is {size}; hta reads files of at most {size2} of this kind.").format(name=path.name, size=size_shown(info.st_size), size2=size_shown(limit)),
                          _("See docs/assessment-format.md, 'Limits'."))
        chunks, left = [], limit + 1  # a file that grows while it is read is still cut at the limit
        # os.read makes a buffer of the size asked for: asked for a byte more than the file holds, most
        # files take one read (and the one that finds the end) without a megabyte made and given back each
        ask = info.st_size + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, ask))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            ask = 1 << 16
    except OSError as exc:
        return refuse(rules.UNREADABLE_FILE, _("cannot read the file: {strerror}.").format(strerror=exc.strerror))
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if len(raw) > limit:
        return refuse(rules.FILE_TOO_LARGE, _("{name} is larger than {size}.").format(name=path.name, size=size_shown(limit)),
                      _("See docs/assessment-format.md, 'Limits'."))
    return raw, []


def _plainly_inside(path: Path, root: Path) -> bool:
    """Whether `path` is `root`/NAME or `root`/FOLDER/…/NAME with no folder between them a link: opened
    with O_NOFOLLOW (no link as NAME either), it is then the file of that name in the folder, as resolve()
    would find, checked by one lstat per folder below `root` instead of one per component from /."""
    whole, top = os.fspath(path), os.fspath(root)
    if not whole.startswith(top + os.sep):
        return False
    parts = whole[len(top) + 1:].split(os.sep)
    if "" in parts or "." in parts or ".." in parts:
        return False
    for depth in range(1, len(parts)):
        try:
            if not stat.S_ISDIR(os.lstat(os.path.join(top, *parts[:depth])).st_mode):
                return False  # a link, or no folder
        except OSError:
            return False
    return True


@lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    """The assessment folder with its links followed: found once for all the files of one reading of it
    (`forget_folders` starts each reading afresh, so a folder made a link since is seen as one)."""
    return root.resolve()


@lru_cache(maxsize=8)
def file_inside(folder: Path, name: str) -> Path | None:
    """The file `name` (a path relative to `folder`, as assessment.yaml's `csl:` names one) with its links
    followed, if it is a plain file inside `folder`; found once for the checks of one reading that ask."""
    if "\0" in name:  # no file has it (a YAML "\0" escape), and the system refuses to look
        return None
    path = (folder / name).resolve()
    return path if _resolved(folder) in path.parents and path.is_file() else None


def forget_folders() -> None:
    _resolved.cache_clear()
    file_inside.cache_clear()


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a pipe")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a device")


def size_shown(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


# --- Text ----------------------------------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed and carriage return are text
_CONTROL_BYTES = bytes(byte for byte in range(128) if CONTROL.match(chr(byte)))
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f\ufffd]")


def read_text(path: Path, root: Path | None = None, windows_1252: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """A text file as UTF-8 (a BOM is allowed), with line breaks made `\\n`.

    `windows_1252`: accept a file that is Windows-1252 as a whole, as old Excel saves a CSV. A file that
    is mostly UTF-8 is never re-read in another encoding: its first wrong byte is a finding."""
    raw, problems = read_bytes(path, root, TEXT_LIMIT)
    if raw is None:
        return None, problems
    return decode_text(raw, Source(path), windows_1252)


def decode_text(raw: bytes, source: Source, windows_1252: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """`raw` as text, or the finding that says where it stops being text."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in raw[:4096]:
        return None, [source.at_line(rules.UNREADABLE_FILE, 1, _("this is not a text file."),
                                     _("Save it as plain text (UTF-8)."), 1)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        whole_1252 = _whole_windows_1252(raw)
        if windows_1252 and whole_1252:
            text = raw.decode("cp1252")
        else:
            line, column = _byte_position(raw, exc.start)
            hint = (_("The whole file looks saved as Windows-1252 (ANSI): save it again as UTF-8 (in Notepad or Excel: Save as → Encoding UTF-8).") if whole_1252 else
                    _("Retype the character at this place, or save the file again as UTF-8."))
            return None, [source.at_line(rules.NOT_UTF8, line, _("byte 0x{raw:02X} is not UTF-8 text.").format(raw=raw[exc.start]),
                                         hint, column)]
    # A control character is a byte of its own in UTF-8 and Windows-1252 alike: looked for in the bytes,
    # which bytes.translate goes through several times faster than a pattern goes through the text.
    control = CONTROL.search(text) if len(raw.translate(None, _CONTROL_BYTES)) != len(raw) else None
    if control:
        line, column = text_position(text, control.start())
        return None, [source.at_line(rules.CONTROL_CHARACTER, line,
                                     _("an invisible control character (U+{control:04X}) is in the text.").format(control=ord(control[0])),
                                     _("Delete it; retype the text around it if you cannot see it."), column)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _whole_windows_1252(raw: bytes) -> bool:
    """True when no character of `raw` is UTF-8 beyond ASCII and every byte is a Windows-1252 character."""
    if _BEYOND_ASCII.search(raw.decode("utf-8", errors="replace")):
        return False
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of the byte at `offset`, all of whose predecessors are UTF-8."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8")) + 1


def text_position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1
