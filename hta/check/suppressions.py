"""Suppressions: an author marks a finding as intended, with the rule and a reason, as linters take `noqa`.

In a section (Markdown) the mark is an HTML comment, which the report never shows:

    Behandlingen kostar 12 000 kr per patient. <!-- hta: ignore HTA501 – beloppet är kronor, inte en räkning -->

In a YAML file it is a `#` comment. A mark beside text covers the line(s) it stands on; a mark alone on its
line(s) covers the line after it. It silences only findings of the rules it names on those lines, and only
when it gives a reason: a reviewer reads every mark with `hta check --show-suppressed`. A mark without a
reason, or naming no rule, is itself a finding (HTA505); a mark that silences nothing is a note (HTA506).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import rules
from ..diagnostics import Diagnostic
from ..i18n import _
from ..load.reader import Source, read_text
from ..model.assessment import Assessment

_MARK = re.compile(r"hta:\s*ignore\b(.*)", re.I | re.S)
_CODES = re.compile(r"[\s,:]*((?:HTA\d{3}\b[\s,]*)+)", re.I)
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_YAML_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


@dataclass(frozen=True)
class Suppression:
    """One `hta: ignore` mark: where it stands, the lines it covers, the rules it names and why."""

    source: Source
    line: int
    column: int
    covers: tuple[int, ...]
    codes: tuple[str, ...]
    reason: str

    @property
    def path(self) -> str:
        return self.source.shown

    def silences(self, d: Diagnostic) -> bool:
        return bool(self.reason) and d.path == self.path and d.line in self.covers and d.code in self.codes

    def text(self) -> str:
        """The line `hta check --show-suppressed` prints for it."""
        codes = ", ".join(self.codes) or _("(no rule)")
        what = (_("suppressed: {reason}").format(reason=self.reason) if self.reason
                else _("not suppressed: no reason given"))
        return f"{self.path}:{self.line}:{self.column}: {codes} {what}"


def marks(a: Assessment) -> list[Suppression]:
    """Every mark in the assessment's sections and YAML files, in file and line order."""
    found: list[Suppression] = []
    for section in a.sections.values():
        found += _marks_in(section.source, _html_comments)
    for name, source in sorted(a.sources.items()):
        if name.endswith(".yaml"):
            found += _marks_in(source, _yaml_comments)
    return sorted(found, key=lambda s: (s.path, s.line, s.column))


def apply(a: Assessment, findings: list[Diagnostic]) -> list[Diagnostic]:
    """The findings no mark silences, and the findings about the marks themselves."""
    found = marks(a)
    used: set[int] = set()
    kept = []
    for d in findings:
        silencing = [i for i, s in enumerate(found) if s.silences(d)]
        used.update(silencing)
        if not silencing:
            kept.append(d)
    for i, s in enumerate(found):
        kept += _about(s, i in used)
    return kept


def _about(s: Suppression, used: bool) -> list[Diagnostic]:
    shown = s.source.at_line
    unknown = [c for c in s.codes if c not in rules.RULES]
    if not s.codes:
        return [shown(rules.SUPPRESSION_INCOMPLETE, s.line, _("`hta: ignore` names no rule, so it silences nothing."),
                      _("Name the rule and say why: <!-- hta: ignore HTA501 – beloppet är kronor -->."), s.column)]
    if unknown:
        return [shown(rules.SUPPRESSION_INCOMPLETE, s.line,
                      _("`hta: ignore` names {codes}, which is no rule.").format(codes=", ".join(unknown)),
                      _("The codes are listed in docs/checks.en.md."), s.column)]
    codes = ", ".join(s.codes)
    if not s.reason:
        return [shown(rules.SUPPRESSION_INCOMPLETE, s.line,
                      _("`hta: ignore {codes}` gives no reason, so it silences nothing.").format(codes=codes),
                      _("Say why after a dash: hta: ignore {codes} – beloppet är kronor, inte en räkning.").format(codes=codes),
                      s.column)]
    if not used:
        return [shown(rules.UNUSED_SUPPRESSION, s.line,
                      _("`hta: ignore {codes}` silences nothing on the line it covers.").format(codes=codes),
                      _("Remove it, or move it beside the text it is about."), s.column)]
    return []


def _marks_in(source: Source, comments) -> list[Suppression]:
    # the text as it was read; else read again: a file that cannot be read is already a finding of its own
    text = source.text if source.text is not None else read_text(source.path)[0]
    if text is None or "hta:" not in text.lower():
        return []
    lines = text.split("\n")
    found = []
    for start, end, column, body, alone in comments(text, lines):
        mark = _MARK.search(body)
        if mark is None:
            continue
        rest = mark[1]
        codes_match = _CODES.match(rest)
        codes = tuple(c.upper() for c in re.findall(r"HTA\d{3}", codes_match[1], re.I)) if codes_match else ()
        reason = rest[codes_match.end():] if codes_match else rest
        reason = " ".join(reason.strip().lstrip("-–—:").split())
        covers = (end + 1,) if alone else tuple(range(start, end + 1))
        found.append(Suppression(source, start, column, covers, codes, reason))
    return found


def _html_comments(text: str, lines: list[str]):
    """(first line, last line, column, text, alone on its lines) of each <!-- comment -->."""
    for m in _HTML_COMMENT.finditer(text):
        start = text.count("\n", 0, m.start()) + 1
        end = start + m[0].count("\n")
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        around = text[line_start:m.start()] + text[m.end():len(text) if line_end < 0 else line_end]
        yield start, end, m.start() - line_start + 1, m[1], not _HTML_COMMENT.sub("", around).strip()


def _yaml_comments(text: str, lines: list[str]):
    """(line, line, column, text, alone on its line) of each `# comment` of a YAML file."""
    for number, line in enumerate(lines, start=1):
        m = _YAML_COMMENT.search(line)
        if m:
            hash_at = line.index("#", m.start())
            yield number, number, hash_at + 1, m[1], not line[:hash_at].strip()
