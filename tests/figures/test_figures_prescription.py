"""Prescription per jurisdiction and credit type, interruptions, status, and the demand guard."""
from __future__ import annotations

from datetime import date

import pytest

from correspondence.errors import InputError
from correspondence.figures import assert_may_demand, may_threaten_action, prescription
from tests.figures.figcases import inv, make_case


def test_it_commercial_ten_years_prescribed_and_guard():
    # Due 31 Mar 2016 + 10 years (art. 2946 c.c.) = 31 Mar 2026; on 23 Nov 2026 it is prescribed.
    kw = dict(date="2026-11-23", invoices=[inv("A", "2016-03-31", "100.00")])
    business = make_case("it", **kw)
    p = prescription(business)
    assert (p.date, p.years, p.article, p.status, p.since) == (date(2026, 3, 31), 10, "art. 2946 c.c.", "prescribed",
                                                                date(2016, 3, 31))
    assert p.may_threaten_action is False and may_threaten_action(business) is False
    assert_may_demand(business)  # businesses: no refusal, but no threat of action either
    consumer = make_case("it", debtor="consumer", **kw)
    with pytest.raises(InputError) as err:
        assert_may_demand(consumer)
    assert err.value.field == "options.allow_prescribed" and "A (on 2026-03-31" in err.value.reason
    assert_may_demand(make_case("it", debtor="consumer", options__allow_prescribed=True, **kw))


def test_delivered_legal_notice_interrupts_and_restarts_the_term():
    actions = [{"date": "2025-01-10", "type": "legal_notice", "outcome": "delivered (PEC ricevuta di consegna)"},
               {"date": "2026-01-10", "type": "letter", "outcome": "not delivered: address unknown"}]
    case = make_case("it", date="2026-11-23", invoices=[inv("A", "2016-03-31", "100.00")], actions=actions)
    p = prescription(case)
    assert (p.since, p.date, p.status, p.interrupted) == (date(2025, 1, 10), date(2035, 1, 10), "ok", True)
    # An explicit interruption after the term has run out does not revive it.
    late = make_case("it", date="2026-11-23", invoices=[inv("A", "2016-03-31", "100.00")])
    assert prescription(late, interruptions=[date(2026, 5, 1)]).status == "prescribed"
    assert prescription(late, interruptions=[date(2026, 3, 31)]).date == date(2036, 3, 31)


def test_expiring_within_90_days_professional_fees_presumptive():
    # IT professional fees: 3 years, presumptive (art. 2956 n.2); due 31 Dec 2023 -> 31 Dec 2026, 38 days left.
    case = make_case("it", date="2026-11-23", credit_type="professional_fees",
                     invoices=[inv("P", "2023-12-31", "800.00")])
    p = prescription(case)
    assert (p.date, p.status, p.days_left, p.presumptive, p.article) == (
        date(2026, 12, 31), "expiring", 38, True, "art. 2956 n.2 c.c.")
    assert p.may_threaten_action


def test_earliest_invoice_governs_with_per_invoice_detail_and_payment_acknowledgment():
    # IT utilities to a consumer: 2 years (L. 205/2017). U1 due 31 Jan 2025 -> 31 Jan 2027 (69 days: expiring);
    # U2 due 30 Jun 2025 -> 30 Jun 2027, but a part payment imputed to U2 on 1 Oct 2025 restarts it -> 1 Oct 2027.
    case = make_case("it", date="2026-11-23", debtor="consumer", credit_type="utilities",
                     invoices=[inv("U1", "2025-01-31", "90.00"), inv("U2", "2025-06-30", "80.00")],
                     payments=[{"date": "2025-10-01", "amount": "10.00", "invoice": "U2"}])
    p = prescription(case)
    assert (p.invoice, p.date, p.status, p.years) == ("U1", date(2027, 1, 31), "expiring", 2)
    assert [(d.invoice, d.date, d.interrupted) for d in p.invoices] == [
        ("U1", date(2027, 1, 31), False), ("U2", date(2027, 10, 1), True)]


def test_spain_terms_covid_suspension_and_transition():
    # ES commercial B2B: 5 years (art. 1964.2 CC). Due 31 Jan 2018: running on 14 Mar 2020, so
    # 31 Jan 2023 + 82 days (RD 463/2020) = 23 Apr 2023.
    case = make_case("es", date="2023-04-01", invoices=[inv("E", "2018-01-31", "100.00")])
    p = prescription(case)
    assert (p.date, p.status, p.article) == (date(2023, 4, 23), "expiring", "art. 1964.2 CC")
    # Born before 7 Oct 2015: 15 years capped at 7 Oct 2020 (Ley 42/2015), moved to 27 Dec 2020.
    old = make_case("es", date="2021-01-15", invoices=[inv("O", "2014-06-30", "100.00")])
    assert (prescription(old).date, prescription(old).status) == (date(2020, 12, 27), "prescribed")
    # ES B2C sale: 3 years (art. 1967.4ª); professional fees 3 years (art. 1967.1ª).
    b2c = make_case("es", date="2026-11-23", debtor="consumer", invoices=[inv("C", "2024-05-31", "100.00")])
    assert (prescription(b2c).date, prescription(b2c).article) == (date(2027, 5, 31), "art. 1967.4ª CC")
    # A delivered burofax interrupts (art. 1973 CC): the full 5 years start again.
    burofax = make_case("es", date="2026-11-23", invoices=[inv("F", "2021-06-30", "100.00")],
                        actions=[{"date": "2026-05-04", "type": "legal_notice", "outcome": "Entregado (acuse burofax)"}])
    assert prescription(burofax).date == date(2031, 5, 4)
