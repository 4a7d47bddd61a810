"""Numbers as words: `{{search.count:words}}` and `{{search.count:ett}}` in Swedish, Norwegian and English,
counts that begin a sentence written in words with a capital, read back from the built Word file, HTML
and PDF; and the reference assessment writing words where seed 000 does."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SEED_000
from reports import docx_text, pdf_text, read_html, words

from hta.model.labels import available_languages, labels_for
from hta.model.numerals import CountForm, count_form, in_words, starts_sentence, write_count
from hta.render.qmd import fill_counts

FIXTURES = Path(__file__).parent / "fixtures"


# --- The words of each language ------------------------------------------------------------------

ONE_TO_TWELVE = {
    "sv": "noll en två tre fyra fem sex sju åtta nio tio elva tolv",
    "nb": "null en to tre fire fem seks sju åtte ni ti elleve tolv",
    "en": "zero one two three four five six seven eight nine ten eleven twelve",
}


@pytest.mark.parametrize("language", sorted(ONE_TO_TWELVE))
def test_zero_to_twelve_are_words_in_each_language(language):
    numbers = labels_for(language).numbers
    assert " ".join(in_words(n, numbers) for n in range(13)) == ONE_TO_TWELVE[language]


def test_every_report_language_has_number_words():
    assert set(available_languages()) == set(ONE_TO_TWELVE)


@pytest.mark.parametrize("language, value, expected", [
    ("sv", 8, "åtta"), ("nb", 8, "åtte"), ("en", 8, "eight"),
    ("sv", 21, "tjugoen"), ("nb", 21, "tjueen"), ("en", 21, "twenty-one"),
    ("sv", 40, "fyrtio"), ("nb", 40, "førti"), ("en", 40, "forty"),
    ("sv", 100, "etthundra"), ("nb", 100, "ett hundre"), ("en", 100, "one hundred"),
    ("sv", 257, "tvåhundrafemtiosju"), ("nb", 257, "to hundre og femtisju"),
    ("en", 257, "two hundred and fifty-seven"),
    ("sv", 1000, "ettusen"), ("nb", 1000, "ett tusen"), ("en", 1000, "one thousand"),
    ("sv", 2005, "tvåtusenfem"), ("nb", 2005, "to tusen og fem"), ("en", 2005, "two thousand and five"),
    ("sv", 693_000, "sexhundranittiotretusen"), ("nb", 693_000, "seks hundre og nittitre tusen"),
    ("sv", 999_999, "niohundranittioniotusenniohundranittionio"),
    ("en", 999_999, "nine hundred and ninety-nine thousand nine hundred and ninety-nine"),
])
def test_larger_numbers_are_spelt_as_the_language_writes_them(language, value, expected):
    assert in_words(value, labels_for(language).numbers) == expected


@pytest.mark.parametrize("language, one, twenty_one", [("sv", "ett", "tjugoett"), ("nb", "ett", "tjueett"),
                                                       ("en", "one", "twenty-one")])
def test_the_ett_form_gives_the_neuter_one(language, one, twenty_one):
    numbers = labels_for(language).numbers
    assert (in_words(1, numbers, neuter=True), in_words(21, numbers, neuter=True)) == (one, twenty_one)
    assert in_words(8, numbers, neuter=True) == in_words(8, numbers)


def test_numbers_past_999_999_have_no_words():
    assert in_words(1_000_000, labels_for("sv").numbers) is None


# --- Where a sentence begins ----------------------------------------------------------------------

@pytest.mark.parametrize("before, begins", [
    ("", True),
    ("Konsensus nåddes. ", True),
    ("Vad fanns? ", True),
    ("Inga! ", True),
    ("(CADTH) [@cadth2020]. ", True),
    ("Han sa: ”Klart.” ", True),
    ("Första stycket.\n\n", True),
    ("Första stycket\n\n", True),
    ("Raden slutar en mening.\n", True),
    ("- ", True),
    ("Inledning:\n\n1. ", True),
    ("## ", True),
    ("> ", True),
    ("**", True),
    ("Sökningen gav ", False),
    ("identifierades: ", False),
    ("en mening som fortsätter\n", False),
    ("t.ex. ", False),
    ("bl.a. ", False),
    ("ca. ", False),
    ("e.g. ", False),
    ("från 2018.", False),  # no space: not a new sentence
    ("| ", False),
], ids=lambda v: repr(v) if isinstance(v, str) else str(v))
def test_a_count_begins_a_sentence_after_a_full_stop_or_at_a_block_start(before, begins):
    text = before + "{{sok.included}} studier ingick."
    assert starts_sentence(text, len(before)) is begins


# --- Filling the counts ---------------------------------------------------------------------------

VALUES = {"sok.included": 8, "sok.excluded": 1, "sok.identified": 2_093_004, "sok.duplicates": None,
          "sok.date": dt.date(2024, 1, 10)}


@pytest.mark.parametrize("language, expected", [
    ("sv", "Åtta artiklar ingick. Av dessa var åtta RCT och en studie, ett projekt; 8 i PubMed. Ej rapporterat."),
    ("nb", "Åtte artiklar ingick. Av dessa var åtte RCT och en studie, ett projekt; 8 i PubMed. Ikke rapportert."),
    ("en", "Eight artiklar ingick. Av dessa var eight RCT och one studie, one projekt; 8 i PubMed. Not reported."),
])
def test_fill_counts_writes_words_when_asked_and_at_a_sentence_start(language, expected):
    text = ("{{sok.included}} artiklar ingick. Av dessa var {{sok.included:words}} RCT och {{sok.excluded:words}} "
            "studie, {{sok.excluded:ett}} projekt; {{sok.included}} i PubMed. {{sok.duplicates}}.")
    assert fill_counts(text, VALUES, labels_for(language)) == expected


def test_a_date_or_a_count_past_999_999_at_a_sentence_start_stays_in_digits():
    labels = labels_for("sv")
    assert fill_counts("{{sok.identified}} träffar. {{sok.date}} gjordes den.", VALUES, labels) == (
        "2093004 träffar. 2024-01-10 gjordes den.")


def test_the_form_is_read_in_any_case_with_spaces():
    assert [count_form(o) for o in (None, "", "words", " Words ", "ETT", "ord", "words:ett")] == [
        CountForm.DIGITS, CountForm.DIGITS, CountForm.WORDS, CountForm.WORDS, CountForm.NEUTER, None, None]
    assert write_count(1, labels_for("sv"), CountForm.NEUTER, at_sentence_start=True) == "Ett"


# --- Read back from the built reports ----------------------------------------------------------------

EXPECTED = {
    "sv": ["Tolv träffar gav sökningen 2024-01-10.", "Efter att två dubbletter tagits bort granskades tio",
           "Tre artiklar lästes i fulltext, och en artikel exkluderades", "Vi inkluderade 2 studier, och ett projekt",
           "Två studier ingick.", "Två studier visar att testbehandling"],
    "nb": ["Tolv träffar gav sökningen 2024-01-10.", "Efter att to dubbletter tagits bort granskades ti",
           "Tre artiklar lästes i fulltext, och en artikel exkluderades", "Vi inkluderade 2 studier, och ett projekt",
           "To studier ingick.", "To studier visar att testbehandling"],
    "en": ["Twelve träffar gav sökningen 2024-01-10.", "Efter att two dubbletter tagits bort granskades ten",
           "Three artiklar lästes i fulltext, och one artikel exkluderades",
           "Vi inkluderade 2 studier, och one projekt", "Two studier ingick.", "Two studier visar att testbehandling"],
}


def _assemble(tmp_path: Path, language: str) -> Path:
    """The minimal assessment with the numbers-as-words files laid over it, in the given language."""
    folder = tmp_path / f"tal-{language}"
    shutil.copytree(FIXTURES / "minimal", folder)
    overlay = FIXTURES / "numbers-as-words"
    for path in overlay.rglob("*"):
        if path.is_file():
            shutil.copyfile(path, folder / path.relative_to(overlay))
    meta = folder / "assessment.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("language: sv", f"language: {language}"),
                    encoding="utf-8")
    return folder


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_counts_in_words_read_back_from_word_html_and_pdf(tmp_path, language):
    from hta.build import build

    folder = _assemble(tmp_path, language)
    [outcome] = build([folder], tmp_path / "_build")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    out = tmp_path / "_build" / folder.name

    shown = {"docx": words(docx_text(out / f"{folder.name}.docx")),
             "html": read_html(out / f"{folder.name}.html").text,
             "pdf": words(pdf_text(out / f"{folder.name}.pdf"))}
    for kind, text in shown.items():
        for sentence in EXPECTED[language]:
            assert sentence in text, (kind, sentence)
        assert "{{" not in text, kind


# --- The reference assessment writes words where seed 000 does ----------------------------------------

SEED_WORDS = ["Åtta artiklar bedömdes vid abstract och titelgranskning", "Två av de identifierade artiklarna",
              "Av dessa bedömdes sju artiklar ha fel studiedesign", "tre artiklar fel intervention",
              "en artikel fel population", "och nio artiklar redovisade inte utfallsmått"]


def test_the_reference_assessment_asks_for_words_where_the_seed_writes_them():
    screening = (REPO / "assessments" / "ketamin-langvarig-smarta" / "sections" / "screening.md").read_text(
        encoding="utf-8")
    assert screening.count(":words}}") == len(SEED_WORDS)


@pytest.mark.parametrize("phrase", SEED_WORDS)
def test_the_reference_report_shows_the_seeds_word_in_every_format(reference_build, phrase):
    assert phrase in words(SEED_000.read_text(encoding="utf-8"))
    name = reference_build.name
    assert phrase in words(docx_text(reference_build / f"{name}.docx"))
    assert phrase in read_html(reference_build / f"{name}.html").text
    assert phrase in words(pdf_text(reference_build / f"{name}.pdf"))
