"""Every shape a regional HTA report takes (issue 11): each synthetic fixture under tests/fixtures/shapes/
builds, and its Word file, HTML page and PDF show the shape as the regions write it; each shape rule of
`hta check` has a failing case (fixtures/broken/<rule>) and a passing one (fixtures/shapes-pass/<rule>); a
house style is files, not code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reports import docx_headings, docx_text, pdf_text, read_html, styled_copy, words
from test_checks import MINIMAL, assemble, run_check

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES = FIXTURES / "shapes"
PASSING = sorted(p for p in (FIXTURES / "shapes-pass").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def shapes(tmp_path_factory) -> Path:
    """The four shape fixtures built together; returns the output root."""
    from hta.build import build

    out = tmp_path_factory.mktemp("shapes")
    outcomes = build(sorted(p for p in SHAPES.iterdir() if p.is_dir()), out)
    assert all(o.built for o in outcomes), [d.text() for o in outcomes for d in o.diagnostics]
    return out


def outputs(root: Path, name: str) -> tuple[str, str, str]:
    """(Word text, HTML text, PDF text) of one built fixture, whitespace folded."""
    folder = root / name
    return (words(docx_text(folder / f"{name}.docx")), read_html(folder / f"{name}.html").text,
            words(pdf_text(folder / f"{name}.pdf")))


def pico_rows(root: Path, name: str) -> list[tuple[str, str]]:
    """The first Word table's rows as (label, text with its line breaks), under its header row."""
    from docx import Document

    table = Document(root / name / f"{name}.docx").tables[0]
    return [(row.cells[0].text.strip(), row.cells[1].text.strip()) for row in table.rows][1:]


def in_every_format(root: Path, name: str, *expected: str) -> None:
    for text, kind in zip(outputs(root, name), ("Word", "HTML", "PDF")):
        for phrase in expected:
            assert phrase in text, (kind, phrase)


# --- Diagnostic question ---------------------------------------------------------------------------

def test_diagnostic_pico_has_index_test_reference_standard_and_target_condition_rows(shapes):
    rows = pico_rows(shapes, "diagnostic")
    assert [label for label, _ in rows] == ["Population/Målgrupp", "Indextest", "Referensstandard",
                                            "Målbetingelse", "Outcome/Utfall av intresse"]
    assert dict(rows)["Referensstandard"] == "Biopsi med histologisk bedömning"
    # the population was written on two lines in pico.yaml; the cell keeps the break
    assert dict(rows)["Population/Målgrupp"] == "Vuxna med misstänkt testsjukdom\nsom söker akut"


def test_diagnostic_shape_reads_back_from_html_and_pdf(shapes):
    in_every_format(shapes, "diagnostic", "Indextest Snabbtest i blod",
                    "Referensstandard Biopsi med histologisk bedömning", "Primära utfallsmått: Sensitivitet, Specificitet.")


def test_report_number_with_its_own_label_stands_beside_the_dnr(shapes):
    in_every_format(shapes, "diagnostic", "Mini-HTA nr 2024:7 · Dnr: TEST/0002", "Mini-HTA")


# --- GRADE tiers, labelled populations and comparators, one unit in English --------------------------

def test_sub_populations_and_comparators_carry_their_labels(shapes):
    rows = dict(pico_rows(shapes, "tiers"))
    assert rows["Population"] == "P1: Adults with the test disease\nP2: Children with the test disease\nunder 12 years of age"
    assert rows["Control/Comparison"] == "C1: Placebo\nC2: Usual care\nC3: Physiotherapy"


def test_outcomes_stand_under_their_grade_tier_headings(shapes):
    outcomes = dict(pico_rows(shapes, "tiers"))["Outcomes"]
    assert outcomes.split("\n") == ["Critical for decision making", "Pain", "Mortality", "Important",
                                    "Quality of life", "Of limited importance", "Sleep (knowledge gap)"]
    in_every_format(shapes, "tiers", "Critical for decision making Pain Mortality Important Quality of life")


def test_one_unit_in_english_notes_and_judges_in_the_singular(shapes):
    headings = docx_headings(shapes / "tiers" / "tiers.docx")
    assert "Regional HTA Centre notes that" in headings and "Regional HTA Centre judges that" in headings
    in_every_format(shapes, "tiers", "Regional HTA Centre notes that")


def test_a_report_number_without_label_never_prints_under_the_dnr_label(shapes):
    for text in outputs(shapes, "tiers"):
        assert "HTA 2018:42 · Ref. no.: TEST/0003" in text
        assert "Ref. no.: HTA 2018:42" not in text


# --- Numbered outcomes, no comparator, structured aspects, Region Skåne's style ----------------------

def test_numbered_outcomes_keep_their_numbers_sub_items_and_prioritised_line(shapes):
    outcomes = dict(pico_rows(shapes, "numbered"))["Utfall av interesse"].split("\n")
    assert outcomes[:5] == ["Utfallsmål", "O1: Smerte", "O2: Funksjon", "O3: Bivirkninger", "O4: Sykehusinnleggelse"]
    assert [line.strip("\u00a0 ") for line in outcomes[5:9]] == ["O5: Livskvalitet", "O5a: EQ-5D", "O5b: SF-36",
                                                                 "O6: Søvn (kunnskapshull)"]
    assert outcomes[-1] == "Prioriterte utfallsmål: O1, O3, O5a."
    in_every_format(shapes, "numbered", "O5a: EQ-5D", "Prioriterte utfallsmål: O1, O3, O5a.")


def test_no_comparator_is_said_in_words(shapes):
    assert dict(pico_rows(shapes, "numbered"))["Kontroll/Sammenligning/Standardbehandling"] == "Ingen sammenligning"


def test_economic_table_computes_each_net_change_and_the_totals(shapes):
    from docx import Document

    tables = Document(shapes / "numbered" / "numbered.docx").tables
    [economic] = [t for t in tables if t.rows[0].cells[0].text == "Kostnadspost"]
    rows = [[c.text for c in row.cells] for row in economic.rows]
    # economic.yaml gives current and expected only; 150 000 − 100 000 and 180 000 − 200 000, and the sums
    assert rows[1] == ["Legemidler", "100\u00a0000", "150\u00a0000", "+50\u00a0000"]
    assert rows[2] == ["Personell", "200\u00a0000", "180\u00a0000", "\u221220\u00a0000"]
    assert rows[3] == ["Sum", "300\u00a0000", "330\u00a0000", "+30\u00a0000"]
    in_every_format(shapes, "numbered", "Kostnader i NOK, 2024", "Budsjettrom: 40 000 NOK")


def test_organisational_aspects_and_the_ethics_checklist_are_tables(shapes):
    from docx import Document

    cells = {row.cells[0].text: row.cells[-1].text for t in Document(shapes / "numbered" / "numbered.docx").tables
             for row in t.rows}
    assert cells["Personell"] == "To sykepleiere\nén lege"
    assert cells["Påvirkes pasientens autonomi?"] == "Nei"
    in_every_format(shapes, "numbered", "Lokaler Eksisterende poliklinikk", "Gis alle pasienter lik tilgang? Ja, innenfor regionen")


def test_an_ethics_answer_keeps_its_paragraphs_and_line_breaks_in_every_format(shapes):
    """ethics.yaml's third answer is a block (`|`): two lines, an empty line, a third. Its `*uten*` is the
    author's text, printed as typed."""
    from docx import Document
    from lxml import html as lxml_html

    first, second, third = "Ja, for de fleste.", "Unntak: pasienter *uten* fast bopel.", "Tiltaket vurderes igjen etter ett år."
    [answer] = [row.cells[-1] for t in Document(shapes / "numbered" / "numbered.docx").tables for row in t.rows
                if row.cells[0].text.startswith("Kan tiltaket påvirke")]
    assert [p.text for p in answer.paragraphs] == [f"{first}\n{second}", third]  # a line break, then a paragraph

    page = lxml_html.fromstring((shapes / "numbered" / "numbered.html").read_bytes())
    [cell] = page.xpath('//td[contains(., "Ja, for de fleste.")]')
    for br in cell.iter("br"):
        br.tail = "<br>" + (br.tail or "")
    assert [" ".join(p.text_content().split()) for p in cell.xpath("./p")] == [f"{first}<br> {second}", third]

    lines = [line.strip() for line in pdf_text(shapes / "numbered" / "numbered.pdf").splitlines()]
    start = lines.index(first)
    assert lines[start:start + 3] == [first, second, third]


def test_skane_style_puts_the_summary_first_and_heads_its_conclusions(shapes):
    headings = docx_headings(shapes / "numbered" / "numbered.docx")
    assert headings.index("Sammendrag") < headings.index("Problemstilling") < headings.index("PICO")
    assert headings[headings.index("Organisatoriske aspekter") + 1:][:2] == ["Samlet vurdering", "Kunnskapshull"]
    in_every_format(shapes, "numbered", "HTA Test")


# --- Several PICOs, evidence per PICO, Västra Götaland's style ---------------------------------------

def test_each_pico_has_its_heading_and_its_own_question(shapes):
    docx, html, pdf = outputs(shapes, "multi")
    for text in (docx, html, pdf):
        assert "Vuxna Frågeställning: Vilken effekt har testbehandlingen hos vuxna?" in text
        assert "Barn Frågeställning: Vilken effekt har testbehandlingen hos barn jämfört med sedvanlig vård?" in text


def test_each_pico_gets_its_own_evidence_table(shapes):
    page = read_html(shapes / "multi" / "multi.html")
    evidence = [t for t in page.tables if t and t[0] and t[0][0] == "Referens"]
    assert len(evidence) == 2
    assert [len(t) for t in evidence] == [2, 2]  # header and the one study that answers each PICO
    in_every_format(shapes, "multi", "Inkluderade studier: Vuxna", "Inkluderade studier: Barn")


def test_vgr_style_orders_question_evidence_level_efficacy_risks_economy_ethics_organisation(shapes):
    headings = docx_headings(shapes / "multi" / "multi.docx")
    order = ["Frågeställning", "PICO", "Evidensstyrka", "Effekt", "Risker", "Ekonomiska aspekter",
             "Etiska aspekter", "Organisation", "Sammanvägd bedömning", "Slutsatser", "Rekommendationer",
             "Kunskapsluckor"]
    assert [h for h in headings if h in order] == order
    assert not any("konstaterar att" in h for h in headings)


def test_vgr_title_block_names_the_organisation_and_the_report_number(shapes):
    in_every_format(shapes, "multi", "HTA-centrum", "HTA-rapport 2024:12 · Dnr: TEST/0005")


# --- hta check: each shape rule fails on its broken case and passes on its fixed one -----------------

@pytest.mark.parametrize("case", PASSING, ids=[p.name for p in PASSING])
def test_shape_rule_passes_on_the_fixed_case(case, tmp_path, monkeypatch, capsys):
    assemble(case, tmp_path)
    assert run_check(tmp_path, monkeypatch, capsys, "fall") == (0, "", "")


def test_every_shape_rule_has_a_failing_and_a_passing_case():
    from hta.rules import RULES

    # a house style's unreadable report.css needs a style folder beside the assessment: test_style_stylesheet.py
    shape_rules = {r.name for code, r in RULES.items() if 210 <= int(code[3:]) <= 249} - {"style-file-unreadable"}
    assert shape_rules == {p.name for p in PASSING}
    assert shape_rules <= {p.name for p in (FIXTURES / "broken").iterdir()}


def test_every_shape_fixture_is_clean(tmp_path, monkeypatch, capsys):
    for case in sorted(p for p in SHAPES.iterdir() if p.is_dir()):
        shutil.copytree(case, tmp_path / case.name)
    assert run_check(tmp_path, monkeypatch, capsys, *sorted(p.name for p in SHAPES.iterdir() if p.is_dir())) == (0, "", "")


# --- A house style is files --------------------------------------------------------------------------

FOURTH_STYLE = """name: Testregionen
sections: [conclusions, question, pico, results, background, summary, method, technical, economic, ethical,
           authors]
required_sections: [results]
headings:
  sv:
    results: Vad studierna visar
    question: Vår fråga
conclusions:
  headings: plain
  order: [judgements, findings]
  required: [findings]
"""


def test_a_fourth_style_from_files_alone_changes_section_order_and_headings(tmp_path, monkeypatch):
    """No code is changed: the style is a folder with style.yaml, found through HTA_STYLES."""
    from hta.build import build

    folder = styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "testregion", {
        "style.yaml": FOURTH_STYLE, "report.css": ".title-block { border-top: 3px solid #123456; }\n"})
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    headings = docx_headings(tmp_path / "out" / "fall" / "fall.docx")
    assert headings[:5] == ["Bedömning", "Slutsatser", "Vår fråga", "PICO", "Vad studierna visar"]
    assert "Söksträngar" not in headings and "Medicinska rådet konstaterar att" not in headings
    page = read_html(tmp_path / "out" / "fall" / "fall.html")
    assert page.headings[1:6] == ["Bedömning", "Slutsatser", "Vår fråga", "PICO", "Vad studierna visar"]
    # the style's own stylesheet is part of the page
    assert "border-top: 3px solid #123456" in (tmp_path / "out" / "fall" / "fall.html").read_text(encoding="utf-8")


def test_a_style_with_its_own_word_reference_document_gives_the_word_file_its_styles(tmp_path, monkeypatch):
    """An organisation's Word template (reference.docx in the style's folder) is what pandoc writes the Word
    file with: here hta's own reference document with the headings coloured #123456, which hta's is not."""
    import io
    import re
    import zipfile

    from hta.build import build
    from hta.paths import TEMPLATES

    with zipfile.ZipFile(TEMPLATES / "reference.docx") as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["word/styles.xml"].decode("utf-8")
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', xml, re.S)[0]
    coloured = re.sub(r'<w:color [^>]*/>', "", heading).replace("<w:rPr>", '<w:rPr><w:color w:val="123456"/>', 1)
    assert coloured != heading and "123456" not in xml
    parts["word/styles.xml"] = xml.replace(heading, coloured).encode("utf-8")
    reference = io.BytesIO()
    with zipfile.ZipFile(reference, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    folder = styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "testregion",
                         {"style.yaml": FOURTH_STYLE, "reference.docx": reference.getvalue()})
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    with zipfile.ZipFile(tmp_path / "out" / "fall" / "fall.docx") as z:
        styles_xml = z.read("word/styles.xml").decode("utf-8")
    built = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles_xml, re.S)[0]
    assert 'w:color w:val="123456"' in built


def test_a_malformed_style_is_a_finding_not_a_traceback(tmp_path, monkeypatch, capsys):
    styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "trasig", {"style.yaml": "name: Trasig\nsektioner: [question]\n"})
    status, out, err = run_check(tmp_path, monkeypatch, capsys, "fall")
    assert status == 1 and "Traceback" not in out + err
    assert 'style.yaml:2:1: HTA007 error: unknown key "sektioner". Did you mean "sections"?' in out


# --- hta new --shape ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, language, says", [
    ("diagnostic", "sv", "# Diagnostisk fråga: indextestet, referensstandarden"),
    ("tiers", "en", "# Outcomes by GRADE importance: critical for decision making"),
    ("numbered", "nb", "# Nummererte utfallsmål O1, O2"),
    ("multi", "sv", "# Flera PICO: var och en med eget id"),
])
def test_new_scaffolds_each_shape_with_comments_in_its_language(shape, language, says, tmp_path, monkeypatch, capsys):
    from hta.cli import main

    assert main(["new", "fall", "--title", "Test", "--shape", shape, "--language", language, "--in", str(tmp_path)]) == 0
    pico = (tmp_path / "fall" / "pico.yaml").read_text(encoding="utf-8")
    assert says in pico
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    # a new draft is incomplete (warnings), but its pico.yaml is of the format: no key is unknown or missing
    assert status == 0 and not any(code in out for code in ("HTA006", "HTA007", "HTA008"))


def test_new_with_a_house_style_writes_the_sections_that_style_prints(tmp_path):
    from hta.cli import main

    assert main(["new", "fall", "--title", "Test", "--style", "vgr", "--in", str(tmp_path)]) == 0
    sections = {p.stem for p in (tmp_path / "fall" / "sections").glob("*.md")}
    assert {"evidence-level", "efficacy", "risks", "organisational"} <= sections
    assert "technical" not in sections and "background" not in sections
    assert "style: vgr" in (tmp_path / "fall" / "assessment.yaml").read_text(encoding="utf-8")


# --- The format's documentation shows each shape with an example that is valid --------------------------

def _yaml_blocks(start: str, end: str) -> list[str]:
    import re

    doc = (Path(__file__).parents[1] / "docs" / "assessment-format.md").read_text(encoding="utf-8")
    part = doc[doc.index(start):doc.index(end, doc.index(start))]
    return re.findall(r"```yaml\n(.*?)```", part, re.S)


def test_every_pico_shape_in_the_format_doc_is_a_valid_pico_yaml():
    from pydantic import TypeAdapter
    from ruamel.yaml import YAML

    from hta.model.assessment import Pico

    blocks = _yaml_blocks("### Every shape of a PICO", "## searches.yaml")
    picos = [p for block in blocks for p in TypeAdapter(list[Pico]).validate_python(YAML(typ="safe").load(block))]
    assert any(p.diagnostic for p in picos) and any(p.outcomes.critical for p in picos)
    assert any(p.outcomes.prioritised for p in picos) and any(p.parts("control") for p in picos)
    assert any(p.question for p in picos) and any(p.no_comparator for p in picos)


def test_the_aspect_and_style_examples_in_the_format_doc_are_valid():
    from ruamel.yaml import YAML

    from hta.model.aspects import Economic, Ethics, Organisational
    from hta.model.assessment import Metadata
    from hta.model.styles import Style

    blocks = [YAML(typ="safe").load(b) for b in _yaml_blocks("### House styles", "## Editor support")]
    Style.model_validate(blocks[0])
    certainty = Style.model_validate({"name": "N", "sections": ["evidence"]} | blocks[1]).certainty["sv"]
    assert certainty.levels["moderate"] == "Måttligt starkt vetenskapligt underlag" and not certainty.symbols
    assert Economic.model_validate(blocks[3]).change == 30000
    Organisational.model_validate(blocks[4])
    Ethics.model_validate(blocks[5])
    identity = YAML(typ="safe").load(_yaml_blocks("### Report number, organisation", "### House styles")[0])
    Metadata.model_validate({"title": "T", "unit": "U", "councils": [], "question": "Q", "status": "draft"} | identity)


def test_changing_a_house_style_rebuilds_the_reports_that_use_it(tmp_path, monkeypatch):
    from hta.build import build

    folder = styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "testregion", {"style.yaml": FOURTH_STYLE})
    style = tmp_path / "styles" / "testregion" / "style.yaml"
    build([folder], tmp_path / "out")
    style.write_text(FOURTH_STYLE.replace("Vad studierna visar", "Studiernas resultat"), encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert not outcome.reused
    assert "Studiernas resultat" in docx_headings(tmp_path / "out" / "fall" / "fall.docx")


def test_a_style_may_bring_its_own_typst_template(tmp_path, monkeypatch):
    """The PDF is made with the style's report.typst: here hta's own, with one line added that marks it."""
    from pypdf import PdfReader

    from hta.build import build
    from hta.model.labels import TEMPLATES

    typst = (TEMPLATES / "report.typst").read_text(encoding="utf-8")
    marked = typst.replace("#set page(\n", '#set document(keywords: ("testregionens mall",))\n#set page(\n', 1)
    assert marked != typst
    folder = styled_copy(tmp_path, monkeypatch, MINIMAL, "fall", "testregion",
                         {"style.yaml": FOURTH_STYLE, "report.typst": marked})
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    assert "testregionens mall" in PdfReader(tmp_path / "out" / "fall" / "fall.pdf").metadata.get("/Keywords", "")


# --- The outcome interface the certainty work builds on ------------------------------------------------

@pytest.mark.parametrize("outcomes, key", [
    ({"primary": ["Smärta"], "secondary": ["Sömn"]}, ["smarta"]),
    ({"critical": ["Mortalitet"], "important": ["Livskvalitet"], "limited": ["Vårdtid"]}, ["mortalitet"]),
    ({"numbered": ["Smärta", {"name": "Livskvalitet", "items": ["EQ-5D", "SF-36"]}], "prioritised": ["O2b"]},
     ["sf-36"]),
    ({"numbered": ["Smärta", {"name": "Livskvalitet", "items": ["EQ-5D"]}]}, ["smarta", "livskvalitet"]),
])
def test_key_outcomes_are_the_primary_critical_or_prioritised_ones(outcomes, key):
    from hta.model.assessment import Pico

    pico = Pico.model_validate({"population": "P", "intervention": "I", "control": "C", "outcomes": outcomes})
    assert [o.id for o in pico.key_outcomes()] == key
    assert len(pico.all_outcomes()) == sum(1 + len(o.get("items", [])) if isinstance(o, dict) else 1
                                           for group, items in outcomes.items() if group != "prioritised"
                                           for o in items)
