"""Word post-processing: what pandoc cannot write — A4 pages, the title block, running headers, tables
sized to their content, numbered captions, accessible pictures and clean document properties."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import subprocess
from pathlib import Path

from .fonts import WORD_FAMILY
from .labels import Labels
from .model import Assessment

# A4 with the margins of a regional statement, in twips (1/20 pt; 567 to the centimetre)
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN = 1418  # 2.5 cm on every side
HEADER_DISTANCE = FOOTER_DISTANCE = 709  # 1.25 cm from the page edge
BODY_SIZE = 11  # points
TABLE_SIZE = 10
TABLE_SIZES = (10, 9, 8)  # a wide table steps down until its longest words fit side by side
RUNNING_SIZE = 9  # header and footer
# A table whose text columns would average less than this on a portrait page goes on a landscape page,
# where its lines get a readable length (3 cm holds about fifteen characters).
NARROWEST_READABLE = 1701
MARK_COLOUR = "B00020"  # draft and example marks: the banner's red
# Arial as Word describes it in a font table, so a machine without it picks a family of the same build
ARIAL_FONT_ENTRY = (b'<w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
                    b'<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>')


def make_reference_doc(path: Path) -> Path:
    """pandoc's own reference document with the statement's styles, A4 pages and a page-number footer."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    from .convert import pandoc_path

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
        banner.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    # captions stay with what they caption: a table caption with its table (the caption comes first),
    # a picture with its caption (the caption comes after)
    for name in ("Table Caption", "Captioned Figure"):
        styles[name].paragraph_format.keep_with_next = True
    _hanging_indent(styles["Bibliography"])
    _table_borders(styles["Table"])
    _use_family(doc)
    _a4(doc.sections[0]._sectPr)
    footer = doc.sections[0].footer
    _page_numbers(footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph())
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _save_reproducibly(doc, path, dt.datetime(2000, 1, 1))
    return path


def _a4(sect_pr, landscape: bool = False) -> None:
    """A4 pages, portrait or landscape, with the statement's margins."""
    from docx.oxml.ns import qn

    from .ooxml import put

    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    size = put(sect_pr, "w:pgSz", "w:sectPr", w_w=width, w_h=height)
    if landscape:
        size.set(qn("w:orient"), "landscape")
    put(sect_pr, "w:pgMar", "w:sectPr", w_top=MARGIN, w_right=MARGIN, w_bottom=MARGIN, w_left=MARGIN,
        w_header=HEADER_DISTANCE, w_footer=FOOTER_DISTANCE, w_gutter=0)


def text_width(sect_pr) -> int:
    """The width in twips between the margins of a section's pages."""
    from docx.oxml.ns import qn

    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    return int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))


def _use_family(doc) -> None:
    """Every style, and the theme, in the family the councils' templates use ("Arial"; the project ships
    Arimo, which has its metrics): pandoc's styles otherwise ask for Calibri and the theme for Aptos."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

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
            from .ooxml import put

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


def _page_numbers(paragraph) -> None:
    """'3 (18)': the page and the number of pages, as fields Word and LibreOffice compute."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from .ooxml import field_runs

    def text(value: str):
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = value
        r.append(t)
        return r

    for run in field_runs("PAGE", "1") + [text(" (")] + field_runs("NUMPAGES", "1") + [text(")")]:
        paragraph._p.append(run)


def _table_borders(style) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "808080")):
            element.set(qn(key), value)
        borders.append(element)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    tbl_pr.append(borders)


def finish_docx(path: Path, assessment: Assessment, labels: Labels) -> None:
    """Turn pandoc's Word file into the statement: page, title block, tables, captions, running matter,
    pictures and properties."""
    from docx import Document

    doc = Document(path)
    _use_family(doc)
    _language(doc, labels.language)
    _a4(doc.sections[-1]._sectPr)
    _title_block(doc, assessment, labels)
    _captions(doc, labels)
    _pictures(doc)
    _tables(doc)
    _running_matter(doc, assessment, labels)
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

    title = next((p for p in doc.paragraphs if p.style.name == "Title"), doc.paragraphs[0])
    # The statement names its authors at the end, under Författare, not below the title.
    for paragraph in doc.paragraphs:
        if paragraph.style.name in {"Author", "Date"}:
            paragraph._p.getparent().remove(paragraph._p)
    meta = assessment.meta
    letterhead = title.insert_paragraph_before()
    if meta.region:
        letterhead.add_run(meta.region).bold = True
        letterhead.paragraph_format.tab_stops.add_tab_stop(_twips(text_width(doc.sections[-1]._sectPr)),
                                                           WD_TAB_ALIGNMENT.RIGHT)
        letterhead.add_run("\t")
    else:
        letterhead.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    letterhead.add_run(f"{labels.dnr} {meta.dnr}")
    title.insert_paragraph_before(meta.unit)
    councils = title.insert_paragraph_before(labels.join(meta.councils))
    councils.paragraph_format.space_after = _pt(18)


def _pt(value: float):
    from docx.shared import Pt

    return Pt(value)


def _twips(value: int):
    from docx.shared import Twips

    return Twips(value)


def _captions(doc, labels: Labels) -> None:
    """'Figur 1. …', 'Tabell 2. …': the label and a SEQ field before each caption, so Word renumbers the
    captions itself when a figure or table is added, and a list of figures can be made from them."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from .ooxml import field_runs

    kinds = {"ImageCaption": labels.figure, "TableCaption": labels.table}
    counts = dict.fromkeys(kinds, 0)
    for paragraph in doc.paragraphs:
        style = paragraph._p.pPr.pStyle.val if paragraph._p.pPr is not None and paragraph._p.pPr.pStyle is not None else ""
        if style not in kinds:
            continue
        counts[style] += 1
        label = kinds[style]
        sequence = re.sub(r"\W", "", label) or style

        def text(value: str):
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = value
            r.append(t)
            return r

        runs = [text(f"{label} ")] + field_runs(f"SEQ {sequence} \\* ARABIC", str(counts[style])) + [text(". ")]
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


def _tables(doc) -> None:
    """Size every table to its content. A table whose text columns would be too narrow to read on a
    portrait page gets a landscape one, its type a point or two smaller if its words need it."""
    from .docx_tables import fits, lay_out, measure, text_columns_width

    portrait = text_width(doc.sections[-1]._sectPr)
    for table in doc.tables:
        tbl = table._tbl
        columns = measure(tbl, TABLE_SIZE)
        if text_columns_width(columns, portrait) >= NARROWEST_READABLE:
            lay_out(tbl, columns, portrait, TABLE_SIZE)
            continue
        wide = text_width(_landscape_section(doc, tbl))
        size = next((s for s in TABLE_SIZES if fits(measure(tbl, s), wide)), TABLE_SIZES[-1])
        lay_out(tbl, measure(tbl, size), wide, size)


def _landscape_section(doc, tbl):
    """Put a table (with its caption) on landscape pages of its own section; returns that section's sectPr.
    A Word section ends with the paragraph holding its sectPr: the paragraph before the caption ends the
    portrait pages, an empty paragraph after the table ends the landscape ones."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from .ooxml import properties, put

    body_sect = doc.sections[-1]._sectPr

    def section(landscape: bool):
        sect = copy.deepcopy(body_sect)
        # each section gets its own header and footer later, sized to its page
        for ref in sect.findall(qn("w:headerReference")) + sect.findall(qn("w:footerReference")):
            sect.remove(ref)
        _a4(sect, landscape)
        return sect

    first = tbl
    previous = tbl.getprevious()
    while previous is not None and previous.tag != qn("w:tbl"):
        if previous.tag == qn("w:p"):
            if previous.find(f"{qn('w:pPr')}/{qn('w:pStyle')}[@{qn('w:val')}='TableCaption']") is None:
                break
            first = previous
        previous = previous.getprevious()
    if previous is None or previous.tag != qn("w:p"):
        previous = OxmlElement("w:p")
        first.addprevious(previous)
    properties(previous, "w:p").append(section(False))

    end = OxmlElement("w:p")
    p_pr = properties(end, "w:p")
    # the paragraph that closes the landscape section is as small as Word allows: it must not spill a page
    put(p_pr, "w:spacing", "w:pPr", w_before=0, w_after=0, w_line=20, w_lineRule="exact")
    r_pr = put(p_pr, "w:rPr", "w:pPr")
    put(r_pr, "w:sz", "w:rPr", w_val=2)
    landscape = section(True)
    p_pr.append(landscape)
    tbl.addnext(end)
    return landscape


def _running_matter(doc, assessment: Assessment, labels: Labels) -> None:
    """Headers and footers of every section: from page 2 the short title and the Dnr; on every page the
    page number 'n (N)' and, for drafts and examples, the mark that says so."""
    meta = assessment.meta
    mark = labels.banner.get(meta.status.value, "")
    dnr = f"{labels.dnr} {meta.dnr}"
    for index, section in enumerate(doc.sections):
        # the first page carries the title block instead of the running header
        section.different_first_page_header_footer = index == 0
        width = text_width(section._sectPr)
        _fill_header(section.header, short_title(meta.short_title or meta.title, width, dnr), dnr, mark, width)
        _fill_footer(section.footer)
        if index == 0:
            _fill_header(section.first_page_header, "", "", mark, width)
            _fill_footer(section.first_page_footer)


def _emptied(part):
    """A header or footer of its own (not the previous section's), with nothing in it."""
    part.is_linked_to_previous = False
    element = part._element
    for child in list(element):
        element.remove(child)
    return part


def _fill_header(header, title: str, dnr: str, mark: str, width: int) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import RGBColor

    header = _emptied(header)
    if title or dnr:
        line = header.add_paragraph(style="Header")
        line.paragraph_format.tab_stops.add_tab_stop(_twips(width), WD_TAB_ALIGNMENT.RIGHT)
        line.add_run(f"{title}\t{dnr}")
    if mark:
        line = header.add_paragraph(style="Header")
        run = line.add_run(mark)
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(MARK_COLOUR)
    if not header.paragraphs:
        header.add_paragraph(style="Header")  # a header part must hold a paragraph


def _fill_footer(footer) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = _emptied(footer)
    line = footer.add_paragraph(style="Footer")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_numbers(line)


def short_title(title: str, width: int, dnr: str) -> str:
    """The title cut at a word to fit one header line beside the Dnr, with an ellipsis when cut."""
    from .metrics import text_width as measure

    room = width / 20 - measure(dnr, RUNNING_SIZE) - 28  # points; a centimetre between title and Dnr
    title = title.rstrip(".")
    if measure(title, RUNNING_SIZE) <= room:
        return title
    words = title.split()
    while words and measure(" ".join(words) + " …", RUNNING_SIZE) > room:
        words.pop()
    return " ".join(words).rstrip(",;:") + " …"


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
    props.title = meta.title
    props.author = "; ".join(a.name for a in meta.authors)
    props.language = labels.language
    props.subject = meta.question
    # what the statement is, in words; never the build's codes such as "for-decision"
    props.keywords = f"{meta.report_type}; {meta.dnr}"
    props.content_status = labels.status_names.get(meta.status.value, "")
    props.identifier = meta.dnr
    props.created = props.modified = meta.document_time()
    props.revision = 1
