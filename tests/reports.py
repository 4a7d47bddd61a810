"""Read the built reports as a reader would: Word through python-docx, HTML parsed, PDF as extracted text."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


def docx_headings(path: Path) -> list[str]:
    from docx import Document

    return [p.text.strip() for p in Document(path).paragraphs if p.style.name.startswith("Heading")]


def docx_text(path: Path) -> str:
    """All text of the Word file: paragraphs, tables, and the descriptions of its pictures."""
    from docx import Document

    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    parts.extend(image_descriptions(path))
    return "\n".join(parts)


def image_descriptions(path: Path) -> list[str]:
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(path).element.body
    return [d.get("descr", "") for d in body.iter(qn("wp:docPr"))]


def docx_list_items(path: Path) -> list[str]:
    from docx import Document

    doc = Document(path)
    return [p.text.strip() for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]


@dataclass
class Html:
    """What a parsed HTML page shows: headings in order, list items, table cells, image sources, text."""

    headings: list[str] = field(default_factory=list)
    list_items: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt)
    text: str = ""
    lang: str = ""
    title: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Html()
        self.stack: list[str] = []
        self.buffer: list[str] = []
        self.all_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page.lang = attrs.get("lang", "")
        if tag in {"h1", "h2", "h3", "h4", "li", "td", "th", "title"}:
            self.buffer = []
        if tag == "table":
            self.page.tables.append([])
        if tag == "tr" and self.page.tables:
            self.page.tables[-1].append([])
        if tag == "img":
            self.page.images.append((attrs.get("src", ""), attrs.get("alt", "")))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        text = " ".join("".join(self.buffer).split())
        if tag in {"h1", "h2", "h3", "h4"}:
            self.page.headings.append(text)
        elif tag == "li":
            self.page.list_items.append(text)
        elif tag in {"td", "th"} and self.page.tables and self.page.tables[-1]:
            self.page.tables[-1][-1].append(text)
        elif tag == "title":
            self.page.title = text
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.buffer.append(data)
        if "style" not in self.stack and "title" not in self.stack:
            self.all_text.append(data)


def read_html(path: Path) -> Html:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.page.text = " ".join("".join(reader.all_text).split())
    return reader.page


def svg_images(page: Html) -> list[str]:
    """The SVG documents embedded as data: URIs."""
    prefix = "data:image/svg+xml;base64,"
    return [base64.b64decode(src[len(prefix):]).decode("utf-8") for src, _ in page.images if src.startswith(prefix)]


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def pdf_structure(path: Path) -> list:
    """Every structure element of a tagged PDF, depth first."""
    from pypdf import PdfReader

    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get") and node.get("/S") is not None:
            found.append(node)
            walk(node.get("/K", []))

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"].get_object().get("/K", []))
    return found


def pdf_figure_alts(path: Path) -> list[str]:
    """The alt text of each figure of a tagged PDF, in order."""
    return [str(e.get("/Alt", "")) for e in pdf_structure(path) if e["/S"] == "/Figure"]


def words(text: str) -> str:
    """Whitespace folded, so text broken across lines compares equal."""
    return " ".join(text.split())


def numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\d,.])\d+(?![\d,])", text))


def docx_text_in_order(path: Path) -> str:
    """The Word file's text in document order: each paragraph on a line, each table cell's paragraphs on
    lines of their own (a cell spanning several grid columns once), nested tables and all."""
    from docx import Document
    from docx.oxml.ns import qn

    def paragraph(p) -> str:
        return "".join(t.text or "" for t in p.iter(qn("w:t")))

    def block(element, out: list[str]) -> None:
        for child in element:
            if child.tag == qn("w:p"):
                out.append(paragraph(child))
            elif child.tag == qn("w:tbl"):
                for tr in child.iter(qn("w:tr")):
                    for tc in tr.findall(qn("w:tc")):
                        block(tc, out)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    block(content, out)

    lines: list[str] = []
    block(Document(path).element.body, lines)
    return "\n".join(lines) + "\n"


def styled_copy(tmp: Path, monkeypatch, fixture: Path, name: str, style: str, files: dict[str, str | bytes]) -> Path:
    """A copy of `fixture` named `name` in `tmp`, in the house style `style`: a folder of `files` (style.yaml,
    report.css, reference.docx …) found through HTA_STYLES, as an organisation adds one without changing hta."""
    import shutil

    folder = tmp / "styles" / style
    folder.mkdir(parents=True)
    for file, content in files.items():
        (folder / file).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    monkeypatch.setenv("HTA_STYLES", str(tmp / "styles"))
    copy = tmp / name
    shutil.copytree(fixture, copy)
    with (copy / "assessment.yaml").open("a", encoding="utf-8") as f:
        f.write(f"style: {style}\n")
    return copy
