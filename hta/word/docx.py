"""Word post-processing: what pandoc cannot write — A4 pages, the title block, running headers, tables
sized to their content, numbered captions, accessible pictures and clean document properties."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

from ..convert.fonts import WORD_FAMILY
from ..model.assessment import Assessment
from ..model.labels import Labels

BODY_SIZE = 11  # points
TABLE_SIZE = 10
TABLE_SIZES = (10, 9, 8)  # a wide table steps down until its longest words fit side by side
# A table whose text columns would average less than this on a portrait page goes on a landscape page,
# where its lines get a readable length (3 cm holds about fifteen characters).
NARROWEST_READABLE = 1701
# Arial as Word describes it in a font table, so a machine without it picks a family of the same build
ARIAL_FONT_ENTRY = (b'<w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
                    b'<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>')


def make_reference_doc(path: Path) -> Path:
    """pandoc's own reference document with the statement's styles, A4 pages and a page-number footer."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    from ..convert.convert import pandoc_path
    from .page import MARK_COLOUR, RUNNING_SIZE, a4, page_numbers

    default = subprocess.run([pandoc_path(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    doc = Document(io.BytesIO(default))
    styles = doc.styles
    names = {s.name for s in styles}
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        if name in names:
            styles[name].font.size = Pt(BODY_SIZE)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        # a heading is never left alone at the foot of a page
        style.paragraph_format.keep_with_next = True
    for name in ("Header", "Footer"):
        style = styles[name] if name in names else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.size = Pt(RUNNING_SIZE)
        style.paragraph_format.space_after = Pt(0)
    if "Banner" not in names:
        banner = styles.add_style("Banner", WD_STYLE_TYPE.PARAGRAPH)
        banner.base_style = styles["Normal"]
        banner.font.bold = True
        banner.font.color.rgb = RGBColor.from_string(MARK_COLOUR)
    # captions stay with what they caption: a table caption with its table (the caption comes first),
    # a picture with its caption (the caption comes after)
    for name in ("Table Caption", "Captioned Figure"):
        styles[name].paragraph_format.keep_with_next = True
    _hanging_indent(styles["Bibliography"])
    _table_borders(styles["Table"])
    _use_family(doc)
    a4(doc.sections[0]._sectPr)
    footer = doc.sections[0].footer
    page_numbers(footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph())
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _save_reproducibly(doc, path, dt.datetime(2000, 1, 1))
    return path


def _use_family(doc) -> None:
    """Every style, and the theme, in the family the councils' templates use ("Arial"; the project ships
    Arimo, which has its metrics): pandoc's styles otherwise ask for Calibri and the theme for Aptos."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    from .ooxml import put

    styles = doc.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    targets = [defaults] if defaults is not None else []
    targets += [s.find(qn("w:rPr")) for s in styles.findall(qn("w:style"))
                if s.get(qn("w:type")) in {"paragraph", "character", "table"}]
    for r_pr in targets:
        if r_pr is None:
            continue
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            if r_pr is not defaults:
                continue  # the style inherits its family
            fonts = put(r_pr, "w:rFonts", "w:rPr")
        for name in list(fonts.attrib):
            del fonts.attrib[name]
        for key in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{key}"), WORD_FAMILY)
    parts = {rel.reltype: rel.target_part for rel in doc.part.rels.values() if not rel.is_external}
    if RT.THEME in parts:
        theme = parts[RT.THEME]
        theme._blob = re.sub(rb'(<a:latin typeface=")[^"]*(")', rb"\g<1>" + WORD_FAMILY.encode() + rb"\g<2>",
                             theme.blob)
    if RT.FONT_TABLE in parts:
        # the font table names the families the text uses: ours, not the template's Calibri or Aptos
        table = parts[RT.FONT_TABLE]
        blob = re.sub(rb'<w:font w:name="(Aptos|Aptos Display|Calibri|Cambria|' + WORD_FAMILY.encode() +
                      rb')">.*?</w:font>\s*', b"", table.blob, flags=re.S)
        table._blob = re.sub(rb"(<w:fonts[^>]*>)", rb"\g<1>" + ARIAL_FONT_ENTRY, blob, count=1)


def _hanging_indent(style) -> None:
    """The reference list: numbers in the margin of a hanging indent, as Word's own bibliography sets it."""
    from docx.shared import Pt, Twips

    indent = Twips(567)  # 1 cm: room for "[28]" or "28."
    fmt = style.paragraph_format
    fmt.left_indent, fmt.first_line_indent = indent, -indent
    fmt.tab_stops.add_tab_stop(indent)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)


def _table_borders(style) -> None:
    """Thin grey rules round and between all cells."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from .ooxml import put

    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    borders = put(tbl_pr, "w:tblBorders", "w:tblPr")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "808080")):
            element.set(qn(key), value)
        borders.append(element)


def get_ready() -> None:
    """What finishing a Word file needs before its first file: python-docx imported (a tenth of a second) and
    the family's widths read. Done while pandoc reads the .qmd, not after it has written the Word file."""
    import docx  # noqa: F401

    from . import page, tables  # noqa: F401
    from .metrics import advances

    advances(), advances(bold=True)


def finish_docx(path: Path, assessment: Assessment, labels: Labels) -> None:
    """Turn pandoc's Word file into the statement: page, title block, tables, captions, running matter,
    pictures and properties."""
    from docx import Document

    from .page import a4, running_matter
    from ..render.sof import symbol_runs

    doc = Document(path)
    _use_family(doc)
    _language(doc, labels.language)
    a4(doc.sections[-1]._sectPr)
    _title_block(doc, assessment, labels)
    _captions(doc, labels)
    _pictures(doc)
    _tables(doc, labels)
    symbol_runs(doc)
    running_matter(doc, assessment, labels)
    _core_properties(doc, assessment, labels)
    _drop_custom_properties(doc)
    _save_reproducibly(doc, path, assessment.meta.document_time())


def _save_reproducibly(doc, path: Path, when) -> None:
    """Save with every zip entry dated `when`: python-docx stamps them with the time of saving."""
    import zipfile

    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))


def _language(doc, language: str) -> None:
    """The report's language on all text (spelling, hyphenation, screen readers) and on the theme."""
    from docx.oxml.ns import qn

    from .ooxml import put

    styles = doc.styles.element
    r_pr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = put(r_pr, "w:lang", "w:rPr")
    lang.set(qn("w:val"), language)
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)


def _title_block(doc, assessment: Assessment, labels: Labels) -> None:
    """The region and the Dnr on one line, then unit and councils above the title, as the Region's
    statements have it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Pt, Twips

    from .page import text_width
    from ..render.shapes import title_lines
    from ..model.styles import default_style

    paragraphs, names = doc.paragraphs, _style_names(doc)
    title = next((p for p in paragraphs if names.get(_style_id(p)) == "Title"), paragraphs[0])
    # The statement names its authors at the end, under Författare, not below the title.
    for paragraph in paragraphs:
        if names.get(_style_id(paragraph)) in {"Author", "Date"}:
            paragraph._p.getparent().remove(paragraph._p)
    # the lines the house style prints (shape_render.title_lines), each empty where it prints none
    lines = title_lines(assessment, assessment.style or default_style(), labels)
    letterhead = title.insert_paragraph_before()
    if lines["region"]:
        letterhead.add_run(lines["region"]).bold = True
        letterhead.paragraph_format.tab_stops.add_tab_stop(Twips(text_width(doc.sections[-1]._sectPr)),
                                                           WD_TAB_ALIGNMENT.RIGHT)
        letterhead.add_run("\t")
    else:
        letterhead.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    letterhead.add_run(lines["identity"])
    last = letterhead
    for key in ("organisation", "unit", "councils"):
        if lines[key]:
            last = title.insert_paragraph_before(lines[key])
    last.paragraph_format.space_after = Pt(18)
    kind = lines["report_type"]
    if kind:  # the kind of report, directly above the title
        title.insert_paragraph_before().add_run(kind).bold = True


def _style_id(paragraph) -> str:
    """The id of the paragraph's style as pandoc wrote it, "" for none."""
    properties = paragraph._p.pPr
    return properties.pStyle.val if properties is not None and properties.pStyle is not None else ""


def _style_names(doc) -> dict[str, str]:
    """Each paragraph style's name by its id, read once: python-docx's `paragraph.style` searches styles.xml
    for every paragraph."""
    from docx.enum.style import WD_STYLE_TYPE

    return {style.style_id: style.name for style in doc.styles if style.type == WD_STYLE_TYPE.PARAGRAPH}


def _captions(doc, labels: Labels) -> None:
    """'Figur 1. …', 'Tabell 2. …': the label and a SEQ field before each caption, so Word renumbers the
    captions itself when a figure or table is added, and a list of figures can be made from them."""
    from .ooxml import field_runs, text_run

    kinds = {"ImageCaption": labels.figure, "TableCaption": labels.table}
    counts = dict.fromkeys(kinds, 0)
    for paragraph in doc.paragraphs:
        style = _style_id(paragraph)
        if style not in kinds:
            continue
        counts[style] += 1
        label = kinds[style]
        sequence = re.sub(r"\W", "", label) or style

        runs = [text_run(f"{label} ")] + field_runs(f"SEQ {sequence} \\* ARABIC", str(counts[style])) + [text_run(". ")]
        for run in reversed(runs):
            paragraph._p.pPr.addnext(run)


def _pictures(doc) -> None:
    """Every picture described in words, the same words wherever Word keeps a description: pandoc copies
    the picture's source, a data: URI of the whole image, into the picture's own description."""
    from docx.oxml.ns import qn

    body = doc.element.body
    for drawing in body.iter(qn("wp:inline"), qn("wp:anchor")):
        doc_pr = drawing.find(qn("wp:docPr"))
        words = doc_pr.get("descr", "") if doc_pr is not None else ""
        if words.startswith("data:"):
            words = ""
        for element in [doc_pr, *drawing.iter(qn("pic:cNvPr"))]:
            if element is None:
                continue
            element.set("descr", words)
            if element.get("title", "").startswith("data:"):
                element.set("title", "")


def _tables(doc, labels: Labels) -> None:
    """Size every table to its content. A table whose text columns would be too narrow to read on a
    portrait page gets a landscape one, its type a point or two smaller if its words need it."""
    from .page import landscape_section, text_width
    from .tables import fits, lay_out, measure, row_labelled, text_columns_width

    portrait = text_width(doc.sections[-1]._sectPr)
    for table in doc.tables:
        tbl = table._tbl
        labelled = row_labelled(tbl, (labels.pico_part, labels.pico_description))
        columns = measure(tbl, TABLE_SIZE, labelled)
        if text_columns_width(columns, portrait) >= NARROWEST_READABLE:
            lay_out(tbl, columns, portrait, TABLE_SIZE)
            continue
        wide = text_width(landscape_section(doc, tbl))
        size = next((s for s in TABLE_SIZES if fits(measure(tbl, s, labelled), wide)), TABLE_SIZES[-1])
        lay_out(tbl, measure(tbl, size, labelled), wide, size)


def _drop_custom_properties(doc) -> None:
    """pandoc writes every metadata field it does not know (csl, bibliography, status …) into the
    custom document properties; they are the build's internals, not the statement's."""
    rels = doc.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype.endswith("/custom-properties"):
            rels.pop(r_id)


def _core_properties(doc, assessment: Assessment, labels: Labels) -> None:
    meta = assessment.meta
    props = doc.core_properties
    props.title = property_text(meta.title)
    props.author = property_text("; ".join(a.name for a in meta.authors))
    props.language = labels.language
    props.subject = property_text(meta.question)
    # what the statement is, in words; never the build's codes such as "for-decision"
    props.keywords = property_text(f"{meta.report_type}; {meta.dnr}")
    props.content_status = labels.status_names.get(meta.status.value, "")
    props.identifier = property_text(meta.dnr)
    props.created = props.modified = meta.document_time()
    props.revision = 1


# What XML 1.0 cannot hold: C0 controls but tab, newline and carriage return, and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PROPERTY_LIMIT = 255  # Word's (and python-docx's) longest core property


def property_text(value: str) -> str:
    """A value as a Word document property can hold it: XML characters only, at most 255 of them. A long
    question is shortened here only; the report prints it whole."""
    text = _NOT_XML.sub("", value)
    return text if len(text) <= PROPERTY_LIMIT else text[:PROPERTY_LIMIT - 1] + "…"
