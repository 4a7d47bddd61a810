"""Author text made inert: what the .qmd says reaches every writer as text, never as code.

Markdown is read without raw HTML, raw TeX and `{=format}` blocks, so `<script>`, `<!--` or `<textarea>`
typed in a sentence are words of that sentence and cannot swallow the rest of the report. The AST is then
filtered once, before any writer sees it: raw blocks that reach it anyway are shown as code, links to
anything but the web, mail or a place in the report become their text, and attributes keep only what
cannot carry code. Quarto is given the same reader options and rules (templates/inert.lua).
"""

from __future__ import annotations

import re
from typing import Any

# pandoc's Markdown without every extension that passes text through to a writer unread: as Quarto reads the
# .qmd (its `from:`), and as the bundled engine reads its body, the front matter read apart.
QUARTO_READ_FORMAT = "markdown" + "".join(f"-{extension}" for extension in (
    "raw_html",  # <tag> and <!-- --> in prose are text
    "raw_tex",  # \command in prose is text, never LaTeX
    "raw_attribute",  # `x`{=typst}, ```{=openxml} are code shown as such
    "native_divs",  # <div>/<span> would need raw_html anyway; said so for the reader
    "native_spans",
    "markdown_in_html_blocks",
    "latex_macros",  # \newcommand would rewrite the text that follows
))
READ_FORMAT = QUARTO_READ_FORMAT + "-yaml_metadata_block"  # a --- block in prose would set metadata

# Quarto reads the .qmd too (`--engine quarto`), and expands or runs more than pandoc: a shortcode ({{< env X >}}
# prints a variable of the build's environment, {{< include f >}} a file) and a code cell (```{python}, ```{ojs},
# run at the build or in the reader's browser). In an author's text each is made text for Quarto by a backslash
# that pandoc reads as the character after it; the .qmd's `engine: markdown` runs no cell of the template's.
QUARTO_SHORTCODE = re.compile(r"\{\{(?=[<%])")
QUARTO_CELL = re.compile(r"^([ \t>]*(?:`{3,}|~{3,})[ \t]*)\{(?=[A-Za-z])", re.MULTILINE)

LINK_SCHEMES = ("http://", "https://", "mailto:")
# Where each node type keeps its attributes [id, classes, key-values] in "c".
_ATTR_AT = {"Code": 0, "CodeBlock": 0, "Header": 1, "Div": 0, "Span": 0, "Link": 0, "Image": 0, "Table": 0,
            "Figure": 0}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.-]*")  # what an id or a class may be in every format
_DIMENSION = re.compile(r"[0-9]+(\.[0-9]+)?(%|px|cm|mm|in|pt|em)?")  # a picture's width or height, nothing else
BANNER_CLASS = "hta-banner"  # the status banner of templates/report.qmd.j2; its Word style is kept


TEXT_NODES = frozenset({"Str", "Space", "SoftBreak", "LineBreak"})  # most of a tree, and nothing in them can act


def make_inert(ast: dict) -> dict:
    """The AST with every raw block shown as code, every unsafe link as its text, unsafe attributes gone."""
    return _walk(ast)


def _walk(node: Any) -> Any:
    if isinstance(node, list):
        return [_walk(x) for x in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("t")
    if kind in TEXT_NODES:
        return node
    if kind == "RawBlock":
        return {"t": "CodeBlock", "c": [["", [], []], node["c"][1]]}
    if kind == "RawInline":
        return {"t": "Code", "c": [["", [], []], node["c"][1]]}
    if kind == "Link" and not is_safe_target(node["c"][2][0]):
        return {"t": "Span", "c": [["", [], []], _walk(node["c"][1])]}
    node = {k: _walk(v) for k, v in node.items()}
    if kind in _ATTR_AT:
        at = _ATTR_AT[kind]
        node["c"] = [*node["c"][:at], safe_attr(node["c"][at], kind), *node["c"][at + 1:]]
    return node


def quarto_inert(text: str) -> str:
    """An author's Markdown with nothing Quarto would expand or run (see QUARTO_SHORTCODE); inside code it shows
    the backslash, which the check HTA041 tells the author about."""
    return QUARTO_CELL.sub(r"\1\\{", QUARTO_SHORTCODE.sub(r"{{\\", text))


def is_safe_target(target: str) -> bool:
    """A link goes to the web, to a mail address or to a place in the report; nothing else does anything
    a reader of a published report can trust (javascript:, file:, a path on the author's computer)."""
    target = target.strip(" \t\n\r\f\v")  # the white space templates/inert.lua strips for Quarto
    return target.startswith("#") or target.lower().startswith(LINK_SCHEMES)


def safe_attr(attr: list, kind: str) -> list:
    """Keep an id and classes that are plain names; of key-values only a picture's size, and the banner's
    Word style. Event handlers, style and everything a writer might copy through are dropped."""
    identifier, classes, pairs = attr
    identifier = identifier if _NAME.fullmatch(identifier) else ""
    classes = [c for c in classes if _NAME.fullmatch(c)]
    kept = []
    for key, value in pairs:
        if kind == "Image" and key in {"width", "height"} and _DIMENSION.fullmatch(value):
            kept.append([key, value])
        elif kind == "Div" and key == "custom-style" and BANNER_CLASS in classes and value == "Banner":
            kept.append([key, value])
    return [identifier, classes, kept]
