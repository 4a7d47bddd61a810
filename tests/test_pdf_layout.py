"""The PDF as a decision group and an archive receive it: read back with poppler (pdftotext, pdfinfo, pdffonts)
and pypdf, never from the Typst source."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ASSESSMENTS, REFERENCE
from reports import pdf_figure_alts, pdf_structure

NAME = REFERENCE.name
A4 = {(595, 842), (842, 595)}  # points, portrait or landscape


def pdf(folder: Path) -> Path:
    return folder / f"{folder.name}.pdf"


@pytest.fixture(scope="module")
def example_build(tmp_path_factory) -> Path:
    """A Norwegian example report (marked as an example on every page)."""
    from hta.build import build

    out = tmp_path_factory.mktemp("example")
    [outcome] = build([ASSESSMENTS / "ketamin-depression"], out)
    assert outcome.built
    return out / "ketamin-depression"


def page_sizes(path: Path) -> list[tuple[int, int]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(path)], capture_output=True, text=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def page_texts(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def page_words(path: Path) -> list[list[Word]]:
    """Every word pdftotext finds, with its box, page by page."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in
                      re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                                 page)])
    return pages


# --- Page and type -----------------------------------------------------------------------------------

@pytest.mark.parametrize("build", ["reference_build", "example_build"])
def test_every_pdf_page_is_a4(build, request):
    sizes = page_sizes(pdf(request.getfixturevalue(build)))
    assert sizes and set(sizes) <= A4, sizes
    assert sizes[0] == (595, 842)


def test_the_evidence_table_has_landscape_pages_with_header_and_page_numbers(reference_build):
    sizes = page_sizes(pdf(reference_build))
    texts = page_texts(pdf(reference_build))
    landscape = [i for i, size in enumerate(sizes) if size == (842, 595)]
    assert landscape, sizes
    for i in landscape:
        assert "Inkluderade studier" in texts[i] or "Referens" in texts[i]
        assert "Dnr: RD21/01987" in texts[i]
        assert f"{i + 1} ({len(sizes)})" in texts[i]


@pytest.mark.parametrize("letters, orientation", [(26, "portrait"), (30, "landscape")])
def test_a_table_turns_landscape_only_when_its_longest_words_do_not_fit_side_by_side_at_its_own_size(
        tmp_path, letters, orientation):
    """Two columns of one long word each: at the tables' 9 pt, 2 × 27 letters fit the portrait page, 2 × 31 do
    not. The landscape test measured the words at the body's 10.5 pt and turned the first table too."""
    from conftest import copy_assessment

    from hta.build import build

    folder = copy_assessment(REFERENCE, tmp_path / "src")
    results = folder / "sections" / "results.md"
    words = ["m" * letters + "a", "m" * letters + "b"]
    results.write_text(results.read_text(encoding="utf-8") + f"\n\n| Ett | Två |\n|---|---|\n| {words[0]} | {words[1]} |"
                       "\n\n: Långa ord\n", encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built
    report = pdf(tmp_path / "out" / NAME)
    [(page, size)] = [(i, size) for i, (size, text) in enumerate(zip(page_sizes(report), page_texts(report)))
                      if words[0] in text]
    assert size == ((595, 842) if orientation == "portrait" else (842, 595))
    boxes = [w for w in page_words(report)[page] if w.text in words]
    assert len(boxes) == 2 and all(w.x1 <= size[0] for w in boxes)  # each word whole, on the page


def test_pdf_embeds_only_the_project_family(reference_build):
    listing = subprocess.run(["pdffonts", str(pdf(reference_build))], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:]]
    assert names and all(re.fullmatch(r"[A-Z]{6}\+Arimo(-\w+)?", name) for name in names), names


DECOY_FAMILIES = ("Arimo", "Liberation Sans", "Arial", "DejaVu Sans")


def _decoy_home(home: Path) -> Path:
    """A home folder whose fonts claim the report's family and its old fallbacks, with wider letters: a
    PDF that let the system's fonts in would set its text in them."""
    from fontTools.ttLib import TTFont

    from hta.convert.fonts import font_files

    fonts = home / ".fonts"
    fonts.mkdir(parents=True)
    for family in DECOY_FAMILIES:
        font = TTFont(font_files()[0])
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = family
            elif record.nameID == 6:
                record.string = family.replace(" ", "") + "-Decoy"
        metrics = font["hmtx"].metrics
        for glyph, (advance, bearing) in metrics.items():
            metrics[glyph] = (int(advance * 1.25), bearing)
        font.save(fonts / f"decoy-{family.replace(' ', '')}.ttf")
    return home


_COMPILE = """
import sys
from pathlib import Path
from hta.convert.convert import typst_to_pdf
typst_to_pdf(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
"""

_SYSTEM_FAMILIES = "import typst; print(sorted(typst.Fonts(include_embedded_fonts=False).families()))"


def test_pdf_is_the_same_whatever_fonts_the_system_has(reference_build, tmp_path):
    """The reference PDF is rebuilt from its Typst source on a machine whose home holds fonts named
    Arimo, Arial and Liberation Sans, and on one with no fonts of its own: all three files are the same bytes."""
    from hta.load.validate import read_assessment

    assessment, _ = read_assessment(REFERENCE)
    epoch = str(int(assessment.meta.document_time().timestamp()))
    source = tmp_path / "report"
    shutil.copytree(reference_build, source)
    typ = source / "resources" / f"{NAME}.typ"
    typ = typ.replace(source / typ.name)  # where the build compiles it: beside the .qmd
    homes = {"decoys": _decoy_home(tmp_path / "decoys"), "empty": tmp_path / "empty"}
    homes["empty"].mkdir()
    families = {}
    for name, home in homes.items():
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "FONTCONFIG_FILE": "/dev/null"}
        families[name] = subprocess.run([sys.executable, "-c", _SYSTEM_FAMILIES], env=env, capture_output=True,
                                        text=True, check=True).stdout
        subprocess.run([sys.executable, "-c", _COMPILE, str(typ), str(tmp_path / f"{name}.pdf"), epoch], env=env,
                       check=True, cwd=source)
    # the decoys are there for Typst to find, had it looked
    assert all(f"'{family}'" in families["decoys"] for family in DECOY_FAMILIES)
    assert families["decoys"] != families["empty"]
    built = pdf(reference_build).read_bytes()
    assert (tmp_path / "decoys.pdf").read_bytes() == built
    assert (tmp_path / "empty.pdf").read_bytes() == built


# --- Archival and accessible -------------------------------------------------------------------------

@pytest.mark.parametrize("build,language", [("reference_build", "sv-SE"), ("example_build", "nb-NO")])
def test_pdf_is_pdfa2_and_pdfua1_tagged_in_its_language(build, language, request):
    from pypdf import PdfReader

    reader = PdfReader(pdf(request.getfixturevalue(build)))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfaid:part>2</pdfaid:part>", xmp)
    assert re.search(r"<pdfaid:conformance>A</pdfaid:conformance>", xmp)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title


def test_pdf_has_bookmarks_for_its_headings(reference_build):
    from pypdf import PdfReader

    titles = [item.title for item in PdfReader(pdf(reference_build)).outline if not isinstance(item, list)]
    assert titles[:3] == ["Frågeställning", "PICO", "Bakgrund"]
    assert "Söksträngar" in titles


def test_every_pdf_figure_has_alt_text_and_tables_have_header_cells(reference_build):
    elements = pdf_structure(pdf(reference_build))
    alts = pdf_figure_alts(pdf(reference_build))
    assert len(alts) == 2
    assert all("PubMed (n = 112)" in alt or "PubMed (n = 163)" in alt for alt in alts), alts
    assert len([e for e in elements if e["/S"] == "/Table"]) == 6
    # the PICO header row, four search tables, the evidence table
    assert len([e for e in elements if e["/S"] == "/TH"]) == 2 + 4 * 3 + 9


# --- Running matter and captions ----------------------------------------------------------------------

def test_pdf_captions_are_numbered_per_kind(reference_build):
    text = " ".join(" ".join(page_texts(pdf(reference_build))).split())
    assert "Figur 1. Diagram över sökresultat" in text
    assert "Figur 2. Diagram över sökresultat" in text
    assert "Tabell 1. Inkluderade studier" in text
    assert "Tabell 2. PubMed 2021-01-13" in text
    assert "Tabell 5. CINAHL 2021-02-08" in text


def test_pdf_title_block_and_running_header(reference_build):
    texts = page_texts(pdf(reference_build))
    first = " ".join(texts[0].split())
    assert first.startswith("Region Dalarna Dnr: RD21/01987 Central förvaltning Medicinska rådet och Omvårdnadsrådet")
    for number, words in enumerate(page_words(pdf(reference_build)), start=1):
        top = " ".join(w.text for w in sorted(words, key=lambda w: w.x0) if w.y1 < 75)
        if number == 1:
            assert top == "", top  # page 1 has the title block instead
        else:
            assert top.startswith("Lågdosinfusion av ketamin vid långvarig smärta"), (number, top)  # short_title
            assert top.endswith("Dnr: RD21/01987"), (number, top)
        assert f"{number} ({len(texts)})" in texts[number - 1]


def test_example_pdf_is_marked_on_every_page(example_build):
    for number, text in enumerate(page_texts(pdf(example_build)), start=1):
        assert "EKSEMPEL" in text, number


# --- Tables ------------------------------------------------------------------------------------------

def _search_tables(words: list[Word]) -> list[tuple[Word, Word, list[Word]]]:
    """On one page, each search table's header words "Söktermer" and "Antal", and the words of its rows: down
    to the first line that starts at the margin with something other than a row number."""
    headers = [w for w in words if w.text == "Söktermer"]
    tables = []
    for terms in headers:
        hits = min((w for w in words if w.text == "Antal" and abs(w.y0 - terms.y0) < 3 and w.x0 > terms.x1),
                   key=lambda w: w.x0)
        lines: dict[int, list[Word]] = {}
        for w in words:
            if w.y0 > terms.y1 + 8 and w.y1 < 770:  # below the header row ("Antal träffar"), above the footer
                lines.setdefault(round(w.y0), []).append(w)
        rows = []
        for _, line in sorted(lines.items()):
            first = min(line, key=lambda w: w.x0)
            if first.x0 < terms.x0 - 1 and not first.text.isdigit():
                break
            rows += line
        tables.append((terms, hits, rows))
    return tables


def test_search_strings_and_hit_counts_read_whole_from_the_pdf(reference_build):
    """Each search line's terms, read from the PDF's Söktermer column, is the string in searches.yaml
    (lines broken only at spaces, nothing hyphenated); each hit count is one word in its own column, right of
    every term."""
    from hta.load.validate import read_assessment

    assessment, _ = read_assessment(REFERENCE)
    expected_terms = [" ".join(f"{line.terms} {line.filter or ''}".split())
                      for search in assessment.searches for db in search.databases for line in db.lines]
    expected_hits = [str(line.hits) for search in assessment.searches for db in search.databases for line in db.lines]
    column_text, hit_words = [], []
    for words in page_words(pdf(reference_build)):
        for terms, hits, below in _search_tables(words):
            # counts are right-aligned under "Antal träffar": they end right of where the header begins
            in_hits = [w for w in below if w.text.isdigit() and w.x1 > hits.x0]
            in_terms = [w for w in below if w.x0 >= terms.x0 - 1 and w not in in_hits]
            # a term never reaches into the count column, however long the count
            assert max(w.x1 for w in in_terms) < min(h.x0 for h in in_hits), "terms overlap the counts"
            lines = sorted(in_terms, key=lambda w: (round(w.y0), w.x0))
            column_text.append(" ".join(w.text for w in lines))
            hit_words += [w.text for w in sorted(in_hits, key=lambda w: w.y0)]
    for terms in expected_terms:
        # on one page: a row that fits on a page is never split across two
        assert any(terms in text for text in column_text), terms
    assert hit_words == expected_hits


def test_no_word_in_a_pdf_table_is_hyphenated(reference_build):
    """A line in a table cell never ends in a hyphen that is not in the text (Ab-stract, Pla-cebo)."""
    text = "\n".join(page_texts(pdf(reference_build)))
    for broken in ("Ab-\nstract", "Fi-\nelds", "Pla-\ncebo", "Refe-\nrens", "Populati-\non", "Standardbehan-\n"):
        assert broken not in text


def test_no_heading_or_caption_ends_a_pdf_page(reference_build, example_build):
    """A heading or a table's caption (set above the table) stays with what follows it: neither is a page's
    last line. A figure's caption, below the figure, may end a page."""
    from pypdf import PdfReader

    for folder in (reference_build, example_build):
        path = pdf(folder)
        headings = set()

        def collect(items):
            for item in items:
                if isinstance(item, list):
                    collect(item)
                else:
                    headings.add(" ".join(item.title.split()))

        collect(PdfReader(path).outline)
        sizes = page_sizes(path)
        for number, (words, (_, height)) in enumerate(zip(page_words(path), sizes), start=1):
            lines: dict[int, list[Word]] = {}
            for w in words:
                if 75 < w.y0 < height - 70:  # between the running header and the page number
                    lines.setdefault(round(w.y1), []).append(w)
            if number == len(sizes) or not lines:
                continue
            last = " ".join(w.text for w in sorted(lines[max(lines)], key=lambda w: w.x0))
            assert last not in headings, (folder.name, number, last)
            assert not re.match(r"Tabell \d+\.", last), (folder.name, number, last)  # above its table


def test_the_letters_taken_as_printable_without_the_font_are_in_the_font():
    """`hta check` knows these printable without opening the font; the font must really have every one."""
    from hta.convert.fonts import SURELY_PRINTABLE, printable

    assert SURELY_PRINTABLE <= printable()
