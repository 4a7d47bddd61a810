"""The standalone HTML page: pandoc's body, sanitised, inside templates/report.html.j2."""

from __future__ import annotations

import re
from pathlib import Path

from ..model.assessment import Assessment
from ..model.labels import TEMPLATES, Labels
from ..render.qmd import Figure

# What an author's Markdown may produce: text structure, tables, figures, links; no script, style, form,
# iframe or event attribute. nh3 also drops javascript: and other unlisted URL schemes.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "q", "section", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "role", "aria-hidden", "aria-label", "lang", "title", "data-cites"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "col": {"style"},
}


def sanitise(body: str) -> str:
    import nh3

    return nh3.clean(
        body, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer", strip_comments=True,
        filter_style_properties={"text-align", "width"},
    )


def inline_images(body: str, figures: dict[str, Figure], images: dict[str, Path]) -> str:
    """Our generated SVGs and the author's pictures become data: URIs after sanitising: the page is one file."""
    from .convert import data_uri, image_data_uri

    for stem, figure in figures.items():
        body = body.replace(f'src="{stem}.svg"', f'src="{data_uri(figure.svg.encode("utf-8"), "image/svg+xml")}"')
    for target, path in images.items():
        body = body.replace(f'src="{target}"', f'src="{image_data_uri(path)}"')
    return body


def page(assessment: Assessment, labels: Labels, body: str, figures: dict[str, Figure],
         images: dict[str, Path]) -> str:
    from .fonts import web_font_css
    from ..model.identity import identity_line
    from ..render.qmd import environment
    from ..render.shapes import title_lines
    from ..model.styles import default_style, style_css
    from .webpage import arrange, print_rules

    from ..render.sof import html_links

    body = inline_images(sanitise(body), figures, images)
    body = html_links(body, assessment, labels)  # summary-of-findings rows linked back to their conclusions
    # Headings inside the body start at h1; the page's own title is the h1, so everything moves down one.
    body = re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", body)
    body = arrange(body, labels)
    meta = assessment.meta
    status_word = labels.watermark.get(meta.status.value, "")
    style = assessment.style or default_style()
    lines = title_lines(assessment, style, labels)
    report_type = lines["report_type"]
    return environment().get_template("report.html.j2").render(
        title=lines, style_css=style_css(style).replace("</", "<\\/"),
        meta=meta, labels=labels, body=body, councils=labels.join(meta.councils), status_word=status_word,
        report_type=report_type,
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        print_css=print_rules(meta.short_title or meta.title, identity_line(meta, labels), status_word),
        identity=identity_line(meta, labels),
        font_css=web_font_css(body + meta.title + meta.organisation + identity_line(meta, labels) + meta.unit + meta.region + report_type + labels.join(meta.councils)),
    )
