"""The HTML page in a real browser: Debian's Chromium, driven by Playwright, checked by axe-core (WCAG 2.1 AA)
at desktop and phone width, and printed to PDF. `.ci/system-packages` installs Chromium and axe-core; when
either is missing these tests fail and say so, they never skip."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import ASSESSMENTS, REPO

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """Every assessment in assessments/ built, with the index; and one that failed, which the index lists with
    the findings that keep it from being built."""
    import shutil

    from hta.build import build, discover

    out = tmp_path_factory.mktemp("library")
    outcomes = build(discover(ASSESSMENTS), out)
    assert all(o.built for o in outcomes), [d.text() for o in outcomes for d in o.diagnostics]
    failing = tmp_path_factory.mktemp("failing") / "misslyckad"
    shutil.copytree(ASSESSMENTS / "ketamin-langvarig-smarta", failing)
    (failing / "sections" / "background.md").rename(failing / "sections" / "bakgrund.md")
    [outcome] = build([failing], out)
    assert not outcome.built and "Ej ombyggd" in (out / "index.html").read_text(encoding="utf-8")
    return out


def pages(library: Path) -> list[Path]:
    return sorted(library.glob("*/*.html")) + [library / "index.html"]


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run .ci/system-packages (Debian package chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def open_page(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready")
    return page


def test_axe_finds_no_wcag_21_aa_violation_in_any_report_or_the_index(library, browser):
    assert AXE.exists(), f"{AXE} is missing: run .ci/system-packages (npm ci --prefix .ci/node)"
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for path in pages(library):
        for width in WIDTHS:
            page = open_page(browser, path, width)
            page.add_script_tag(content=script)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
            page.close()
            assert result["passes"], path  # axe ran
            for violation in result["violations"]:
                found[f"{path.name} at {width}px: {violation['id']}"] = [n["html"][:120] for n in violation["nodes"]]
    assert not found, found


def test_every_report_reads_at_phone_width_without_sideways_scrolling(library, browser):
    for path in pages(library):
        page = open_page(browser, path, 390)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path.name
        # the PICO table fits the screen too: it is not left to scroll in its box
        pico = page.locator(".table-wrap").first
        if "PICO" in page.content():
            assert pico.evaluate("box => box.scrollWidth <= box.clientWidth"), path.name
        page.close()


def test_wide_tables_scroll_in_their_own_named_box(library, browser):
    path = library / "ketamin-langvarig-smarta" / "ketamin-langvarig-smarta.html"
    page = open_page(browser, path, 390)
    boxes = page.locator(".table-wrap")
    assert boxes.count() == 6 == page.locator("table").count()
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
        assert box.get_attribute("aria-label"), box.inner_html()[:200]
        assert box.locator("table").count() == 1
    evidence = page.locator(".table-wrap.wide")
    assert evidence.get_attribute("aria-label") == "Tabell 1. Inkluderade studier"
    assert evidence.evaluate("box => box.scrollWidth > box.clientWidth")  # it scrolls, the page does not
    page.close()
    wide = open_page(browser, path, 1280)
    assert wide.locator(".table-wrap.wide").evaluate("box => box.scrollWidth <= box.clientWidth")  # all of it shows
    wide.close()


def test_html_shows_the_project_family(library, browser):
    path = library / "ketamin-langvarig-smarta" / "ketamin-langvarig-smarta.html"
    source = path.read_text(encoding="utf-8")
    assert re.search(r'@font-face \{ font-family: "Arimo"; font-style: normal; .*?data:font/woff2;base64,', source)
    page = open_page(browser, path, 1280)
    assert page.evaluate("document.fonts.check('16px Arimo') && document.fonts.check('bold 16px Arimo')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"Arimo"' in loaded or "Arimo" in loaded, loaded
    page.close()


def test_html_numbers_captions_and_marks_row_labels(library, browser):
    path = library / "ketamin-langvarig-smarta" / "ketamin-langvarig-smarta.html"
    page = open_page(browser, path, 1280)
    figures = page.locator("figcaption").all_inner_texts()
    assert [f.split(".")[0] for f in figures] == ["Figur 1", "Figur 2"]
    captions = page.locator("caption").all_inner_texts()
    assert captions[0] == "Tabell 1. Inkluderade studier" and captions[-1] == "Tabell 5. CINAHL 2021-02-08"
    labels = page.locator("th[scope=row]")
    assert labels.all_inner_texts()[0] == "Population/Målgrupp"
    style = labels.first.evaluate("th => [getComputedStyle(th).fontWeight, getComputedStyle(th).backgroundColor]")
    assert int(style[0]) >= 700 and style[1] != "rgba(0, 0, 0, 0)"
    assert page.locator(".title-block .region").inner_text() == "Region Dalarna"
    page.close()


def _printed(browser, path: Path, out: Path) -> Path:
    page = browser.new_page()
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready")
    page.pdf(path=str(out), format="A4", prefer_css_page_size=True)
    page.close()
    return out


def test_printed_html_has_a4_pages_numbered_with_the_dnr_and_status(library, browser, tmp_path):
    for name, dnr, status in (("ketamin-langvarig-smarta", "Dnr: RD21/01987", None),
                              ("ketamin-depression", "Saksnr.: EKSEMPEL-002", "EKSEMPEL")):
        printed = _printed(browser, library / name / f"{name}.html", tmp_path / f"{name}.pdf")
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(printed)], capture_output=True, text=True).stdout
        sizes = {(round(float(w)), round(float(h))) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)}
        assert sizes <= {(595, 842), (842, 595)}, sizes
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(printed), "-"], capture_output=True, text=True).stdout
        texts = text.split("\f")[:-1]
        assert len(texts) > 3
        for number, page_text in enumerate(texts, start=1):
            assert f"{number} ({len(texts)})" in page_text, (name, number)
            assert dnr in " ".join(page_text.split()), (name, number)
            if status:
                assert status in page_text, (name, number)


def test_a_title_cannot_break_out_of_the_print_rules():
    from hta.convert.webpage import css_string, print_rules

    hostile = 'Ketamin"; } body { display: none } </style><script>alert(1)</script>'
    rules = print_rules(hostile, "Dnr: X/1", "UTKAST")
    assert "</style" not in rules and "<script" not in rules and "display: none" not in rules
    assert css_string('a"b') == '"a\\000022 b"'
