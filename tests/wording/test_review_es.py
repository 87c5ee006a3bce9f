"""Issue 12, Spanish rules (items 11-23): each rule in the text of both formats, figures to the cent."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from correspondence.errors import InputError
from correspondence.figures import compute_statement, prescription
from tests.wording.formats import assert_in_both, case_of, consumer, money

BCN = {"street": "Carrer de Mallorca 200", "postal_code": "08036", "city": "Barcelona", "province": "Barcelona",
       "country": "ES"}


def test_imputation_interest_then_capital_and_the_example_total() -> None:
    # Art. 1173 CC: 500.00 paid 20 May to F-2026/0101 (art. 1172): interest 2420 x 10.15% x 49/365 = 32.97,
    # capital 467.03 -> 1952.97; the 40 EUR are not interest and wait. Then 1952.97 x 10.15% x 41/365 = 22.27,
    # x 10.40% x 146/365 = 81.24; F-0155: 1.44 + 11.84 + 43.19; F-0210: 605 x 10.40% x 145/365 = 25.00.
    # 3596.15 + 184.98 + 120.00 = 3901.13 (3903.25 when the 40 EUR came before the capital).
    case = case_of("es")
    st = compute_statement(case)
    assert (st.principal_outstanding, st.interest, st.compensation, st.total_due) == (
        D("3596.15"), D("184.98"), D("120.00"), D("3901.13"))
    assert [(a.to_interest, a.to_costs, a.to_principal) for a in st.allocations] == [
        (D("32.97"), D("0.00"), D("467.03"))]
    assert_in_both(case, money("es", "3901.13"), absent=(money("es", "3903.25"),))


def test_concurso_stops_interest_and_the_letter_is_about_communicating_the_credit() -> None:
    case = case_of("es", insolvency={"procedure": "concurso", "opened_on": "2026-09-01",
                                     "published_on": "2026-09-15", "court": "Juzgado de lo Mercantil n.º 3 de Madrid",
                                     "administrator": "Ruiz Concursal, S.L.P."})
    st = compute_statement(case)
    assert st.interest_until.isoformat() == "2026-08-31" and st.total_due < D("3901.13")
    assert_in_both(case, "artículo 152 del texto refundido de la Ley Concursal", "artículo 255",
                   "administración concursal", "15 de septiembre de 2026", money("es", str(st.total_due)),
                   absent=("monitorio", "requerimos", "Requerimiento de pago"))


def test_art_1504_only_by_notarial_requerimiento_and_no_payment_claim_in_a_termination() -> None:
    burofax = case_of("es", credit_type="installment_sale", options={"termination": True})
    notarial = case_of("es", credit_type="installment_sale", options={"termination": True},
                       delivery="requerimiento_notarial")
    common = ("resolver el contrato de compraventa", "artículo 1124 del Código Civil", "no reclama en este escrito")
    assert_in_both(burofax, *common, "no es el requerimiento judicial o notarial",
                   absent=("no procederá ya el pago", "calendario de pagos", "monitorio"))
    assert_in_both(notarial, *common, "Mediante requerimiento notarial", "no procederá ya el pago del precio",
                   absent=("calendario de pagos",))


def test_masc_attempt_fails_after_thirty_days_and_rent_periods_are_distinct() -> None:
    out = assert_in_both(case_of("es", credit_type="rent"), "Ley Orgánica 1/2025",
                         "treinta días naturales desde la recepción de esta propuesta",
                         "distinto del plazo de pago", "artículo 22.4 de la Ley de Enjuiciamiento Civil",
                         absent=("dentro del mismo plazo de 15 días",))
    assert "15 días naturales a contar desde la recepción" in out["docx"]


def test_catalan_civil_law_from_the_province_and_its_prescription() -> None:
    rent = case_of("es", credit_type="rent", debtor__address=BCN)
    assert rent.civil_law.value == "catalan"
    assert (prescription(rent).years, prescription(rent).article) == (3, "art. 121-21 CCCat")
    goods = case_of("es", debtor__address=BCN)
    assert (prescription(goods).years, prescription(goods).article) == (10, "art. 121-20 CCCat")
    assert prescription(case_of("es")).article == "art. 1964.2 CC"  # Madrid: Código Civil
    with pytest.raises(InputError, match="civil_law"):
        case_of("es", civil_law="aragonese")
    condo = case_of("es", credit_type="condominium", debtor__address=BCN, creditor__name="Comunidad de Propietarios "
                    "Mallorca 200")
    assert_in_both(condo, "Libro V del Código civil de Cataluña", absent=("Propiedad Horizontal", "LPH"))


def test_credit_file_warning_names_the_system_only_for_natural_persons() -> None:
    options = {"credit_file_warning": True, "credit_file_system": "ASNEF-Equifax"}
    assert_in_both(consumer("es", options=options), "sistema de información crediticia ASNEF-Equifax",
                   "podrán comunicarse a ASNEF-Equifax", "Se conservarán", "proceden de la relación contractual",
                   absent=("sistemas comunes", "No se comunicarán a terceros"))
    assert_in_both(case_of("es", options=options), absent=("ASNEF", "artículo 20 de la Ley Orgánica 3/2018"))


def test_history_comes_from_the_recorded_actions_and_payments() -> None:
    sent = {"date": "2026-10-01", "type": "letter", "document_kind": "first_demand", "channel": "burofax",
            "delivered_on": "2026-10-03"}
    second = case_of("es", kind="second_demand", tone="firm", actions=[sent])
    assert_in_both(second, "ya reclamadas mediante nuestra comunicación de fecha 1 de octubre de 2026, remitida por "
                           "burofax y recibida el 3 de octubre de 2026",
                   "más que el pago a cuenta", absent=("20 de abril",))
    quiet = case_of("es", tone="stern", actions=[])
    assert_in_both(quiet, "vencidas sin pago las facturas", absent=("agotadas", "gestiones amistosas"))
    unpaid = case_of("es", kind="first_demand", claim__payments=[], actions=[])
    assert_in_both(unpaid, "Su vencimiento se ha producido sin que hasta la fecha hayamos recibido el pago.")
    paid = case_of("es", kind="first_demand", actions=[])
    assert_in_both(paid, "hayamos recibido el pago íntegro")


def test_courteous_first_demand_states_the_basis_and_a_waiver_is_explicit() -> None:
    courteous = case_of("es", kind="first_demand", tone="courteous")
    assert_in_both(courteous, "artículos 5 y 7 de la Ley 3/2004", "indemnización por costes de cobro de 40 euros",
                   "los intereses devengados ascienden a", money("es", "3901.13"))
    waived = case_of("es", kind="first_demand", tone="courteous", options={"waive_charges": True})
    st = compute_statement(waived)
    assert (st.interest, st.compensation, st.total_due) == (D("0.00"), D("0.00"), D("3563.18"))  # 4063.18 - 500
    assert_in_both(waived, "no reclama los intereses de demora ni la indemnización", money("es", "3563.18"),
                   absent=("Ley 3/2004, de 29 de diciembre, por la que se establecen medidas de lucha contra la "
                           "morosidad en las operaciones comerciales, las cantidades",))


def test_time_barred_consumer_claim_is_a_neutral_invitation_without_interest() -> None:
    old = [{"number": "F-2019/9", "issue_date": "2019-01-10", "due_date": "2019-02-10", "amount": "700.00"}]
    case = consumer("es", claim={"invoices": old, "interest_from_demand": "2019-03-01"}, actions=[],
                    options={"allow_prescribed": True})
    assert prescription(case).extinctive
    assert_in_both(case, "Invitación al pago", "invitamos a abonar voluntariamente", money("es", "700.00"),
                   absent=("líquidas", "requerimos", "interés legal del dinero", "Intereses devengados"))


def test_public_administration_four_years_and_lcsp_periods() -> None:
    pa = case_of("es", kind="second_demand", debtor__type="public_administration",
                 debtor__name="Ayuntamiento de Getafe", debtor__tax_id="P2807900B")
    assert (prescription(pa).years, prescription(pa).article) == (4, "art. 25.1 Ley 47/2003")
    assert_in_both(pa, "artículo 198.4 de la Ley 9/2017", "art. 199", "plazo de un mes")


@pytest.mark.parametrize("tone,credit_type,offer", [
    ("courteous", "commercial", "Para cualquier aclaración o para proponernos un calendario de pagos, pueden"),
    ("firm", "professional_fees", "Para cualquier aclaración o para proponernos un calendario de pagos, pueden"),
    ("stern", "commercial", "Cualquier propuesta de pago, incluido un calendario de pagos, deberá"),
    ("stern", "consumer_credit", "Si esa Administración no pudiera atender el pago en un único importe, les invitamos"),
])
def test_a_second_demand_offers_a_public_administration_a_payment_plan(tone: str, credit_type: str, offer: str) -> None:
    # the LCSP periods (arts. 198-199) do not exclude it: PA debts are often settled by a plan or agreement
    pa = case_of("es", kind="second_demand", tone=tone, credit_type=credit_type, debtor__type="public_administration",
                 debtor__name="Ayuntamiento de Getafe", debtor__tax_id="P2807900B")
    assert_in_both(pa, offer, absent=("Si tienen dificultades", "Si atraviesa dificultades"))


def test_comunidad_lph_junta_certificate_costs_and_property_liability() -> None:
    condo = case_of("es", credit_type="condominium", creditor__name="Comunidad de Propietarios Alcalá 215",
                    claim__approved_on="2026-03-15")
    assert_in_both(condo, "Junta de Propietarios el 15 de marzo de 2026", "certificado expedido por el secretario",
                   "art. 21.2 de la Ley de Propiedad Horizontal", "gastos del presente requerimiento previo",
                   "artículo 9.1.e", "en nombre y representación de la Comunidad de Propietarios Alcalá 215",
                   absent=("gastos generales de nuestro mandante",))


def test_irpf_withholding_is_claimed_net() -> None:
    # Minuta 1210.00 (1000 + 21 % IVA) with 15 % IRPF withheld (150.00): the creditor is owed 1060.00
    fees = [{"number": "M-31", "issue_date": "2026-09-01", "due_date": "2026-10-01", "amount": "1210.00",
             "taxable": "1000.00", "vat": "210.00", "withholding": "150.00"}]
    case = case_of("es", kind="first_demand", credit_type="professional_fees", claim={"invoices": fees}, actions=[])
    st = compute_statement(case)
    assert (st.principal, st.withholding) == (D("1060.00"), D("150.00"))
    # 1060 x 10.40% x 53/365 (2 Oct - 23 Nov) = 16.01; + 40.00
    assert (st.interest, st.total_due) == (D("16.01"), D("1116.01"))
    assert_in_both(case, "Retenciones IRPF", "− " + money("es", "150.00"), money("es", "1116.01"),
                   "retención a cuenta del Impuesto sobre la Renta de las Personas Físicas")


def test_register_titles_and_no_calques() -> None:
    assert_in_both(consumer("es", kind="first_demand", tone="courteous"), "Estimado Sr. García:",
                   absent=("Estimado/a", "Sr./Sra.", "señor/a", "según nuestros registros"))
    assert_in_both(consumer("es", debtor__title="Dña.", debtor__name="Lucía Pérez Gil", debtor__surname="Pérez"),
                   "Estimada Sra. Pérez:", "Dña. Lucía Pérez Gil", absent=("Muy señor/a",))
    assert_in_both(case_of("es", kind="first_demand", tone="courteous"), absent=("Valoramos nuestra relación",))
