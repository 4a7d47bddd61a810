"""The Word file as a decision group reads it: A4 pages, tables sized to their content, numbered captions,
a running header, accessible pictures and tables, clean properties — read from the Word file itself and
from the PDF LibreOffice lays it out into."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from dataclasses import dataclass

from conftest import REFERENCE, SEED_000, copy_assessment, replace_once
from reports import words

NAME = REFERENCE.name
DNR = "Dnr: RD21/01987"
SHORT_TITLE = "Lågdosinfusion av ketamin vid långvarig smärta"
SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                                       reason="LibreOffice and poppler-utils are not installed (.ci/system-packages)")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4 = (11906, 16838)  # twips


def docx_xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def reference_data():
    from hta.load.validate import read_assessment

    assessment, _ = read_assessment(REFERENCE)
    assert assessment is not None
    return assessment


# --- LibreOffice --------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def fontconfig(tmp_path_factory) -> Path:
    """A fontconfig file that shows LibreOffice the project's family under the name the Word file asks
    for (Arial → Arimo), so its layout is the same on every machine. LibreOffice 7 cannot draw the
    weights of a variable font, so it gets static Regular/Bold/Italic instances of the same files."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    from hta.convert.fonts import font_files

    folder = tmp_path_factory.mktemp("fonts")
    for path in font_files():
        for weight in (400, 700):
            font = instancer.instantiateVariableFont(TTFont(path), {"wght": weight}, updateFontNames=True)
            font.save(folder / f"{path.stem.split('[')[0]}-{weight}.ttf")
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{folder}</dir>
  <cachedir>{folder}/cache</cachedir>
  <alias binding="same"><family>Arial</family><prefer><family>Arimo</family></prefer></alias>
</fontconfig>
""", encoding="utf-8")
    return conf


def libreoffice_pdf(docx: Path, out: Path, fontconfig: Path) -> Path:
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)],
                   check=True, capture_output=True, timeout=240, env=os.environ | {"FONTCONFIG_FILE": str(fontconfig)})
    return out / f"{docx.stem}.pdf"


@pytest.fixture(scope="module")
def laid_out(reference_build, fontconfig, tmp_path_factory) -> Path:
    """The reference assessment's Word file as LibreOffice lays it out."""
    return libreoffice_pdf(reference_build / f"{NAME}.docx", tmp_path_factory.mktemp("libreoffice"), fontconfig)


def pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as on the page (columns stay side by side)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


@needs_libreoffice
def test_libreoffice_lays_out_every_page_on_a4(laid_out):
    sizes = page_sizes(laid_out)
    assert len(sizes) == len(pages(laid_out)) > 5
    for width, height in sizes:
        assert sorted((round(width), round(height))) == [595, 842]


@dataclass(frozen=True)
class SearchRow:
    n: int
    lines: tuple[str, ...]  # the search terms as LibreOffice broke them into lines
    hits: int | None


def search_rows(texts: list[str], terms_label: str = "Söktermer", hits_words=("Antal", "träffar")) -> list[SearchRow]:
    """The rows of every Söksträngar table in the laid-out text: a row starts with its number left of the
    terms column, continues on lines indented to it, and ends with its hit count at the right."""
    rows: list[SearchRow] = []
    for text in texts:
        lines = text.splitlines()[1:]  # the running header
        column = None
        current: list = []

        def close():
            if current:
                rows.append(SearchRow(current[0], tuple(current[1]), current[2]))
                current.clear()

        for line in lines:
            if re.match(r"^#\s+" + terms_label, line.strip()):
                column = line.index(terms_label)
                continue
            if column is None or not line.strip() or line.strip() in hits_words or re.fullmatch(r"\d+ \(\d+\)", line.strip()):
                continue
            left, right = line[:column].strip(), line[column:]
            if left.isdigit():
                close()
                match = re.match(r"^(.*?)(?:\s{2,}(\d+))?\s*$", right)
                current.extend([int(left), [match[1].strip()], int(match[2]) if match[2] else None])
            elif not left and current:
                current[1].append(right.strip())
            else:  # a caption or heading: the table has ended
                close()
                column = None
        close()
    return rows


def breaks_only_where_the_data_allows(expected: str, lines: tuple[str, ...]) -> bool:
    """The lines, joined, are the data's text with no character lost or added (a hyphenation adds a
    hyphen), and each line ends at a space of the data or just after its own hyphen or slash."""
    expected = " ".join(expected.split())
    got = [" ".join(line.split()) for line in lines]
    if "".join(got).replace(" ", "") != expected.replace(" ", ""):
        return False
    position = 0
    for line in got[:-1]:
        for char in line.replace(" ", ""):
            while expected[position] == " ":
                position += 1
            position += 1
        if not (expected[position] == " " or expected[position - 1] in "-–/"):
            return False
    return True


def data_search_lines():
    return [(line.n, f"{line.terms} {line.filter}".strip(), line.hits)
            for search in reference_data().searches for db in search.databases for line in db.lines]


@needs_libreoffice
def test_every_hit_count_is_one_whole_number_on_its_rows_first_line(laid_out):
    rows = search_rows(pages(laid_out))
    assert [(r.n, r.hits) for r in rows] == [(n, hits) for n, _, hits in data_search_lines()]


@needs_libreoffice
def test_every_search_line_reads_as_the_data_with_no_word_broken_or_hyphenated(laid_out):
    rows = search_rows(pages(laid_out))
    expected = data_search_lines()
    assert len(rows) == len(expected)
    for row, (n, terms, _) in zip(rows, expected):
        assert breaks_only_where_the_data_allows(terms, row.lines), (n, terms, row.lines)


def breaks_inside_words(cell_words: list[str], text: str) -> list[str]:
    """The words of a table that LibreOffice split other than after their own hyphen or slash: each word
    must be one token of the laid-out text, or tokens that join at such points."""
    tokens = set(text.split())
    broken = []
    for word in cell_words:
        parts = [p for p in re.split(r"(?<=[-–/])", word) if p]
        reachable = [True] + [False] * len(parts)
        for end in range(1, len(parts) + 1):
            reachable[end] = any(reachable[start] and "".join(parts[start:end]) in tokens for start in range(end))
        if not reachable[-1]:
            broken.append(word)
    return broken


def table_words(table) -> list[str]:
    return [w for row in table.rows for cell in row.cells for w in cell.text.split()]


@needs_libreoffice
def test_no_word_in_a_table_is_broken_inside(reference_build, laid_out):
    from docx import Document

    tables = Document(reference_build / f"{NAME}.docx").tables
    full = "\n".join(pages(laid_out))

    def between(start: str, end: str) -> str:
        return full[full.index(start):full.index(end)]

    assert breaks_inside_words(table_words(tables[0]), between("\nPICO", "\nBakgrund")) == []
    evidence = between("Inkluderade studier\n", "\nBehandlingstekniska aspekter")
    assert breaks_inside_words(table_words(tables[1]), evidence) == []
    for table in tables[2:]:
        assert breaks_inside_words(table_words(table), between("\nSöksträngar", "\nReferenser")) == []
    # the labels named in issue 9, each on one line
    for label in ("Population/Målgrupp", "Control/Kontroll/Standardbehandling", "Uppföljningstid", "Referens"):
        assert label in full


@needs_libreoffice
def test_evidence_table_has_a_landscape_page_with_header_and_page_number(laid_out):
    texts, sizes = pages(laid_out), page_sizes(laid_out)
    [index] = [i for i, t in enumerate(texts) if "Tabell 1. Inkluderade studier" in t]
    width, height = sizes[index]
    assert width > height
    assert DNR in texts[index] and f"{index + 1} ({len(texts)})" in texts[index]
    assert all(w < h for i, (w, h) in enumerate(sizes) if i != index)


@needs_libreoffice
def test_running_header_with_dnr_and_short_title_from_page_two(laid_out):
    texts = pages(laid_out)
    first_lines = [next(line for line in t.splitlines() if line.strip()) for t in texts]
    # page 1 carries the title block, not the running header
    assert SHORT_TITLE not in texts[0] and texts[0].count(DNR) == 1
    for line in first_lines[1:]:
        assert SHORT_TITLE in line and DNR in line
    for number, text in enumerate(texts, start=1):
        assert f"{number} ({len(texts)})" in text


@pytest.mark.parametrize("status", ["draft", "example"])
@needs_libreoffice
def test_drafts_and_examples_are_marked_on_every_page(status, fontconfig, tmp_path):
    from hta.build import build
    from hta.model.labels import labels_for

    folder = copy_assessment(REFERENCE.parent.parent / "tests" / "fixtures" / "minimal", tmp_path / "src")
    replace_once(folder / "assessment.yaml", "status: for-decision", f"status: {status}")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    pdf = libreoffice_pdf(tmp_path / "out" / "minimal" / "minimal.docx", tmp_path, fontconfig)
    mark = labels_for("sv").banner[status]
    texts = pages(pdf)
    assert len(texts) >= 2
    for text in texts:
        assert mark in words(text)


# --- the Word file itself -------------------------------------------------------------------------------

def sections(docx: Path):
    from docx import Document

    return list(Document(docx).element.body.iter(f"{W}sectPr"))


def test_every_section_declares_a4_with_the_statements_margins(reference_build):
    found = sections(reference_build / f"{NAME}.docx")
    assert len(found) == 3  # portrait, the evidence table's landscape pages, portrait
    for sect in found:
        size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
        assert sorted((int(size.get(f"{W}w")), int(size.get(f"{W}h")))) == sorted(A4)
        assert (size.get(f"{W}orient") == "landscape") == (int(size.get(f"{W}w")) > int(size.get(f"{W}h")))
        assert {int(margins.get(f"{W}{side}")) for side in ("top", "bottom", "left", "right")} == {1418}


def test_the_reference_document_is_a4_too(reference_build):
    [sect] = sections(reference_build / "resources" / "reference.docx")
    size = sect.find(f"{W}pgSz")
    assert (int(size.get(f"{W}w")), int(size.get(f"{W}h"))) == A4


def test_every_style_names_arial_and_the_document_speaks_the_reports_language(reference_build):
    for docx in (reference_build / f"{NAME}.docx", reference_build / "resources" / "reference.docx"):
        styles = docx_xml(docx, "word/styles.xml")
        assert "Calibri" not in styles and "Theme=" not in styles.replace("Theme=\"", "Theme=")  # no theme fonts
        for fonts in re.findall(r"<w:rFonts [^>]*>", styles):
            assert re.search(r"Theme", fonts) is None, fonts
            for key in ("ascii", "hAnsi", "eastAsia", "cs"):
                assert f'w:{key}="Arial"' in fonts, fonts
        assert "Aptos" not in docx_xml(docx, "word/theme/theme1.xml")
        assert re.findall(r'<w:font w:name="(Arial|Calibri|Aptos)"', docx_xml(docx, "word/fontTable.xml")) == ["Arial"]
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", docx_xml(reference_build / f"{NAME}.docx", "word/styles.xml"))
    assert re.search(r'<w:lang [^>]*w:val="sv-SE"', defaults[0])


def test_search_tables_are_fixed_with_narrow_number_columns(reference_build):
    from docx import Document

    doc = Document(reference_build / f"{NAME}.docx")
    text_width = A4[0] - 2 * 1418
    for table in doc.tables:
        tbl = table._tbl
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        grid = [int(c.get(f"{W}w")) for c in tbl.iter(f"{W}gridCol")]
        total = int(tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))
        assert sum(grid) == total
        # every cell is as wide as its grid column: LibreOffice reads one, Word the other
        for tr in tbl.iter(f"{W}tr"):
            assert [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in tr.iter(f"{W}tc")] == grid
        if table.rows[0].cells[0].text == "#":
            assert total == text_width
            number, terms, hits = grid
            # < 1 cm, < 2.2 cm (room for a wider substitute font, docx_tables.NUMBER_SLACK), > 6 cm
            assert number < 567 and hits < 1247 < 6 * 1134 < terms
            for tc in [row.cells[i]._tc for row in table.rows[1:] for i in (0, 2)]:
                assert tc.find(f"{W}tcPr/{W}noWrap") is not None
                assert tc.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "right"
            for tc in [row.cells[1]._tc for row in table.rows]:
                assert tc.find(f"{W}p/{W}pPr/{W}suppressAutoHyphens") is not None


def test_every_table_says_which_cells_are_headers_and_keeps_rows_whole(reference_build):
    from docx import Document

    tables = Document(reference_build / f"{NAME}.docx").tables
    assert len(tables) == 6
    for table in tables:
        rows = list(table._tbl.iter(f"{W}tr"))
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)
        # every table has a header row, flagged as one (Word repeats it and reads the cells by it)
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(tr.find(f"{W}trPr/{W}tblHeader") is None for tr in rows[1:])
        look = table._tbl.find(f"{W}tblPr/{W}tblLook")
        if table.rows[1].cells[0].text == "Population/Målgrupp":
            # the PICO is a label/value table: under its header row, its first column labels the rows,
            # bold and shaded, and the table says so
            assert [c.text for c in table.rows[0].cells] == ["Del", "Beskrivning"]
            assert look.get(f"{W}firstColumn") == "1" and look.get(f"{W}firstRow") == "1"
            for row in table.rows:
                cell = row.cells[0]._tc
                assert cell.find(f"{W}tcPr/{W}shd") is not None
                assert all(r.bold for p in row.cells[0].paragraphs for r in p.runs)


def test_captions_are_numbered_fields_word_renumbers(reference_build):
    from docx import Document

    doc = Document(reference_build / f"{NAME}.docx")
    captions = {"Image Caption": [], "Table Caption": []}
    for p in doc.paragraphs:
        if p.style.name in captions:
            captions[p.style.name].append(p)
    for style, label in (("Image Caption", "Figur"), ("Table Caption", "Tabell")):
        assert captions[style]
        for number, p in enumerate(captions[style], start=1):
            assert p.text.startswith(f"{label} {number}. ")
            instructions = [t.text.strip() for t in p._p.iter(f"{W}instrText")]
            assert instructions == [f"SEQ {label} \\* ARABIC"]
    assert captions["Image Caption"][0].text == (
        "Figur 1. Diagram över sökresultat: Sökningar utförda gällande utfallsmåtten i punkt 1")


def test_headings_and_captions_keep_with_what_follows(reference_build):
    from docx import Document

    styles = Document(reference_build / f"{NAME}.docx").styles
    for name in ("Heading 1", "Heading 2", "Heading 3", "Table Caption", "Captioned Figure"):
        assert styles[name].paragraph_format.keep_with_next, name


def test_header_from_page_two_holds_the_dnr_and_page_one_does_not(reference_build):
    from docx import Document

    doc = Document(reference_build / f"{NAME}.docx")
    first = doc.sections[0]
    assert first.different_first_page_header_footer
    assert DNR not in "".join(p.text for p in first.first_page_header.paragraphs)
    assert "PAGE" in first.first_page_footer._element.xml
    for section in doc.sections:
        header = "".join(p.text for p in section.header.paragraphs)
        assert header == f"{SHORT_TITLE}\t{DNR}"
        assert "NUMPAGES" in section.footer._element.xml


def test_every_picture_has_words_and_no_picture_data_in_its_description(reference_build):
    document = docx_xml(reference_build / f"{NAME}.docx", "word/document.xml")
    descriptions = re.findall(r'<(?:wp:docPr|pic:cNvPr) [^>]*>', document)
    assert len(descriptions) == 4  # two flow diagrams, each described twice
    for element in descriptions:
        assert "data:" not in element
        descr = re.search(r'descr="([^"]*)"', element)
        assert descr and len(descr[1]) > 50, element


def test_properties_hold_title_and_authors_and_nothing_of_the_build(reference_build):
    docx = reference_build / f"{NAME}.docx"
    with zipfile.ZipFile(docx) as z:
        names = z.namelist()
        properties = "".join(z.read(n).decode("utf-8") for n in names if n.startswith("docProps/"))
        content_types = z.read("[Content_Types].xml").decode("utf-8")
    assert "docProps/custom.xml" not in names and "custom-properties" not in content_types
    for internal in ("for-decision", "resources/", ".csl", ".json", "status-word", "banner", "bibliography"):
        assert internal not in properties, internal
    from docx import Document

    props = Document(docx).core_properties
    assert props.title.startswith("Medicinska rådets och Omvårdnadsrådets gemensamma utlåtande")
    assert props.author == "Ulrika Pellas; Sverker Svensjö; Berit Gesar"
    assert props.content_status == "För beslut"


def test_reference_list_hangs_its_numbers_and_dates_the_sbu_answer_as_the_seed(reference_build):
    from docx import Document
    from docx.shared import Twips

    doc = Document(reference_build / f"{NAME}.docx")
    style = doc.styles["Bibliography"].paragraph_format
    assert style.left_indent == Twips(567) and style.first_line_indent == Twips(-567)
    [sbu] = [p.text for p in doc.paragraphs if p.style.name == "Bibliography" and "SBU:s upplysningstjänst" in p.text]
    assert sbu.endswith("SBU; 19 december 2018.")
    assert "upplysningstjänst 19 december 2018" in words(SEED_000.read_text(encoding="utf-8"))


# --- the project's fonts, and only those ------------------------------------------------------------------

def test_flow_png_never_draws_with_a_system_font():
    """On this machine Typst, allowed the system's fonts, draws ∯ or 𝔄 otherwise than with the project's alone;
    the PNG for Word is drawn as with the project's alone, so it is the same on every machine."""
    import tempfile

    import typst

    from hta.convert.fonts import font_paths
    from hta.render import raster
    from hta.render.raster import flow_png

    def svg(text: str) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                f'<text x="10" y="25" font-family="Arimo">A {text} B</text></svg>')

    def drawn(text: str, system_fonts: bool) -> bytes:  # as raster.flow_png draws, with or without the system's
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "picture.svg").write_text(raster._in_our_family(svg(text)), encoding="utf-8")
            return typst.compile(raster._PAGE, root=folder, format="png", ppi=raster.PIXELS_PER_INCH,
                                 font_paths=font_paths(), ignore_system_fonts=not system_fonts)

    otherwise = [c for c in ("\u222f", "\U0001d504") if drawn(c, True) != drawn(c, False)]
    if not otherwise:
        pytest.skip("no system font here draws ∯ or 𝔄 otherwise: nothing to show")
    for c in otherwise:
        assert flow_png(svg(c)) == drawn(c, False) != drawn(c, True)
    assert flow_png(svg("x")) != flow_png(svg("y"))  # and the project's family does draw


def test_flow_png_draws_text_that_asks_for_another_family_in_the_projects():
    from hta.render.raster import flow_png

    def svg(family: str) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                f'<text x="10" y="25" font-family="{family}">Träffar</text></svg>')

    assert flow_png(svg("Times New Roman")) == flow_png(svg("Arimo")) != flow_png(svg("Arimo").replace("Träffar", ""))


def test_word_file_is_the_same_with_system_fonts_hidden(reference_build, tmp_path):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><fontconfig></fontconfig>\n', encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    script = ("import sys; from pathlib import Path; from hta.build import build; "
              "[o] = build([Path(sys.argv[1])], Path(sys.argv[2])); sys.exit(0 if o.built else 1)")
    env = os.environ | {"FONTCONFIG_FILE": str(empty), "FONTCONFIG_PATH": str(tmp_path), "HOME": str(home),
                        "XDG_DATA_HOME": str(home), "XDG_DATA_DIRS": str(home)}
    subprocess.run([sys.executable, "-c", script, str(REFERENCE), str(tmp_path / "out")], env=env, check=True,
                   capture_output=True, timeout=600)
    hidden = (tmp_path / "out" / NAME / f"{NAME}.docx").read_bytes()
    assert hidden == (reference_build / f"{NAME}.docx").read_bytes()


def test_property_elements_keep_the_order_word_requires(reference_build):
    """Word refuses a file whose property children are out of schema order; LibreOffice does not mind, so
    only this shows it."""
    from lxml import etree

    from hta.word.ooxml import ORDER

    docx = reference_build / f"{NAME}.docx"
    with zipfile.ZipFile(docx) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|styles|header\d+|footer\d+)\.xml", n)]
        for name in parts:
            root = etree.fromstring(z.read(name))
            for tag, order in ORDER.items():
                rank = {f"{W}{t.split(':')[1]}": i for i, t in enumerate(order)}
                if tag == "w:sectPr":
                    rank[f"{W}footerReference"] = rank[f"{W}headerReference"]  # one group, in any order
                for element in root.iter(f"{W}{tag.split(':')[1]}"):
                    ranks = [rank[c.tag] for c in element if c.tag in rank]
                    assert ranks == sorted(ranks), (name, tag, [c.tag for c in element])
