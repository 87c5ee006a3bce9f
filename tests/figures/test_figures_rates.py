"""Packaged rate tables, validation of new rows, and the user override directory."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from correspondence.errors import InputError
from correspondence.figures import compute_statement, data_dir, load_rates, parse_rate_rows, update_rates
from correspondence.figures.rates import COLUMNS
from tests.figures.figcases import inv, make_case

HEADER = ",".join(COLUMNS)
ROW_2027 = "commercial_it,2027-H1,2027-01-01,2027-06-30,2.40,8.00,10.40,\"Comunicato MEF, GU n. 12 of 16/01/2027\",verified"


def test_packaged_tables_are_complete_contiguous_and_sourced():
    tables = load_rates()
    expected_first = {"commercial_it": "2013-H1", "commercial_es": "2013-H1a", "legal_it": "2013", "legal_es": "2013"}
    expected_last = {"commercial_it": "2026-H2", "commercial_es": "2026-H2", "legal_it": "2026", "legal_es": "2026"}
    for name, table in tables.items():
        rows = table.rows
        assert (rows[0].period, rows[-1].period) == (expected_first[name], expected_last[name])
        assert rows[0].start == date(2013, 1, 1) and rows[-1].end == date(2026, 12, 31)
        for prev, cur in zip(rows, rows[1:]):
            assert cur.start == prev.end + timedelta(days=1), (name, prev.period, cur.period)
        for r in rows:
            assert r.source and r.origin == "package"
            if r.reference_rate is not None:
                assert r.rate == r.reference_rate + r.margin
    it, es = tables["commercial_it"], tables["commercial_es"]
    assert len(it.rows) == 28 and len(es.rows) == 29  # ES 2013-H1 split at 24 Feb (RDL 4/2013)
    assert it.row_for(date(2026, 3, 1)).rate == D("10.15") and it.row_for(date(2023, 9, 1)).rate == D("12.00")
    assert it.row_for(date(2026, 8, 1)).status == "unverified"
    assert tables["legal_it"].row_for(date(2023, 5, 1)).rate == D("5.00")
    assert tables["legal_es"].row_for(date(2015, 5, 1)).rate == D("3.50")


@pytest.mark.parametrize("row,field,reason", [
    ("commercial_it,2027-H1,2027-01-01,2027-06-30,2.40,8.00,10.50,src,verified", "rate", "is not reference_rate"),
    ("commercial_it,2027-H1,2027-01-01,2027-06-30,2.40,8.00,abc,src,verified", "rate", "not a decimal"),
    ("commercial_it,2027-H1,2027-01-01,2027-07-31,2.40,8.00,10.40,src,verified", "end", "one half-year"),
    ("commercial_it,2027-H2,2027-01-01,2027-06-30,2.40,8.00,10.40,src,verified", "period", "does not match"),
    ("commercial_it,2027-H1,2027-01-01,2027-06-30,2.40,8.00,10.40,,verified", "source", "legal source"),
    ("commercial_xx,2027-H1,2027-01-01,2027-06-30,2.40,8.00,10.40,src,verified", "table", "is not one of"),
    ("legal_it,2027,2027-01-01,2027-12-31,,,1.60,src,maybe", "status", "is not one of"),
    ("legal_it,2027,2027-01-01,2027-13-31,,,1.60,src,verified", "end", "not an ISO date"),
])
def test_bad_rows_name_line_field_and_reason(row, field, reason):
    with pytest.raises(InputError) as err:
        parse_rate_rows(f"{HEADER}\n{row}\n", name="new.csv")
    assert err.value.field == f"new.csv:line 2.{field}" and reason in err.value.reason


def test_bad_header_and_overlap():
    with pytest.raises(InputError, match="missing column"):
        parse_rate_rows("table,period\nlegal_it,2027\n")
    overlap = f"{HEADER}\nlegal_it,2027,2027-01-01,2027-12-31,,,1.6,src,verified\n" \
              f"legal_it,2027,2027-06-01,2027-12-31,,,1.7,src,verified\n"
    with pytest.raises(InputError, match="overlap"):
        parse_rate_rows(overlap)


def test_update_extends_and_overrides_packaged_rows(tmp_path: Path):
    case = make_case("it", date="2026-12-31", invoices=[inv("A", "2026-12-31", "1000.00")])
    new = tmp_path / "new.csv"
    # A verified 2026-H2 row replaces the packaged unverified one; 2027-H1 extends the table.
    new.write_text(f"{HEADER}\ncommercial_it,2026-H2,2026-07-01,2026-12-31,2.40,8.00,10.40,"
                   f"\"Comunicato MEF, GU n. 160 of 12/07/2026\",verified\n{ROW_2027}\n", encoding="utf-8")
    assert update_rates(new) == {"commercial_it": 2}
    tables = load_rates()
    assert tables["commercial_it"].row_for(date(2026, 8, 1)).status == "verified"
    assert tables["commercial_it"].row_for(date(2027, 2, 1)).origin == "user"
    # 1000 from 1 Jan to 30 Jan 2027 = 30 days at 10.40%: 1000 x 10.40 x 30 / 36500 = 8.5479.. -> 8.55
    s = compute_statement(case, date(2027, 1, 30))
    assert s.interest == D("8.55") and not any(n.startswith("RATE_") for n in s.notes)


def test_failed_update_leaves_user_table_untouched(tmp_path: Path):
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\n{ROW_2027}\n", encoding="utf-8")
    update_rates(good)
    target = next((data_dir() / "rates").glob("*.csv"))
    before = target.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{ROW_2027.replace('10.40', '10.41')}\n", encoding="utf-8")
    with pytest.raises(InputError):
        update_rates(bad)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["commercial_it.csv"]  # no temp files left
