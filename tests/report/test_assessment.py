"""The uncollectability assessment follows the evidence: grounds met / not met / not applicable (issue 13)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from correspondence.casefile import build_case
from correspondence.figures import compute_statement
from correspondence.model import Case
from correspondence.render import compose_document
from correspondence.report import assess
from tests.casedata import example
from tests.textutil import normalise

PEC_DIFFIDA = {"date": "2026-09-10", "type": "legal_notice", "channel": "pec", "document_kind": "legal_notice",
               "delivered_on": "2026-09-10", "delivery_rule": "art. 6 D.P.R. 68/2005 (ricevuta di avvenuta consegna)",
               "evidence": "sha256:5f1c...e9"}
LETTERS = [{"date": "2026-05-10", "type": "letter", "channel": "ordinary_mail"},
           {"date": "2026-07-10", "type": "letter", "channel": "email", "delivered_on": "2026-07-10"}]
TRACING = {"date": "2026-10-01", "type": "tracing", "search": "anagrafe", "result": "negative",
           "outcome": "irreperibile all'indirizzo di residenza"}
SEARCHES = [{"date": "2026-10-05", "type": "asset_search", "search": "ipocatastale", "result": "negative"},
            {"date": "2026-10-05", "type": "asset_search", "search": "pra", "result": "negative"}]
BIG = [{"number": "2025/900", "issue_date": "2025-11-01", "due_date": "2025-12-01", "amount": "12200.00",
        "taxable": "10000.00", "vat": "2200.00"}]


def it_case(actions, **changes) -> Case:
    data = example("it", kind="uncollectability_report", actions=actions, claim__invoices=BIG, claim__payments=[],
                   **changes)
    return build_case(data)


def text(case: Case) -> str:
    return normalise("\n".join(b.full_text for b in compose_document(case).blocks))


def test_it_case_with_delivered_pec_failed_tracing_and_negative_search_is_uncollectable() -> None:
    case = it_case(LETTERS + [PEC_DIFFIDA, TRACING] + SEARCHES)
    a = assess(case)
    status = {g.code: g.status.value for g in a.income + a.vat}
    assert status == {"it.income.insolvency": "not_met", "it.income.prescription": "not_met",
                      "it.income.small_credit": "not_met", "it.income.certain_precise": "met",
                      "it.vat.insolvency": "not_met", "it.vat.failed_enforcement": "not_met"}
    assert a.ground("it.income.certain_precise").reason == "uneconomic_recovery"
    assert [x.date for x in a.evidence.formal_claims] == [dt.date(2026, 9, 10)]  # the letters do not count
    assert a.costs.recommendation == "write_off" and a.costs.probability.value == Decimal("0.02")
    # hand-computed: costs 145.50 + 1,696.00 + 900.00; expected 2 % of (claim + costs)
    assert a.costs.costs == Decimal("2741.50")
    assert a.costs.expected_recovery == (Decimal("0.02") * (a.costs.claim + Decimal("2741.50"))).quantize(Decimal("0.01"))
    assert a.conclusion == "uncollectable"
    body = text(case)
    assert "Altri elementi certi e precisi – ricorre" in body
    assert "inviata a mezzo PEC, ricevuta il 10 settembre 2026" in body
    assert "Visura ipocatastale (catasto e conservatoria dei registri immobiliari) del 5 ottobre 2026: esito negativo" in body
    assert "ricorrono gli elementi certi e precisi" in body


def test_without_asset_search_and_cost_benefit_it_does_not_conclude_uncollectable() -> None:
    case = it_case(LETTERS + [PEC_DIFFIDA, TRACING])
    a = assess(case)
    ground = a.ground("it.income.certain_precise")
    assert ground.status.value == "not_met"
    assert set(ground.missing) == {"asset_search", "cost_benefit"}
    assert a.costs.recommendation == "not_computable" and a.conclusion == "not_established"
    body = text(case)
    assert "Allo stato non ricorrono elementi certi e precisi della perdita" in body
    assert "indagini patrimoniali (visure ipocatastali, PRA, bilanci)" in body
    assert "ricorrono gli elementi certi e precisi della perdita ai sensi" not in body.replace("non ricorrono", "")


def test_no_action_recorded_is_not_uncollectable() -> None:
    a = assess(it_case([]))
    assert a.conclusion == "not_established"
    assert {"formal_claim", "asset_search", "cost_benefit"} <= set(a.missing)


@pytest.mark.parametrize("report_date,met", [("2026-10-02", True), ("2026-09-30", False)])
def test_it_small_credit_six_months_and_a_day(report_date: str, met: bool) -> None:
    """Due 1 April 2026: six months run to 1 October; 2 October is six months and a day, 30 September a day short."""
    inv = [{"number": "A1", "issue_date": "2026-03-02", "due_date": "2026-04-01", "amount": "2440.00"}]
    case = build_case(example("it", kind="uncollectability_report", date=report_date, claim__invoices=inv,
                              claim__payments=[], actions=[]))
    ground = assess(case).ground("it.income.small_credit")
    assert ground.met is met
    assert ground.invoices[0].elapsed_on == dt.date(2026, 10, 2)
    assert ("ricorre, scaduto da oltre sei mesi" in text(case)) is met


def test_it_small_credit_threshold_is_per_invoice_and_raised_for_large_companies() -> None:
    inv = [{"number": "B1", "issue_date": "2026-01-02", "due_date": "2026-02-01", "amount": "4000.00"}]
    base = dict(kind="uncollectability_report", claim__invoices=inv, claim__payments=[], actions=[])
    small = assess(build_case(example("it", **base)))
    large = assess(build_case(example("it", creditor__tax_profile={"kind": "company", "turnover": "150000000"}, **base)))
    assert not small.ground("it.income.small_credit").met
    assert large.ground("it.income.small_credit").met and large.conclusion == "uncollectable"


@pytest.mark.parametrize("profile,reason", [({"kind": "non_business"}, "no_business_income"),
                                             ({"kind": "professional_cash"}, "cash_basis")])
def test_condominium_and_cash_basis_professional_get_no_art_101_claim(profile, reason) -> None:
    credit = "condominium" if profile["kind"] == "non_business" else "professional_fees"
    inv = [{"number": "Q1", "issue_date": "2025-01-02", "due_date": "2025-02-01", "amount": "800.00"}]
    case = build_case(example("it", kind="uncollectability_report", credit_type=credit, claim__invoices=inv,
                              claim__payments=[], creditor__tax_profile=profile, actions=[PEC_DIFFIDA] + SEARCHES))
    a = assess(case)
    assert {g.status.value for g in a.income} == {"not_applicable"} and {g.reason for g in a.income} == {reason}
    assert a.conclusion == "no_route"
    body = text(case)
    assert "non sostiene una deduzione della perdita" in body
    assert "ricorrono gli elementi certi e precisi della perdita ai sensi" not in body


def test_an_ordinary_email_is_not_a_formal_claim() -> None:
    email = {"date": "2026-10-01", "type": "legal_notice", "channel": "email", "delivered_on": "2026-10-01"}
    case = build_case(example("es", kind="uncollectability_report", actions=[email],
                              creditor__tax_profile={"kind": "company", "turnover": "3000000"}))
    a = assess(case)
    assert a.evidence.formal_claims == () and len(a.evidence.other_letters) == 1
    assert {t.reason for t in a.ground("es.vat.80_cuatro").invoices} <= {"no_formal_claim", "period_running"}
    assert not a.ground("es.vat.80_cuatro").met
    assert "entre ellas correos electrónicos ordinarios" in text(case)


def test_es_burofax_no_court_claim_six_months_at_year_end_and_vat_windows_per_invoice() -> None:
    burofax = {"date": "2026-10-01", "type": "legal_notice", "channel": "burofax", "delivered_on": "2026-10-02",
               "delivery_rule": "certificado de entrega de Correos", "evidence": "sha256:ab12"}
    case = build_case(example("es", kind="uncollectability_report", actions=[burofax],
                              creditor__tax_profile={"kind": "company", "turnover": "3000000"},
                              report__year_end="2026-12-31"))
    a = assess(case)
    six = a.ground("es.income.six_months")
    assert [(t.number, t.met, t.elapsed_on) for t in six.invoices] == [
        ("F-2026/0101", True, dt.date(2026, 10, 2)), ("F-2026/0155", True, dt.date(2026, 11, 16)),
        ("F-2026/0210", False, dt.date(2027, 1, 2))]
    assert a.ground("es.income.court_claim").status.value == "not_met"
    assert a.ground("es.income.art_104").met  # turnover under 10 M EUR
    vat = a.ground("es.vat.80_cuatro")
    assert vat.reason == "period_6"
    assert [(t.number, t.from_date, t.elapsed_on, t.deadline, t.notice_by, t.reason) for t in vat.invoices] == [
        ("F-2026/0101", dt.date(2026, 3, 2), dt.date(2026, 9, 2), dt.date(2027, 3, 2), dt.date(2027, 4, 2), "met"),
        ("F-2026/0155", dt.date(2026, 4, 15), dt.date(2026, 10, 15), dt.date(2027, 4, 15), dt.date(2027, 5, 15), "met"),
        ("F-2026/0210", dt.date(2026, 6, 1), dt.date(2026, 12, 1), dt.date(2027, 6, 1), dt.date(2027, 7, 1),
         "period_running")]
    assert a.conclusion == "partly"
    body = text(case)
    assert "a la fecha de devengo del 31 de diciembre de 2026" in body
    for number in ("F-2026/0101", "F-2026/0155", "F-2026/0210"):
        assert f"n.º {number}, vencido el" in body and f"º {number}, devengo el" in body
    assert "no concurre, los seis meses solo se cumplen el 2 de enero de 2027" in body
    assert "rectificativa desde el 2 de septiembre de 2026 y a más tardar el 2 de marzo de 2027, comunicación a la " \
           "Agencia Tributaria a más tardar el 2 de abril de 2027" in body


def test_es_nothing_met_says_so() -> None:
    inv = [{"number": "N1", "issue_date": "2026-10-01", "due_date": "2026-10-31", "amount": "900.00"}]
    case = build_case(example("es", kind="uncollectability_report", claim__invoices=inv, claim__payments=[],
                              actions=[], report__year_end="2026-12-31"))
    a = assess(case)
    assert a.conclusion == "not_established"
    assert "A la fecha no concurren los requisitos del artículo 13.1 LIS" in text(case)


def test_es_individual_in_simplified_direct_estimation_has_no_individual_provision() -> None:
    case = build_case(example("es", kind="uncollectability_report",
                              creditor__tax_profile={"kind": "professional_accrual", "irpf_method": "directa_simplificada"}))
    a = assess(case)
    assert {g.reason for g in a.income} == {"irpf_simplificada"} and a.conclusion == "no_route"


def test_es_related_party_excluded() -> None:
    case = build_case(example("es", kind="uncollectability_report", debtor__related_party=True,
                              report__year_end="2026-12-31"))
    assert assess(case).ground("es.income.six_months").reason == "related_party"


def test_in_insolvency_figures_stop_at_the_opening_date() -> None:
    insolvency = {"procedure": "liquidazione_giudiziale", "opened_on": "2026-09-01", "court": "Tribunale di Torino",
                  "hearing_on": "2026-12-15"}
    case = build_case(example("it", kind="uncollectability_report", insolvency=insolvency))
    a = assess(case)
    at_opening = compute_statement(case, at=dt.date(2026, 9, 1))
    solvent = compute_statement(build_case(example("it", kind="uncollectability_report")))
    assert a.filing is not None and solvent.interest > a.filing.interest  # no interest after the opening
    assert a.filing.interest == at_opening.interest and a.filing.total == at_opening.total_due
    assert max(p.end for p in a.filing.statement.periods) <= dt.date(2026, 9, 1)
    assert a.filing.deadline == dt.date(2026, 11, 15)          # 30 days before the hearing (art. 201 CCII)
    assert a.ground("it.income.insolvency").met
    vat = a.ground("it.vat.insolvency")
    assert vat.met and vat.dates["deadline"] == dt.date(2027, 4, 30)
    doc = compose_document(case)
    assert doc.statement.at == dt.date(2026, 9, 1) and doc.statement.total_due == at_opening.total_due
    body = text(case)
    assert "non decorrono interessi sul credito chirografario (art. 154 CCII)" in body
    assert "Termine per la domanda: 15/11/2026" in body or "Termine per la domanda: 15 novembre 2026" in body


def test_es_concurso_only_80_tres_with_its_deadline() -> None:
    insolvency = {"procedure": "concurso", "opened_on": "2026-10-05", "published_on": "2026-10-20"}
    case = build_case(example("es", kind="uncollectability_report", insolvency=insolvency))
    a = assess(case)
    assert a.ground("es.vat.80_cuatro").status.value == "not_applicable"
    tres = a.ground("es.vat.80_tres")
    assert tres.met and tres.dates["deadline"] == dt.date(2027, 1, 20) and tres.dates["notice_by"] == dt.date(2027, 2, 20)
    assert a.filing.deadline == dt.date(2026, 11, 20)                      # art. 255 TRLC
    assert a.filing.interest == compute_statement(case, at=dt.date(2026, 10, 5)).interest


def test_cost_inputs_are_overridable() -> None:
    case = it_case(LETTERS + [PEC_DIFFIDA, TRACING] + SEARCHES,
                   report__cost_inputs={"recovery_probability": "0.9", "lawyer_fees": "500.00"})
    a = assess(case)
    assert a.costs.lawyer_fees.value == Decimal("500.00") and a.costs.lawyer_fees.origin == "override"
    assert a.costs.recommendation == "litigate"
    assert a.ground("it.income.certain_precise").status.value == "not_met"
    assert "recovery_economic" in a.ground("it.income.certain_precise").missing
