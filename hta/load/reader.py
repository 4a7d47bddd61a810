"""Read the files of an assessment folder into plain data that remembers where each value stands.

Every file of an assessment is read by one reader, `read_bytes`: it refuses a file that leads outside
the assessment folder, a name that is not a plain file, and a file over its size limit. Text is UTF-8,
strictly (`read_text`); YAML (`read_yaml`), JSON (`strict_json`) and tables (`read_table`) are parsed with
bounds on what a file can make the reader build. Every problem is a finding with a place, never an
exception; a finding quotes at most a short excerpt of a file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

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

    try:
        resolved = path.resolve()  # every link followed, `..` taken away
    except (RuntimeError, OSError):  # a link loop: RuntimeError up to Python 3.12, OSError after
        return refuse(rules.NOT_A_FILE, _("{name} is a link that leads back to itself.").format(name=path.name),
                      _("Replace the link by the file itself."))
    if root is not None and not resolved.is_relative_to(_resolved(root)):
        # Said without the target: whether a file exists outside the folder is none of the report's business.
        return refuse(rules.OUTSIDE_FOLDER, _("{name} leads outside the assessment folder.").format(name=path.name),
                      _("Copy the file into the assessment folder; a link or a path out of it is never read."))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
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
            return refuse(rules.FILE_TOO_LARGE, _("{name} is {size}; hta reads files of at most {size2} of this kind.").format(name=path.name, size=_size(info.st_size), size2=_size(limit)),
                          _("See docs/assessment-format.md, 'Limits'."))
        chunks, left = [], limit + 1  # a file that grows while it is read is still cut at the limit
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        return refuse(rules.UNREADABLE_FILE, _("cannot read the file: {strerror}.").format(strerror=exc.strerror))
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if len(raw) > limit:
        return refuse(rules.FILE_TOO_LARGE, _("{name} is larger than {size}.").format(name=path.name, size=_size(limit)),
                      _("See docs/assessment-format.md, 'Limits'."))
    return raw, []


@lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    """The assessment folder with its links followed: found once for all the files of one reading of it
    (`forget_folders` starts each reading afresh, so a folder made a link since is seen as one)."""
    return root.resolve()


def forget_folders() -> None:
    _resolved.cache_clear()


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a pipe")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a device")


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


# --- Text ----------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed and carriage return are text
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
    control = _CONTROL.search(text)
    if control:
        line, column = _text_position(text, control.start())
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


def _text_position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- YAML ----------------------------------------------------------------------------------------------

def read_yaml(path: Path, root: Path | None = None) -> Loaded:
    """Parse YAML keeping each value's position; every problem becomes one finding."""
    source = Source(path)
    text, problems = read_text(path, root)
    if text is None:
        return Loaded(source, None, problems)
    source.text = text
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return Loaded(source, None, [source.at_line(rules.EMPTY_FILE, 1, _("{name} is empty.").format(name=path.name),
                                                    _("Write its content, or copy it from `hta new`."), 1)])
    return parse_yaml(text, source)


def parse_yaml(text: str, source: Source) -> Loaded:
    """YAML text as plain values (mappings, lists, text, numbers, true/false, null), built from the parser's
    events: no tag builds anything else, no alias repeats a value, and nesting stops at MAX_DEPTH.

    The events come from libyaml (ruamel.yaml.clib's CParser), some twenty times faster than ruamel's
    parser in Python and giving the same events with the same marks for plain YAML. Where libyaml stops at
    a syntax error, or meets what the two parsers spell differently (tags, anchors, aliases, directives),
    the file is read again with ruamel's own parser, so the values and findings are the ones it gives."""
    directive = _VERSION.search(text)
    if directive and directive[1] not in ("1.1", "1.2"):  # ruamel's parser asserts on any other, or none
        line = text.count("\n", 0, directive.start()) + 1
        return Loaded(source, None, [source.at_line(
            rules.INVALID_YAML, line, _("YAML syntax error: there is no YAML version \"{value}\".").format(value=clip(directive[1] or '', 20)),
            _("Delete the %YAML line: the files need none."), 1)])
    fast = _c_parser()
    if fast is not None and not _LIBYAML_DIFFERS.search(text):
        positions = dict(source.positions)
        loaded = _parse_yaml_events(text, source, fast)
        if loaded is not None:
            return loaded
        source.positions = positions  # what the fast reading had placed before it stopped
    return _parse_yaml_events(text, source, None)


_VERSION = re.compile(r"^%YAML(?:[ \t]+(\S*))?", re.M)

# Where libyaml and ruamel's parser part: libyaml lets a tab stand after a value, and the line breaks
# beyond ASCII are YAML 1.1's. A file with any of them is read by ruamel's parser alone.
_LIBYAML_DIFFERS = re.compile("[\t\x85\u2028\u2029]")


@cache
def _c_parser() -> Any:
    """libyaml's event parser as ruamel.yaml.clib builds it, or None where that is not installed."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        return None
    return CParser


def _c_events(text: str, parser_class: Any) -> Iterator[Any]:
    parser = parser_class(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            yield event
    finally:
        parser.dispose()


def _parse_yaml_events(text: str, source: Source, c_parser: Any) -> Loaded | None:
    """The values of `text` from the events of `c_parser` (libyaml), or of ruamel's parser when None.
    None when libyaml stops at an error: its wording and place are not those of ruamel's parser."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    builder = _YamlBuilder(source, _resolver())
    try:
        events = _c_events(text, c_parser) if c_parser is not None else _pure_yaml().parse(text)
        for event in events:
            if c_parser is not None and _not_for_libyaml(event):
                return None
            problem = builder.feed(event)
            if problem is not None:
                return Loaded(source, None, [problem])
    except MarkedYAMLError as exc:
        if c_parser is not None:
            return None
        return Loaded(source, None, [_syntax_error(source, text, exc)])
    except ReaderError as exc:  # a character YAML does not allow; the text reader lets few through
        if c_parser is not None:
            return None
        line, column = _text_position(text, min(exc.position, len(text)))
        return Loaded(source, None, [source.at_line(rules.INVALID_YAML, line, _("YAML cannot hold the character U+{character:04X}.").format(character=exc.character) if isinstance(exc.character, int) else
                                                    _("YAML cannot hold a character here."), _("Delete it."), column)])
    except YAMLError as exc:
        if c_parser is not None:
            return None
        return Loaded(source, None, [source.at_line(rules.INVALID_YAML, 1, _("YAML syntax error: {exc}.").format(exc=clip(str(exc), 120)),
                                                    "", 1)])
    source.positions.setdefault((), (1, 1))
    return Loaded(source, builder.root)


def _not_for_libyaml(event: Any) -> bool:
    """Whether an event is one libyaml may spell otherwise than ruamel (it reads `!!!int` as another tag,
    and places a value left empty at the colon, ruamel at what follows), or one that is a finding or a
    directive anyway: rare in an assessment, so left to ruamel's parser."""
    doubt = _libyaml_doubts().get(type(event))
    return doubt is not None and doubt(event)


@cache
def _libyaml_doubts() -> dict[type, Callable[[Any], bool]]:
    """What `_not_for_libyaml` asks of each kind of event (the ends of a stream, document, mapping or list
    carry nothing to doubt): asked by kind, as a file has hundreds of events."""
    from ruamel.yaml import events

    def node(event: Any) -> bool:
        return event.tag is not None or event.anchor is not None

    return {events.ScalarEvent: lambda e: e.value == "" and not e.style or node(e),  # plain: libyaml says ""
            events.MappingStartEvent: node, events.SequenceStartEvent: node,
            events.DocumentStartEvent: lambda e: e.version is not None or bool(e.tags),
            events.AliasEvent: lambda e: True}


def _pure_yaml() -> Any:
    from ruamel.yaml import YAML

    # The safe parser: the round-trip one marks the folds of `>` scalars with BEL characters in the text.
    return YAML(typ="safe", pure=True)


@cache
def _resolver() -> Any:
    """How a plain scalar's tag is told from its text (YAML 1.2: `yes` is text, `0o17` a number). Only
    `resolve` is used, which keeps no state between calls, so one serves every file."""
    return _pure_yaml().resolver


_YAML_TYPES = "tag:yaml.org,2002:"
# The tags of plain values, each on the kind of value it names: `!!int [1, 2]` is refused like `!foo`.
_PLAIN_TAGS = {
    "ScalarEvent": {_YAML_TYPES + kind for kind in ("str", "int", "float", "bool", "null", "timestamp")},
    "MappingStartEvent": {_YAML_TYPES + "map"},
    "SequenceStartEvent": {_YAML_TYPES + "seq"},
}


_RESOLVED: dict[tuple[str, Any], str] = {}  # (text, implicit) → kind, for texts of at most _RESOLVED_TEXT
_RESOLVED_TEXT = 40
_RESOLVED_LIMIT = 100_000  # entries: a bound on the memory a long --watch or a huge library can take


@dataclass
class _Open:
    """A mapping or list being filled while the parser's events arrive."""

    value: dict[str, Any] | list[Any]
    loc: Loc
    key: str | None = None  # a mapping's key whose value is still to come


class _YamlBuilder:
    """Plain values from YAML events, with the position of each value and each key."""

    def __init__(self, source: Source, resolver: Any) -> None:
        from ruamel.yaml import events
        from ruamel.yaml.nodes import ScalarNode

        # imported once per file, not once per event: a file has thousands
        self.events, self.scalar_node = events, ScalarNode
        self.source, self.resolver = source, resolver
        self.stack: list[_Open] = []
        self.root: Any = None
        self.documents = 0

    def feed(self, event: Any) -> Diagnostic | None:
        events = self.events
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, events.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                return self.source.at_line(rules.INVALID_YAML, line, _("the file holds a second YAML document (after `---`)."),
                                           _("Keep one document: remove the `---` line and what follows, or merge it."), column)
        elif isinstance(event, events.AliasEvent):
            return self.source.at_line(rules.YAML_ALIAS, line, _("an alias (*{anchor}) repeats a value.").format(anchor=clip(str(event.anchor), 20)),
                                       _("Write the value itself here; anchors and aliases are not read."), column)
        elif isinstance(event, (events.ScalarEvent, events.MappingStartEvent, events.SequenceStartEvent)):
            if event.tag not in (None, "!") and event.tag not in _PLAIN_TAGS[type(event).__name__]:
                written = "!!" + event.tag.removeprefix(_YAML_TYPES) if event.tag.startswith(_YAML_TYPES) else event.tag
                return self.source.at_line(rules.YAML_TAG, line, _("the tag {written} is not read.").format(written=clip(written, 40)),
                                           _("Remove the tag and write the value as plain text, a number or a date."), column)
            return self._value(event, line, column)
        elif isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
            self.stack.pop()
        return None

    def _value(self, event: Any, line: int, column: int) -> Diagnostic | None:
        events = self.events
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            return self._key(parent, event, line, column)
        if parent is None:
            loc: Loc = ()
        elif isinstance(parent.value, dict):
            loc = parent.loc + (parent.key,)
        else:
            loc = parent.loc + (len(parent.value),)
        self.source.positions[loc] = (line, column)
        if isinstance(event, events.ScalarEvent):
            value = self._scalar(event, line, column)
            if isinstance(value, Diagnostic):
                return value
        else:
            if len(self.stack) >= MAX_DEPTH:
                return self.source.at_line(rules.TOO_DEEP, line, _("lists and mappings are nested deeper than {MAX_DEPTH} levels.").format(MAX_DEPTH=MAX_DEPTH),
                                           _("The format needs a few levels; check the brackets and indentation here."), column)
            value = {} if isinstance(event, events.MappingStartEvent) else []
            self.stack.append(_Open(value, loc))
        if parent is None:
            self.root = value
        elif isinstance(parent.value, dict):
            parent.value[parent.key] = value
            parent.key = None
        else:
            parent.value.append(value)
        return None

    def _key(self, mapping: _Open, event: Any, line: int, column: int) -> Diagnostic | None:
        if not isinstance(event, self.events.ScalarEvent):
            return self.source.at_line(rules.INVALID_YAML, line, _("a key must be a word, not a list or a mapping."),
                                       _("Write `key: value`."), column)
        key = event.value
        if key in mapping.value:
            return self.source.at_line(rules.DUPLICATE_KEY, line,
                                       _("the key \"{key}\" appears twice in the same mapping.").format(key=clip(key, 40)),
                                       _("Keep one of them."), column)
        mapping.key = key
        self.source.positions[("key",) + mapping.loc + (key,)] = (line, column)
        return None

    def _scalar(self, event: Any, line: int, column: int) -> Any:
        """The value of a scalar: text, a whole number, a decimal number, true/false or null.
        Dates stay text, so that pydantic reports an impossible date (2024-02-30) at its position."""
        text = event.value
        if event.tag not in (None, "!"):
            kind = str(event.tag).removeprefix(_YAML_TYPES)
        else:
            kind = self._resolved(text, event.implicit)
        if kind == "null":
            return None
        if kind == "bool":
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            return self._not_a(text, _("true or false"), line, column)
        if kind == "int":
            digits = text.replace("_", "")
            if len(digits.lstrip("+-")) > NUMBER_DIGITS:
                return self._not_a(text, _("whole number of at most {NUMBER_DIGITS} digits").format(NUMBER_DIGITS=NUMBER_DIGITS), line, column)
            for base in (0, 10):  # 0x1F, 0o17 and 0b101 as YAML writes them; 012 is twelve
                try:
                    return int(digits, base)
                except ValueError:
                    continue
            return self._not_a(text, _("whole number"), line, column)
        if kind == "float":
            try:
                number = float(text.replace("_", ""))
            except ValueError:  # .inf and .nan among them: no count or year is infinite
                return self._not_a(text, _("finite number"), line, column)
            if not math.isfinite(number):
                return self._not_a(text, _("finite number"), line, column)
            return number
        return text  # str and timestamp

    def _resolved(self, text: str, implicit: Any) -> str:
        """The kind of value an untagged scalar is (int, str, …) by ruamel's resolver, which depends on the
        text alone: short texts (keys, numbers, true/false, null) are remembered, as they recur thousands of
        times in a library."""
        if len(text) > _RESOLVED_TEXT:
            return str(self.resolver.resolve(self.scalar_node, text, implicit)).removeprefix(_YAML_TYPES)
        remembered = _RESOLVED.get((text, implicit))
        if remembered is None:
            # ruamel resolves to a Tag object, events carry text
            remembered = str(self.resolver.resolve(self.scalar_node, text, implicit)).removeprefix(_YAML_TYPES)
            if len(_RESOLVED) < _RESOLVED_LIMIT:
                _RESOLVED[(text, implicit)] = remembered
        return remembered

    def _not_a(self, text: str, what: str, line: int, column: int) -> Diagnostic:
        return self.source.at_line(rules.WRONG_SHAPE, line, _("{text} is not a {what}.").format(text=excerpt(text), what=what),
                                   _("Write the number in digits, or the text in quotes."), column)


def _syntax_error(source: Source, text: str, exc: Any) -> Diagnostic:
    """One finding at the place a reader would look: where an unclosed quote or bracket was opened."""
    lines = text.split("\n")
    mark = exc.problem_mark
    if mark is None or mark.line >= len(lines) or not lines[mark.line].strip():
        mark = exc.context_mark or mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = "; ".join(p for p in (exc.context, exc.problem) if p) or _("syntax error")
    tabbed = line <= len(lines) and "\t" in lines[line - 1]
    if tabbed:
        problem = _("a tab character where YAML expects spaces")
    hint = (_("Indent with spaces, never tabs.") if tabbed
            else _("Check the quotes, colons and indentation on this line and the one before."))
    return source.at_line(rules.INVALID_YAML, line, _("YAML syntax error: {problem}.").format(problem=clip(problem, 120)), hint, column)


# --- JSON ----------------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class _Refused(ValueError):
    def __init__(self, literal: str, message: str) -> None:
        super().__init__(message)
        self.literal, self.message = literal, message


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 defines it: no NaN or Infinity, numbers that fit, at most MAX_DEPTH levels.
    Raises json.JSONDecodeError, with its line and column, for anything else."""
    # Strings blanked to spaces of the same length: brackets and words inside them are text, not structure.
    blanked = _JSON_STRING.sub(lambda m: '"' + " " * (len(m[0]) - 2) + '"', text)
    depth = 0
    for bracket in _JSON_BRACKET.finditer(blanked):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > MAX_DEPTH:
            raise json.JSONDecodeError(_("lists and objects are nested deeper than {MAX_DEPTH} levels").format(MAX_DEPTH=MAX_DEPTH), text, bracket.start())

    def constant(name: str) -> Any:
        raise _Refused(name, _("{name} is not a number JSON allows; write null or leave the field out").format(name=name))

    def whole(literal: str) -> int:
        if len(literal.lstrip("-")) > NUMBER_DIGITS:
            raise _Refused(literal, _("a number of more than {NUMBER_DIGITS} digits").format(NUMBER_DIGITS=NUMBER_DIGITS))
        return int(literal)

    def decimal(literal: str) -> float:
        number = float(literal)
        if not math.isfinite(number):
            raise _Refused(literal, _("{literal} is too large for a number").format(literal=clip(literal, 20)))
        return number

    try:
        return json.loads(text, parse_constant=constant, parse_int=whole, parse_float=decimal)
    except _Refused as exc:
        raise json.JSONDecodeError(exc.message, text, max(blanked.find(exc.literal), 0)) from None


# --- Tables (CSV as Swedish Excel writes it, and XLSX) -------------------------------------------------

@dataclass
class Table:
    """Rows of a table file, each with the row number a spreadsheet shows (header = row 1)."""

    source: Source
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(path: Path, root: Path | None = None) -> tuple[Table | None, list[Diagnostic]]:
    """A CSV (comma, semicolon or tab; UTF-8, BOM or Windows-1252) or an XLSX sheet as text cells."""
    source = Source(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, root, source)
    text, problems = read_text(path, root, windows_1252=True)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [source.at_line(rules.EMPTY_FILE, 1, _("{name} is empty.").format(name=path.name),
                                     _("Write a header row and one row per included study."), 1)]
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        _place_columns(source, header)
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header) and sum(1 for h in header if h) <= 1:
                # a one-field title above the headings, as spreadsheets often have: said as what it is, the
                # same as validate.evidence_rows says it for a title row that has the table's width
                return None, [source.at_line(
                    rules.EVIDENCE_COLUMN, 1,
                    _("the first row must be the headings; they are in row {below}.").format(below=reader.line_num),
                    _("Delete the row(s) above row {below}, so that the headings stand in row 1.").format(
                        below=reader.line_num), 1)]
            if len(record) > len(header):
                return None, [source.at_line(
                    rules.INVALID_TABLE, reader.line_num,
                    _("row has {count} fields but the header has {count2}.").format(count=len(record), count2=len(header)),
                    _("Quote cells that contain \"{delimiter}\", or check for a stray separator.").format(delimiter=delimiter), 1)]
            record = record + [""] * (len(header) - len(record))
            rows.append((reader.line_num, {h: cell.strip() for h, cell in zip(header, record)}))
    except csv.Error as exc:
        return None, [source.at_line(rules.INVALID_TABLE, reader.line_num, _("cannot read the CSV: {exc}.").format(exc=exc), "", 1)]
    return Table(source, header, rows), []


def _place_columns(source: Source, header: list[str]) -> None:
    """Where each heading stands (row 1, its column), so a finding about a cell can name its column."""
    for number, heading in enumerate(header, start=1):
        source.positions.setdefault(("column", heading), (1, number))


def _read_xlsx(path: Path, root: Path | None, source: Source) -> tuple[Table | None, list[Diagnostic]]:
    import zipfile

    import pandas as pd

    raw, problems = read_bytes(path, root, WORKBOOK_LIMIT)
    if raw is None:
        return None, problems

    def unreadable(reason: str) -> tuple[None, list[Diagnostic]]:
        return None, [source.at_line(rules.INVALID_TABLE, 1, _("cannot read the workbook: {reason}.").format(reason=clip(reason, 120)),
                                     _("Open it in Excel and save it again as .xlsx."), 1)]

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return unreadable(_("it is not an Excel workbook ({exc})").format(exc=exc))
    if unpacked > WORKBOOK_UNPACKED_LIMIT:
        return None, [source.at_line(rules.FILE_TOO_LARGE, 1, _("{name} unpacks to {size}; hta reads workbooks of at most {size2} unpacked.").format(name=path.name, size=_size(unpacked), size2=_size(WORKBOOK_UNPACKED_LIMIT)),
                                     _("See docs/assessment-format.md, 'Limits'."), 1)]
    try:
        frame = pd.read_excel(io.BytesIO(raw), dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook; none of them is our bug
        return unreadable(str(exc) or type(exc).__name__)
    columns = [str(c).strip() for c in frame.columns]
    _place_columns(source, columns)
    rows = []
    for index, record in enumerate(frame.itertuples(index=False), start=2):
        cells = {c: str(v).strip() for c, v in zip(columns, record)}
        for number, value in enumerate(cells.values(), start=1):
            control = _CONTROL.search(value)
            if control:
                return None, [source.at_line(rules.CONTROL_CHARACTER, index,
                                             _("row {index}: an invisible control character (U+{control:04X}) is in a cell.").format(index=index, control=ord(control[0])), _("Delete it in Excel."), number)]
        if any(cells.values()):
            rows.append((index, cells))
    return Table(source, columns, rows), []
