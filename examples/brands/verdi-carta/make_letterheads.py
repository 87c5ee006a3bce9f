"""Writes the two letterheads of this example brand: letterhead.docx (as a firm makes one in Word: a first
page header with the logo, another header for the following pages, footers with the legal mentions, its
own Normal font and page margins) and letterhead.pdf (the same stationery, first and following pages).

    .venv/bin/python examples/brands/verdi-carta/make_letterheads.py
"""
from __future__ import annotations

import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRM = "Studio Legale Verdi"
ADDRESS = "Corso Venezia 10, 20121 Milano · PEC studio.verdi@pec.example.it · Tel. 02 7654321"
LEGAL = ("Studio Legale Verdi S.t.A. S.r.l. · Sede legale: Corso Venezia 10, 20121 Milano · C.F. 01234567890 · "
         "P.IVA IT01234567890 · REA MI-1234567 · Capitale sociale € 50.000,00 i.v.")


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 79, 79), radius=12, fill=(0x7A, 0x1F, 0x2B))
    draw.polygon([(20, 20), (40, 60), (60, 20)], fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def word() -> bytes:
    from docx import Document
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    doc.styles["Normal"].font.name, doc.styles["Normal"].font.size = "Georgia", Pt(10.5)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(38), Mm(28), Mm(24), Mm(20)
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.add_run().add_picture(io.BytesIO(logo_png()), height=Mm(12))
    name = first.add_run(f"  {FIRM}")
    name.bold, name.font.size, name.font.color.rgb = True, Pt(16), RGBColor(0x7A, 0x1F, 0x2B)
    section.first_page_header.add_paragraph(ADDRESS).runs[0].font.size = Pt(8)
    section.header.paragraphs[0].text = f"{FIRM} · pagina successiva"
    section.first_page_footer.paragraphs[0].text = LEGAL
    section.first_page_footer.paragraphs[0].runs[0].font.size = Pt(7)
    section.footer.paragraphs[0].text = LEGAL
    section.footer.paragraphs[0].runs[0].font.size = Pt(7)
    doc.add_paragraph("(testo della lettera)")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf() -> bytes:
    import base64

    from weasyprint import HTML

    logo = "data:image/png;base64," + base64.b64encode(logo_png()).decode()
    css = ("@page { size: A4; margin: 0 } body { margin: 0; font-family: sans-serif; color: #7A1F2B } "
           ".page { position: relative; height: 297mm; break-after: page } .page:last-child { break-after: auto } "
           ".top { position: absolute; top: 6mm; left: 22mm; right: 18mm; font-size: 8pt } "
           ".top b { font-size: 15pt } .top img { height: 10mm; vertical-align: middle; margin-right: 3mm } "
           ".legal { position: absolute; bottom: 7mm; left: 22mm; right: 18mm; font-size: 6.5pt; color: #444; "
           "border-top: 0.6pt solid #7A1F2B; padding-top: 1mm }")
    first = f'<div class="page"><div class="top"><img src="{logo}"><b>{FIRM}</b><br>{ADDRESS}</div><div class="legal">{LEGAL}</div></div>'
    following = f'<div class="page"><div class="top">{FIRM}</div><div class="legal">{LEGAL}</div></div>'
    return HTML(string=f"<html><head><style>{css}</style></head><body>{first}{following}</body></html>").write_pdf()


if __name__ == "__main__":
    (HERE / "letterhead.docx").write_bytes(word())
    (HERE / "letterhead.pdf").write_bytes(pdf())
