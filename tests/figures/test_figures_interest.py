"""Statements against hand-computed figures. Formula per piece: base x rate% x days / (100 x year_days),
rounded half-up to the cent; the statement total is the sum of the rounded pieces."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from correspondence.errors import ConfigurationError
from correspondence.figures import RateMissingError, compute_statement
from tests.figures.figcases import inv, make_case


def pieces(statement):
    return [(p.start.isoformat(), p.end.isoformat(), p.days, p.rate, p.interest) for p in statement.periods]


def test_it_business_invoice_across_three_half_years():
    # 1000.00 due 31 May 2025, computed on 15 Feb 2026; interest from 1 Jun 2025 (day after due date).
    # 2025-H1 11.15% (ECB 3.15 + 8): 1 Jun-30 Jun = 30 days; 1000 x 11.15 x 30 / 36500 = 9.1643.. -> 9.16
    # 2025-H2 10.15% (ECB 2.15 + 8): 1 Jul-31 Dec = 184 days; 1000 x 10.15 x 184 / 36500 = 51.1671.. -> 51.17
    # 2026-H1 10.15%: 1 Jan-15 Feb = 46 days; 1000 x 10.15 x 46 / 36500 = 12.7917.. -> 12.79
    # interest 9.16 + 51.17 + 12.79 = 73.12; + 40.00 flat compensation -> total 1113.12
    s = compute_statement(make_case("it", date="2026-02-15", invoices=[inv("A", "2025-05-31", "1000.00")]))
    assert pieces(s) == [
        ("2025-06-01", "2025-06-30", 30, D("11.15"), D("9.16")),
        ("2025-07-01", "2025-12-31", 184, D("10.15"), D("51.17")),
        ("2026-01-01", "2026-02-15", 46, D("10.15"), D("12.79")),
    ]
    assert (s.regime, s.law, s.margin, s.day_count) == ("commercial", "IT_DLGS_231_2002", D("8.00"), "ACT/365")
    assert s.interest == D("73.12") and s.compensation == D("40.00") and s.total_due == D("1113.12")
    assert all("GU n." in p.source and "D.Lgs. 231/2002 art. 5" in p.source for p in s.periods)


def test_es_business_invoice_across_february_2013_margin_change():
    # 2000.00 due 31 Jan 2013, computed on 31 Mar 2013 (Ley 3/2004; ECB 0.75).
    # 1 Feb-23 Feb = 23 days at 7.75% (+7 before RDL 4/2013): 2000 x 7.75 x 23 / 36500 = 9.7671.. -> 9.77
    # 24 Feb-31 Mar = 5 + 31 = 36 days at 8.75% (+8): 2000 x 8.75 x 36 / 36500 = 17.2602.. -> 17.26
    # interest 27.03. The 40 EUR of art. 8 came with RDL 4/2013: a contract of 15 Jan 2013 gets none.
    s = compute_statement(make_case("es", date="2013-03-31", invoices=[inv("E", "2013-01-31", "2000.00", "2013-01-15")]))
    assert pieces(s) == [
        ("2013-02-01", "2013-02-23", 23, D("7.75"), D("9.77")),
        ("2013-02-24", "2013-03-31", 36, D("8.75"), D("17.26")),
    ]
    assert s.law == "ES_LEY_3_2004" and s.interest == D("27.03") and s.compensation == D("0.00")
    assert "ES_CONTRACT_BEFORE_24_FEB_2013" in s.notes
    assert "Ley 3/2004 art. 7" in s.periods[0].source


def test_it_consumer_legal_interest_across_two_years():
    # Consumer, 5000.00 due 31 Oct 2024, computed on 31 Mar 2025: legal rate art. 1284, from 1 Nov 2024.
    # 2024 2.50%: 1 Nov-31 Dec = 61 days; 5000 x 2.5 x 61 / 36500 = 20.8904.. -> 20.89
    # 2025 2.00%: 1 Jan-31 Mar = 90 days; 5000 x 2 x 90 / 36500 = 24.6575.. -> 24.66
    # interest 45.55; no flat compensation for consumers.
    case = make_case("it", date="2025-03-31", debtor="consumer", invoices=[inv("C", "2024-10-31", "5000.00")])
    s = compute_statement(case)
    assert pieces(s) == [("2024-11-01", "2024-12-31", 61, D("2.50"), D("20.89")),
                         ("2025-01-01", "2025-03-31", 90, D("2.00"), D("24.66"))]
    assert (s.regime, s.law, s.margin) == ("legal", "IT_CC_1284", None)
    assert s.interest == D("45.55") and s.compensation == D("0.00") and s.total_due == D("5045.55")


def test_leap_year_366_setting_changes_only_leap_year_pieces():
    # Same debt with 366-day leap years: 2024 piece 5000 x 2.5 x 61 / 36600 = 20.8333.. -> 20.83;
    # 2025 piece unchanged 24.66; total 45.49.
    case = make_case("it", date="2025-03-31", debtor="consumer", invoices=[inv("C", "2024-10-31", "5000.00")],
                     options__leap_year_366=True)
    s = compute_statement(case)
    assert [(p.year_days, p.interest) for p in s.periods] == [(366, D("20.83")), (365, D("24.66"))]
    assert s.interest == D("45.49") and s.day_count == "ACT/ACT (366 in leap years)"


def test_flat_compensation_per_invoice_and_none_for_consumer():
    invoices = [inv("1", "2026-01-31", "100.00"), inv("2", "2026-02-28", "200.00"), inv("3", "2026-03-31", "300.00")]
    business = compute_statement(make_case("it", date="2026-04-30", invoices=invoices))
    assert [i.compensation for i in business.invoices] == [D("40.00")] * 3
    assert business.compensation == D("120.00")  # 3 invoices x 40.00 (CJEU C-585/20)
    consumer = compute_statement(make_case("it", date="2026-04-30", invoices=invoices, debtor="consumer"))
    assert consumer.compensation == D("0.00") and all(i.compensation == 0 for i in consumer.invoices)
    es = compute_statement(make_case("es", date="2026-04-30", invoices=invoices, claim__contract_date="2025-01-10"))
    assert es.compensation == D("120.00")


def test_due_date_in_the_future_accrues_nothing():
    # Report dated 30 Apr 2026 for an invoice due 30 Jun 2026: nothing is late yet.
    case = make_case("it", date="2026-04-30", kind="uncollectability_report", invoices=[inv("F", "2026-06-30", "500.00")])
    s = compute_statement(case)
    assert s.periods == () and s.interest == 0 and s.compensation == 0 and s.total_due == D("500.00")
    assert "NOT_YET_DUE" in s.notes and s.invoices[0].late is False


def test_computation_date_before_due_date():
    case = make_case("it", date="2026-04-30", invoices=[inv("F", "2026-01-31", "500.00")],
                     payments=[{"date": "2026-02-10", "amount": "100.00"}])
    s = compute_statement(case, date(2026, 1, 15))
    assert s.periods == () and s.interest == 0 and s.compensation == 0
    assert s.payments_total == 0 and s.total_due == D("500.00")
    assert {"NOT_YET_DUE", "PAYMENT_AFTER_AT_IGNORED"} <= set(s.notes)
    # On the due date itself nothing has accrued either (interest starts the day after).
    assert compute_statement(case, date(2026, 1, 31)).interest == 0


def test_missing_rate_period_is_a_clear_error():
    case = make_case("it", date="2026-04-30", invoices=[inv("F", "2026-01-31", "500.00")])
    with pytest.raises(RateMissingError) as err:
        compute_statement(case, date(2027, 3, 1))
    assert isinstance(err.value, ConfigurationError)
    assert "commercial_it" in str(err.value) and "2027-H1" in str(err.value) and err.value.period == "2027-H1"
    # Legal interest before the first packaged year names the year.
    es = make_case("es", date="2013-03-31", debtor="consumer", invoices=[inv("C", "2012-11-30", "100.00")],
                   claim__interest_from_demand="2012-12-10")
    with pytest.raises(RateMissingError, match="legal_es rate for period 2012"):
        compute_statement(es)


def test_es_consumer_interest_runs_from_demand_only():
    invoices = [inv("C", "2025-01-31", "1000.00")]
    none = compute_statement(make_case("es", date="2025-03-31", debtor="consumer", invoices=invoices))
    assert none.law == "ES_CC_1108" and none.interest == 0 and "ES_INTEREST_FROM_DEMAND_NOT_SET" in none.notes
    # Demand on 1 Mar 2025: 2 Mar-31 Mar = 30 days at 3.25%: 1000 x 3.25 x 30 / 36500 = 2.6712.. -> 2.67
    s = compute_statement(make_case("es", date="2025-03-31", debtor="consumer", invoices=invoices,
                                    claim__interest_from_demand="2025-03-01"))
    assert pieces(s) == [("2025-03-02", "2025-03-31", 30, D("3.25"), D("2.67"))] and s.compensation == 0


def test_it_agri_food_and_pre_2013_margins():
    # Agri-food (D.Lgs. 198/2021): ECB 2.15 + 8 + 4 = 14.15%; 1000 due 31 Jan 2026, to 2 Mar 2026 = 28 + 2 = 30
    # days: 1000 x 14.15 x 30 / 36500 = 11.6301.. -> 11.63
    agri = compute_statement(make_case("it", date="2026-03-02", invoices=[inv("A", "2026-01-31", "1000.00")],
                                       claim__agri_food=True))
    assert agri.law == "IT_DLGS_198_2021" and agri.margin == D("12")
    assert pieces(agri) == [("2026-02-01", "2026-03-02", 30, D("14.15"), D("11.63"))]
    # Contract of 2012: +7 and no 40 EUR. ECB 2.15 + 7 = 9.15%; 1 Jan-30 Jan 2026 = 30 days:
    # 1000 x 9.15 x 30 / 36500 = 7.5205.. -> 7.52
    old = compute_statement(make_case("it", date="2026-01-30", invoices=[inv("O", "2025-12-31", "1000.00")],
                                      claim__contract_date="2012-06-01"))
    assert pieces(old) == [("2026-01-01", "2026-01-30", 30, D("9.15"), D("7.52"))]
    assert old.compensation == 0 and "IT_CONTRACT_BEFORE_2013" in old.notes and old.margin == D("7")


def test_delay_excused_and_interest_not_claimed():
    invoices = [inv("A", "2026-01-31", "1000.00")]
    excused = compute_statement(make_case("it", date="2026-04-30", invoices=invoices, claim__delay_excused=True))
    assert (excused.regime, excused.law, excused.interest, excused.compensation) == ("none", "NONE", 0, 0)
    assert excused.notes[0] == "DELAY_EXCUSED" and excused.total_due == D("1000.00")
    off = compute_statement(make_case("it", date="2026-04-30", invoices=invoices, claim__interest=False))
    assert off.interest == 0 and off.compensation == D("40.00") and "INTEREST_NOT_CLAIMED" in off.notes


def test_unverified_rate_is_flagged():
    s = compute_statement(make_case("it", date="2026-07-31", invoices=[inv("A", "2026-06-30", "1000.00")]))
    assert "RATE_UNVERIFIED:commercial_it:2026-H2" in s.notes


def test_interest_older_than_five_years_is_flagged():
    # Interest itself prescribes in 5 years (IT art. 2948 n.4 c.c., ES art. 1966.3ª CC): flag it.
    old = compute_statement(make_case("it", date="2026-11-23", invoices=[inv("A", "2019-12-31", "100.00")]))
    assert "INTEREST_OLDER_THAN_5_YEARS" in old.notes
    recent = compute_statement(make_case("it", date="2026-11-23", invoices=[inv("A", "2021-11-23", "100.00")]))
    assert "INTEREST_OLDER_THAN_5_YEARS" not in recent.notes  # first day accrued is 24 Nov 2021
