"""Appraisal figures from the per-domain ratings of the evidence table: every study's rating per domain read back
from the HTML's SVG, the Word picture's description, the PDF's figure and table, for each tool; the tools' data
files; AMSTAR 2's overall rating by the published rule."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REFERENCE, built_once
from reports import image_descriptions, pdf_figure_alts, pdf_text, read_html, svg_images, words

from hta.model.appraisal import Amstar2Counts, domain_id, tool_named, tools

FIXTURE = Path(__file__).parent / "fixtures" / "appraisal"
SVG = "{http://www.w3.org/2000/svg}"
# How the figures name the studies of the fixture: first author and year; two rows of Ahl 2021 get a and b.
LABELS = {"ahl2021": "Ahl 2021a", "berg2020": "Berg 2020", "ahl2021b": "Ahl 2021b", "dahl2019": "Dahl 2019",
          "ek2018": "Ek 2018", "fors2021": "Fors 2021", "gran2022": "Gran 2022", "cederlund2022": "Cederlund 2022",
          "holm2023": "Holm 2023", "ivarsson2017": "Ivarsson 2017", "jonsson2016": "Jonsson 2016"}
TOOLS = ["RoB 2", "ROBINS-I V2", "QUADAS-2", "AMSTAR 2", "SBU RCT 2014"]
DOMAIN_COLUMN = re.compile(r"^[DAQ]\d+$")


def fixture_rows() -> list[dict[str, str]]:
    with (FIXTURE / "evidence.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def expected_sentence(row: dict[str, str]) -> str:
    """A study's ratings as the description must say them, straight from the fixture's cells."""
    parts = [f"{column} {value.lower()}" for column, value in row.items() if DOMAIN_COLUMN.match(column) and value]
    if row["rating"]:
        parts.append(f"samlad bedömning {row['rating'].lower()}")
    return f"{LABELS[row['reference']]}: {', '.join(parts)}."


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, FIXTURE)


def test_the_fixture_rates_every_tool_per_domain():
    assert sorted({row["appraisal_tool"] for row in fixture_rows()}) == sorted(TOOLS)


@pytest.mark.parametrize("tool", TOOLS)
def test_html_traffic_light_svg_describes_every_rating_of_every_study(built, tool):
    page = read_html(built / f"{FIXTURE.name}.html")
    [svg] = [s for s in svg_images(page) if f": {tool}</title>" in s and "per studie och domän" in s]
    root = ET.fromstring(svg)
    desc = root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for row in fixture_rows():
        if row["appraisal_tool"] == tool:
            assert expected_sentence(row) in desc
            assert LABELS[row["reference"]] in texts  # the study's row in the drawing
    assert root.get("role") == "img" and root.get("aria-labelledby")


@pytest.mark.parametrize("tool", TOOLS)
def test_html_prints_the_same_ratings_as_a_table_beside_the_figure(built, tool):
    page = read_html(built / f"{FIXTURE.name}.html")
    cells = [" ".join(r) for table in page.tables for r in table]
    for row in fixture_rows():
        if row["appraisal_tool"] == tool:
            values = [v for c, v in row.items() if DOMAIN_COLUMN.match(c) and v] + ([row["rating"]] if row["rating"] else [])
            assert any(re.fullmatch(rf"{LABELS[row['reference']]} \[\d+\] {' '.join(values)}", c) for c in cells), tool


def test_summary_chart_says_how_many_studies_got_each_judgement(built):
    page = read_html(built / f"{FIXTURE.name}.html")
    [svg] = [s for s in svg_images(page) if "Andel studier" in s and ": RoB 2</title>" in s]
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    rob = [r for r in fixture_rows() if r["appraisal_tool"] == "RoB 2"]
    for column in ("D1", "D2", "D3", "D4", "D5"):
        for value in {r[column] for r in rob}:
            n = sum(r[column] == value for r in rob)
            assert f"{value.lower()} {n} av {len(rob)} ({round(100 * n / len(rob))}\u00a0%)" in desc, (column, value)


def test_word_pictures_describe_every_rating_of_every_study(built):
    descriptions = image_descriptions(built / f"{FIXTURE.name}.docx")
    for row in fixture_rows():
        assert any(expected_sentence(row) in d for d in descriptions), row["reference"]


def test_word_numbers_the_figures_after_the_flow_diagram(built):
    from docx import Document

    captions = [p.text for p in Document(built / f"{FIXTURE.name}.docx").paragraphs if p.text.startswith("Figur ")]
    assert captions[:3] == ["Figur 1. Diagram över sökresultat", "Figur 2. Bedömning per studie och domän: RoB 2",
                            "Figur 3. Andel studier per bedömning och domän: RoB 2"]
    assert len(captions) == 1 + 2 * len(TOOLS)
    # each number is a SEQ field, so Word renumbers the figures when one is added
    import zipfile

    document = zipfile.ZipFile(built / f"{FIXTURE.name}.docx").read("word/document.xml").decode("utf-8")
    assert len(re.findall(r"SEQ Figur", document)) == len(captions)


def test_pdf_figures_carry_the_ratings_as_alt_text_and_the_tables_as_text(built):
    pdf = built / f"{FIXTURE.name}.pdf"
    alts = pdf_figure_alts(pdf)
    text = words(pdf_text(pdf))
    for row in fixture_rows():
        assert any(expected_sentence(row) in alt for alt in alts), row["reference"]
        values = [v for c, v in row.items() if DOMAIN_COLUMN.match(c) and v] + ([row["rating"]] if row["rating"] else [])
        assert re.search(rf"{LABELS[row['reference']]} \[\d+\] {' '.join(values)}", text), row["reference"]


def test_per_domain_columns_leave_the_evidence_table(built):
    page = read_html(built / f"{FIXTURE.name}.html")
    evidence = page.tables[1]  # after the PICO table
    assert evidence[0][-1] == "Kommentar" and "D1" not in evidence[0] and "Q16" not in evidence[0]


def test_axe_finds_no_violation_in_the_appraisal_figures_and_tables(built):
    from test_html_accessibility import AXE, CHROMIUM, WCAG_21_AA, WIDTHS

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        script = AXE.read_text(encoding="utf-8")
        found = {}
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((built / f"{FIXTURE.name}.html").as_uri())
            page.add_script_tag(content=script)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
            assert result["passes"]
            found |= {f"{width}px: {v['id']}": [n["html"][:120] for n in v["nodes"]] for v in result["violations"]}
            if width == 390:
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.close()
        browser.close()
    assert not found, found


def test_the_reference_assessment_gets_no_appraisal_figure(reference_build):
    # its AMSTAR 2 ratings are overall only: no figure is drawn, and no rating is made up
    assert not list((reference_build / "resources").glob("appraisal-*"))
    with (REFERENCE / "evidence.csv").open(encoding="utf-8") as f:
        assert not [c for c in next(csv.reader(f)) if domain_id(c)]


def test_the_synthetic_fixture_passes_hta_check():
    from hta.check.run import run_checks
    from hta.load.validate import read_assessment

    assessment, findings = read_assessment(FIXTURE)
    assert assessment.meta.status.value == "example" and "Syntetiska" in assessment.meta.source
    assert [d.code for d in findings + run_checks(assessment)] == ["HTA120"]  # its `source:` note only


# --- The tools' data files and the AMSTAR 2 rule -------------------------------------------------------------

def test_each_tool_file_has_the_published_domains():
    assert [d.id for d in tool_named("RoB 2").domains] == ["D1", "D2", "D3", "D4", "D5"]
    robins = tool_named("ROBINS-I V2")
    assert [d.name.en for d in robins.domains][:3] == [
        "Bias due to confounding", "Bias in classification of interventions",
        "Bias in selection of participants into the study (or into the analysis)"]
    assert [lv.words.en for lv in robins.scale] == ["Low", "Moderate", "Serious", "Critical"]
    quadas = tool_named("QUADAS-2")
    assert [(d.id, d.group) for d in quadas.domains] == [
        ("D1", "bias"), ("D2", "bias"), ("D3", "bias"), ("D4", "bias"),
        ("A1", "applicability"), ("A2", "applicability"), ("A3", "applicability")]
    assert quadas.overall is None
    amstar = tool_named("AMSTAR 2")
    assert len(amstar.domains) == 16
    assert [d.id for d in amstar.domains if d.critical] == ["Q2", "Q4", "Q7", "Q9", "Q11", "Q13", "Q15"]
    assert [lv.words.en for lv in amstar.overall_scale] == ["High", "Moderate", "Low", "Critically low"]
    assert all(t.source for t in tools())


def test_a_plain_robins_i_is_not_taken_for_either_version():
    assert tool_named("ROBINS-I") is None and tool_named("robins-i v2").id == "robins-i-v2"
    # the two versions order domains 2 and 3 differently: a version is a file of its own
    first, second = tool_named("ROBINS-I 2016"), tool_named("ROBINS-I V2")
    assert [d.name.en.split()[2] for d in first.domains][1:3] == ["selection", "classification"]
    assert [d.name.en.split()[2] for d in second.domains][1:3] == ["classification", "selection"]


@pytest.mark.parametrize(("flaws", "weaknesses", "rating"), [
    (0, 0, "high"), (0, 1, "high"), (0, 2, "moderate"), (1, 0, "low"), (1, 5, "low"), (2, 0, "critically-low")])
def test_amstar2_overall_follows_the_published_rule(flaws, weaknesses, rating):
    assert Amstar2Counts(flaws, weaknesses).rating() == rating


def test_amstar2_allows_low_where_several_weaknesses_give_moderate():
    assert Amstar2Counts(0, 3).allows("low") and not Amstar2Counts(0, 3).allows("high")
    assert not Amstar2Counts(1, 0).allows("moderate")


@pytest.mark.parametrize(("heading", "domain"), [
    ("D1", "D1"), ("d5", "D5"), ("RoB 2 D1", "D1"), ("Domän D3", "D3"), ("Q16", "Q16"), ("AMSTAR 2 Q4", "Q4"),
    ("A2", "A2"), ("Kommentar D1", None), ("Resultat", None), ("B1", None), ("D", None)])
def test_column_headings_name_domains_only_in_the_documented_forms(heading, domain):
    assert domain_id(heading) == domain


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_symbol_reads_against_its_fill_and_every_outline_against_the_page():
    from hta.render.appraisal_figures import COLOURS, OUTLINE

    for tone, (fill, ink) in COLOURS.items():
        assert _contrast(fill, ink) >= 4.5, tone  # WCAG AA for text
    assert _contrast(OUTLINE, "#ffffff") >= 3  # WCAG non-text contrast: each circle and bar has the outline


@pytest.mark.parametrize(("language", "expected"), [
    ("nb", "Berg 2020: D1 noe bekymring, D2 lav, D3 høy, D4 lav, D5 noe bekymring, samlet vurdering høy."),
    ("en", "Berg 2020: D1 some concerns, D2 low, D3 high, D4 low, D5 some concerns, overall high.")])
def test_figures_speak_the_report_language(language, expected):
    from hta.render.appraisal_figures import figures_of
    from hta.load.validate import read_assessment

    assessment, _findings = read_assessment(FIXTURE)
    assessment.meta.language = language
    [rob] = [f for f in figures_of(assessment) if f.tool.name == "RoB 2"]
    assert expected in rob.traffic.description
    key = {"nb": "Noe bekymring", "en": "Some concerns"}[language]  # the figure's key, in the same words
    assert key in [t.text for t in rob.traffic.texts]


def test_a_study_label_is_text_in_the_svg_and_in_the_markdown(tmp_path):
    import json
    import shutil

    from hta.render.appraisal_figures import drawing_svg, figures_of, report_blocks
    from hta.load.validate import read_assessment

    folder = tmp_path / "fall"
    shutil.copytree(FIXTURE, folder)
    references = json.loads((folder / "references.json").read_text(encoding="utf-8"))
    for ref in references:
        if ref["id"] == "berg2020":
            ref["author"] = [{"family": "<b>B&*x*"}]
    (folder / "references.json").write_text(json.dumps(references), encoding="utf-8")
    assessment, _findings = read_assessment(folder)
    [rob] = [f for f in figures_of(assessment) if f.tool.name == "RoB 2"]
    root = ET.fromstring(drawing_svg(rob.traffic))  # still well-formed XML
    assert "<b>B&*x* 2020" in [t.text for t in root.iter(f"{SVG}text")]
    [block] = [b for b in report_blocks(assessment, figures_of(assessment), "resources") if b.id == "appraisal-rob2"]
    assert block.study_rows[1][0].startswith(r"\<b\>B\&\*x\* 2020 [@berg2020]")
