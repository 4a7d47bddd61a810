"""Word post-processing: what pandoc cannot write — title block, PICO table layout, core properties."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

from .labels import Labels
from .model import Assessment

FONT = "Calibri"


def make_reference_doc(path: Path) -> Path:
    """pandoc's own reference document with the statement's styles and a page-number footer."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    from .convert import pandoc_path

    default = subprocess.run([pandoc_path(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True).stdout
    doc = Document(io.BytesIO(default))
    styles = doc.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        if name in [s.name for s in styles]:
            styles[name].font.name = FONT
            styles[name].font.size = Pt(11)
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
    if "Banner" not in [s.name for s in styles]:
        banner = styles.add_style("Banner", WD_STYLE_TYPE.PARAGRAPH)
        banner.base_style = styles["Normal"]
        banner.font.bold = True
        banner.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    _table_borders(styles["Table"])
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE")
    paragraph.add_run(" (")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(")")
    _save_reproducibly(doc, path, dt.datetime(2000, 1, 1))
    return path


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay the page out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(tag: str, **attrs):
        run = paragraph.add_run()
        element = OxmlElement(tag)
        for key, value in attrs.items():
            element.set(qn(key), value)
        run._r.append(element)
        return run

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    instr = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr._r.append(text)
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run("1")
    run_with("w:fldChar", **{"w:fldCharType": "end"})


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
    """Add the title block, lay out the PICO tables and set the document properties."""
    from docx import Document

    doc = Document(path)
    _title_block(doc, assessment, labels)
    for table in doc.tables:
        if table.rows and table.rows[0].cells[0].text.strip() == labels.pico_population:
            _pico_layout(table)
    _core_properties(doc, assessment, labels)
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


def _title_block(doc, assessment: Assessment, labels: Labels) -> None:
    """Dnr to the right, then unit and councils above the title, as the Region's statements have it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = next((p for p in doc.paragraphs if p.style.name == "Title"), doc.paragraphs[0])
    # The statement names its authors at the end, under Författare, not below the title.
    for paragraph in doc.paragraphs:
        if paragraph.style.name in {"Author", "Date"}:
            paragraph._p.getparent().remove(paragraph._p)
    meta = assessment.meta
    dnr = title.insert_paragraph_before(f"{labels.dnr} {meta.dnr}")
    dnr.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title.insert_paragraph_before(meta.unit)
    councils = title.insert_paragraph_before(labels.join(meta.councils))
    councils.paragraph_format.space_after = _pt(18)


def _pt(value: float):
    from docx.shared import Pt

    return Pt(value)


def _pico_layout(table) -> None:
    """Labels in bold in a shaded, narrower first column: the seed's two-column PICO table."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    for row in table.rows:
        label, content = row.cells[0], row.cells[1]
        label.width, content.width = Cm(5.5), Cm(11)
        for paragraph in label.paragraphs:
            for run in paragraph.runs:
                run.bold = True
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "E7EEF3")
        label._tc.get_or_add_tcPr().append(shading)


def _core_properties(doc, assessment: Assessment, labels: Labels) -> None:
    meta = assessment.meta
    props = doc.core_properties
    props.title = property_text(meta.title)
    props.author = property_text("; ".join(a.name for a in meta.authors))
    props.language = labels.language
    props.subject = property_text(meta.question)
    props.keywords = property_text(f"{meta.report_type}; {meta.dnr}; {meta.status.value}")
    props.identifier = property_text(meta.dnr)
    props.created = props.modified = meta.document_time()
    props.last_modified_by = "hta"
    props.revision = 1


# What XML 1.0 cannot hold: C0 controls but tab, newline and carriage return, and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PROPERTY_LIMIT = 255  # Word's (and python-docx's) longest core property


def property_text(value: str) -> str:
    """A value as a Word document property can hold it: XML characters only, at most 255 of them. A long
    question is shortened here only; the report prints it whole."""
    text = _NOT_XML.sub("", value)
    return text if len(text) <= PROPERTY_LIMIT else text[:PROPERTY_LIMIT - 1] + "…"
