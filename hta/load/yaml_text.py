"""YAML read into plain values that remember where each stands: libyaml's events where it and ruamel's
parser agree, ruamel's parser where they part; no tag builds anything, no alias repeats a value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from .reader import MAX_DEPTH, NUMBER_DIGITS, Loaded, Loc, Source, text_position, clip, excerpt, read_text


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


def read_own_yaml(path: Path) -> Any:
    """The values of one of hta's own YAML files (labels, appraisal tools, the comments of `hta new`), read
    as every file is; one that cannot be read is a bug of hta, not a finding for an author."""
    loaded = read_yaml(path, path.parent)
    if loaded.data is None:
        raise ValueError(f"{path}: {'; '.join(d.text() for d in loaded.diagnostics)}")
    return loaded.data


def parse_yaml(text: str, source: Source) -> Loaded:
    """YAML text as plain values (mappings, lists, text, numbers, true/false, null), built from the parser's
    events: no tag builds anything else, no alias repeats a value, and nesting stops at MAX_DEPTH.

    The events come from libyaml (ruamel.yaml.clib's CParser), some twenty times faster than ruamel's
    parser in Python and giving the same events with the same marks for plain YAML. Where libyaml stops at
    a syntax error, or meets what the two parsers spell differently (tags, anchors, aliases, directives),
    the file is read again with ruamel's own parser, so the values and findings are the ones it gives."""
    directive = _VERSION.search(text) if "%YAML" in text else None  # a pattern from ^ is tried at every character
    if directive and directive[1] not in ("1.1", "1.2"):  # ruamel's parser asserts on any other, or none
        line = text.count("\n", 0, directive.start()) + 1
        return Loaded(source, None, [source.at_line(
            rules.INVALID_YAML, line, _("YAML syntax error: there is no YAML version \"{value}\".").format(value=clip(directive[1] or '', 20)),
            _("Delete the %YAML line: the files need none."), 1)])
    fast = _c_parser()
    # each of the few characters looked for by `in`, which goes through a text far faster than a pattern
    if fast is not None and not any(character in text for character in _LIBYAML_DIFFERS_AT):
        positions = dict(source.positions)
        loaded = _parse_yaml_events(text, source, fast)
        if loaded is not None:
            return loaded
        source.positions = positions  # what the fast reading had placed before it stopped
    return _parse_yaml_events(text, source, None)


_VERSION = re.compile(r"^%YAML(?:[ \t]+(\S*))?", re.M)

# Where libyaml and ruamel's parser part: libyaml lets a tab stand after a value, and the line breaks
# beyond ASCII are YAML 1.1's. A file with any of them is read by ruamel's parser alone.
_LIBYAML_DIFFERS_AT = "\t\x85\u2028\u2029"
_LIBYAML_DIFFERS = re.compile(f"[{_LIBYAML_DIFFERS_AT}]")


@cache
def _c_parser() -> Any:
    """libyaml's event parser as ruamel.yaml.clib builds it, or None where that is not installed."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        return None
    return CParser


class _LibyamlDiffers(Exception):
    """libyaml met what it may read otherwise than ruamel's parser: the file is read again by ruamel's."""


def _parse_yaml_events(text: str, source: Source, c_parser: Any) -> Loaded | None:
    """The values of `text` from the events of `c_parser` (libyaml), or of ruamel's parser when None.
    None when libyaml stops at an error: its wording and place are not those of ruamel's parser."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    builder = _YamlBuilder(source, _resolver(), libyaml=c_parser is not None)
    parser = None
    try:
        if c_parser is not None:
            parser = c_parser(text)
            # pulled until libyaml's None by iter() itself: no generator between it and the builder
            problem = builder.build(iter(parser.get_event, None))
        else:
            problem = builder.build(_pure_yaml().parse(text))
        if problem is not None:
            return Loaded(source, None, [problem])
    except _LibyamlDiffers:
        return None
    except MarkedYAMLError as exc:
        if c_parser is not None:
            return None
        return Loaded(source, None, [_syntax_error(source, text, exc)])
    except ReaderError as exc:  # a character YAML does not allow; the text reader lets few through
        if c_parser is not None:
            return None
        line, column = text_position(text, min(exc.position, len(text)))
        return Loaded(source, None, [source.at_line(rules.INVALID_YAML, line, _("YAML cannot hold the character U+{character:04X}.").format(character=exc.character) if isinstance(exc.character, int) else
                                                    _("YAML cannot hold a character here."), _("Delete it."), column)])
    except YAMLError as exc:
        if c_parser is not None:
            return None
        return Loaded(source, None, [source.at_line(rules.INVALID_YAML, 1, _("YAML syntax error: {exc}.").format(exc=clip(str(exc), 120)),
                                                    "", 1)])
    finally:
        if parser is not None:
            parser.dispose()
    source.positions.setdefault((), (1, 1))
    return Loaded(source, builder.root)


def _not_for_libyaml(event: Any) -> bool:
    """Whether an event other than a scalar, mapping or list is one libyaml may spell otherwise than ruamel,
    or one that is a finding or a directive anyway: rare in an assessment, so left to ruamel's parser.
    (Of those three, _YamlBuilder.build asks the same itself.)"""
    doubt = _libyaml_doubts().get(type(event))
    return doubt is not None and doubt(event)


@cache
def _libyaml_doubts() -> dict[type, Callable[[Any], bool]]:
    """What `_not_for_libyaml` asks of each kind of event (the ends of a stream, document, mapping or list
    carry nothing to doubt)."""
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


@cache
def _typed_starts() -> frozenset[str] | None:
    """The first characters of the plain scalars ruamel's resolver may read as other than text (digits,
    signs, `.`, `~` and the first letters of true, false and null, …): its patterns are filed by them.
    None if it has patterns it tries whatever the first character (its YAML 1.2 has none)."""
    patterns = _resolver().versioned_resolver
    return None if patterns.get(None) else frozenset(first for first in patterns if first)


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


@dataclass(slots=True)
class _Open:
    """A mapping or list being filled while the parser's events arrive."""

    value: dict[str, Any] | list[Any]
    loc: Loc
    key: str | None = None  # a mapping's key whose value is still to come


class _YamlBuilder:
    """Plain values from YAML events, with the position of each value and each key.

    A file has hundreds of events, most of them scalars: `build` takes scalars, mappings and lists by their
    exact kind, and reads an event's tag from its slot (`ctag`; `tag` is a property that makes a string)."""

    def __init__(self, source: Source, resolver: Any, libyaml: bool = False) -> None:
        from ruamel.yaml import events
        from ruamel.yaml.nodes import ScalarNode

        # imported once per file, not once per event
        self.events, self.scalar_node = events, ScalarNode
        self.scalar_event, self.mapping_event = events.ScalarEvent, events.MappingStartEvent
        self.source, self.resolver = source, resolver
        self.positions = source.positions
        self.libyaml = libyaml  # whether the events are libyaml's, to be doubted as _not_for_libyaml says
        self.stack: list[_Open] = []
        self.root: Any = None
        self.documents = 0

    def build(self, events: Iterable[Any]) -> Diagnostic | None:
        """Every event into the values; the first finding stops it. Raises _LibyamlDiffers where libyaml's
        events are in doubt."""
        scalar, mapping, sequence = self.events.ScalarEvent, self.events.MappingStartEvent, self.events.SequenceStartEvent
        mapping_end, sequence_end = self.events.MappingEndEvent, self.events.SequenceEndEvent
        libyaml, stack = self.libyaml, self.stack
        for event in events:
            kind = type(event)
            if kind is scalar or kind is mapping or kind is sequence:
                # what _not_for_libyaml asks of these: a plain scalar left empty, a tag, an anchor
                if libyaml and (event.ctag is not None or event.anchor is not None
                                or kind is scalar and event.value == "" and not event.style):
                    raise _LibyamlDiffers
                problem = self._node(event, kind)
            elif kind is mapping_end or kind is sequence_end:
                stack.pop()
                continue
            else:
                if libyaml and _not_for_libyaml(event):
                    raise _LibyamlDiffers
                problem = self.feed(event)
            if problem is not None:
                return problem
        return None

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
            return self._node(event, type(event))
        elif isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
            self.stack.pop()
        return None

    def _node(self, event: Any, kind: type) -> Diagnostic | None:
        """A scalar, mapping or list: a key, or a value placed in what holds it."""
        mark = event.start_mark
        position = line, column = mark.line + 1, mark.column + 1
        tag = event.ctag
        if tag is not None and str(tag) != "!" and str(tag) not in _PLAIN_TAGS[kind.__name__]:
            tag = str(tag)
            written = "!!" + tag.removeprefix(_YAML_TYPES) if tag.startswith(_YAML_TYPES) else tag
            return self.source.at_line(rules.YAML_TAG, line, _("the tag {written} is not read.").format(written=clip(written, 40)),
                                       _("Remove the tag and write the value as plain text, a number or a date."), column)
        stack = self.stack
        parent = stack[-1] if stack else None
        if parent is None:
            loc: Loc = ()
        elif type(parent.value) is dict:
            if parent.key is None:
                return self._key(parent, event, kind, position)
            loc = parent.loc + (parent.key,)
        else:
            loc = parent.loc + (len(parent.value),)
        self.positions[loc] = position
        if kind is self.scalar_event:
            value = self._scalar(event, line, column)
            if isinstance(value, Diagnostic):
                return value
        else:
            if len(stack) >= MAX_DEPTH:
                return self.source.at_line(rules.TOO_DEEP, line, _("lists and mappings are nested deeper than {MAX_DEPTH} levels.").format(MAX_DEPTH=MAX_DEPTH),
                                           _("The format needs a few levels; check the brackets and indentation here."), column)
            value = {} if kind is self.mapping_event else []
            stack.append(_Open(value, loc))
        if parent is None:
            self.root = value
        elif parent.key is not None:
            parent.value[parent.key] = value
            parent.key = None
        else:
            parent.value.append(value)
        return None

    def _key(self, mapping: _Open, event: Any, kind: type, position: tuple[int, int]) -> Diagnostic | None:
        line, column = position
        if kind is not self.scalar_event:
            return self.source.at_line(rules.INVALID_YAML, line, _("a key must be a word, not a list or a mapping."),
                                       _("Write `key: value`."), column)
        key = event.value
        if key in mapping.value:
            return self.source.at_line(rules.DUPLICATE_KEY, line,
                                       _("the key \"{key}\" appears twice in the same mapping.").format(key=clip(key, 40)),
                                       _("Keep one of them."), column)
        mapping.key = key
        self.positions[("key",) + mapping.loc + (key,)] = position
        return None

    def _scalar(self, event: Any, line: int, column: int) -> Any:
        """The value of a scalar: text, a whole number, a decimal number, true/false or null.
        Dates stay text, so that pydantic reports an impossible date (2024-02-30) at its position."""
        text = event.value
        tag = event.ctag
        if tag is not None and str(tag) != "!":
            kind = str(tag).removeprefix(_YAML_TYPES)
        else:  # most often a short text remembered: looked up here, not in a call per scalar
            kind = (len(text) <= _RESOLVED_TEXT and _RESOLVED.get((text, event.implicit))
                    or self._resolved(text, event.implicit))
        if kind == "str" or kind == "timestamp":
            return text
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
        return text  # any other tag ruamel resolves to

    def _resolved(self, text: str, implicit: Any) -> str:
        """The kind of value an untagged scalar is (int, str, …) by ruamel's resolver, which depends on the
        text alone: short texts (keys, numbers, true/false, null) are remembered, as they recur thousands of
        times in a library. Text for certain, as the resolver would find, without asking it: a quoted or block
        scalar, and a plain one whose first character begins none of the resolver's patterns (most prose)."""
        starts = _typed_starts()
        if not implicit[0] or starts is not None and text and text[0] not in starts:
            return "str"
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
