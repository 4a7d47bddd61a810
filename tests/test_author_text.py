"""Author text is never code: the pieces of that mechanism one by one — Markdown escaping of data, the inert
AST filter, and the checks that find what a converter would otherwise fail on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import draft_copy, replace_once
from reports import docx_text, pdf_text, words

from hta.cli import main

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

# Values whose first characters open Markdown when not escaped, and every ASCII punctuation mark.
OPENERS = ["- x", "+ x", "* x", "> x", "1) x", "1. x", "a) x", "(a) x", "i. x", "# x", "#x", "::: {.x}",
           "```x", "~~~ x", "| a | b |", ": x", "---", "***", "[x](javascript:y)", "`x`{=typst}", "<script>",
           "<!--", "@key", "[@key]", "$x$", "x^2^", "~x~", "**x**", "\\", "a\\", "&amp;", "x {#id}",
           "<https://a.b>", "-- ... 'q' \"q\"", "![x](y)", "{{x}}", "%title", "(@) x", "#. x", "A. B",
           "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())]


@pytest.mark.parametrize("value", OPENERS)
def test_escaped_data_reads_back_as_exactly_the_text_typed(value):
    from hta.convert.convert import run_pandoc
    from hta.convert.inert import READ_FORMAT
    from hta.render.qmd import escape_markdown

    ast = json.loads(run_pandoc([f"--from={READ_FORMAT}", "--to=json"], Path.cwd(), escape_markdown(value)))
    [block] = ast["blocks"]
    assert block["t"] == "Para"
    assert all(node["t"] in {"Str", "Space"} for node in block["c"])
    assert "".join(node["c"] if node["t"] == "Str" else " " for node in block["c"]) == value


def test_the_inert_filter_leaves_no_raw_code_no_unsafe_link_and_no_attribute_that_could_run():
    """templates/inert.lua, which pandoc's reading of every .qmd runs (and Quarto's), given a tree with each
    kind of code a writer would pass through."""
    from hta.convert.convert import pandoc_path
    from hta.paths import TEMPLATES

    attr = ["x", ["c", "bad class\""], [["onclick", "alert(1)"], ["style", "color:red"], ["width", "50%"]]]
    version = json.loads(subprocess.run([pandoc_path(), "--to=json"], input="", text=True, capture_output=True,
                                        check=True).stdout)["pandoc-api-version"]
    ast = {"pandoc-api-version": version, "blocks": [
        {"t": "RawBlock", "c": ["openxml", "<w:p/>"]},
        {"t": "Para", "c": [
            {"t": "RawInline", "c": ["typst", "#calc.pow(7, 2)"]},
            {"t": "Link", "c": [attr, [{"t": "Str", "c": "klick"}], ["javascript:alert(1)", ""]]},
            {"t": "Link", "c": [attr, [{"t": "Str", "c": "webb"}], ["https://example.org", ""]]},
            {"t": "Span", "c": [attr, []]},
            {"t": "Image", "c": [attr, [], ["figures/a.png", ""]]},
        ]},
    ], "meta": {"title": {"t": "MetaInlines", "c": [{"t": "RawInline", "c": ["html", "<b>"]}]}}}
    inert = json.loads(subprocess.run([pandoc_path(), "--from=json", "--to=json",
                                       f"--lua-filter={TEMPLATES / 'inert.lua'}"], input=json.dumps(ast), text=True,
                                      capture_output=True, check=True).stdout)
    raw, para = inert["blocks"]
    assert raw == {"t": "CodeBlock", "c": [["", [], []], "<w:p/>"]}
    code, unsafe, safe, span, image = para["c"]
    assert code == {"t": "Code", "c": [["", [], []], "#calc.pow(7, 2)"]}
    assert unsafe == {"t": "Span", "c": [["", [], []], [{"t": "Str", "c": "klick"}]]}
    assert safe["c"][0] == span["c"][0] == ["x", ["c"], []]
    assert image["c"][0] == ["x", ["c"], [["width", "50%"]]]
    assert inert["meta"]["title"]["c"] == [{"t": "Code", "c": [["", [], []], "<b>"]}]


# --- Checks --------------------------------------------------------------------------------------------

def _check(tmp_path: Path, monkeypatch, capsys, edit) -> list[str]:
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    edit(folder)
    monkeypatch.chdir(tmp_path)
    main(["check", "fall"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out.splitlines()


def test_citations_are_found_as_pandoc_reads_them(tmp_path, monkeypatch, capsys):
    """A bare @key is a citation, in a section or a conclusion; a mail address and code are not."""

    def edit(folder: Path) -> None:
        replace_once(folder / "sections" / "summary.md", "].", "]. Som @cederlund2021 visar; skriv till "
                     "anna@example.se eller `@kod2020`.")
        replace_once(folder / "conclusions.yaml", "[@ahl2021]", "enligt @ahl2012")

    codes = [line.split(": ")[0] + " " + line.split(": ")[1].split()[0] + " " + line.split('"')[1]
             for line in _check(tmp_path, monkeypatch, capsys, edit)]
    assert codes == ["fall/conclusions.yaml:2:55 HTA601 @ahl2012", "fall/sections/summary.md:1:66 HTA601 @cederlund2021"]


def _conclusion_findings(tmp_path: Path, monkeypatch, capsys, written: str) -> list[str]:
    """"file:line:column CODE" of each finding `hta check` says in conclusions.yaml written as `written`."""
    def edit(folder: Path) -> None:
        (folder / "conclusions.yaml").write_text(written, encoding="utf-8")

    return [line.split(": ")[0] + " " + line.split(": ")[1].split()[0]
            for line in _check(tmp_path, monkeypatch, capsys, edit) if "conclusions.yaml" in line]


def test_a_conclusion_is_read_as_the_list_item_the_report_prints_it_in(tmp_path, monkeypatch, capsys):
    """A conclusion's lines are checked as the lines of its list item: a list in it is a list, a heading right
    under a line is text (HTA049), four more spaces after a blank line are code (HTA048) and a pasted sign is
    text (HTA050). The built page is the judge: each line said is printed as said, the list as a list."""
    from hta.build import build

    written = ("findings:\n"
               "  - |\n"
               "    Biverkningar:\n"
               "    - illamående\n"
               "    - yrsel\n"
               "  - |\n"
               "    Text här.\n"
               "    ## Ingen rubrik\n"
               "  - |\n"
               "    Första stycket.\n"
               "\n"
               "        indraget\n"
               "  - |\n"
               "    Punkter:\n"
               "    • ett\n"
               "judgements:\n"
               "  - Det finns ett begränsat stöd för testbehandling.\n")

    said = _conclusion_findings(tmp_path, monkeypatch, capsys, written)
    assert said == [f"fall/conclusions.yaml:{at}" for at in ("8:5 HTA049", "12:1 HTA048", "15:5 HTA050")]
    folder = draft_copy(tmp_path / "fall", tmp_path / "utkast")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    page = (tmp_path / "out" / "utkast" / "utkast.html").read_text(encoding="utf-8")
    assert re.search(r"<li><p>Biverkningar:</p>\s*<ul>\s*<li>illamående</li>", page)
    assert "Text här. ## Ingen rubrik" in " ".join(page.split())
    assert "<pre><code>indraget</code></pre>" in page
    assert "Punkter: • ett" in " ".join(page.split())


def test_a_finding_in_a_conclusion_of_several_lines_is_said_on_the_line_and_column_it_is_written(
        tmp_path, monkeypatch, capsys):
    """A conclusion written as a YAML block (`|` keeps its lines, `>` joins them) or as a plain value over two
    lines: a finding inside it names the file's line and column, not the bullet's first line (nor a column
    counted from the start of its text)."""
    written = ("findings:\n"
               "  - |\n"
               "    Smärtan minskade [@ahl2021].\n"
               "    Effekten<br> kvarstod [@okand1] inte.\n"
               "  - >\n"
               "    Den andra\n"
               "    har ** Viktigt:** här och [@okand2].\n"
               "  - Smärtan minskade\n"
               "    enligt [@okand3].\n"
               "judgements:\n"
               "  - Det finns ett begränsat stöd [@okand4].\n"
               "  - |\n"
               "    Första raden.\n"
               "    Se {{okand.hits}} och TODO.\n")

    said = _conclusion_findings(tmp_path, monkeypatch, capsys, written)
    lines = written.split("\n")

    def where(line: int, text: str) -> str:
        return f"fall/conclusions.yaml:{line}:{lines[line - 1].index(text) + 1}"

    assert sorted(said) == sorted([f"{where(4, '<br>')} HTA053", f"{where(4, '@okand1')} HTA601",
                                   f"{where(7, '** Viktigt')} HTA056", f"{where(7, '@okand2')} HTA601",
                                   f"{where(9, '@okand3')} HTA601", f"{where(11, '@okand4')} HTA601",
                                   f"{where(14, '{{okand')} HTA502", f"{where(14, 'TODO')} HTA801"])


def test_an_escaped_at_sign_is_the_character_and_no_citation(tmp_path, monkeypatch, capsys):
    """pandoc reads \\@ as the character @: what an author writes to keep an @ from citing. Two backslashes
    are a backslash, and the @ after them cites."""
    def edit(folder: Path) -> None:
        replace_once(folder / "sections" / "summary.md", "].", "]. Skriv till anna\\@exempel.se, inte \\@okand1, "
                     "men \\\\@okand2.")

    cited = [line.split(": HTA601")[0] + " " + line.split('"')[1] for line in _check(tmp_path, monkeypatch, capsys, edit)
             if "HTA601" in line]
    line = (tmp_path / "fall" / "sections" / "summary.md").read_text(encoding="utf-8").split("\n")[0]
    assert cited == [f"fall/sections/summary.md:1:{line.index('@okand2') + 1} @okand2"]


def test_an_indented_line_is_said_exactly_where_pandoc_reads_a_code_block(tmp_path, monkeypatch, capsys):
    """Four spaces or a tab where a paragraph begins make a code block (HTA048); a paragraph's next line, a list
    item's own paragraph and a fenced block's lines are not said. pandoc's reading of the same text is the
    judge: the lines said are the first lines of its code blocks, less the fenced one."""
    from hta.convert.convert import run_pandoc
    from hta.convert.inert import READ_FORMAT

    added = ("Stycke.\n    fortsätter stycket\n\n"
             "- punkt\n\n    punktens andra stycke\n\n"
             "```\n    indraget i ett kodblock\n```\n\n"
             "## Rubrik\n    direkt under en rubrik\n\n"
             "Stycke.\n\n\tefter en tabb\n\n"
             "- punkt\n\n        åtta blanksteg i punkten\n")

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")

    said = [line for line in _check(tmp_path, monkeypatch, capsys, edit) if "HTA048" in line]
    text = (tmp_path / "fall" / "sections" / "results.md").read_text(encoding="utf-8").split("\n")
    lines = [text[int(line.split(":")[1]) - 1].strip() for line in said]
    assert lines == ["direkt under en rubrik", "efter en tabb", "åtta blanksteg i punkten"]
    blocks = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == "CodeBlock":
                blocks.append(node["c"][1].split("\n")[0].strip())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(run_pandoc([f"--from={READ_FORMAT}", "--to=json"], Path.cwd(), added)))
    assert blocks == ["indraget i ett kodblock", *lines]


def test_a_block_with_no_blank_line_above_is_said_exactly_where_pandoc_reads_it_as_text(tmp_path, monkeypatch,
                                                                                      capsys):
    """A list, heading, quotation or table right under a paragraph's line is printed inside the paragraph
    (HTA049), once a paragraph; a heading, quotation or table right under a list item's or a definition's line
    is printed inside it, and any of them right under a quotation's line is printed inside the quotation. In a
    list or under a definition a list item begins as meant, as under a heading and after a blank line, and a
    sign before a number or a year at a line's start is the sentence going on.
    pandoc's reading is the judge: each line said is text of a paragraph, and each opener not said begins a
    block."""
    from hta.convert.convert import run_pandoc
    from hta.convert.inert import READ_FORMAT

    said_here = ["- den första punkten", "## Orsaker", "> Ett citat.", "| a | b |", "1. ett steg", "## Ingen rubrik",
                 "> Inget citat.", "- ingen punkt i citatet", "1) ingen punkt"]
    text_here = ["- den andra punkten", "> 50 % svarade", "2020. Då ändrades", "- 3 mg gavs", "2019. Sedan"]
    begun_here = ["- punkt i en lista", "- nästa punkt", "## Rubrik", "- punkt under rubriken", "- efter en tom rad",
                  "- punkt under en definition"]
    added = (f"Följande gäller:\n{said_here[0]}\n{text_here[0]}\n\n"
             f"Text.\n{said_here[1]}\n\n"
             f"Text.\n{said_here[2]}\n\n"
             f"Tabellen:\n{said_here[3]}\n|---|---|\n| 1 | 2 |\n\n"
             f"Gör så här:\n{said_here[4]}\n\n"
             f"- en punkt\n{said_here[5]}\n\n"
             f"Termen\n: förklaringen\n{said_here[6]}\n\n"
             f"Ordet\n: dess förklaring\n{begun_here[5]}\n\n"
             f"> Citatet\n{said_here[7]}\n\n"
             f"Åren var\n{text_here[4]}\n{said_here[8]}\n\n"
             f"Andelen var\n{text_here[1]}, och år\n{text_here[2]} dosen: \n{text_here[3]}.\n\n"
             f"{begun_here[0]}\nsom fortsätter\n{begun_here[1]}\n\n"
             f"{begun_here[2]}\n{begun_here[3]}\n\nText.\n\n{begun_here[4]}\n\n| Ett | Två |\n|---|---|\n| 1 | 2 |\n")

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")

    said = [line for line in _check(tmp_path, monkeypatch, capsys, edit) if "HTA049" in line]
    text = (tmp_path / "fall" / "sections" / "results.md").read_text(encoding="utf-8").split("\n")
    assert [text[int(line.split(":")[1]) - 1] for line in said] == said_here
    paragraphs = [" ".join(paragraph.split()) for paragraph in run_pandoc(
        [f"--from={READ_FORMAT}", "--to=plain", "--wrap=none"], Path.cwd(), added).split("\n\n")]
    for line in said_here + text_here:  # inside a paragraph, after the words before it
        assert any(line in p and not p.startswith(line) for p in paragraphs), line
    ast = json.loads(run_pandoc([f"--from={READ_FORMAT}", "--to=json"], Path.cwd(), added))
    kinds = [block["t"] for block in ast["blocks"]]
    assert kinds[-6:] == ["BulletList", "Header", "BulletList", "Para", "BulletList", "Table"]
    [definitions] = [at for at, kind in enumerate(kinds) if kind == "DefinitionList"]  # Termen's and Ordet's
    assert kinds[definitions + 1] == "BulletList"  # the list under Ordet's definition begins


def test_references_in_one_pair_of_brackets_without_a_semicolon_are_said_where_pandoc_nests_them(
        tmp_path, monkeypatch, capsys):
    """[@a, @b] and [see @a and @b]: pandoc reads @b as words after @a, and the report prints one number where
    two were meant (HTA609). A semicolon between them, a page after one, and a mail address are as meant.
    pandoc's reading is the judge: the groups said are those where it puts a citation inside another's suffix."""
    from hta.convert.convert import run_pandoc
    from hta.convert.inert import READ_FORMAT

    groups = ["[@ahl2021, @cederlund2022]", "[se @ahl2021 och\n@cederlund2022; @berg2020]",
              "[@ahl2021; @cederlund2022, s. 3]", "[@ahl2021, anna@exempel.se]"]
    added = f"Smärtan minskade {groups[0]} och {groups[1]}, men {groups[2]} och {groups[3]}.\n"

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")

    said = [line.split(": HTA609")[0] for line in _check(tmp_path, monkeypatch, capsys, edit) if "HTA609" in line]
    first = (MINIMAL / "sections" / "results.md").read_text(encoding="utf-8").count("\n") + 2
    assert said == [f"fall/sections/results.md:{first}:{added.index('@cederlund2022') + 1}",
                    f"fall/sections/results.md:{first + 1}:1"]
    nested = []

    def walk(node, inside_suffix: bool) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                for citation in node["c"][0]:
                    nested.append(inside_suffix)
                    walk(citation["citationSuffix"], True)
                return
            for value in node.values():
                walk(value, inside_suffix)
        elif isinstance(node, list):
            for value in node:
                walk(value, inside_suffix)

    walk(json.loads(run_pandoc([f"--from={READ_FORMAT}", "--to=json"], Path.cwd(), added)), False)
    # ahl, cederlund in its suffix | ahl, cederlund in its suffix, berg | ahl, cederlund | ahl
    assert nested == [False, True, False, True, False, False, False, False]


def test_a_list_sign_pasted_from_word_is_said_once_a_list_and_the_hint_makes_it_a_list(tmp_path, monkeypatch, capsys):
    """• or ▪ before items, or a dash before each of several lines, are text to pandoc: the items run together in
    one paragraph (HTA050). A dash that begins one line of a wrapped sentence is not said. Written as the hint
    says, the same items are a list."""
    from hta.convert.convert import run_pandoc
    from hta.convert.inert import READ_FORMAT

    pasted = "Följande gäller:\n\n•\tFörsta punkten\n•\tAndra punkten\n\n– Ett streck\n– Ett till\n"
    added = pasted + "\nEn mening som bryts\n– och går vidare.\n"

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")

    said = [line.split(": HTA050")[0] for line in _check(tmp_path, monkeypatch, capsys, edit) if "HTA050" in line]
    first = (MINIMAL / "sections" / "results.md").read_text(encoding="utf-8").count("\n") + 2
    assert said == [f"fall/sections/results.md:{first + 2}:1", f"fall/sections/results.md:{first + 5}:1"]

    def blocks(text: str) -> list[str]:
        return [b["t"] for b in json.loads(run_pandoc([f"--from={READ_FORMAT}", "--to=json"], Path.cwd(), text))["blocks"]]

    assert blocks(added) == ["Para", "Para", "Para", "Para"]
    assert blocks(pasted.replace("•\t", "- ").replace("– ", "- ")) == ["Para", "BulletList"]


def test_a_heading_of_one_hash_stands_beside_the_reports_sections_and_one_without_a_space_is_text(tmp_path):
    """In the built report a `# Orsaker` inside Bakgrund is a heading at the sections' own level, and `#Orsaker`
    is text: what HTA051 and HTA052 say. Written as their hints say, Orsaker is a heading within Bakgrund."""
    from hta.build import build

    folder = draft_copy(MINIMAL, tmp_path / "fall")
    background = folder / "sections" / "background.md"

    def headings(text: str, out: str) -> tuple[list[tuple[str, str]], list[str]]:
        background.write_text(text, encoding="utf-8")
        [outcome] = build([folder], tmp_path / out)
        codes = [d.code for d in outcome.diagnostics if d.code in ("HTA051", "HTA052")]
        page = (tmp_path / out / "fall" / "fall.html").read_text(encoding="utf-8")
        return re.findall(r"<(h[1-6])[^>]*>([^<]*)", page)[2:6], codes

    said, codes = headings("Testsjukdom.\n\n# Orsaker\n\nMånga.\n\n#Skäl\n\nFlera.\n", "fel")
    assert codes == ["HTA051", "HTA052"]
    assert said[:3] == [("h2", "PICO"), ("h2", "Bakgrund"), ("h2", "Orsaker")]  # Orsaker beside Bakgrund
    assert "#Skäl" in (tmp_path / "fel" / "fall" / "fall.html").read_text(encoding="utf-8")
    said, codes = headings("Testsjukdom.\n\n## Orsaker\n\nMånga.\n\n## Skäl\n\nFlera.\n", "rätt")
    assert codes == []
    assert said == [("h2", "PICO"), ("h2", "Bakgrund"), ("h3", "Orsaker"), ("h3", "Skäl")]


def test_an_html_tag_is_printed_as_typed_and_said_with_the_markdown_that_does_what_it_meant(tmp_path):
    """5 mg/m<sup>2</sup> reaches the Word file, the web page and the PDF as typed (HTML is read as text, so none
    of it runs), and HTA053 says so once a tag; an address in <…> and a tag in code are not said. Written as the
    hint says, the 2 is a superscript."""
    from hta.build import build

    folder = draft_copy(MINIMAL, tmp_path / "fall")
    background = folder / "sections" / "background.md"
    background.write_text("Dosen var 5 mg/m<sup>2</sup> och <sup>3</sup>.<br>Se <https://www.sbu.se> och `<b>`.\n",
                          encoding="utf-8")
    [outcome] = build([folder], tmp_path / "fel")
    said = [(d.line, d.column, d.message.split(" ")[0]) for d in outcome.diagnostics if d.code == "HTA053"]
    assert said == [(1, 17, "<sup>"), (1, 47, "<br>")]
    built = tmp_path / "fel" / "fall"
    assert "5 mg/m<sup>2</sup>" in words(docx_text(built / "fall.docx"))
    assert "5 mg/m<sup>2</sup>" in words(pdf_text(built / "fall.pdf"))
    assert "5 mg/m&lt;sup&gt;2&lt;/sup&gt;" in (built / "fall.html").read_text(encoding="utf-8")
    background.write_text("Dosen var 5 mg/m^2^.\n", encoding="utf-8")
    [outcome] = build([folder], tmp_path / "rätt")
    assert not [d for d in outcome.diagnostics if d.code == "HTA053"]
    assert "5 mg/m<sup>2</sup>." in (tmp_path / "rätt" / "fall" / "fall.html").read_text(encoding="utf-8")


CONCLUSIONS_OF_SEVERAL_LINES = """findings:
  - |
    Testbehandling minskar smärta på kort sikt [@ahl2021].

    Effekten kvarstod inte efter sex månader.
  - |
    Biverkningar:
    - illamående
    - yrsel
judgements:
  - Det finns ett begränsat stöd för testbehandling.
"""


def test_a_conclusion_of_several_paragraphs_or_with_a_list_keeps_them_in_its_bullet(tmp_path):
    """A conclusion written as a YAML block of several lines keeps its second paragraph and its list in its
    bullet, in every format: not a paragraph after the list with the next conclusion run into it as text."""
    from docx import Document

    from hta.build import build

    folder = draft_copy(MINIMAL, tmp_path / "fall")
    (folder / "conclusions.yaml").write_text(CONCLUSIONS_OF_SEVERAL_LINES, encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    built = tmp_path / "out" / "fall"
    page = (built / "fall.html").read_text(encoding="utf-8")
    assert re.search(r"<li><p>Testbehandling minskar .*?</p>\s*<p>Effekten kvarstod inte efter sex månader\.</p></li>",
                     page)
    assert re.search(r"<li><p>Biverkningar:</p>\s*<ul>\s*<li>illamående</li>\s*<li>yrsel</li>\s*</ul></li>", page)
    levels = {p.text.strip(): int(p._p.pPr.numPr.ilvl.val) for p in Document(built / "fall.docx").paragraphs
              if p._p.pPr is not None and p._p.pPr.numPr is not None}
    assert levels["illamående"] == levels["yrsel"] == levels["Biverkningar:"] + 1
    text = words(pdf_text(built / "fall.pdf"))
    assert "illamående" in text and "- illamående" not in text and "månader. - Biverkningar" not in text


def test_footnotes_and_link_targets_nothing_refers_to_are_said_as_the_lines_the_report_leaves_out(tmp_path):
    """A reference typed as `[4]: Smith J. …` and a footnote nothing refers to are left out of the built report
    (HTA054); a `[^2]` with no footnote written is printed as typed (HTA055). A footnote and a link target that
    are used are not said, across sections, and a link target's label in any case, as pandoc matches it."""
    from hta.build import build

    folder = draft_copy(MINIMAL, tmp_path / "fall")
    (folder / "sections" / "background.md").write_text(
        "Antalet ökade[^1] och minskade[^2], se [SBU].\n\n[^3]: FOTNOT-UTAN-HÄNVISNING.\n\n"
        "[4]: Smith J. REFERENS-SOM-FÖRSVINNER. 2020.\n", encoding="utf-8")
    results = folder / "sections" / "results.md"
    results.write_text(results.read_text(encoding="utf-8") + "\n[^1]: FOTNOTEN-SOM-SYNS.\n\n[sbu]: https://www.sbu.se\n",
                       encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    said = sorted((d.code, d.path.split("/")[-1], d.line) for d in outcome.diagnostics
                  if d.code in ("HTA054", "HTA055", "HTA040"))
    assert said == [("HTA054", "background.md", 3), ("HTA054", "background.md", 5), ("HTA055", "background.md", 1)]
    built = tmp_path / "out" / "fall"
    with zipfile.ZipFile(built / "fall.docx") as docx:  # Word keeps footnotes apart from the body
        footnotes = docx.read("word/footnotes.xml").decode("utf-8")
    for text in (words(docx_text(built / "fall.docx")) + footnotes, words(pdf_text(built / "fall.pdf")),
                 (built / "fall.html").read_text(encoding="utf-8")):
        assert "FOTNOTEN-SOM-SYNS" in text and "[^2]" in text
        assert "FOTNOT-UTAN-HÄNVISNING" not in text and "REFERENS-SOM-FÖRSVINNER" not in text


def test_emphasis_opened_with_a_space_is_said_where_pandoc_prints_the_marks_and_the_hint_emphasises(
        tmp_path, monkeypatch, capsys):
    """`** Viktigt:**`, `__ under__` and `* kursiv*` are printed with their marks (HTA056); emphasis written
    right, a list item's star and a product written with stars are not said. Written as the hint says, each
    is emphasis. pandoc's reading is the judge."""
    from hta.convert.convert import run_pandoc
    from hta.convert.inert import READ_FORMAT

    wrong = ["** Viktigt:**", "__ under__", "* kursiv*"]
    right = ["**Viktigt:**", "__under__", "*kursiv*"]
    line = "Läs {0} detta, {1} och {2} här, men **rätt** och 2 * 3 * 4.\n\n* en punkt med *betoning*\n"

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + line.format(*wrong), encoding="utf-8")

    said = [found.split(": HTA056")[0] for found in _check(tmp_path, monkeypatch, capsys, edit) if "HTA056" in found]
    first = (MINIMAL / "sections" / "results.md").read_text(encoding="utf-8").count("\n") + 2
    text = line.format(*wrong)
    assert said == [f"fall/sections/results.md:{first}:{text.index(w) + 1}" for w in wrong]

    def emphasised(markdown: str) -> int:
        tree = json.loads(run_pandoc([f"--from={READ_FORMAT}", "--to=json"], Path.cwd(), markdown))
        return json.dumps(tree).count('"t": "Strong"') + json.dumps(tree).count('"t": "Emph"')

    assert emphasised(line.format(*wrong)) == 2  # **rätt** and *betoning* alone
    assert emphasised(line.format(*right)) == 5


def test_a_dependent_csl_style_is_a_finding(tmp_path, monkeypatch, capsys):
    def edit(folder: Path) -> None:
        (folder / "stil.csl").write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" '
            'default-locale="en-US">\n  <info><title>Beroende</title>\n    <link href="http://www.zotero.org/styles/apa"'
            ' rel="independent-parent"/>\n  </info>\n</style>\n', encoding="utf-8")
        (folder / "assessment.yaml").write_text((folder / "assessment.yaml").read_text(encoding="utf-8")
                                                + "csl: stil.csl\n", encoding="utf-8")

    [line] = _check(tmp_path, monkeypatch, capsys, edit)
    assert line.startswith("fall/stil.csl:1:1: HTA042 error: the citation style has no <citation> layout")


@pytest.mark.parametrize("name, content", [
    ("trasig.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # the right first bytes, then nothing a PNG holds
    ("ritning.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect"),
    ("foto.jpg", b"GIF89a" + b"\x00" * 20),
    ("lank.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="/etc/hemlig.png"/></svg>'),
], ids=["truncated-png", "broken-svg", "gif-named-jpg", "svg-linking-a-file-outside"])
def test_a_picture_that_does_not_decode_is_a_finding(tmp_path, monkeypatch, capsys, name, content):
    def edit(folder: Path) -> None:
        (folder / "figures").mkdir()
        (folder / "figures" / name).write_bytes(content)

    [line] = _check(tmp_path, monkeypatch, capsys, edit)
    assert line.startswith(f"fall/figures/{name}:1:1: HTA043 error: {name} ")


def test_an_svg_too_large_to_draw_for_word_is_a_finding_not_a_crash(tmp_path, monkeypatch, capsys):
    """Drawn at its size, this picture would need 160 GB: Typst (and resvg before it) stopped the whole process."""
    def edit(folder: Path) -> None:
        (folder / "figures").mkdir()
        (folder / "figures" / "karta.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="50000"><rect width="9" height="9"/></svg>',
            encoding="utf-8")

    [line] = _check(tmp_path, monkeypatch, capsys, edit)
    assert line == ("fall/figures/karta.svg:1:1: HTA043 error: karta.svg is 2646 × 1323 cm, too large to draw for the "
                    "Word file (at most 100 cm a side). Give the picture a smaller width and height in its <svg> element; "
                    "the reports scale it to the page.")


@pytest.mark.parametrize("deep, said", [
    ("> " * 60 + "Citat.", "the text here is nested 60 levels deep"),
    ("\n".join("  " * level + "- punkt" for level in range(60)), "the text here is nested 60 levels deep"),
    ("Se [[[[[tabell 2]]]]].", "5 brackets stand here within each other"),
    ("\n".join("::: {.ruta}" for _ in range(60)) + "\nText.\n" + "\n".join(":::" for _ in range(60)),
     "60 ::: blocks stand here within each other"),
    ("Se " + "*a _b " * 150 + "c" + " d_ e*" * 150 + ".", "300 emphases (* or _) stand here within each other"),
], ids=["quotations", "lists", "brackets", "blocks", "emphases"])
def test_text_nested_deeper_than_the_converters_read_is_a_finding_where_it_is_deepest(tmp_path, monkeypatch, capsys,
                                                                                      deep, said):
    """Hundreds of levels stopped the build with a finding that blamed hta, and twelve brackets within each other
    kept pandoc past its time bound; the check says where, and what to do."""
    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        text = results.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + deep + "\n"
        results.write_text(text, encoding="utf-8")

    [line] = _check(tmp_path, monkeypatch, capsys, edit)
    first = len((MINIMAL / "sections" / "results.md").read_text(encoding="utf-8").rstrip("\n").split("\n")) + 2
    # a list's last line, the innermost block's opening line, the only line of the others
    deepest = first + (59 if deep.startswith(":::") else deep.count("\n"))
    assert line.startswith(f"fall/sections/results.md:{deepest}:1: HTA047 error: {said}")


def test_nesting_a_reader_follows_and_brackets_left_open_are_no_finding(tmp_path, monkeypatch, capsys):
    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        ordinary = ("> Citat.\n>\n> - punkt\n>   - underpunkt\n\n" + "Se [1] och [sic.\n\n" * 60
                    + "Se [[[[tabell 2]]]] och \\[\\[\\[\\[\\[ text.\n\n"
                    + "::: {.ruta}\nText.\n:::\n\n" * 20
                    + "**Fet *kursiv* text**, 2 * 3 * 4 * 5, filnamn_med_understreck_1_2_3_4_5_6, *a* _b_ " * 10
                    + "och \\* \\_ \\* \\_ \\* \\_ \\* \\_ \\* \\_ \\* \\_.\n\n"
                    + "\n".join("* punkt _" + str(n) for n in range(20)) + "\n")
        results.write_text(results.read_text(encoding="utf-8") + "\n" + ordinary, encoding="utf-8")

    assert _check(tmp_path, monkeypatch, capsys, edit) == []


def test_marks_in_code_are_text_no_finding_and_built(tmp_path, monkeypatch, capsys):
    """In a code block or a code span every mark is the character typed (a search string, say): nothing there
    nests, and pandoc reads it at once."""
    from hta.build import build

    code = ("```\n" + "> " * 60 + "citat\n" + "\n".join("  " * level + "- punkt" for level in range(60)) + "\n"
            + "\n".join(":::" + " {.ruta}" for _ in range(60)) + "\n```\n\n"
            + "~~~~\n" + "*a _b " * 150 + "\n```\n~~~~\n\n"
            + "Sökningen `" + "[" * 30 + "smärta" + "]" * 30 + " " + "*a _b " * 60 + "` gav ``" + "*" * 3 + " ` _a_ "
            + "_b " * 40 + "`` träffar.\n")

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + code, encoding="utf-8")

    assert _check(tmp_path, monkeypatch, capsys, edit) == []
    [outcome] = build([tmp_path / "fall"], tmp_path / "out")
    assert outcome.built and outcome.diagnostics == [], [d.text() for d in outcome.diagnostics]


def test_a_code_fence_never_closed_is_text_and_escaped_backticks_open_no_code(tmp_path, monkeypatch, capsys):
    """Pandoc reads a fence never closed as a line of text and what follows it as Markdown, and \\` as a
    backtick that opens nothing: the marks after either are read, and nest."""
    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n\\`" + "*a _b " * 30 + "c" + " d_ e*" * 30
                           + "\\`\n\n```\n\n" + "> " * 60 + "citat\n", encoding="utf-8")

    lines = _check(tmp_path, monkeypatch, capsys, edit)
    assert len(lines) == 2, lines
    assert "HTA047 error: 60 emphases (* or _) stand here within each other" in lines[0]
    assert "HTA047 error: the text here is nested 60 levels deep" in lines[1]


def test_citations_in_code_are_text_and_those_around_it_are_read(tmp_path, monkeypatch, capsys):
    """As pandoc reads them (each case checked against pandoc 3.9): a key in a code span or a closed fence is
    text; after an escaped backtick, between backticks in two paragraphs, after a fence never closed and within
    ~~~ lines right under a paragraph's line (pandoc's text of the paragraph) it is a citation, found where it
    is read and not where it also stands in code."""
    added = ("Sökning: `@okand1 @kod2020`; en rad med \\` och @okand1 `.\n\nEtt `tecken\n\nenligt @okand2\n\n"
             "ett` till.\n\n```\n@okand3 utan slut\n\n~~~\n@kod2021\n~~~\n\nStycke.\n~~~\n@okand4 i stycket\n~~~\n")

    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")

    first = (MINIMAL / "sections" / "results.md").read_text(encoding="utf-8").count("\n") + 2
    cited = [line.split(": HTA601")[0] + " " + line.split('"')[1] for line in _check(tmp_path, monkeypatch, capsys, edit)
             if "HTA601" in line]
    assert cited == [f"fall/sections/results.md:{first}:48 @okand1", f"fall/sections/results.md:{first + 4}:8 @okand2",
                     f"fall/sections/results.md:{first + 9}:1 @okand3", f"fall/sections/results.md:{first + 17}:1 @okand4"]


def test_a_line_that_starts_with_a_code_span_opens_no_code_block(tmp_path, monkeypatch, capsys):
    """```kod``` with text after it on its line is a code span: what follows is text, and checked."""
    def edit(folder: Path) -> None:
        results = folder / "sections" / "results.md"
        results.write_text(results.read_text(encoding="utf-8") + "\n```kod``` och text.\n\n" + "> " * 60 + "Citat.\n",
                           encoding="utf-8")

    [line] = _check(tmp_path, monkeypatch, capsys, edit)
    assert "HTA047 error: the text here is nested 60 levels deep" in line


def test_text_nested_as_deep_as_the_check_lets_through_is_built(tmp_path):
    """The check's bounds are the converters': ten quotations, a list of ten levels, four brackets, ten ::: blocks
    and ten emphases within each other reach Word, the web page and the PDF (Typst stops before twenty
    quotations; pandoc takes a minute for twelve brackets)."""
    from hta.build import build
    from hta.check.printed import DEEPEST, DEEPEST_BRACKETS

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    results = folder / "sections" / "results.md"
    deep = ["> " * DEEPEST + "Citat.", "\n".join("  " * level + "- punkt" for level in range(DEEPEST)),
            "Se " + "[" * DEEPEST_BRACKETS + "tabell 2" + "]" * DEEPEST_BRACKETS + ".",
            "\n".join("::: {.ruta}" for _ in range(DEEPEST)) + "\nText.\n" + "\n".join(":::" for _ in range(DEEPEST)),
            "Se " + "*a _b " * (DEEPEST // 2) + "c" + " d_ e*" * (DEEPEST // 2) + "."]
    results.write_text(results.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(deep) + "\n", encoding="utf-8")
    [outcome] = build([folder], tmp_path / "out")
    assert outcome.built and outcome.diagnostics == [], [d.text() for d in outcome.diagnostics]


def test_a_control_character_is_found_where_it_is(tmp_path, monkeypatch, capsys):
    """Written as an escape, the character is in the value, not in the file's bytes (those the reader
    refuses itself: the control-character-in-file fixture)."""
    def edit(folder: Path) -> None:
        replace_once(folder / "references.json", '"En fallserie om testbehandling"', '"En fallserie\\u0001"')
        replace_once(folder / "assessment.yaml", "unit: Testförvaltningen", 'unit: "Test\\vförvaltningen"')

    lines = _check(tmp_path, monkeypatch, capsys, edit)
    assert [line.split(" error")[0] for line in lines] == ["fall/assessment.yaml:3:7: HTA016",
                                                           "fall/references.json:11:5: HTA016"]
    assert "U+000B" in lines[0]
