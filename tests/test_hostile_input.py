"""A hostile-input corpus: what an author or a contributor writes is text in every format, never code.

Each build plants a secret file outside the assessment and names it in the hostile text; its content must
appear nowhere: not in the HTML (data: URIs decoded), not in any part of the Word file, not in the PDF's text
or metadata. A build takes about a second, so each one carries several hostile values whose assertions stay
apart (a marker of its own after each)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import draft_copy
from hostile import active_html, docx_parts, pdf_metadata, pdf_text, where_secret
from reports import docx_text, numbers, read_html, words

from hta.build import build

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
SECRET = "HEMLIGT-INNEHALL-4711"


@dataclass
class Built:
    """One hostile report, built: where it is, and each format's text as a reader sees it."""

    folder: Path
    name: str
    secret: Path

    def path(self, extension: str) -> Path:
        return self.folder / f"{self.name}.{extension}"

    @property
    def html(self) -> str:
        return self.path("html").read_text(encoding="utf-8")

    def texts(self) -> dict[str, str]:
        return {"html": words(read_html(self.path("html")).text), "docx": words(docx_text(self.path("docx"))),
                "pdf": words(pdf_text(self.path("pdf")))}


def shows(text: str, value: str) -> bool:
    """`value` is in `text` character for character; spaces aside, as the PDF breaks lines where it likes."""
    return "".join(value.split()) in "".join(text.split())


def _build(tmp: Path, name: str, edit) -> Built:
    """The minimal assessment as a draft (raw code is a warning there, so it builds), edited by `edit`."""
    secret = tmp / "hemlig.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = draft_copy(MINIMAL, tmp / "src" / name)
    edit(folder, secret)
    [outcome] = build([folder], tmp / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    return Built(tmp / "out" / name, name, secret)


def _conclusions_present(texts: dict[str, str]) -> None:
    for fmt, text in texts.items():
        assert "Testbehandling minskar smärta på kort sikt" in text, fmt
        assert "Det finns ett begränsat stöd för testbehandling." in text, fmt


# --- Raw code of every format ------------------------------------------------------------------------

RAW = """Bakgrund.

Inline Typst: `#read("{secret}")`{{=typst}} MARK-1

Beräkning: `#calc.pow(7, 2)`{{=typst}} MARK-2

```{{=typst}}
#read("../../hemlig.txt")
#import "@preview/example:0.1.0": add
```

MARK-3

```{{=openxml}}
<w:p><w:fldSimple w:instr="INCLUDETEXT &quot;{secret}&quot;"><w:r><w:t>fält</w:t></w:r></w:fldSimple></w:p>
```

MARK-4

`<script>alert(1)</script><img src="{secret}" onerror="alert(2)">`{{=html}} MARK-5

```{{=latex}}
\\input{{{secret}}}
```

MARK-6 \\input{{{secret}}} \\newcommand{{\\x}}{{MAKRO}} \\x

Matematik $\\text{{#calc.pow(7,2)}} + \\mathrm{{#read("{secret}")}}$ MARK-7

[till skript](javascript:alert(1)) [till filen](file://{secret}) [knapp]{{onclick="alert(3)" style="color:red"}} MARK-8

---
bibliography: {secret}
title: ÖVERSKRIVEN
---

MARK-9

MARK-10

```{{python}}
open("{secret}").read()
```

```{{ojs}}
alert(4)
```

MARK-11
"""


@pytest.fixture(scope="module")
def raw_code(tmp_path_factory) -> Built:
    def edit(folder: Path, secret: Path) -> None:
        (folder / "sections" / "background.md").write_text(RAW.format(secret=secret), encoding="utf-8")

    return _build(tmp_path_factory.mktemp("raw"), "raw", edit)


def test_raw_code_of_every_format_is_printed_as_text_in_every_format(raw_code):
    texts = raw_code.texts()
    for fmt, text in texts.items():
        for n in range(1, 12):
            assert f"MARK-{n}" in text, (fmt, n)
        assert "#calc.pow(7, 2)" in text, fmt
        assert "INCLUDETEXT" in text, fmt  # printed, not a field
        assert "ÖVERSKRIVEN" not in text.split("Bakgrund")[0], fmt  # the prose's --- block set no title
    _conclusions_present(texts)


def test_no_raw_code_is_evaluated(raw_code):
    # the secret's path is printed as text, and pytest numbers the folder it is in (pytest-49 in the 49th run,
    # which is no 7² evaluated): that folder's name is left out, wherever the PDF broke its line
    numbered = raw_code.secret.parent.parent.name
    printed_path = re.compile(r"-\s*".join(map(re.escape, numbered.split("-"))))
    assert "49" not in numbers(printed_path.sub(" ", raw_code.texts()["pdf"]))
    for fmt, text in raw_code.texts().items():
        assert shows(text, "\\newcommand{\\x}{MAKRO} \\x"), fmt  # a TeX macro is text, not expanded
    assert active_html(raw_code.html) == []
    document = docx_parts(raw_code.path("docx"))["word/document.xml"].decode("utf-8")
    # the report's own fields (caption numbers, page numbers) only: an author's INCLUDETEXT is text
    instructions = re.findall(r'<w:instrText[^>]*>([^<]*)<|<w:fldSimple [^>]*w:instr="([^"]*)"', document)
    assert {(a or b).split()[0] for a, b in instructions} <= {"SEQ", "PAGE", "NUMPAGES"}
    assert pdf_metadata(raw_code.path("pdf"))["/Title"] == "Ett minimalt utlåtande för testerna"


def test_no_link_but_the_web_reaches_any_format(raw_code):
    rels = docx_parts(raw_code.path("docx"))["word/_rels/document.xml.rels"].decode("utf-8")
    assert "javascript:" not in rels and "file:" not in rels
    assert not re.search(r'href="(javascript|file):', raw_code.html)
    assert not re.search(r"<[^>]+\sonclick=", raw_code.html)
    assert not re.search(r'link\("(javascript|file):', (raw_code.folder / "resources" / "raw.typ").read_text())


def test_no_code_cell_quarto_would_run_reaches_the_qmd(raw_code):
    """Quarto reads the same .qmd (--engine quarto), and would run a code cell: Python at the build, OJS in the
    reader's browser. The .qmd binds Quarto's engine that runs nothing, and the author's cells are text there;
    pandoc reads them as before."""
    front, body = raw_code.path("qmd").read_text(encoding="utf-8").split("\n---\n", 1)
    assert re.search(r"^engine: markdown$", front, re.MULTILINE)
    assert not re.search(r"^[ >]*(```|~~~)\s*\{[A-Za-z]", body, re.MULTILINE)
    for fmt, text in raw_code.texts().items():
        assert "alert(4)" in text, fmt


def test_quarto_reads_the_authors_text_without_raw_code_and_through_the_inert_filter(raw_code):
    """What the .qmd tells Quarto: read raw HTML, TeX and {=format} blocks as text, and run the filter beside it
    (the next test shows it makes what the bundled engine makes)."""
    from ruamel.yaml import YAML

    from hta.paths import TEMPLATES

    front = YAML(typ="safe").load(raw_code.path("qmd").read_text(encoding="utf-8").split("\n---\n", 1)[0])
    assert {"-raw_html", "-raw_tex", "-raw_attribute", "-markdown_in_html_blocks"} <= set(
        re.findall(r"[-+]\w+", front["from"]))
    [named] = front["filters"]
    assert (raw_code.folder / named).read_bytes() == (TEMPLATES / "inert.lua").read_bytes()


ATTRIBUTES = """
# Rubrik {#ok-id .klass onclick="alert(5)" style="color:red"}

![bild](figures/a.png){#fig-a width=12cm height=50% onerror="alert(6)"} ![b](b.png){width=12. height=1e3 width=١٢}

::: {.hta-banner custom-style="Banner" data-x="1"}
Banderoll.
:::

::: {custom-style="Banner" #ändå .ok .klaß}
Ingen banderoll.
:::

::: {.hta-banner custom-style="Normal"}
Ingen banderoll heller.
:::

![tum](c.png){width=2in height=3.5em}

[span]{.s onmouseover="alert(7)"} `kod`{.c #i data-x=1} [webb](https://exempel.se){target=_blank onclick="x"}
[plats](#tbl-1) [post]( MAILTO:a@exempel.se ) [skript]( javascript:alert(8)) [data](data:text/html,x)
[relativ](hemlig.txt) <https://exempel.se/auto>

| a | b |
|---|---|
| 1 | 2 |

: Tabell {#tbl-x .t key=v}
"""


def test_the_writers_get_the_tree_the_filter_quarto_is_given_makes(tmp_path):
    """The bundled engine's reading of the .qmd keeps for the Word and HTML writers what templates/inert.lua,
    the filter the .qmd names for Quarto, makes of the Markdown: one set of rules for both engines."""
    from hta.build import default_csl
    from hta.convert.convert import pandoc_path, read_apart
    from hta.convert.inert import READ_FORMAT
    from hta.paths import TEMPLATES

    def read(*options: str) -> list:
        return json.loads(subprocess.run([pandoc_path(), f"--from={READ_FORMAT}", "--to=json", *options],
                                         input=ATTRIBUTES, text=True, capture_output=True, check=True).stdout)["blocks"]

    reading = read_apart("x", ATTRIBUTES, "[]", default_csl(), 0, TEMPLATES / "report.typst", {})
    kept = reading.result(tmp_path / "x.typ").tree["blocks"]
    assert kept == read(f"--lua-filter={TEMPLATES / 'inert.lua'}")
    assert kept != read()  # the rules had work: links and attributes


def test_a_shortcode_quarto_would_expand_is_text_for_quarto_and_reads_as_typed_in_pandoc(tmp_path):
    """{{< env X >}} would print a variable of the build's environment in Quarto, {{< include f >}} a file. The
    check refuses them (no count placeholder, HTA503); the .qmd writes each so that Quarto sees no shortcode
    and pandoc reads the characters typed."""
    from hta.convert.convert import pandoc_path
    from hta.convert.inert import READ_FORMAT, quarto_inert

    typed = "Se {{< env HOME >}}, {{< include hemlig.txt >}} och {{% pagebreak %}}."
    written = quarto_inert(typed)
    assert "{{<" not in written and "{{%" not in written
    read = subprocess.run([pandoc_path(), f"--from={READ_FORMAT}", "--to=plain"], input=written, text=True,
                          capture_output=True, check=True).stdout
    assert " ".join(read.split()) == typed


def test_the_secret_named_in_raw_code_is_nowhere(raw_code):
    assert where_secret(raw_code.folder, raw_code.name, SECRET) == []


# --- Metadata with quotes, #, $ and markup in every field ---------------------------------------------

def hostile(tag: str) -> str:
    return f'{tag} "citat" \'apostrof\' #hash $dollar$ <b>tagg</b> @nyckel *stjärna* _under_ \\bak [hak] {{=typst}} ::: -- slut'


AUTHOR = 'Anna "Q" O\'Brien #1 $x$ <a> @b \\c'
LONG_QUESTION = "- FRÅGA " + hostile("") + " " + " ".join(["lång"] * 60) + " SLUTORD"
FIELDS = {
    "title": hostile("TITEL"),
    "dnr": "::: " + hostile("DNR"),
    "unit": "# " + hostile("ENHET"),
    "requester": "1) " + hostile("BESTÄLLARE"),
    "question": LONG_QUESTION,
}
COUNCIL = "> " + hostile("RÅD")


@pytest.fixture(scope="module")
def metadata(tmp_path_factory) -> Built:
    def edit(folder: Path, secret: Path) -> None:
        meta = folder / "assessment.yaml"
        text = meta.read_text(encoding="utf-8")
        for key, value in FIELDS.items():
            text = re.sub(rf"^{key}: .*$", lambda _: f"{key}: {json.dumps(value, ensure_ascii=False)}", text,
                          count=1, flags=re.M)
        text = text.replace("councils: [Medicinska rådet]", f"councils: [{json.dumps(COUNCIL, ensure_ascii=False)}]")
        text = text.replace("  - name: Test Testsson\n    title: Med Dr",
                            f"  - name: {json.dumps(AUTHOR)}\n    title: {json.dumps(hostile('GRAD'))}")
        text = text.replace("  presenter: Test Testsson", f'  presenter: "#read(\\"{secret}\\")"')
        meta.write_text(text, encoding="utf-8")
        pico = folder / "pico.yaml"
        pico.write_text(pico.read_text(encoding="utf-8").replace(
            "Vuxna med testsjukdom", json.dumps(hostile("POPULATION"), ensure_ascii=False)), encoding="utf-8")

    return _build(tmp_path_factory.mktemp("meta"), "meta", edit)


@pytest.mark.parametrize("value", [*FIELDS.values(), COUNCIL, AUTHOR, hostile("GRAD"), hostile("POPULATION")],
                         ids=[*FIELDS, "councils", "author", "author-title", "pico"])
def test_a_metadata_value_prints_literally_in_every_format(metadata, value):
    for fmt, text in metadata.texts().items():
        assert shows(text, value), fmt


def test_metadata_values_open_no_markup(metadata):
    texts = metadata.texts()
    _conclusions_present(texts)
    assert active_html(metadata.html) == []
    page = read_html(metadata.path("html"))
    assert page.title == words(FIELDS["title"])


def test_the_pdf_and_word_name_the_author_literally(metadata):
    assert pdf_metadata(metadata.path("pdf"))["/Author"] == AUTHOR
    assert pdf_metadata(metadata.path("pdf"))["/Title"] == FIELDS["title"]
    from docx import Document

    props = Document(metadata.path("docx")).core_properties
    assert props.author == AUTHOR
    assert props.title == FIELDS["title"]


def test_a_question_longer_than_word_allows_is_shortened_in_the_properties_only(metadata):
    from docx import Document

    assert len(LONG_QUESTION) > 255
    subject = Document(metadata.path("docx")).core_properties.subject
    assert len(subject) == 255 and subject.endswith("…") and LONG_QUESTION.startswith(subject[:-1])
    assert shows(metadata.texts()["docx"], LONG_QUESTION)


def test_the_secret_named_in_metadata_is_nowhere(metadata):
    assert where_secret(metadata.folder, metadata.name, SECRET) == []


# --- Unclosed tags -----------------------------------------------------------------------------------

UNCLOSED = ["<script>", "<style>", "<textarea>", "<title>", "<xmp>", "<!--", "<iframe>", "<noscript>",
            "<plaintext>", "<template>", "<svg>", "<math>", "<object>", "<select>", "<a href=javascript:x>"]


def _marker(n: int) -> str:
    return f"EFTER-TAGG-{n}"


@pytest.fixture(scope="module")
def unclosed(tmp_path_factory) -> Built:
    def edit(folder: Path, secret: Path) -> None:
        paragraphs = ["Man använder taggen <script> i webbsidor.", "Här är <!-- en kommentar --> DOLD-EJ",
                      f'<iframe src="file://{secret}"> <img src="{secret}"> <object data="{secret}">']
        for n, tag in enumerate(UNCLOSED):
            paragraphs += [f"Taggen {tag} lämnas öppen här.", _marker(n)]
        # a closed comment after the unclosed <!--: the comment alone is left out, nothing between them
        paragraphs.append("<!-- SLUTKOMMENTAR -->")
        (folder / "sections" / "background.md").write_text(
            "<!-- DOLD-KOMMENTAR: en anteckning till författarna -->\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8")
        # the folder's name is a javascript: URL: the library's index must still link to the report
        folder.rename(folder.parent / "javascript:alert(1)")

    tmp = tmp_path_factory.mktemp("tags")
    secret = tmp / "hemlig.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = draft_copy(MINIMAL, tmp / "src" / "tags")  # the tags are said (HTA053), as warnings
    edit(folder, secret)
    [outcome] = build([folder.parent / "javascript:alert(1)"], tmp / "out")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    return Built(tmp / "out" / "javascript:alert(1)", "javascript:alert(1)", secret)


@pytest.mark.parametrize("n", range(len(UNCLOSED)), ids=UNCLOSED)
def test_an_unclosed_tag_swallows_nothing_after_it(unclosed, n):
    for fmt, text in unclosed.texts().items():
        assert shows(text.replace("<!–", "<!--"), f"Taggen {UNCLOSED[n]} lämnas öppen här."), fmt
        assert _marker(n) in text, fmt


def test_a_sentence_about_a_tag_prints_as_written_and_the_report_goes_on(unclosed):
    texts = unclosed.texts()
    for fmt, text in texts.items():
        assert shows(text, "Man använder taggen <script> i webbsidor."), fmt
        for hidden in ("DOLD-KOMMENTAR", "en kommentar", "SLUTKOMMENTAR"):
            assert hidden not in text, fmt  # an author's comment stays a comment
        assert "Här är DOLD-EJ" in text, fmt
    _conclusions_present(texts)
    assert active_html(unclosed.html) == []
    assert where_secret(unclosed.folder, unclosed.name, SECRET) == []


def test_the_library_index_links_to_a_report_whatever_its_folder_is_called(unclosed):
    index = (unclosed.folder.parent / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', index)
    assert hrefs and all(h.startswith("./") and ":" not in h for h in hrefs)
    assert active_html(index) == []


# --- Typst ---------------------------------------------------------------------------------------------

def test_typst_refuses_a_package_import_before_any_download(tmp_path):
    from hta.convert.convert import ConversionError, typst_to_pdf

    source = tmp_path / "x.typ"
    source.write_text('#import "@preview/example:0.1.0": add\nText\n', encoding="utf-8")
    with pytest.raises(ConversionError, match="imports a package"):
        typst_to_pdf(source, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_typst_reads_nothing_outside_the_output_folder(tmp_path):
    from hta.convert.convert import ConversionError, typst_to_pdf

    (tmp_path / "hemlig.txt").write_text(SECRET, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    source = out / "x.typ"
    source.write_text('#read("../hemlig.txt")\n', encoding="utf-8")
    with pytest.raises(ConversionError) as failure:
        typst_to_pdf(source, out / "x.pdf")
    assert "escape the project root" in failure.value.stderr
