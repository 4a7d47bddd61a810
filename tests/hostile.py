"""Look for what must never be in a built report: a secret file's content anywhere in any format (data: URIs
decoded, Word parts, PDF text and metadata), and anything active in the HTML page."""

from __future__ import annotations

import base64
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

# What the page itself is made of, and what the sanitiser lets an author's Markdown produce (hta/convert/html.py).
# <wbr> is the page's own: it lets a PICO label break after its slashes on a phone (hta/convert/webpage.py).
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "wbr"}
SAFE_URL = re.compile(r"(https?:|mailto:|#|data:image/(png|jpeg|gif|svg\+xml);base64,)", re.I)


class _Active(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        from hta.convert.html import ALLOWED_TAGS

        if tag == "style":
            self.styles += 1
            if self.styles > 1:
                self.found.append("<style> of the author")
        elif tag not in ALLOWED_TAGS | PAGE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"} and tag not in {"td", "th", "col"}:
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and not SAFE_URL.match((value or "").strip()) \
                    and not (tag == "a" and _relative_library_link(value)):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_comment(self, data):
        self.found.append("<!-- -->")


def _relative_library_link(value: str | None) -> bool:
    return bool(value) and value.startswith("./") and ":" not in value


def active_html(page: str) -> list[str]:
    """Elements and attributes in the page that could run, load or hide something."""
    reader = _Active()
    reader.feed(page)
    reader.close()
    return reader.found


def data_uris(page: str) -> list[bytes]:
    """The content of every data: URI in the page, decoded."""
    found = []
    for match in re.finditer(r"data:([^;,\"']*)(;base64)?,([^\"'\s)]*)", page):
        payload = match[3]
        found.append(base64.b64decode(payload + "=" * (-len(payload) % 4)) if match[2]
                     else urllib.parse.unquote_to_bytes(payload))
    return found


def pdf_metadata(path: Path) -> dict[str, str]:
    from pypdf import PdfReader

    return {str(k): str(v) for k, v in (PdfReader(path).metadata or {}).items()}


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_parts(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def where_secret(built: Path, name: str, secret: str) -> list[str]:
    """Each place of the built report the secret is found: HTML (text and data: URIs), a part of the Word
    file, the PDF's text or metadata."""
    found = []
    page = (built / f"{name}.html").read_text(encoding="utf-8")
    if secret in page:
        found.append("html")
    if any(secret.encode() in content for content in data_uris(page)):
        found.append("html data: URI")
    found += [f"docx {part}" for part, content in docx_parts(built / f"{name}.docx").items()
              if secret.encode() in content]
    pdf = built / f"{name}.pdf"
    if secret in pdf_text(pdf):
        found.append("pdf text")
    found += [f"pdf metadata {key}" for key, value in pdf_metadata(pdf).items() if secret in value]
    return found
