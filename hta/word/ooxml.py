"""Small WordprocessingML helpers: elements put where the schema wants them, and Word fields."""

from __future__ import annotations

from functools import cache

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# Child order of the property elements we write (ECMA-376 Part 1, §17): Word refuses a file whose
# property children are out of order, so each is inserted before the first sibling that must follow it.
ORDER = {
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
              "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
              "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
              "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
              "w:sectPr", "w:pPrChange"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
              "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
              "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
               "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
               "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"),
    "w:sectPr": ("w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz",
                 "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols",
                 "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                 "w:rtlGutter", "w:docGrid", "w:printerSettings"),
}
# the properties element each container starts with
PROPERTIES = {"w:p": "w:pPr", "w:r": "w:rPr", "w:tbl": "w:tblPr", "w:tr": "w:trPr", "w:tc": "w:tcPr"}


def properties(element, tag: str):
    """The properties child (pPr of a w:p, trPr of a w:tr, …), created first in line when missing."""
    name = PROPERTIES[tag]
    found = element.find(qn(name))
    if found is None:
        found = OxmlElement(name)
        element.insert(0, found)
    return found


def put(parent, tag: str, parent_tag: str, **attrs):
    """The child `tag` of a properties element, replaced by a new one with `attrs`, in schema order."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key.replace("_", ":", 1)), str(value))
    later = _after(parent_tag, tag)
    for index, child in enumerate(parent):
        if child.tag in later:
            parent.insert(index, element)
            break
    else:
        parent.append(element)
    return element


@cache
def _after(parent_tag: str, tag: str) -> frozenset[str]:
    """The qualified tags that follow `tag` in `parent_tag`'s schema order: asked for every property set."""
    order = ORDER[parent_tag]
    return frozenset(qn(t) for t in order[order.index(tag) + 1:])


def text_run(value: str):
    """A run of plain text, its spaces kept."""
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = value
    r.append(t)
    return r


def field_runs(instruction: str, result: str) -> list:
    """The runs of a Word field (PAGE, NUMPAGES, SEQ …) showing `result` until Word or LibreOffice
    computes it again."""
    def run(child_tag: str, text: str | None = None, **attrs):
        r = OxmlElement("w:r")
        child = OxmlElement(child_tag)
        for key, value in attrs.items():
            child.set(qn(key), value)
        if text is not None:
            child.set(qn("xml:space"), "preserve")
            child.text = text
        r.append(child)
        return r

    return [run("w:fldChar", **{"w:fldCharType": "begin"}),
            run("w:instrText", f" {instruction} "),
            run("w:fldChar", **{"w:fldCharType": "separate"}),
            run("w:t", result),
            run("w:fldChar", **{"w:fldCharType": "end"})]
