"""Issue 12, Italian rules (items 1-10): each rule in the text of both formats, figures to the cent."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from correspondence.errors import InputError
from correspondence.figures import compute_statement, prescription
from tests.wording.formats import assert_in_both, case_of, consumer, money, texts

FEES_2022 = [{"number": "P-2022/4", "issue_date": "2022-06-01", "due_date": "2022-06-30", "amount": "900.00",
              "completed_on": "2022-05-20"}]


def test_presumptive_prescription_keeps_the_diffida_and_says_nothing_of_spontaneous_payment() -> None:
    # art. 2956 n.2 c.c. presumes payment only (arts. 2959-2960); it runs from completion of the work (art. 2957)
    case = consumer("it", credit_type="professional_fees", claim={"invoices": FEES_2022}, actions=[])
    presc = prescription(case)
    assert presc.status == "prescribed" and presc.presumptive and presc.since.isoformat() == "2022-05-20"
    assert presc.may_threaten_action and not presc.extinctive
    assert_in_both(case, "diffida e costituzione in mora ai sensi dell'art. 1219 c.c.",
                   "costituzione in mora ai sensi dell'art. 1219 c.c. e ad ogni effetto interruttivo",
                   absent=("2940", "spontaneo", "potrebbe essere prescritto"))


def test_two_year_utilities_rule_follows_the_debtor_size() -> None:
    # L. 205/2017 art. 1 c.4: domestic customers, micro-enterprises, professionals; others art. 2948 n.4 (5 years)
    bills = [{"number": "B-2023/1", "issue_date": "2023-12-01", "due_date": "2024-01-10", "amount": "310.00",
              "period": "novembre 2023"}]
    large = case_of("it", credit_type="utilities", debtor__size="large", claim={"invoices": bills}, actions=[])
    micro = case_of("it", credit_type="utilities", debtor__size="micro", claim={"invoices": bills}, actions=[],
                    options={"allow_prescribed": True})
    assert (prescription(large).years, prescription(large).article) == (5, "art. 2948 n.4 c.c.")
    assert prescription(large).status == "ok"
    assert (prescription(micro).years, prescription(micro).status) == (2, "prescribed")
    notice = "si prescrive in due anni"
    assert_in_both(large, "diffida e costituzione in mora", absent=(notice,))
    assert_in_both(micro, notice, "microimprese", "facoltà di eccepire la prescrizione")


def test_consumer_is_never_invited_to_plead_an_interrupted_prescription() -> None:
    # art. 2943 c.4 c.c.: a delivered demand interrupts; the two-year notice must then not be given
    bills = [{"number": "B-2024/3", "issue_date": "2024-08-01", "due_date": "2024-09-10", "amount": "180.00",
              "period": "luglio 2024"}]
    letter = {"date": "2025-09-01", "type": "letter", "channel": "raccomandata_ar", "delivered_on": "2025-09-04",
              "document_kind": "first_demand"}
    interrupted = consumer("it", kind="second_demand", credit_type="utilities", claim={"invoices": bills},
                           actions=[letter])
    assert prescription(interrupted).interrupted and prescription(interrupted).status == "ok"
    assert_in_both(interrupted, "il sollecito del 1° settembre 2025, inviato con raccomandata A/R e ricevuto il "
                                "4 settembre 2025", absent=("eccepire la prescrizione",))
    plain = consumer("it", kind="second_demand", credit_type="utilities", claim={"invoices": bills}, actions=[],
                     options={"allow_prescribed": True})
    assert_in_both(plain, "eccepire la prescrizione")


def test_termination_only_where_it_can_work() -> None:
    with pytest.raises(InputError, match="condominium"):
        case_of("it", credit_type="condominium", options={"termination": True})
    with pytest.raises(InputError, match="1186"):
        case_of("it", credit_type="consumer_credit", options={"termination": True})
    one = [{"number": "R3", "issue_date": "2026-03-01", "due_date": "2026-03-31", "amount": "500.00"}]
    with pytest.raises(InputError, match="1525"):  # one instalment of at most 1/8 of a 12,000 EUR price
        case_of("it", credit_type="installment_sale", options={"termination": True},
                claim={"invoices": one, "title_reserved": True, "price": "12000.00"})
    sale = case_of("it", credit_type="installment_sale", options={"termination": True})
    assert_in_both(sale, "diffida ad adempiere ai sensi dell'art. 1454 c.c.",
                   "Risoluzione e adempimento sono domande alternative (art. 1453, comma 2, c.c.)",
                   absent=("1525", "decreto ingiuntivo", "pagamento rateale"))


def test_insolvent_debtor_gets_no_diffida_and_interest_stops_at_the_opening() -> None:
    # Opening 1 Sep 2026: interest to 31 Aug (art. 154 CCII). 2026/101: 1250 x 10.15% x 40/365 = 13.90;
    # 200 paid 10 May -> 13.90 interest, 40.00 flat, 146.10 capital (art. 1194 c.c.) -> 1103.90;
    # 1103.90 x 10.15% x 51/365 = 15.66; x 10.40% x 62/365 = 19.50. 2026/155: 830.50 x 10.15% x 46/365 = 10.62;
    # x 10.40% x 62/365 = 14.67. Total 1934.40 + 60.45 + 40.00 = 2034.85 (2081.15 without the opening).
    case = case_of("it", insolvency={"procedure": "liquidazione_giudiziale", "opened_on": "2026-09-01",
                                     "court": "Tribunale di Torino", "administrator": "Dott. Luca Neri"})
    st = compute_statement(case)
    assert (st.interest, st.total_due, st.interest_until.isoformat()) == (D("60.45"), D("2034.85"), "2026-08-31")
    assert_in_both(case, money("it", "2034.85"), "domanda di ammissione al passivo", "art. 201",
                   "sospeso ai sensi dell'art. 154", "calcolati fino al 31 agosto 2026",
                   absent=("decreto ingiuntivo", "diffida", "intima", money("it", "2081.15")))


def test_documented_costs_are_owed_only_above_the_flat_sum() -> None:
    # D.Lgs. 231/2002 art. 6 c.2: 2 late invoices -> 80.00 flat; costs 130.00 -> 50.00 owed; 2081.15 + 50.00
    case = case_of("it", claim__costs=[{"description": "Visura e spese postali", "amount": "130.00"}])
    st = compute_statement(case)
    assert (st.costs_documented, st.costs, st.total_due) == (D("130.00"), D("50.00"), D("2131.15"))
    assert_in_both(case, "Spese di recupero documentate eccedenti l'importo forfettario", money("it", "50.00"),
                   money("it", "2131.15"), "per la parte eccedente l'importo forfettario")


@pytest.mark.parametrize("debtor", ["business", "consumer", "public_administration"])
@pytest.mark.parametrize("kind", ["first_demand", "second_demand", "legal_notice"])
def test_documented_costs_render_for_every_debtor_type(kind: str, debtor: str) -> None:
    costs = [{"description": "Spese postali", "amount": "60.00"}]
    case = (consumer("it", kind=kind, claim__costs=costs) if debtor == "consumer" else
            case_of("it", kind=kind, debtor__type=debtor, claim__costs=costs))
    st = compute_statement(case)
    assert st.costs == (D("0") if debtor == "consumer" else D("0.00"))  # 60 < 80 flat: nothing above it
    assert_in_both(case, money("it", str(st.total_due)), absent=("Spese di recupero",))


def test_no_time_limit_on_disputes() -> None:
    case = consumer("it", kind="second_demand", tone="stern")
    assert_in_both(case, "Eventuali contestazioni potranno esserci comunicate per iscritto",
                   absent=("contestazioni dovranno pervenirci", "entro il medesimo termine, "))


def test_privacy_line_is_an_article_14_notice() -> None:
    assert_in_both(consumer("it", kind="first_demand"), "artt. 13 e 14 del Regolamento (UE) 2016/679",
                   "titolare del trattamento è Rossi Forniture S.r.l.", "titolare autonomo", "provengono",
                   "sono conservati per il tempo necessario", "artt. 15-22",
                   "reclamo al Garante per la protezione dei dati personali")


def test_register_articles_titles_tax_ids_periods_and_holiday_shift() -> None:
    condo = case_of("it", credit_type="condominium", creditor__name="Condominio Via Po 3", creditor__tax_id=None,
                    debtor__type="public_administration",
                    debtor__name="Comune di Torino", debtor__tax_id="00514490010")
    assert_in_both(condo, "in nome e per conto del Condominio Via Po 3, in persona dell'amministratore pro tempore",
                   "nei confronti del Comune di Torino (C.F./P.IVA 00514490010), con sede in",
                   absent=("ai periodi:", "i numeri dei", "vanta nei confronti di Comune"))
    out = assert_in_both(consumer("it", kind="first_demand", debtor__title="Sig.ra", debtor__name="Anna Bianchi"),
                         "Gentile Sig.ra Anna Bianchi,",
                         "termine prorogato al primo giorno non festivo ai sensi dell'art. 2963, comma 3, c.c.",
                         absent=("Sig./Sig.ra", "Gentile Anna Bianchi", "C.F./P.IVA IT"))
    assert "9 dicembre 2026 (15 giorni" in out["pdf"]  # 8 December is a holiday: moved by one day
    assert_in_both(case_of("it"), "Rossi Forniture S.r.l. (P.IVA IT12345670017)", "Imputati a importo forfettario e spese",
                   absent=("C.F./P.IVA IT",))
    assert_in_both(case_of("it", kind="second_demand"),
                   "per ciascun documento non pagato alla scadenza")


def test_withholding_is_not_claimed_and_charges_can_be_waived() -> None:
    # ritenuta d'acconto (art. 25 DPR 600/1973): 1220.00 fee note with 200.00 withheld -> 1020.00 owed
    fees = [{"number": "P-7", "issue_date": "2026-09-01", "due_date": "2026-10-01", "amount": "1220.00",
             "withholding": "200.00"}]
    case = case_of("it", kind="first_demand", credit_type="professional_fees", claim={"invoices": fees},
                   options={"waive_charges": True}, actions=[])
    st = compute_statement(case)
    assert (st.principal, st.withholding, st.interest, st.compensation, st.total_due) == (
        D("1020.00"), D("200.00"), D("0.00"), D("0.00"), D("1020.00"))
    assert_in_both(case, "al netto della ritenuta d'acconto di " + money("it", "200.00"),
                   "rinuncia a richiedere gli interessi moratori", money("it", "1020.00"),
                   absent=("importo forfettario di",))
