"""The reference assessment renders exactly as before the report shapes and house styles were added."""

from __future__ import annotations

from pathlib import Path

from reports import docx_text_in_order

SNAPSHOT = Path(__file__).parent / "fixtures" / "reference-word-text.txt"


def test_reference_assessment_word_text_is_unchanged(reference_build):
    """The reference assessment renders exactly as before.

    tests/fixtures/reference-word-text.txt is a regression snapshot: the Word text (paragraphs and table
    cells in document order) of the reference assessment as main built it (commit 7ca08ae, with the PICO table's
    header row) before the PICO shapes, report identity, conclusion forms and house styles (issue 11) were added. It is not produced by the code under
    test today; a change to it needs a reason a reader of the Dalarna statement would accept."""
    text = docx_text_in_order(reference_build / "ketamin-langvarig-smarta.docx")
    assert text == SNAPSHOT.read_text(encoding="utf-8")
