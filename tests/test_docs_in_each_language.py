"""The documents a council member is sent to are in the language they are sent in, and the file-format
reference says the same in Swedish, Norwegian and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_languages import catalogue

from hta import catalogues
from hta.load import reader

DOCS = Path(__file__).resolve().parents[1] / "docs"

# Each document in the languages it is written in. The rules' documents and the guide are Swedish under
# their plain name; the format reference was English first and keeps that name.
WRITTEN_IN = {
    "checks": {"sv": "checks.md", "nb": "checks.nb.md", "en": "checks.en.md"},
    "kom-igang": {"sv": "kom-igang.md", "nb": "kom-igang.nb.md"},
    "assessment-format": {"en": "assessment-format.md", "sv": "assessment-format.sv.md", "nb": "assessment-format.nb.md"},
}
FORMAT = WRITTEN_IN["assessment-format"]

# docs/NAME.md, and the section after it as each language quotes it: 'Limits', ”Gränser”, «Grenser»
POINTER = re.compile(r"docs/(?P<file>[\w.-]+\.md)(?:, (?:'(?P<en>[^']+)'|”(?P<sv>[^”]+)”|«(?P<nb>[^»]+)»))?")


def messages(code: str) -> list[str]:
    """Every message of the code as hta says it in `code` (its forms in the compiled catalogue hta reads)."""
    if code == "en":
        return [text for msgid, m in catalogues.extract().items() for text in (msgid, m.plural) if text]
    return [text for texts in catalogue(code).values() for text in texts]


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of each Markdown heading outside code blocks."""
    found, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) (.+)$", line)):
            found.append((len(m[1]), m[2].strip()))
    return found


def anchor(title: str) -> str:
    """The anchor GitHub and pandoc give a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """(info string, lines) of each fenced block, in order."""
    return [(m[1], m[2].split("\n")) for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M)]


def without_comments(lines: list[str]) -> list[str]:
    """A YAML or CSV example's lines as the reader takes them: what a translation may word in its own
    language, whole-line comments and the comment ending a line, left out."""
    return [line.split(" #", 1)[0].rstrip() for line in lines if not line.lstrip().startswith("#")]


@pytest.mark.parametrize("code", ["sv", "nb", "en"])
def test_every_document_a_message_points_to_is_in_the_messages_language_with_the_section_it_names(code):
    pointers = [(text, m) for text in messages(code) for m in POINTER.finditer(text)]
    assert any(m["file"] == FORMAT[code] for _text, m in pointers)  # the reference is pointed to at all
    for text, m in pointers:
        path = DOCS / m["file"]
        assert path.is_file(), f"{text!r} points to a document that does not exist"
        family = next(name for name, versions in WRITTEN_IN.items() if m["file"] in versions.values())
        assert WRITTEN_IN[family].get(code, m["file"]) == m["file"], f"{text!r} points to a document in another language"
        section = m["en"] or m["sv"] or m["nb"]
        if section:
            assert m[code] == section, f"{text!r} quotes its section as another language does"
            assert section in {title for _level, title in headings(path.read_text(encoding="utf-8"))}, \
                f"{text!r}: {m['file']} has no section {section!r}"


@pytest.mark.parametrize("name, code", [(name, code) for versions in WRITTEN_IN.values() for code, name in versions.items()
                                        if not name.startswith("checks")])  # generated from the messages above
def test_a_document_points_to_the_others_in_its_own_language(name, code):
    own = next(versions for versions in WRITTEN_IN.values() if name in versions.values())
    for m in POINTER.finditer((DOCS / name).read_text(encoding="utf-8")):
        versions = next((v for v in WRITTEN_IN.values() if m["file"] in v.values()), None)
        if versions is not None and versions is not own:  # naming its own translations is what they are for
            assert versions.get(code, m["file"]) == m["file"], f"{name} points to {m['file']}, not to the one in its language"


@pytest.mark.parametrize("code", ["sv", "nb"])
def test_the_format_reference_in_each_language_has_the_english_ones_sections_and_examples(code):
    english = (DOCS / FORMAT["en"]).read_text(encoding="utf-8")
    translated = (DOCS / FORMAT[code]).read_text(encoding="utf-8")
    assert [level for level, _title in headings(translated)] == [level for level, _title in headings(english)]
    assert headings(translated) != headings(english)  # translated, not copied
    theirs, ours = code_blocks(english), code_blocks(translated)
    assert [info for info, _lines in ours] == [info for info, _lines in theirs]
    for (info, their_lines), (_info, our_lines) in zip(theirs, ours):
        if info in ("yaml", "csv"):  # the examples hta reads: the same to the letter, their comments aside
            assert without_comments(our_lines) == without_comments(their_lines)
    anchors = {anchor(title) for _level, title in headings(translated)}
    for target in re.findall(r"\]\(#([^)]+)\)", translated):
        assert target in anchors, f"{FORMAT[code]}: the link to #{target} leads to no heading"


@pytest.mark.parametrize("code, section, levels", [("en", "Limits", "levels"), ("sv", "Gränser", "nivåer"),
                                                   ("nb", "Grenser", "nivåer")])
def test_the_limits_are_documented_in_each_language(code, section, levels):
    doc = (DOCS / FORMAT[code]).read_text(encoding="utf-8")
    part = doc.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    for size in (reader.TEXT_LIMIT, reader.WORKBOOK_LIMIT, reader.WORKBOOK_UNPACKED_LIMIT, reader.PICTURE_LIMIT):
        assert f"{size // (1024 * 1024)} MB" in part
    assert f"{reader.MAX_DEPTH} {levels}" in part
