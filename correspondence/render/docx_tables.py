"""Tables of the DOCX layout drawn like the PDF's: column widths from the content, a shaded header row,
thin rules between rows, the totals rule in the brand colour, no grid.

Widths are measured with the packaged fonts (Pillow), so dates and amounts never wrap ("01/04/2026" stays
on one line); only text columns (descriptions) give up room when a table is wider than the page.
"""
from __future__ import annotations

from typing import Any, Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from .widths import WRAPPING_TEXT, text_mm as text_mm

CELL_PADDING_MM = 2 * 1.9 + 0.8  # Word's default left and right cell margins (0.19 cm), and a little slack
MIN_TEXT_MM = 22.0


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], footer: Sequence[str],
                  numeric: Sequence[bool], available_mm: float, *, sans: bool = False,
                  slack: float = 1.0) -> list[float]:
    """Widths (mm) summing to `available_mm`: every column its content's width (a header may wrap between
    words, as in the PDF), the rest to the text columns; when too wide, the text columns shrink (never below
    22 mm), dates and amounts never. `sans`: the body face is Liberation Sans; `slack` widens every measure
    for a face that cannot be measured (a Word letterhead's own font: measured as Liberation Sans, plus 30%)."""
    natural, wraps = [], []
    for i, head in enumerate(headers):
        cells = [r[i] for r in rows if i < len(r)]
        widest = max([text_mm(word, size=8.5, bold=True, sans=True) for word in head.split()]
                     + [text_mm(c, sans=sans) for c in cells]
                     + ([text_mm(footer[i], bold=True, sans=sans)] if i < len(footer) and footer[i] else []))
        natural.append(widest * slack + CELL_PADDING_MM)
        wraps.append(not numeric[i] and max((len(c) for c in cells), default=0) > WRAPPING_TEXT)
    if not any(wraps):  # dates and amounts only: every column grows (or shrinks) in proportion
        return [w * available_mm / sum(natural) for w in natural]
    fixed = sum(w for w, flex in zip(natural, wraps) if not flex)
    flexible = [w for w, flex in zip(natural, wraps) if flex]
    room = available_mm - fixed
    total_flex = sum(flexible)
    if room >= total_flex or room <= MIN_TEXT_MM * len(flexible):
        share = [max(MIN_TEXT_MM, room * w / total_flex) for w in flexible] if total_flex else []
    else:
        share = [room * w / total_flex for w in flexible]
    it = iter(share)
    widths = [next(it) if flex else w for w, flex in zip(natural, wraps)]
    scale = available_mm / sum(widths) if sum(widths) > available_mm else 1.0  # last resort: everything shrinks
    return [w * scale for w in widths]


def _border(parent: Any, edge: str, *, size: int, color: str, val: str = "single") -> None:
    element = OxmlElement(f"w:{edge}")
    element.set(qn("w:val"), val)
    element.set(qn("w:sz"), str(size))  # eighths of a point
    element.set(qn("w:space"), "0")
    element.set(qn("w:color"), color.lstrip("#"))
    parent.append(element)


def cell_rule(cell: Any, edge: str, *, size: int, color: str) -> None:
    """A rule on one edge of a cell (`top` or `bottom`)."""
    props = cell._tc.get_or_add_tcPr()
    borders = props.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        props.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                    "w:vAlign", "w:hideMark")
    _border(borders, edge, size=size, color=color)


def no_grid(table: Any) -> None:
    """No table style borders: the rules are drawn per cell, as in the PDF."""
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _border(borders, edge, size=0, color="auto", val="nil")
    props.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                "w:tblDescription")


def fix_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """A fixed layout with these column widths (Word and LibreOffice both honour the grid and tcW)."""
    table.autofit = False  # w:tblLayout fixed
    props = table._tbl.tblPr
    width = props.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        props.insert_element_before(width, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                                    "w:tblLayout", "w:tblCellMar", "w:tblLook")
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(sum(widths_mm) / 25.4 * 1440)))
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_mm):
        col.w = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
