"""Summary-of-findings tables and conclusions that name their evidence, as the report's Markdown.

One table per PICO and comparison: outcome, studies (participants), effect, certainty as symbols and in
words, each rating down or up a lettered footnote under the table. Each conclusion bullet is followed by
the outcomes it rests on, linked to their rows; in HTML each row links back to its bullets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from string import ascii_lowercase

from ..model.assessment import Assessment, Bullet, Count, slug
from ..model.certainty import Rating, comparisons, ratings_of
from ..model.labels import Labels
from ..model.notation import Level, symbols
from .qmd import escape_markdown

SYMBOLS_CLASS = "sof-symbols"  # the ⊕◯ of a certainty cell: hidden from screen readers, the words beside say it


def row_id(pico_index: int, comparison_index: int, outcome: str) -> str:
    """The anchor of an outcome's row: plain letters and digits in every format."""
    return f"sof-{pico_index + 1}-{comparison_index + 1}-{slug(outcome) or 'x'}"


def bullet_id(key: str, index: int) -> str:
    return f"conclusion-{key}-{index + 1}"


@dataclass(frozen=True)
class Row:
    """One row of a summary-of-findings table, its cells as Markdown."""

    anchor: str
    outcome: str
    studies: str
    effect: str
    certainty: str


def _count(value: Count | None, labels: Labels) -> str:
    return str(value) if isinstance(value, int) else labels.certainty.participants_unknown


def _studies(rating: Rating, labels: Labels) -> str:
    if rating.studies is None and rating.participants is None:
        return ""
    words = labels.certainty.studies_value.format(studies=_count(rating.studies, labels),
                                                  participants=_count(rating.participants, labels))
    design = f"; {rating.design}" if rating.design else ""
    return escape_markdown(words + design)


def _effect(rating: Rating) -> str:
    parts = [p for p in (rating.relative_effect, rating.absolute_effect, rating.effect) if p]
    return escape_markdown("; ".join(parts))


def _notes(rating: Rating, labels: Labels, letters: list[str]) -> list[tuple[str, str]]:
    """(letter, text) of each rating down and up of `rating`, taking letters from `letters`."""
    words = labels.certainty
    notes = []
    for change, template in [(d, words.rated_down) for d in rating.down] + [(u, words.rated_up) for u in rating.up]:
        text = template.format(steps=words.steps[change.levels - 1], reason=words.reasons[change.reason.value])
        if change.explanation:
            text += ": " + change.explanation.rstrip(".") + "."
        else:
            text += "."
        notes.append((letters.pop(0), text))
    return notes


def _certainty_cell(rating: Rating, labels: Labels, marks: list[str]) -> str:
    level = rating.level or Level.NOT_ASSESSED
    words = escape_markdown(labels.certainty.levels[level.value])
    if level is Level.NOT_ASSESSED:
        cell = words + (": " + escape_markdown(rating.reason) if rating.reason else "")
    elif not labels.certainty.symbols:  # a house style that writes certainty in words alone
        cell = words
    else:
        cell = f"[{symbols(level)}]{{.{SYMBOLS_CLASS}}} {words}"
    return cell + (f"^{','.join(marks)}^" if marks else "")


def tables(assessment: Assessment, labels: Labels) -> str:
    """Every summary-of-findings table of the assessment as Markdown; empty without ratings."""
    if not assessment.certainty:
        return ""
    blocks = []
    for p, pico in enumerate(assessment.picos):
        ratings = ratings_of(assessment.certainty, pico, assessment.picos)
        names = {o.id: o.name for o in pico.all_outcomes()}
        order = [o.id for o in pico.all_outcomes()]
        for c, comparison in enumerate(comparisons(ratings)):
            rows = sorted((r for r in ratings if r.comparison == comparison and r.outcome in names),
                          key=lambda r: order.index(r.outcome))
            if rows:
                blocks.append(_table(p, c, pico.title, comparison, rows, names, labels))
    return "\n\n".join(blocks)


def _table(p: int, c: int, pico_title: str, comparison: str, ratings: list[Rating], names: dict[str, str],
           labels: Labels) -> str:
    words = labels.certainty
    letters = list(ascii_lowercase) + [f"{a}{b}" for a in ascii_lowercase for b in ascii_lowercase]
    notes: list[tuple[str, str]] = []
    lines = [f"| {escape_markdown(words.outcome)} | {escape_markdown(words.studies)} | "
             f"{escape_markdown(words.effect)} | {escape_markdown(words.certainty)} |",
             "|:--------------|:----------|:----------------|:------------|"]
    for rating in ratings:
        own = _notes(rating, labels, letters)
        notes += own
        anchor = row_id(p, c, rating.outcome)
        lines.append(f"| [{escape_markdown(names[rating.outcome])}]{{#{anchor}}} | {_studies(rating, labels)} | "
                     f"{_effect(rating)} | {_certainty_cell(rating, labels, [m for m, _t in own])} |")
    title = ": ".join(escape_markdown(t) for t in (words.table, pico_title, comparison) if t)
    out = "\n".join(lines) + f"\n\n: {title} {{#tbl-sof-{p + 1}-{c + 1}}}\n"
    if notes:
        out += "\n::: {.sof-notes}\n" + "\n".join(f"^{m}^ {escape_markdown(t)}\\" for m, t in notes)
        out = out.removesuffix("\\") + "\n:::\n"
    return out


# --- Conclusions ----------------------------------------------------------------------------------

def first_rows(assessment: Assessment) -> dict[str, str]:
    """Each rated outcome id → the anchor of its first row (the first PICO and comparison rating it)."""
    anchors: dict[str, str] = {}
    for p, pico in enumerate(assessment.picos):
        ratings = ratings_of(assessment.certainty, pico, assessment.picos)
        for c, comparison in enumerate(comparisons(ratings)):
            for r in ratings:
                if r.comparison == comparison:
                    anchors.setdefault(r.outcome, row_id(p, c, r.outcome))
    return anchors


def bullet_markdown(text: str, bullet: Bullet, key: str, index: int, assessment: Assessment,
                    labels: Labels, linked: bool = True) -> str:
    """A conclusion bullet (its Markdown `text`) with its anchor, and after it the outcomes it rests on, each
    linked to its row where it has one, and the tables are printed (`linked`): '… (Utfall: smärta, biverkningar)'."""
    names = {o.id: o.name for p in assessment.picos for o in p.all_outcomes()}
    rows = first_rows(assessment) if linked else {}
    named = []
    for outcome in bullet.outcomes:
        shown = escape_markdown(names.get(outcome, outcome).lower())
        named.append(f"[{shown}](#{rows[outcome]})" if outcome in rows else shown)
    after = ""
    if named:
        after = f" ({escape_markdown(labels.certainty.outcomes_after)}: {', '.join(named)})"
    elif bullet.own_judgement:
        after = f" ({escape_markdown(labels.certainty.own_judgement)})"
    anchor = f"[]{{#{bullet_id(key, index)}}}" if bullet.outcomes else ""
    if after and _ENDS_IN_A_LIST.search(text):
        return anchor + text + "\n\n" + after.lstrip()  # the conclusion's own, not its list's last item's
    return anchor + text + after


# a conclusion of several lines whose last line is an item of a list in it
_ENDS_IN_A_LIST = re.compile(r"\n[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+\S[^\n]*$")


# --- HTML: symbols hidden from screen readers, rows linked back to their conclusions -------------------

def html_links(body: str, assessment: Assessment, labels: Labels) -> str:
    """The sanitised HTML body with each table row linking back to the bullets that name its outcome, and
    the symbols hidden from screen readers (the words beside them say the level)."""
    body = body.replace(f'<span class="{SYMBOLS_CLASS}">', f'<span class="{SYMBOLS_CLASS}" aria-hidden="true">')
    back: dict[str, list[tuple[str, str]]] = {}
    for (key, k, _text), bullet in assessment.conclusions.bullets():  # every list, the summary's too
        # the link says which conclusion it leads to: the label and the bullet's first words
        said = html.escape(f"{labels.certainty.back_to_conclusion}: {_first_words(bullet.text)}", quote=True)
        for outcome in bullet.outcomes:
            back.setdefault(slug(outcome) or "x", []).append((bullet_id(str(key), int(k)), said))

    def link(m: re.Match) -> str:
        return m[0] + "".join(f' <a class="sof-back" href="#{target}" aria-label="{said}" title="{said}">↑</a>'
                              for target, said in back.get(m[2], []))

    return re.sub(r'<span id="(sof-\d+-\d+-([a-z0-9-]+))">.*?</span>', link, body)


def _first_words(text: str, width: int = 60) -> str:
    plain = " ".join(re.sub(r"\s*\[@[^\]]*\]", "", text).split())  # without its citations
    return plain if len(plain) <= width else plain[:width].rsplit(" ", 1)[0] + " …"


# --- Word: the symbols named in a font that has them ------------------------------------------------

def symbol_runs(doc) -> None:
    """Each run holding certainty symbols (in a table or in the author's text) is set in WORD_SYMBOL_FAMILY:
    Arial has no ⊕ or ◯."""
    from docx.oxml.ns import qn
    from docx.text.run import Run

    from ..convert.fonts import SYMBOLS, WORD_SYMBOL_FAMILY

    for element in doc.element.body.iter(qn("w:r")):
        run = Run(element, None)
        if SYMBOLS & set(run.text):
            fonts = element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), WORD_SYMBOL_FAMILY)
