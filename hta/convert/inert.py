"""Author text made inert: what the .qmd says reaches every writer as text, never as code.

Markdown is read without raw HTML, raw TeX and `{=format}` blocks, so `<script>`, `<!--` or `<textarea>`
typed in a sentence are words of that sentence and cannot swallow the rest of the report. The AST is then
filtered once, before any writer sees it, by templates/inert.lua (in pandoc's reading, and given to Quarto):
raw blocks that reach it anyway are shown as code, links to anything but the web, mail or a place in the
report become their text, and attributes keep only what cannot carry code.
"""

from __future__ import annotations

import re

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
TEXT_NODES = frozenset({"Str", "Space", "SoftBreak", "LineBreak"})  # most of a tree, and nothing in them can act


def quarto_inert(text: str) -> str:
    """An author's Markdown with nothing Quarto would expand or run (see QUARTO_SHORTCODE); inside code it shows
    the backslash, which the check HTA041 tells the author about."""
    return QUARTO_CELL.sub(r"\1\\{", QUARTO_SHORTCODE.sub(r"{{\\", text))


def is_safe_target(target: str) -> bool:
    """A link goes to the web, to a mail address or to a place in the report; nothing else does anything
    a reader of a published report can trust (javascript:, file:, a path on the author's computer). The rule
    templates/inert.lua applies to the report; here for the check that tells the author (HTA040)."""
    target = target.strip(" \t\n\r\f\v")  # the white space templates/inert.lua strips
    return target.startswith("#") or target.lower().startswith(LINK_SCHEMES)
