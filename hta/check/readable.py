"""What the converters will make of an author's files, found out before the build: the citations and links
pandoc reads in prose, whether a CSL style and the pictures can be used, and characters no format holds."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..i18n import _
from ..load.reader import file_inside

if TYPE_CHECKING:
    from ..convert.convert import Pandoc

# C0 controls but tab, line feed and carriage return, and the two non-characters XML refuses.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RAW_CODE = re.compile(r"\{=[A-Za-z]\w*\}")  # `x`{=typst}, ```{=openxml}: read as text, shown as code
_C0 = bytes(byte for byte in range(128) if CONTROL.match(chr(byte)))


def has_control(text: str) -> bool:
    """Whether CONTROL finds a character in `text`, found faster in a long text: in UTF-8 a C0 control is a
    byte of its own, which bytes.translate finds several times faster than a pattern finds the character,
    and U+FFFE and U+FFFF are three bytes each that `in` jumps to (no other character's bytes hold them)."""
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw.translate(None, _C0)) != len(raw) or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw


@dataclass
class Reading:
    """The citations and links of one piece of prose, as pandoc's Markdown reader finds them."""

    citations: list[str] = field(default_factory=list)  # keys, in order: [@a], a bare @a, @{a}
    links: list[str] = field(default_factory=list)  # link targets, in order


# pandoc's citation key: a letter, digit or _, then those or single inner punctuation; @ must not follow a
# word character (an e-mail address is no citation). @{key} takes any key. The pattern starts with the @
# (the lookbehind after it): a pattern that starts with a lookbehind is tried at every character of the
# text, one that starts with a character is searched for it.
_CITATION = re.compile(r"@(?<![A-Za-z0-9_]@)(?:\{([^}\s]+)\}|([A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*))")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]*)|<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>|^ {0,3}\[(?!\^)[^\]]+\]:\s*<?([^\s>]+)", re.M)
# (`[^label]: text` defines a footnote, not a link.) _LINK less its last kind, a definition `[label]: target`
# (which needs a `]:`): each of the others starts with a character, so the text is searched for [ and < rather
# than tried at each character for a line's start.
_INLINE_LINK = re.compile(r"\[(?<!!\[)[^\]]*\]\(\s*<?([^)\s>]*)|<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
# _INLINE_LINK less `<address>`, for text without a <: one character to look for is found by a fast search
# of the text for it, a set of two by a test of each character in turn (eight times slower).
_BRACKET_LINK = re.compile(r"\[(?<!!\[)[^\]]*\]\(\s*<?([^)\s>]*)")
# a fenced code block opens: a line of ``` or ~~~ and perhaps its attributes (no backtick after a ``` fence)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}(?=[^`\n]*$)|~{3,})", re.MULTILINE)
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)  # within a paragraph


def code_blanked(text: str) -> str:
    """The text with its fenced code blocks and code spans made blank, lines and offsets kept: in code pandoc
    reads every mark as the character typed, so nothing there cites, links or nests. As pandoc's Markdown
    reader takes them: a code span ends within its paragraph and is opened by no escaped backtick (fences:
    `fences_blanked`)."""
    if "`" not in text:  # most prose has no code: not scanned for it
        return fences_blanked(text)
    return _CODE_SPAN.sub(lambda m: _blank(m[0]), fences_blanked(text))


def fences_blanked(text: str) -> str:
    """The text with its fenced code blocks made blank lines: a fence is code only when a line of at least as
    many of its marks closes it (a fence never closed is a line of text), and a ~~~ fence only where a block
    begins (under a paragraph's line pandoc reads it as text of the paragraph; a ``` fence it reads as code)."""
    if "`" not in text and "~~~" not in text:
        return text
    pieces, at, search_from = [], 0, 0
    while opening := _FENCE.search(text, search_from):
        fence = opening[1]
        above = text[:max(opening.start() - 1, 0)].rpartition("\n")[2]  # the line above the fence
        if fence[0] == "~" and above.strip() and not _BLOCK_LINE.match(above):
            search_from = opening.end()
            continue
        closing = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        start = text.find("\n", opening.end())
        closed = closing.search(text, start) if start != -1 else None
        if closed is None:
            search_from = opening.end()  # no code block: its line is read as text, code spans and all
            continue
        pieces += [text[at:opening.start()], _blank(text[opening.start():closed.end()])]
        at = search_from = closed.end()
    pieces.append(text[at:])
    return "".join(pieces)


HEADING_LINE = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")  # an ATX heading's line, as pandoc reads one
# a line after which a block may begin without a blank line: a heading, or a list item's line
_BLOCK_LINE = re.compile(rf"{HEADING_LINE.pattern}|[ \t]{{0,3}}(?:[-+*][ \t]|\d{{1,9}}[.)][ \t])")


def _blank(part: str) -> str:
    return re.sub(r"[^\n]", " ", part)


def read_prose(text: str) -> Reading:
    """Citations and links as pandoc reads them in `text`, its code blanked (`code_blanked`: pandoc reads
    neither in code), found without running pandoc: `hta check` of a whole library must take seconds, and a
    converter's bounds belong to the build."""
    # a citation holds an @, a link a [ or <: text without them is not scanned for them
    citations = [key for key, _at in cited_keys(text)] if "@" in text else []
    links = _LINK if "]:" in text else _INLINE_LINK if "<" in text else _BRACKET_LINK
    # each kind of link has one group, its target
    return Reading(citations=citations, links=[target for m in links.finditer(text) if (target := m[m.lastindex])]
                   if "[" in text or "<" in text else [])


def key_positions(text: str, key: str) -> Iterator[tuple[int, int]]:
    """(line offset, column) of each place `@key` or `@{key}` is written in `text` and read as a citation."""
    found = []
    # every place is one of the key as written, found by plain search; whether it is a citation is then
    # read around it with patterns fixed once (not one per key: a library has thousands of keys)
    for written in ("@" + key, "@{" + key + "}"):
        at = text.find(written)
        while at != -1:
            if _cited_at(text, at, key):
                found.append(at)
            at = text.find(written, at + 1)
    for at in sorted(found):
        yield text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1) + 1


def cited_keys(text: str) -> list[tuple[str, int]]:
    """Each citation's key in `text` (its code blanked) with the offset of its @, as pandoc reads them."""
    return [(m[1] or m[2], m.start()) for m in _CITATION.finditer(text) if not escaped(text, m.start())]


def _cited_at(text: str, at: int, key: str) -> bool:
    """Whether the @ at `at` begins a citation of `key`: `@{key}`, or `@key` that no key character or inner
    punctuation goes on from, with no word character before the @ (or before a `-` before it: -@key)."""
    if not (text.startswith("{" + key + "}", at + 1)
            or text.startswith(key, at + 1) and _KEY_ENDS.match(text, at + 1 + len(key))):
        return False
    return not escaped(text, at) and (_NO_WORD_BEFORE.match(text, at) is not None
                                      or at > 0 and text[at - 1] == "-" and _NO_WORD_BEFORE.match(text, at - 1) is not None)


def escaped(text: str, at: int) -> bool:
    """Whether the character at `at` is escaped: an odd number of backslashes before it (\\@key is the
    character @, as pandoc reads it, and \\\\@key a backslash and a citation)."""
    start = at
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (at - start) % 2 == 1


_NO_WORD_BEFORE = re.compile(r"(?<![A-Za-z0-9_])")  # matches, empty, where no word character stands before
_KEY_ENDS = re.compile(r"(?![A-Za-z0-9_]|[:.#$%&\-+?<>~/][A-Za-z0-9_])")


def text_positions(text: str, needle: str) -> Iterator[tuple[int, int]]:
    for offset, line in enumerate(text.split("\n")):
        start = line.find(needle)
        while start != -1:
            yield offset, start + 1
            start = line.find(needle, start + 1)


# --- Citation styles ---------------------------------------------------------------------------------

CSL_NS = "{http://purl.org/net/xbiblio/csl}"
_TRIAL = """---
references:
- id: trial
  type: book
  title: Trial
  author: [{family: Andersson, given: Anna}]
  issued: {date-parts: [[2020]]}
---
[@trial]
"""


@dataclass(frozen=True)
class Problem:
    """Why a file cannot be used, and where in it (1-based; None when it is the whole file)."""

    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None  # what to do instead, when the finding's usual hint does not say it


def csl_problem(path: Path) -> Problem | None:
    """Whether `path` is an independent CSL style pandoc can format with; the first reason it is not.
    A style found good is remembered by its content for the rest of the run: a library's assessments
    mostly share one, and pandoc (in its sandbox) reads nothing but the style. A bad one is tried again
    each time, so that its message is about its own file."""
    import hashlib

    content = path.read_bytes()
    digest = hashlib.sha256(content).digest()
    trial = _TRIALS.pop(digest, None)
    try:
        if digest in _GOOD_STYLES:
            return None
        problem = _csl_problem(path, content, trial)
    finally:
        if trial is not None:
            trial.stop()  # ended by now, unless the style failed before pandoc was asked
    if problem is None:
        _GOOD_STYLES.add(digest)
    return problem


_GOOD_STYLES: set[bytes] = set()  # the SHA-256 of each style pandoc has formatted citations with
_TRIALS: dict[bytes, Pandoc] = {}  # pandoc formatting with a style, by the style's SHA-256


def start_csl_trial(folder: Path, csl: str) -> None:
    """pandoc's trial of the style an assessment names, started as soon as assessment.yaml is read: it runs
    while the rest of the assessment is read and checked, and `csl_problem` takes its answer. Only a file
    inside the assessment folder is tried (the checks say what is wrong with any other)."""
    import hashlib

    from ..convert.convert import Pandoc

    style = file_inside(folder, csl)
    if style is None:
        return
    try:
        digest = hashlib.sha256(style.read_bytes()).digest()
    except OSError:
        return
    if digest not in _GOOD_STYLES and digest not in _TRIALS:
        _TRIALS[digest] = Pandoc(_trial_arguments(style), style.parent, _TRIAL)


def _trial_arguments(style: Path) -> list[str]:
    return ["--from=markdown", "--to=plain", "--citeproc", f"--csl={style.resolve()}"]


def _csl_problem(path: Path, content: bytes, trial: Pandoc | None = None) -> Problem | None:
    import io
    import xml.etree.ElementTree as ET

    from ..convert.convert import ConversionError, Pandoc

    try:
        root = ET.parse(io.BytesIO(content)).getroot()
    except ET.ParseError as exc:
        line, column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        return Problem(_("the citation style is not well-formed XML: {first_line}.").format(first_line=_first_line(reason)), line, column + 1)
    if root.tag != f"{CSL_NS}style":
        return Problem(_("the citation style's root element is <{element}>, not a CSL <style>.").format(element=root.tag.split('}')[-1]), 1, 1)
    if root.find(f"{CSL_NS}citation/{CSL_NS}layout") is None:
        return Problem(_("the citation style has no <citation> layout: it is a dependent style, or incomplete."), 1, 1)
    try:
        (trial or Pandoc(_trial_arguments(path), path.parent, _TRIAL)).output()
    except ConversionError as exc:
        return Problem(_("pandoc cannot format citations with it: {first_line}.").format(first_line=_first_line(str(exc).split(chr(10), 1)[-1])), 1, 1)
    return None


def _first_line(text: str) -> str:
    line = text.strip().split("\n")[0].strip().rstrip(".")
    return line if len(line) <= 160 else line[:159] + "…"


# --- Pictures ----------------------------------------------------------------------------------------

MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
         ".gif": (b"GIF87a", b"GIF89a")}
KIND = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".svg": "SVG"}


def picture_problem(path: Path, content: bytes) -> Problem | None:
    """Whether the picture (`content`, as the reader read `path`) is what its name says and decodes where it
    is hardest to: Typst (the PDF), and for SVG also the PNG rendering Word gets."""
    suffix = path.suffix.lower()
    kind = KIND[suffix]
    if suffix in MAGIC and not content.startswith(MAGIC[suffix]):
        return Problem(_("{name} is not a {kind} picture (its first bytes say otherwise).").format(name=path.name, kind=kind))
    # Typst first, as the PDF draws it: alone in a folder, an SVG that links another file (a picture elsewhere on
    # the computer) fails here; then as Word's PNG is drawn.
    problem = _typst_problem(path, content, kind)
    if problem or suffix != ".svg":
        return problem
    from ..render.raster import LARGEST_SIDE_CM, PictureTooLarge, flow_png

    try:
        flow_png(content.decode("utf-8"))
    except PictureTooLarge as exc:
        return Problem(_("{name} is {width} × {height} cm, too large to draw for the Word file (at most {limit} cm a side).").format(
            name=path.name, width=round(exc.width_cm), height=round(exc.height_cm), limit=LARGEST_SIDE_CM),
            hint=_("Give the picture a smaller width and height in its <svg> element; the reports scale it to the page."))
    except Exception as exc:  # Typst raises its own error types on what it cannot draw; UnicodeDecodeError too
        return Problem(_("{name} cannot be read as SVG: {first_line}.").format(name=path.name, first_line=_first_line(str(exc))))
    return None


def _typst_problem(path: Path, content: bytes, kind: str) -> Problem | None:
    import typst

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"picture{path.suffix.lower()}"
        target.write_bytes(content)
        try:
            typst.compile(f'#image("{target.name}")'.encode(), root=folder, format="pdf",
                          package_path=folder, package_cache_path=folder)
        except typst.TypstError as exc:
            return Problem(_("{name} cannot be decoded as {kind}: {first_line}.").format(name=path.name, kind=kind, first_line=_first_line(exc.message)))
    return None


# --- Characters --------------------------------------------------------------------------------------

def strings(value: Any, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """Every text value of a model, list or mapping, with the path of keys and indexes to it."""
    found: list[tuple[tuple, str]] = []

    # a list filled by plain recursion: nested generators pass each value up through every level
    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, str):
            found.append((loc, value))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), loc + (name,))
            for name, extra in (value.model_extra or {}).items():
                walk(extra, loc + (name,))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk(item, loc + (i,))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, loc + (key,))

    walk(value, loc)
    return found


def texts(value: Any) -> list[str]:
    """The text values `strings` finds, without where each is and in no set order: what a scan for a
    character needs, in a fraction of the time. A model's fields are its `__dict__`, which pydantic keeps
    them in (and whatever else is there, a cached value, is only more text to scan)."""
    found: list[str] = []
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, BaseModel):
            pending += value.__dict__.values()
            if value.model_extra:
                pending += value.model_extra.values()
        elif isinstance(value, (list, tuple)):
            pending += value
        elif isinstance(value, dict):
            pending += value.values()
    return found
