"""Exports read as they come, grouped per debtor, and every bad row named by line, column and reason."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from correspondence.campaign import prepare_campaign
from correspondence.campaign.mapping import parse_amount, parse_date
from correspondence.errors import InputError
from tests.campaign.helpers import ES_ROWS, spanish_export, template


@pytest.mark.parametrize("encoding,bom", [("latin-1", False), ("utf-8", True), ("utf-8", False), ("cp1252", False)])
def test_spanish_export_in_any_encoding_groups_one_case_per_debtor(tmp_path, encoding, bom):
    source, mapping = spanish_export(tmp_path, encoding=encoding, bom=bom)
    campaign = prepare_campaign(source, mapping)
    assert campaign.errors == []
    alcala, penalara = campaign.drafts
    assert (alcala.stem, alcala.lines, penalara.stem, penalara.lines) == ("A28015865", [2, 3], "B86561412", [4])
    assert alcala.case.debtor.name == "Construcciones Alcalá Norte, S.A."  # accents survive Latin-1
    assert [i.amount for i in alcala.case.claim.invoices] == [Decimal("1250.00"), Decimal("38.18")]
    assert alcala.case.claim.invoices[0].due_date == dt.date(2026, 4, 1)
    assert penalara.case.debtor.name == "Peñalara Logística, S.L."


def test_xlsx_and_csv_of_the_template_give_the_same_cases(tmp_path):
    template(tmp_path)
    from_csv = prepare_campaign(tmp_path / "debtors.csv", tmp_path / "mapping.yaml")
    from_xlsx = prepare_campaign(tmp_path / "debtors.xlsx", tmp_path / "mapping.yaml")
    assert not from_csv.errors and not from_xlsx.errors
    assert [d.case.model_dump() for d in from_csv.drafts] == [d.case.model_dump() for d in from_xlsx.drafts]
    bianchi = from_csv.drafts[0].case
    assert [p.amount for p in bianchi.claim.payments] == [Decimal("500.00")]
    assert bianchi.claim.payments[0].invoice == "2026/144"
    assert from_csv.drafts[2].case.debtor.type.value == "consumer"  # "privato" through `values:`


def test_amounts_and_dates_as_italian_and_spanish_software_write_them():
    assert parse_amount("1.250,00", ",") == Decimal("1250.00")
    assert parse_amount("€ 12.345.678,9", ",") == Decimal("12345678.9")
    assert parse_amount("1,250.00", ".") == Decimal("1250.00")
    assert parse_amount(3480.5, ",") == Decimal("3480.50")
    for bad in ("1.25,00", "12,345", "1.250,001", "abc"):
        with pytest.raises(ValueError):
            parse_amount(bad, ",")
    assert parse_date("31/03/2026", "%d/%m/%Y") == dt.date(2026, 3, 31)
    assert parse_date("2026-03-31", "%d/%m/%Y") == dt.date(2026, 3, 31)
    with pytest.raises(ValueError, match="31/03/2026"):
        parse_date("03/31/2026", "%d/%m/%Y")


def test_every_invalid_row_is_reported_with_line_column_and_reason(tmp_path):
    rows = list(ES_ROWS)
    rows[1] = rows[1].replace("38,18", "38.18.00")                     # line 3: amount
    rows[2] = rows[2].replace("B86561412", "B86561413")                # line 4: NIF check digit
    rows.append(ES_ROWS[2].replace("Peñalara", "Otra").replace("B86561412", "B58378431")
                .replace("01/07/2026", "31/02/2026"))                 # line 5: no such date
    rows.append(ES_ROWS[2].replace("B86561412", "12345678Z").replace("01/07/2026", "01/12/2026"))  # line 6: not yet due
    source, mapping = spanish_export(tmp_path, rows)
    errors = {(e.line, e.column): e.reason for e in prepare_campaign(source, mapping).errors}
    assert set(errors) == {(3, "Importe"), (4, "NIF"), (5, "Vencimiento"), (6, "Vencimiento")}
    assert "1.250,00" in errors[(3, "Importe")]
    assert "NIF" in errors[(4, "NIF")] or "check" in errors[(4, "NIF")].lower()
    assert "after the letter date" in errors[(6, "Vencimiento")]


def test_rows_of_one_debtor_must_agree(tmp_path):
    rows = [ES_ROWS[0], ES_ROWS[1].replace("Calle de Alcalá 215", "Calle de Alcalá 9")]
    source, mapping = spanish_export(tmp_path, rows)
    [err] = prepare_campaign(source, mapping).errors
    assert (err.line, err.column) == (3, "Dirección") and "differs from line 2" in err.reason


def test_a_mapped_column_missing_from_the_header_is_refused(tmp_path):
    source, mapping = spanish_export(tmp_path)
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("Importe", "Total"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        prepare_campaign(source, mapping)
    assert err.value.field == "line 1, Total" and "not found" in err.value.reason


def test_unknown_case_fields_in_the_mapping_are_refused(tmp_path):
    source, mapping = spanish_export(tmp_path)
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("debtor.tax_id", "debtor.vat_number"),
                       encoding="utf-8")
    with pytest.raises(InputError) as err:
        prepare_campaign(source, mapping)
    assert err.value.field.startswith("mapping.columns") and "debtor.vat_number" in err.value.reason


def test_rows_that_do_not_fit_the_header_are_reported_with_the_others(tmp_path):
    rows = [ES_ROWS[0] + ";sobra", ES_ROWS[1], ES_ROWS[2].replace("Calle de Serrano 41", "C" * 2001)]
    source, mapping = spanish_export(tmp_path, rows)
    errors = {e.line: str(e) for e in prepare_campaign(source, mapping).errors}
    assert errors == {2: "line 2: 11 cells but only 10 columns in the header",
                      4: "line 4: Dirección: longer than 2000 characters"}


def test_a_file_that_is_not_a_workbook_is_a_clear_error(tmp_path):
    _source, mapping = spanish_export(tmp_path)
    fake = tmp_path / "clientes.xlsx"
    fake.write_bytes(b"Cliente;NIF\n")
    with pytest.raises(InputError) as err:
        prepare_campaign(fake, mapping)
    assert err.value.field == "source" and "not a readable XLSX workbook" in err.value.reason
    with pytest.raises(InputError) as err:
        prepare_campaign(tmp_path / "clientes.ods", mapping)
    assert err.value.field == "source"


def test_a_workbook_time_or_duration_cell_is_read_as_the_text_it_shows(tmp_path):
    from openpyxl import Workbook

    from correspondence.campaign.sources import read_sheet

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cliente", "Hora", "Plazo", "Importe", "Fecha"])
    sheet.append(["Ana", dt.time(10, 30), dt.timedelta(days=2), 12.5, dt.date(2026, 3, 31)])
    book.save(tmp_path / "clientes.xlsx")
    row = read_sheet(tmp_path / "clientes.xlsx").rows[0]
    assert row.cells == {"Cliente": "Ana", "Hora": "10:30:00", "Plazo": "2 days, 0:00:00", "Importe": 12.5,
                         "Fecha": dt.datetime(2026, 3, 31)}
