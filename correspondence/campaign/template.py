"""`correspondence batch-template DIR`: a sample export (CSV and XLSX) and the mapping that reads it.

The CSV is written the way an Italian spreadsheet saves it (UTF-8 with BOM, `;` separators, `1.250,00`
amounts, `31/03/2026` dates), so the template also shows that such files are read as they come.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ..files import write_atomic

HEADERS = ("Codice cliente", "Ragione sociale", "Tipo", "Partita IVA / CF", "PEC", "Indirizzo", "CAP", "Città",
           "Provincia", "Numero fattura", "Data fattura", "Scadenza", "Importo", "Pagato", "Data pagamento")

ROWS = (
    ("C001", "Bianchi S.p.A.", "azienda", "IT00743110157", "bianchi@pec.example.it", "Via Garibaldi 22", "10122",
     "Torino", "TO", "2026/101", "01/03/2026", "31/03/2026", "1.250,00", "", ""),
    ("C001", "Bianchi S.p.A.", "azienda", "IT00743110157", "bianchi@pec.example.it", "Via Garibaldi 22", "10122",
     "Torino", "TO", "2026/144", "02/04/2026", "02/05/2026", "3.480,50", "500,00", "20/05/2026"),
    ("C002", "Verdi Costruzioni S.r.l.", "azienda", "IT01234560017", "amministrazione@pec.verdi.example.it",
     "Via dei Fori Imperiali 3", "00184", "Roma", "RM", "2026/120", "15/03/2026", "14/04/2026", "980,00", "", ""),
    ("C003", "Mario Rossi", "privato", "RSSMRA85T10A562S", "", "Via Toledo 100", "80133", "Napoli", "NA",
     "2026/131", "20/03/2026", "19/04/2026", "415,30", "", ""),
)

MAPPING_YAML = """\
# Column mapping for `correspondence batch debtors.csv --mapping mapping.yaml --kind first_demand -o out/`.
#
# columns: `case field: column header`. Case fields are the dotted paths of a case file (see
#   `correspondence schema`); per-row fields of the title of credit are `invoice.*` (number, issue_date,
#   due_date, amount, description, period, taxable, vat, withholding) and an optional payment on the row is
#   `payment.*` (amount, date, reference). `invoice.amount` is required; a per-debtor export without
#   invoice numbers numbers them 1, 2, ...
# group_by: rows agreeing on these fields make one case (one letter). Default: the debtor's tax id (else
#   its name), the credit type and the contract, i.e. one case per debtor and credit.
# values: what the export writes for a closed vocabulary, translated to the case file's values.
# decimal / date_format: how the export writes amounts (`,` for 1.250,00, `.` for 1,250.00) and dates
#   (strftime; ISO 2026-03-31 is always accepted). Spreadsheet number and date cells are read as they are.
# encoding / delimiter: `auto` reads UTF-8 (with or without BOM) or Latin-1/Windows-1252, and `;` `,` or tab.
# defaults: fields every case shares, written as in a case file; a column wins over a default.
# brand: `defaults: {brand: NAME}` gives every letter a brand of the library (brands/NAME/brand.yaml; the
#   tenant's stored brands with --tenant or through the API); `columns: {brand: Column}` names each row's
#   brand (an empty cell takes the default); `batch --brand NAME` wins over both.
columns:
  reference: Codice cliente
  debtor.name: Ragione sociale
  debtor.type: Tipo
  debtor.tax_id: Partita IVA / CF
  debtor.pec: PEC
  debtor.address.street: Indirizzo
  debtor.address.postal_code: CAP
  debtor.address.city: Città
  debtor.address.province: Provincia
  invoice.number: Numero fattura
  invoice.issue_date: Data fattura
  invoice.due_date: Scadenza
  invoice.amount: Importo
  payment.amount: Pagato
  payment.date: Data pagamento
values:
  debtor.type: {azienda: business, privato: consumer, "pubblica amministrazione": public_administration}
decimal: ","
date_format: "%d/%m/%Y"
encoding: auto
delimiter: auto
defaults:
  language: it
  place: Milano
  delivery: pec
  credit_type: commercial
  creditor:
    name: Rossi Forniture S.r.l.
    tax_id: "IT12345670017"
    iban: IT60X0542811101000000123456
    address: {street: Via Roma 1, postal_code: "20121", city: Milano, province: MI, country: IT}
    pec: amministrazione@pec.rossiforniture.example.it
  debtor:
    address: {country: IT}
  signatory: {name: Giovanni Rossi, role: Amministratore unico}
"""


def write_template(folder: Path) -> list[Path]:
    """Write `debtors.csv`, `debtors.xlsx` and `mapping.yaml` into `folder`; returns their paths."""
    from openpyxl import Workbook

    folder = Path(folder)
    csv_text = "\r\n".join(";".join(_csv_cell(c) for c in row) for row in (HEADERS, *ROWS)) + "\r\n"
    targets = [folder / "debtors.csv", folder / "debtors.xlsx", folder / "mapping.yaml"]
    write_atomic(targets[0], b"\xef\xbb\xbf" + csv_text.encode("utf-8"))
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = "Crediti"
    sheet.append(list(HEADERS))
    for row in ROWS:
        sheet.append([_xlsx_cell(HEADERS[i], value) for i, value in enumerate(row)])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, (float, int, Decimal)):
                cell.number_format = "#,##0.00"
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(targets[1], buffer.getvalue())
    write_atomic(targets[2], MAPPING_YAML.encode("utf-8"))
    return targets


def _csv_cell(value: str) -> str:
    return f'"{value}"' if ";" in value or '"' in value else value


def _xlsx_cell(header: str, value: str) -> object:
    """Dates and amounts as real spreadsheet cells (what an accounting package exports); ids stay text."""
    if not value:
        return None
    if header.startswith("Data") or header == "Scadenza":
        day, month, year = map(int, value.split("/"))
        return dt.date(year, month, day)
    if header in ("Importo", "Pagato"):
        return float(value.replace(".", "").replace(",", "."))
    return value
