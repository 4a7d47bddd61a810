"""Certainty of evidence per outcome and comparison: the notations the regions write, the summary-of-findings
tables read back from the Word file, the HTML and the PDF, conclusions that name their evidence, and
`<name>.json` against its schema. The fixture `certainty` is synthetic (status: example)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REFERENCE, REPO, built_once, replace_once
from reports import pdf_text, read_html, styled_copy, svg_images, words

from hta.cli import main
from hta.model.notation import Level, read_level

FIXTURE = Path(__file__).parent / "fixtures" / "certainty"


# --- Notations ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, level", [
    ("GRADE: 2/4", Level.LOW),
    ("⊕⊕", Level.LOW),
    ("(GRADE: ++)", Level.LOW),
    ("⨁⨁◯◯", Level.LOW),
    ("⊕⊕⊕⊕", Level.HIGH),
    ("⊕◯◯◯", Level.VERY_LOW),
    ("GRADE: 3/4", Level.MODERATE),
    ("+++", Level.MODERATE),
    ("måttligt starkt vetenskapligt underlag", Level.MODERATE),
    ("starkt vetenskapligt underlag", Level.HIGH),
    ("begränsat vetenskapligt underlag", Level.LOW),
    ("otillräckligt vetenskapligt underlag", Level.VERY_LOW),
    ("mycket låg tillförlitlighet", Level.VERY_LOW),
    ("Måttlig tillförlitlighet", Level.MODERATE),
    ("låg", Level.LOW),
    ("high", Level.HIGH),
    ("Low certainty", Level.LOW),
    ("moderate certainty of evidence", Level.MODERATE),
    ("no grading possible", Level.NOT_ASSESSED),
    ("ej bedömd", Level.NOT_ASSESSED),
    ("moderat", Level.MODERATE),
    ("lav", Level.LOW),
    ("høy kvalitet", Level.HIGH),
    ("svært lav tillit", Level.VERY_LOW),
    ("svært lav kvalitet", Level.VERY_LOW),
    ("ikke vurdert", Level.NOT_ASSESSED),
])
def test_each_regional_notation_is_read_to_its_level(written, level):
    assert read_level(written) is level


@pytest.mark.parametrize("written", ["medel", "⊕◯⊕◯", "⊕⊕⊕⊕⊕", "5/4", "+++++", "GRADE", ""])
def test_an_unknown_notation_is_read_to_no_level(written):
    assert read_level(written) is None


def check_output(folder: Path, monkeypatch, capsys) -> tuple[int, list[str]]:
    monkeypatch.chdir(folder.parent)
    status = main(["check", folder.name])
    return status, capsys.readouterr().out.splitlines()


def test_an_unknown_notation_is_a_finding_that_lists_the_accepted_forms(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(FIXTURE, tmp_path / "fall")
    replace_once(folder / "certainty.yaml", 'certainty: "GRADE: 3/4"', "certainty: medelstark")
    status, lines = check_output(folder, monkeypatch, capsys)
    assert status == 1
    [line] = [x for x in lines if "HTA250" in x]
    assert line.startswith("fall/certainty.yaml:4:14: HTA250 error: the certainty “medelstark”")
    for form in ("⊕⊕◯◯", "⨁⨁◯◯", "2/4", "++", "GRADE:", "måttligt starkt", "mycket låg", "svært lav", "moderat",
                 "no grading possible", "high"):
        assert form in line, form


def test_the_certainty_fixture_passes_the_check(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(FIXTURE, tmp_path / "fall")
    assert check_output(folder, monkeypatch, capsys) == (0, [])


def test_moderate_support_over_outcomes_rated_low_is_a_finding(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(FIXTURE, tmp_path / "fall")
    # biverkningar is rated ⨁⨁◯◯ (low) against placebo and not assessed against standard treatment
    replace_once(folder / "conclusions.yaml", "(låg tillförlitlighet)", "(det finns ett måttligt stöd)")
    status, lines = check_output(folder, monkeypatch, capsys)
    assert status == 1
    assert lines == ["fall/conclusions.yaml:5:11: HTA255 error: the bullet says “måttligt stöd” (moderate), but "
                     "the outcomes it names are rated: low. State the certainty the outcomes are rated at, or name "
                     "the outcomes the claim rests on."]


def test_a_bullet_naming_no_outcome_in_linked_conclusions_is_a_finding(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(FIXTURE, tmp_path / "fall")
    replace_once(folder / "conclusions.yaml", "    own_judgement: true\n", "")
    status, lines = check_output(folder, monkeypatch, capsys)
    assert [line.split(" ")[0:2] for line in lines] == [["fall/conclusions.yaml:11:5:", "HTA257"]]


def test_a_key_outcome_without_a_rating_is_a_finding_once_certainty_is_rated(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(FIXTURE, tmp_path / "fall")
    text = (folder / "certainty.yaml").read_text(encoding="utf-8")
    # drop the rating of fysisk funktion against standard treatment (the file's last entry)
    (folder / "certainty.yaml").write_text(text[:text.rindex("- outcome: funktion")], encoding="utf-8")
    status, lines = check_output(folder, monkeypatch, capsys)
    assert len(lines) == 1 and "HTA254" in lines[0]
    assert "“Fysisk funktion”" in lines[0] and "“Testbehandling mot standardbehandling”" in lines[0]


def test_the_reference_assessment_without_certainty_passes(tmp_path, monkeypatch, capsys):
    folder = shutil.copytree(REFERENCE, tmp_path / REFERENCE.name)
    status, lines = check_output(folder, monkeypatch, capsys)
    assert status == 0
    assert not [line for line in lines if re.search(r"HTA2[5-8]\d", line)]


# --- The summary-of-findings tables in the three formats ---------------------------------------------

# The fixture's ratings as a reader expects to see them (written out here, not computed).
PLACEBO = [("Smärta", "3 (240); RCT", "⊕⊕⊕◯", "Måttlig", "a"),
           ("Biverkningar", "3 (240); RCT", "⊕⊕◯◯", "Låg", "b,c"),
           ("Fysisk funktion", "2 (96)", "⊕◯◯◯", "Mycket låg", "d,e,f")]
STANDARD = [("Smärta", "1 (60); Observationsstudie", "⊕⊕◯◯", "Låg", "a,b,c"),
            ("Biverkningar", "1 (60)", "", "Ej bedömd", ""),
            ("Fysisk funktion", "1 (60)", "⊕⊕◯◯", "Låg", "d,e")]
FOOTNOTES = ["Nedgraderad ett steg för bristande precision: Få deltagare och brett konfidensintervall.",
             "Nedgraderad ett steg för risk för bias: Oklar blindning i två av tre studier.",
             "Nedgraderad ett steg för bristande samstämmighet: Studiernas resultat pekar åt olika håll.",
             "Nedgraderad ett steg för risk för publiceringsbias: Endast studier som tillverkaren finansierat.",
             "Uppgraderad ett steg för stor effekt: Stor effekt i förhållande till standardbehandlingen."]
HEADER = ["Utfall", "Studier (deltagare)", "Effekt", "Tillförlitlighet"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, FIXTURE)


def _expected_cells(rows) -> list[list[str]]:
    return [[outcome, studies, f"{symbols} {word}".strip() + marks if symbols else word, ]
            for outcome, studies, symbols, word, marks in rows]


def test_word_has_one_summary_of_findings_table_per_comparison_with_symbols_words_and_marks(built):
    from docx import Document

    doc = Document(built / "certainty.docx")
    sof = [t for t in doc.tables if t.rows[0].cells[-1].text.strip() == "Tillförlitlighet"]
    assert len(sof) == 2
    for table, expected in zip(sof, (PLACEBO, STANDARD)):
        assert [c.text.strip() for c in table.rows[0].cells] == HEADER
        body = [[c.text.strip() for c in row.cells] for row in table.rows[1:]]
        assert [row[0] for row in body] == [e[0] for e in expected]
        assert [row[1] for row in body] == [e[1] for e in expected]
        for row, (_o, _s, symbols, word, marks) in zip(body, expected):
            assert row[3].startswith(f"{symbols} {word}" if symbols else word)
            assert row[3].endswith(marks)
    from docx.oxml.ns import qn

    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in sof)  # a header row Word knows
    # the symbols are set in a font that has them; Arial has none
    runs = [r for t in sof for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs if "⊕" in r.text]
    assert runs and all(r.font.name == "Segoe UI Symbol" for r in runs)
    text = "\n".join(p.text for p in doc.paragraphs)
    for note in FOOTNOTES:
        assert note in text
    captions = [p.text for p in doc.paragraphs if "Sammanfattning av resultat" in p.text]
    assert [c.split(": ", 1)[1] for c in captions] == ["Testbehandling mot placebo",
                                                      "Testbehandling mot standardbehandling"]


def test_html_tables_have_a_header_row_and_symbols_hidden_beside_their_words(built):
    page = read_html(built / "certainty.html")
    sof = [t for t in page.tables if t and t[0] == HEADER]
    assert len(sof) == 2
    for table, expected in zip(sof, (PLACEBO, STANDARD)):
        for row, (outcome, studies, symbols, word, marks) in zip(table[1:], expected):
            assert row[0].startswith(outcome) and row[1] == studies
            assert row[3].startswith(f"{symbols} {word}" if symbols else word) and row[3].endswith(marks)
    html = (built / "certainty.html").read_text(encoding="utf-8")
    assert html.count("<th") >= 8  # a real header row in each table
    assert re.findall(r'<span class="sof-symbols" aria-hidden="true">([^<]*)</span>', html)[:3] == \
        ["⊕⊕⊕◯", "⊕⊕◯◯", "⊕◯◯◯"]
    for note in FOOTNOTES:
        assert note in page.text
    assert '@font-face { font-family: "DejaVu Sans"' in html  # the symbols' face travels with the page


def test_pdf_shows_symbols_words_and_footnotes_in_the_symbol_face(built):
    text = words(pdf_text(built / "certainty.pdf"))
    for outcome, studies, symbols, word, marks in PLACEBO + STANDARD:
        assert f"{symbols} {word}" in text if symbols else word in text
    for note in FOOTNOTES:
        assert words(note) in text
    from pypdf import PdfReader

    fonts = {str(f["/BaseFont"]) for page in PdfReader(built / "certainty.pdf").pages
             for f in (page["/Resources"].get("/Font") or {}).values() if "/BaseFont" in f.get_object()}
    assert any("DejaVuSans" in f for f in fonts), fonts


# --- Conclusions that name their evidence ----------------------------------------------------------------

def test_word_and_pdf_print_the_outcomes_after_each_bullet(built):
    from docx import Document

    doc = "\n".join(p.text for p in Document(built / "certainty.docx").paragraphs)
    pdf = words(pdf_text(built / "certainty.pdf"))
    for after in ("placebo (måttlig tillförlitlighet) [1]. (Utfall: smärta)",
                  "(låg tillförlitlighet). (Utfall: biverkningar)",
                  "svår smärta. (Utfall: smärta, biverkningar)",
                  "inom ramen för studier. (rådets egen bedömning)"):
        assert after in doc
        assert after in pdf


def test_the_outcomes_after_a_conclusion_ending_in_a_list_are_the_conclusions_not_its_last_items(tmp_path):
    """'(Utfall: …)' after a conclusion whose last lines are a list stands under the list, in the conclusion's
    own bullet, in every format; not at the end of the list's last item."""
    from docx import Document

    from hta.build import build

    folder = tmp_path / "lista"
    shutil.copytree(FIXTURE, folder)  # an example: its warnings do not keep it from being built
    replace_once(folder / "conclusions.yaml", "  - text: Testbehandling ger fler biverkningar än placebo (låg tillförlitlighet).\n",
                 "  - text: |\n      Testbehandling ger fler biverkningar än placebo:\n      - illamående\n      - yrsel\n")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    built = tmp_path / "out" / "lista"
    page = (built / "lista.html").read_text(encoding="utf-8")
    assert re.search(r"<li>yrsel</li>\s*</ul>\s*(<p>)?\(Utfall: <a [^>]*>biverkningar</a>\)(</p>)?</li>", page)
    doc = [p.text for p in Document(built / "lista.docx").paragraphs]
    assert doc[doc.index("yrsel") + 1] == "(Utfall: biverkningar)"
    laid_out = subprocess.run(["pdftotext", "-layout", str(built / "lista.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout.splitlines()
    [line] = [line for line in laid_out if "(Utfall: biverkningar)" in line]
    assert line.strip() == "(Utfall: biverkningar)"  # a line of its own, under the list


def test_html_links_each_bullet_to_its_rows_and_each_row_back(built):
    html = (built / "certainty.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    links = re.findall(r'href="#([^"]+)"', html)
    assert {"sof-1-1-smarta", "sof-1-1-biverkningar", "conclusion-findings-1", "conclusion-judgements-1"} <= ids
    assert links.count("sof-1-1-smarta") == 2 and links.count("sof-1-1-biverkningar") == 2
    assert {"conclusion-findings-1", "conclusion-findings-2", "conclusion-judgements-1"} <= set(links)
    assert all(target in ids for target in links if target.startswith(("sof-", "conclusion-")))


def test_the_reference_report_shows_no_certainty_symbols(reference_build):
    html = (reference_build / f"{REFERENCE.name}.html").read_text(encoding="utf-8")
    assert not {"⊕", "◯", "⨁"} & set(html)
    assert not {"⊕", "◯", "⨁"} & set(pdf_text(reference_build / f"{REFERENCE.name}.pdf"))


# --- <name>.json -------------------------------------------------------------------------------------------

def test_the_json_validates_against_its_published_schema(built, reference_build):
    import jsonschema

    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    for folder in (built, reference_build):
        data = json.loads((folder / f"{folder.name}.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
    assert (reference_build / "report.json").exists()  # the manifest stays beside it


def test_the_json_carries_every_count_the_flow_diagrams_print(reference_build):
    data = json.loads((reference_build / f"{REFERENCE.name}.json").read_text(encoding="utf-8"))
    carried = {str(v) for s in data["searches"] for k, v in s["counts"].items() if isinstance(v, int)}
    for search in data["searches"]:
        counts = search["counts"]
        carried |= {str(v) for v in [*counts["hits"].values(), *counts["excluded_by_reason"].values()]}
    page = read_html(reference_build / f"{REFERENCE.name}.html")
    printed = set()
    for svg in svg_images(page):
        printed |= set(re.findall(r"\(n = (\d+)\)", svg))  # each box's count, as the diagram prints it
    assert printed and printed <= carried, printed - carried


def test_the_json_carries_certainty_and_conclusion_links(built):
    data = json.loads((built / "certainty.json").read_text(encoding="utf-8"))
    levels = [(r["outcome"], r["comparison"], r["level"]) for r in data["certainty"]]
    assert levels[:3] == [("smarta", "Testbehandling mot placebo", "moderate"),
                          ("biverkningar", "Testbehandling mot placebo", "low"),
                          ("funktion", "Testbehandling mot placebo", "very low")]
    [first] = [c for c in data["conclusions"] if c["id"] == "conclusion-findings-1"]
    assert first["outcomes"] == [{"id": "smarta", "name": "Smärta", "certainty": ["moderate", "low"]}]


# --- The HTML page in a browser ------------------------------------------------------------------------

from test_html_accessibility import AXE, WCAG_21_AA, WIDTHS, browser, open_page  # noqa: E402,F401


def test_the_summary_of_findings_page_passes_axe_and_fits_a_phone(built, browser):
    script = AXE.read_text(encoding="utf-8")
    path = built / "certainty.html"
    found = {}
    for width in WIDTHS:
        page = open_page(browser, path, width)
        page.add_script_tag(content=script)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        found |= {f"{width}px: {v['id']}": [n["html"][:120] for n in v["nodes"]] for v in result["violations"]}
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            for table in (page.locator("#tbl-sof-1-1"), page.locator("#tbl-sof-1-2")):
                assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")  # no scrolling in its box
        assert page.evaluate("document.fonts.check('16px \"DejaVu Sans\"', '⊕◯')")
        page.close()
    assert not found, found


SBU_STYLE = """name: Testregionen (SBU:s skala)
sections: [question, pico, background, summary, method, results, evidence, technical, economic, ethical,
           conclusions, authors]
certainty:
  sv:
    heading: Evidensstyrka
    symbols: false
    levels:
      high: Starkt vetenskapligt underlag
      moderate: Måttligt starkt vetenskapligt underlag
      low: Begränsat vetenskapligt underlag
      very low: Otillräckligt vetenskapligt underlag
"""


def test_a_house_style_writes_certainty_in_its_own_words_without_symbols(tmp_path, monkeypatch):
    """The same ratings as the fixture, printed the way a style from files alone says: SBU's older scale in
    words, no ⊕◯. The words are the style file's, not hta's labels."""
    from docx import Document

    from hta.build import build

    folder = styled_copy(tmp_path, monkeypatch, FIXTURE, "certainty", "sbu-skala", {"style.yaml": SBU_STYLE})
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    doc = Document(tmp_path / "out" / "certainty" / "certainty.docx")
    sof = [t for t in doc.tables if t.rows[0].cells[-1].text.strip() == "Evidensstyrka"]
    assert len(sof) == 2
    cells = [row.cells[-1].text for t in sof for row in t.rows[1:]]
    scale = ("Starkt vetenskapligt underlag", "Måttligt starkt vetenskapligt underlag",
             "Begränsat vetenskapligt underlag", "Otillräckligt vetenskapligt underlag", "Ej bedömd")
    assert cells and all(c.startswith(scale) for c in cells), cells
    assert not any(symbol in c for c in cells for symbol in "⊕◯⨁")
    page = read_html(tmp_path / "out" / "certainty" / "certainty.html")
    html_cells = [row[-1] for t in page.tables if t and t[0][-1] == "Evidensstyrka" for row in t[1:]]
    assert html_cells and all(c.startswith(scale) for c in html_cells), html_cells


def test_a_style_that_leaves_out_the_evidence_says_so_and_links_no_bullet_to_a_missing_table(tmp_path, monkeypatch):
    """Without the evidence part there are no summary-of-findings tables: the check says the ratings would go
    unprinted, and the bullets name their outcomes without links to rows that do not exist."""
    from hta.build import build

    folder = styled_copy(tmp_path, monkeypatch, FIXTURE, "certainty", "utan-evidens",
                         {"style.yaml": SBU_STYLE.replace(" evidence,", "")})
    [outcome] = build([folder], tmp_path / "out")
    said = [d.text() for d in outcome.diagnostics]
    assert any("certainty.yaml" in line and "HTA220" in line and "summary-of-findings" in line for line in said), said
    assert outcome.built, said
    assert "#sof-" not in (tmp_path / "out" / "certainty" / "certainty.qmd").read_text(encoding="utf-8")
