"""The PRISMA flow diagram: numbers from the data, escaped author text, SVG and PNG output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from hta.render import flow
from hta.render.flow import flow_svg
from hta.render.raster import flow_png
from hta.model.labels import labels_for
from hta.model.assessment import Search

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LABELS = labels_for("sv")


def make_search(pubmed_hits: int = 112, **screening: Any) -> Search:
    data: dict[str, Any] = {
        "id": "primara",
        "title": "Sökningar gällande punkt 1",
        "databases": [
            {"name": "PubMed", "date": "2021-01-13", "lines": [{"n": 1, "terms": "ketamine", "hits": pubmed_hits}]},
            {"name": "Cochrane Library", "id": "cochrane", "date": "2021-01-13",
             "lines": [{"n": 1, "terms": "Pain AND ketamine", "hits": 2}]},
        ],
        "screening": {
            "duplicates": 14,
            "fulltext": 10,
            "exclusions": [
                {"reason": "Fel studiedesign", "count": 7},
                {"reason": "Fel intervention", "references": ["ref-a", "ref-b"]},
            ],
            "included": ["study-1"],
        } | screening,
    }
    return Search.model_validate(data)


def box_texts(svg: str, key: str) -> list[str]:
    """The text lines of one box, e.g. 'duplicates', as a reader sees them."""
    box = ET.fromstring(svg).find(f".//{SVG}g[@id='flow-primara-{key}']")
    assert box is not None, key
    return [t.text or "" for t in box.iter(f"{SVG}text")]


def all_text(svg: str) -> str:
    return "\n".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))


def test_svg_shows_every_count_from_the_data() -> None:
    svg = flow_svg(make_search(), LABELS)
    text = all_text(svg)

    for expected in ["PubMed (n = 112)", "Cochrane Library (n = 2)", "(n = 114)",
                     "Fel studiedesign (n = 7)", "Fel intervention (n = 2)"]:
        assert expected in text
    assert "(n = 100)" in " ".join(box_texts(svg, "screened"))
    assert "(n = 10)" in " ".join(box_texts(svg, "fulltext"))
    assert "(n = 9)" in " ".join(box_texts(svg, "excluded"))
    assert "(n = 1)" in " ".join(box_texts(svg, "included"))


def test_svg_is_a_standalone_accessible_image() -> None:
    root = ET.fromstring(flow_svg(make_search(), LABELS))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.findtext(f"{SVG}title") == "Sökningar gällande punkt 1"
    description = root.findtext(f"{SVG}desc") or ""
    assert "PubMed (n = 112)" in description and "Fel studiedesign (n = 7)" in description
    assert "sans-serif" in (root.get("font-family") or "")
    assert "href" not in ET.tostring(root, encoding="unicode")


def test_not_reported_duplicates_print_the_label_and_no_number() -> None:
    svg = flow_svg(make_search(duplicates="not reported"), LABELS)

    for key in ("duplicates", "screened", "excluded_screening"):
        text = " ".join(box_texts(svg, key))
        assert "n = ej rapporterat" in text
        assert not re.search(r"\d", text), f"{key} shows a number: {text}"


def test_total_follows_the_database_hits() -> None:
    svg = flow_svg(make_search(pubmed_hits=300), LABELS)

    assert "(n = 302)" in " ".join(box_texts(svg, "identified"))
    assert "114" not in svg


def test_reason_texts_are_xml_escaped() -> None:
    exclusions = [{"reason": "Fel population <18 år", "count": 3}, {"reason": "A & B", "count": 4}]
    svg = flow_svg(make_search(exclusions=exclusions), LABELS)

    assert "Fel population &lt;18 år (n = 3)" in svg
    assert "A &amp; B (n = 4)" in svg
    assert "Fel population <18 år (n = 3)" in all_text(svg)


def test_long_reasons_wrap_and_their_box_grows() -> None:
    long = "Redovisar inte utfallsmått som är relevanta för frågeställningen om långvarig smärta hos vuxna"
    short_svg = flow_svg(make_search(), LABELS)
    long_svg = flow_svg(make_search(exclusions=[{"reason": long, "count": 7}]), LABELS)

    lines = box_texts(long_svg, "excluded")
    assert f"{long} (n = 7)" in " ".join(lines)
    assert len(lines) >= 4
    assert all(len(line) <= 42 for line in lines)
    assert height_of(long_svg, "excluded") > height_of(short_svg, "excluded")


def height_of(svg: str, key: str) -> int:
    rect = ET.fromstring(svg).find(f".//{SVG}g[@id='flow-primara-{key}']/{SVG}rect")
    assert rect is not None
    return int(rect.get("height") or 0)


def test_every_line_of_text_sits_inside_its_box() -> None:
    svg = flow_svg(make_search(), LABELS)

    for box in ET.fromstring(svg).iter(f"{SVG}g"):
        if box.get("class") != "box":
            continue
        rect = box.find(f"{SVG}rect")
        assert rect is not None
        x, y, w, h = (int(rect.get(a) or 0) for a in ("x", "y", "width", "height"))
        for text in box.iter(f"{SVG}text"):
            assert x < int(text.get("x") or 0) < x + w
            assert y + flow.FONT_SIZE <= int(text.get("y") or 0) <= y + h


def test_rendering_is_deterministic() -> None:
    first = flow_svg(make_search(), LABELS)

    assert flow_svg(make_search(), LABELS) == first
    assert flow_png(first) == flow_png(first)


def without_text(svg: str) -> str:
    return re.sub(r"<text[^>]*>[^<]*</text>", "", svg)


def test_png_is_a_png_that_draws_the_text() -> None:
    svg = flow_svg(make_search(), LABELS)
    png = flow_png(svg)

    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 20_000
    # a renderer without the font leaves text out; the text must add to the image
    assert len(png) > 2 * len(flow_png(without_text(svg)))
