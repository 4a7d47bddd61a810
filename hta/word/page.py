"""Word's pages: A4 sections with the statement's margins, landscape pages for wide tables, and the
running matter — the short title and Dnr from page 2, page numbers 'n (N)', draft and example marks."""

from __future__ import annotations

import copy

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor, Twips

from ..model.assessment import Assessment
from ..model.labels import Labels
from .metrics import text_width as measure
from .ooxml import field_runs, properties, put, text_run

# A4 with the margins of a regional statement, in twips (1/20 pt; 567 to the centimetre)
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN = 1418  # 2.5 cm on every side
HEADER_DISTANCE = FOOTER_DISTANCE = 709  # 1.25 cm from the page edge
RUNNING_SIZE = 9  # points, header and footer
MARK_COLOUR = "B00020"  # draft and example marks: the banner's red


def a4(sect_pr, landscape: bool = False) -> None:
    """A4 pages, portrait or landscape, with the statement's margins."""
    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    size = put(sect_pr, "w:pgSz", "w:sectPr", w_w=width, w_h=height)
    if landscape:
        size.set(qn("w:orient"), "landscape")
    put(sect_pr, "w:pgMar", "w:sectPr", w_top=MARGIN, w_right=MARGIN, w_bottom=MARGIN, w_left=MARGIN,
        w_header=HEADER_DISTANCE, w_footer=FOOTER_DISTANCE, w_gutter=0)


def text_width(sect_pr) -> int:
    """The width in twips between the margins of a section's pages."""
    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    return int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))


def page_numbers(paragraph) -> None:
    """'3 (18)': the page and the number of pages, as fields Word and LibreOffice compute."""
    for run in field_runs("PAGE", "1") + [text_run(" (")] + field_runs("NUMPAGES", "1") + [text_run(")")]:
        paragraph._p.append(run)


def landscape_section(doc, tbl):
    """Put a table (with its caption) on landscape pages of its own section; returns that section's sectPr.
    A Word section ends with the paragraph holding its sectPr: the paragraph before the caption ends the
    portrait pages, an empty paragraph after the table ends the landscape ones."""
    body_sect = doc.sections[-1]._sectPr

    def section(landscape: bool):
        sect = copy.deepcopy(body_sect)
        # each section gets its own header and footer later, sized to its page
        for ref in sect.findall(qn("w:headerReference")) + sect.findall(qn("w:footerReference")):
            sect.remove(ref)
        a4(sect, landscape)
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


def running_matter(doc, assessment: Assessment, labels: Labels) -> None:
    """Headers and footers of every section: from page 2 the short title and the Dnr; on every page the
    page number 'n (N)' and, for drafts and examples, the mark that says so."""
    meta = assessment.meta
    mark = labels.banner.get(meta.status.value, "")
    from ..model.identity import identity_line

    dnr = identity_line(meta, labels)
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
    header = _emptied(header)
    if title or dnr:
        line = header.add_paragraph(style="Header")
        line.paragraph_format.tab_stops.add_tab_stop(Twips(width), WD_TAB_ALIGNMENT.RIGHT)
        line.add_run(f"{title}\t{dnr}")
    if mark:
        line = header.add_paragraph(style="Header")
        run = line.add_run(mark)
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(MARK_COLOUR)
    if not header.paragraphs:
        header.add_paragraph(style="Header")  # a header part must hold a paragraph


def _fill_footer(footer) -> None:
    footer = _emptied(footer)
    line = footer.add_paragraph(style="Footer")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_numbers(line)


def short_title(title: str, width: int, dnr: str) -> str:
    """The title cut at a word to fit one header line beside the Dnr, with an ellipsis when cut."""
    room = width / 20 - measure(dnr, RUNNING_SIZE) - 28  # points; a centimetre between title and Dnr
    title = title.rstrip(".")
    if measure(title, RUNNING_SIZE) <= room:
        return title
    words = title.split()
    while words and measure(" ".join(words) + " …", RUNNING_SIZE) > room:
        words.pop()
    return " ".join(words).rstrip(",;:") + " …"


