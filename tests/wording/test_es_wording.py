"""Spanish wording: every kind x tone x credit type x debtor type renders through the real engine and
figures, and the text says what the law allows (and nothing it forbids)."""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

import pytest

from correspondence.casefile import apply_overrides, build_case
from correspondence.figures import compute_statement, prescription
from correspondence.wording import Block, language_pack, write_blocks
from correspondence.wording.context import wording_context
from tests.wording.wording_support import (
    ALL, CREDIT_TYPES, DEBTOR_TYPES, KINDS, LETTERS, TONES, example_data, money_text, render_blocks, text_of,
)

EXAMPLE = example_data("es")
PACK = language_pack("es")


DEBTORS: dict[str, dict[str, Any]] = {
    "business": {},
    "consumer": {"debtor.name": "Juan García López", "debtor.title": "D.", "debtor.surname": "García",
                 "debtor.tax_id": "12345678Z",
                 "claim.interest_from_demand": "2026-07-20"},
    "public_administration": {"debtor.name": "Ayuntamiento de Getafe", "debtor.tax_id": "P2807900B"},
}
# The name of the credit title each credit type must use, and titles it must never borrow.
TITLES = {
    "commercial": "facturas",
    "professional_fees": "minutas de honorarios",
    "rent": "mensualidades de alquiler",
    "installment_sale": "plazos del precio aplazado",
    "consumer_credit": "cuotas del préstamo",
    "utilities": "facturas de suministro",
    "condominium": "cuotas de comunidad",
}
NOT_INVOICES = ("rent", "installment_sale", "consumer_credit", "condominium")
# What no Spanish collection letter may say (shaming, third parties, crime, seizure without a court order).
FORBIDDEN = ("delito", "penal", "embargo", "embargar", "familiares", "vecinos", "empleador", "lugar de trabajo",
             "cobrador del frac", "lista de morosos", "detención", "cárcel", "publicar", "ejecución inmediata")


def money(amount) -> str:
    return money_text("es", amount)


def make_case(kind: str = "legal_notice", tone: str = "firm", credit: str = "commercial", debtor: str = "business",
              **extra: Any):
    overrides: dict[str, Any] = {"kind": kind, "tone": tone, "credit_type": credit, "debtor.type": debtor}
    overrides.update(DEBTORS[debtor])
    overrides.update(extra)
    return build_case(apply_overrides(EXAMPLE, overrides))


render = render_blocks


@lru_cache(maxsize=None)
def matrix(kind: str, tone: str, credit: str, debtor: str) -> tuple[Block, ...]:
    return tuple(render(make_case(kind, tone, credit, debtor)))


@pytest.mark.parametrize("kind,tone,credit,debtor", ALL)
def test_renders_without_leaks_or_forbidden_threats(kind: str, tone: str, credit: str, debtor: str) -> None:
    blocks = matrix(kind, tone, credit, debtor)
    text = text_of(list(blocks))
    for leak in ("None", "{{", "}}", "{%", "%}", "{#", "Undefined", "()", " ,", " .", ".."):
        assert leak not in text, f"{leak!r} leaked into {kind}/{tone}/{credit}/{debtor}"
    for block in blocks:
        if block.style in ("subject", "heading", "salutation", "p", "closing", "note") and block.text:
            assert block.text[0].isupper() or block.text[0].isdigit(), f"lower-case start: {block.text[:60]!r}"
        if block.style in ("salutation", "p", "closing", "note", "item"):
            assert block.text.rstrip()[-1] in ".:,", f"unfinished sentence: {block.text[-60:]!r}"
    lowered = text.lower()
    for word in FORBIDDEN:
        assert word not in lowered, f"forbidden {word!r} in {kind}/{tone}/{credit}/{debtor}"
    assert TITLES[credit] in lowered
    if credit in NOT_INVOICES and kind != "uncollectability_report":  # the report may name a "factura rectificativa"
        assert "factura" not in lowered, f"{credit} must not call its titles invoices"
    styles = [b.style for b in blocks]
    assert styles[-1] in ("signature", "note", "table") or "signature" in styles
    if kind == "uncollectability_report":
        assert "salutation" not in styles and "closing" not in styles
        assert styles.count("heading") >= 6 and "fields" in styles
        assert ("actions" in [b.ref for b in blocks])
    else:
        assert styles[:2] == ["subject", "salutation"] and "closing" in styles
        assert any(b.style == "table" and b.ref == "invoices" for b in blocks) and "totals" in styles


@pytest.mark.parametrize("kind,credit,debtor", list(itertools.product(LETTERS, CREDIT_TYPES, DEBTOR_TYPES)))
def test_tones_read_differently(kind: str, credit: str, debtor: str) -> None:
    versions = {tone: list(matrix(kind, tone, credit, debtor)) for tone in TONES}
    for a, b in itertools.combinations(TONES, 2):
        first = lambda blocks: next(x.text for x in blocks if x.style == "p")  # noqa: E731
        closing = lambda blocks: next(x.text for x in blocks if x.style == "closing")  # noqa: E731
        assert first(versions[a]) != first(versions[b]), f"same opening for {a} and {b}"
        assert closing(versions[a]) != closing(versions[b]), f"same closing for {a} and {b}"
        paras_a = {x.text for x in versions[a] if x.style == "p"}
        paras_b = {x.text for x in versions[b] if x.style == "p"}
        assert len(paras_a ^ paras_b) >= 4, f"{a} and {b} differ in fewer than two paragraphs each"


@pytest.mark.parametrize("kind,tone,credit", list(itertools.product(LETTERS, TONES, CREDIT_TYPES)))
def test_consumers_get_no_late_payment_law_and_get_their_rights(kind: str, tone: str, credit: str) -> None:
    text = text_of(list(matrix(kind, tone, credit, "consumer")))
    for banned in ("Ley 3/2004", "40,00", "40 euros", "40 €", "Banco Central Europeo"):
        assert banned not in text
    assert "calendario de pagos" in text
    assert "OMIC" in text and "Agencia Española de Protección de Datos" in text
    # issue 12 item 23: the greeting comes from the title field, never "Estimado/a Sr./Sra." or "señor/a"
    assert "Estimado Sr. García:" in text and "Sr./Sra." not in text and "señor/a" not in text
    if credit == "consumer_credit":
        assert "Servicio de Reclamaciones del Banco de España" in text
        assert "reducción temporal de la cuota" in text  # forbearance before any court step
    if credit == "utilities":
        assert "no se suspenderá el suministro" in text


@pytest.mark.parametrize("kind,tone", list(itertools.product(LETTERS, TONES)))
def test_business_letters_state_the_late_payment_law_where_it_applies(kind: str, tone: str) -> None:
    case = make_case(kind, tone)
    statement = compute_statement(case)
    text = text_of(render(case))
    if tone != "courteous" or kind != "first_demand":
        assert "Ley 3/2004" in text and "40 euros por cada factura" in text
        owed = sum(inv.compensation_owed for inv in statement.invoices)
        assert owed == 40 * len(case.claim.invoices)  # the example's three invoices are all late
        assert f"({money(owed)} en total)" in text  # the same figure the totals block prints
        assert money(statement.interest_accrued) in text
    assert "ustedes" in text or "Les " in text or "les " in text
    # Condominium fees and consumer loans are outside Ley 3/2004 even for a business debtor.
    for credit in ("condominium", "consumer_credit"):
        assert "Ley 3/2004" not in text_of(render(make_case(kind, tone, credit)))


@pytest.mark.parametrize("kind,tone,debtor", list(itertools.product(("first_demand", "second_demand"), TONES,
                                                                    DEBTOR_TYPES)))
def test_demands_state_deadline_date_total_and_iban(kind: str, tone: str, debtor: str) -> None:
    case = make_case(kind, tone, debtor=debtor)
    context = wording_context(case, compute_statement(case), prescription(case), PACK)
    text = text_of(write_blocks("es", kind, context))
    assert PACK.date(context["deadline_date"]) in text
    assert money(context["figures"].total_due) in text
    assert "ES91 2100 0418 4502 0005 1332" in text
    assert "disculpe" in text


def test_first_demand_assumes_an_oversight_and_threatens_nothing() -> None:
    for debtor in DEBTOR_TYPES:
        text = text_of(render(make_case("first_demand", "courteous", debtor=debtor))).lower()
        assert "simple olvido" in text and "si ya ha" in text
        for threat in (r"\bjudicial", "monitorio", "requerimiento", "costas", "fichero"):
            assert not re.search(threat, text)


def test_second_demand_cites_earlier_letters_calls_and_visits_with_dates() -> None:
    text = text_of(render(make_case("second_demand", "firm")))
    # each letter with its channel; the April letter could only claim the invoice due in April (issue 12 item 16)
    assert ("ya reclamadas mediante nuestras comunicaciones de fechas 20 de abril de 2026, remitida por correo "
            "electrónico (relativa a la factura n.º F-2026/0101) y 20 de julio de 2026, remitida por carta "
            "certificada") in text
    assert "sin que hasta la fecha hayamos recibido más que el pago a cuenta" in text  # 500 EUR were paid
    assert "conversación telefónica mantenida el 3 de junio de 2026" in text
    assert "visita realizada por nuestro gestor el 10 de septiembre de 2026" in text
    assert "requerimiento extrajudicial" in text  # announces the next step
    quiet = text_of(render(make_case("second_demand", "firm", actions=[])))
    assert "comunicaciones de fechas" not in quiet and "conversación telefónica" not in quiet


def test_legal_notice_contains_who_why_how_much_and_the_legal_effects() -> None:
    case = make_case()
    statement = compute_statement(case)
    text = text_of(render(case))
    assert "en nombre y representación de Distribuciones Eléctricas Diagonal, S.L." in text
    assert "Construcciones Alcalá Norte, S.A. (NIF A28015865)" in text
    assert "contrato de suministro de material eléctrico" in text
    assert money(statement.total_due) in text and PACK.words(statement.total_due) in text
    assert "15 días naturales a contar desde la recepción" in text
    assert "de recibirse en la fecha de este escrito, el plazo vencería el 8 de diciembre de 2026" in text
    assert "procedimiento monitorio" in text and "812" in text and "costas" in text
    assert "artículo 1100 del Código Civil" in text and "artículo 1973 del Código Civil" in text
    assert "Ley Orgánica 1/2025" in text and "calendario de pagos" in text
    assert "incrementado en 8 puntos porcentuales" in text


@pytest.mark.parametrize("kind,tone,credit,debtor", [
    (k, t, c, d) for k, t, c, d in itertools.product(LETTERS, TONES, CREDIT_TYPES, DEBTOR_TYPES)
    if k != "first_demand" and c in ("commercial", "rent", "condominium")])
def test_prescribed_credit_is_never_threatened_with_action(kind: str, tone: str, credit: str, debtor: str) -> None:
    case = make_case(kind, tone, credit, debtor)
    text = text_of(render(case, prescribed=True)).lower()
    for threat in ("monitorio", r"\bjudicial", "desahucio", "contencioso", "costas", "interrumpe la prescripción",
                   "último aviso", "artículo 20 de la ley orgánica 3/2018"):
        assert not re.search(threat, text), f"{threat!r} in a prescribed {kind}/{tone}/{credit}/{debtor}"
    if kind == "legal_notice" and debtor == "consumer":
        assert "podría estar prescrita" in text and "carácter voluntario" in text
    if kind == "legal_notice" and debtor != "public_administration":  # the same case, not prescribed, does warn
        assert re.search(r"\bjudicial", text_of(render(case)).lower())


def test_really_old_credit_is_prescribed_and_not_threatened() -> None:
    invoices = [{"number": "2018/7", "issue_date": "2018-01-10", "due_date": "2018-02-10", "amount": "900.00"}]
    case = make_case(claim={"invoices": invoices}, actions=[], options={"allow_prescribed": True})
    assert prescription(case).status == "prescribed"
    text = text_of(render(case)).lower()
    assert "monitorio" not in text and not re.search(r"\bjudicial", text)


def test_public_administration_goes_the_administrative_way() -> None:
    text = text_of(render(make_case(debtor="public_administration")))
    assert "artículo 199 de la Ley 9/2017" in text and "recurso contencioso-administrativo" in text
    assert "198.4" in text
    assert "monitorio" not in text and "Ley Orgánica 1/2025" not in text


def test_rent_notice_blocks_enervation_and_sale_notice_terminates() -> None:
    rent = text_of(render(make_case(credit="rent", debtor="consumer")))
    assert "artículo 22.4 de la Ley de Enjuiciamiento Civil" in rent and "enervación" in rent
    assert "desahucio" in rent and "vulnerabilidad" in rent
    by_post = text_of(render(make_case(credit="rent", delivery="ordinary_mail")))
    assert "22.4" not in by_post  # the art. 22.4 LEC demand must be fehaciente
    sale = text_of(render(make_case(credit="installment_sale", options={"termination": True})))
    assert "artículo 1504 del Código Civil" in sale and "resolver el contrato de compraventa" in sale
    assert "monitorio" not in sale
    plain_sale = text_of(render(make_case(credit="installment_sale")))
    assert "1504" not in plain_sale and "monitorio" in plain_sale


def test_credit_file_warning_only_when_its_conditions_hold() -> None:
    marker = "artículo 20 de la Ley Orgánica 3/2018"
    warned = text_of(render(make_case(debtor="consumer", options={"credit_file_warning": True,
                                                                  "credit_file_system": "ASNEF-Equifax"})))
    assert marker in warned and "sistema de información crediticia ASNEF-Equifax, en el que participa" in warned
    assert "No se comunicarán a terceros" not in warned  # the privacy note names the system instead (item 15)
    # never a generic "sistemas comunes": without the system's name there is no warning (issue 12 item 15)
    generic = text_of(render(make_case(debtor="consumer", options={"credit_file_warning": True})))
    assert marker not in generic and "sistemas comunes" not in generic
    assert marker not in text_of(render(make_case(debtor="consumer")))
    small = [{"number": "R-1", "issue_date": "2026-09-01", "due_date": "2026-09-30", "amount": "45.00"}]
    tiny = make_case(debtor="consumer", options={"credit_file_warning": True, "credit_file_system": "ASNEF-Equifax"},
                     claim={"invoices": small})
    assert marker not in text_of(render(tiny))  # under 50 euros
    prescribed = make_case(debtor="consumer", options={"credit_file_warning": True,
                                                       "credit_file_system": "ASNEF-Equifax"})
    assert marker not in text_of(render(prescribed, prescribed=True))
    second = text_of(render(make_case("second_demand", debtor="consumer", options={
        "credit_file_warning": True, "credit_file_system": "ASNEF-Equifax"})))
    assert marker in second


def test_annex_with_periods_only_when_there_is_more_than_one_period() -> None:
    blocks = render(make_case())
    annex = [b for b in blocks if b.style == "annex"]
    assert annex and annex[0].title == "Anexo. Detalle del cálculo de intereses"
    assert blocks.index(annex[0]) < [b.ref for b in blocks].index("periods")
    one = [{"number": "F-9", "issue_date": "2026-10-01", "due_date": "2026-10-15", "amount": "500.00"}]
    single = render(make_case(claim={"invoices": one}))
    assert not [b for b in single if b.style == "annex" or b.ref == "periods"]
    assert "payments" not in [b.ref for b in single]
    assert "payments" in [b.ref for b in blocks]


def test_data_is_escaped_not_markup() -> None:
    case = make_case(**{"debtor.name": "Tienda <b>Norte</b> & Cía", "claim.contract": "pedido <i>urgente</i> & otros"})
    blocks = render(case)
    text = text_of(blocks)
    assert "Tienda <b>Norte</b> & Cía" in text and "pedido <i>urgente</i> & otros" in text
    for block in blocks:
        for run in block.runs:
            if "Norte" in run.text:
                assert not run.bold


def test_report_structure_and_tax_elements() -> None:
    """The report assesses each requirement from the evidence (tests/report holds the rules); here: wording."""
    case = make_case("uncollectability_report", actions=[
        {"date": "2026-04-20", "type": "letter"},
        {"date": "2026-10-01", "type": "legal_notice", "channel": "burofax", "delivered_on": "2026-10-02"}])
    text = text_of(render(case))
    assert "artículo 13.1 de la Ley 27/2014" in text and "artículo 80 de la Ley 37/1992" in text
    assert "Antigüedad de seis meses (art. 13.1.a) – concurre" in text
    assert "enviado por burofax con certificación de texto y acuse de recibo, entregado el 2 de octubre de 2026" in text
    for inv in case.claim.invoices:
        assert f"n.º {inv.number}, vencido el" in text
    custom = make_case("uncollectability_report", report={"conclusion": "Crédito incobrable: deudor desaparecido."})
    custom_text = text_of(render(custom))
    assert "Crédito incobrable: deudor desaparecido." in custom_text
    assert "concurren los requisitos" not in custom_text
    assert "No consta investigación patrimonial" in custom_text
    loan = text_of(render(make_case("uncollectability_report", credit="consumer_credit", debtor="consumer")))
    assert "Ley 37/1992, de 28 de diciembre" in loan and "art. 80.Cuatro" not in loan  # no VAT on consumer loans


def test_example_case_renders_as_given() -> None:
    case = build_case(EXAMPLE)
    assert case.delivery.value == "burofax" and case.creditor.iban.startswith("ES")
    text = text_of(render(case))
    assert re.search(r"requerimiento extrajudicial de pago de las facturas n\.º F-2026/0101", text)


def test_labels_keep_the_layout_keys() -> None:
    for key in ("document_title", "place_date", "reference", "recipient_prefix", "attention", "tax_id", "delivery",
                "on_behalf", "annex", "invoice_table", "periods_table", "payments_table", "actions_table",
                "action_types", "totals", "total_in_words"):
        assert key in PACK.labels
    for credit in CREDIT_TYPES:
        assert PACK.labels["invoice_table"]["number"][credit]


def _without_representative_or_bank() -> dict[str, Any]:
    data = {k: v for k, v in EXAMPLE.items() if k != "representative"}
    data["creditor"] = {k: v for k, v in EXAMPLE["creditor"].items() if k not in ("iban", "bank", "email", "phone")}
    return data


@pytest.mark.parametrize("kind,tone,debtor", list(itertools.product(KINDS, TONES, DEBTOR_TYPES)))
def test_creditor_writing_itself_without_bank_or_contacts(kind: str, tone: str, debtor: str) -> None:
    overrides = {"kind": kind, "tone": tone, "debtor.type": debtor, **DEBTORS[debtor]}
    case = build_case(apply_overrides(_without_representative_or_bank(), overrides))
    text = text_of(render(case))
    for leak in ("None", "IBAN", "nuestro cliente", "nuestro mandante", "en nombre y representación", " ,", ".."):
        assert leak not in text
    if kind != "uncollectability_report":
        assert "Avinguda Diagonal 640" in text  # place of payment: the creditor's address
        assert "dirección que figura en el encabezamiento" in text


def test_single_instalment_agrees_in_gender_and_number() -> None:
    one = [{"number": "7/24", "issue_date": "2026-05-01", "due_date": "2026-06-01", "amount": "750.00"}]
    text = text_of(render(make_case(credit="installment_sale", claim={"invoices": one})))
    assert "del plazo del precio aplazado n.º 7/24" in text
    assert "se adeuda el plazo del precio aplazado que se relaciona a continuación, vencido, líquido y exigible" in text
    rent = text_of(render(make_case("second_demand", "stern", "rent", claim={"invoices": one})))
    assert "la mensualidad de alquiler que se detalla a continuación" in rent and "sigue impagada" in rent


@pytest.mark.parametrize("kind", KINDS)
def test_no_interest_claimed_means_no_interest_wording(kind: str) -> None:
    case = make_case(kind, "stern", claim={**EXAMPLE["claim"], "interest": False})
    statement = compute_statement(case)
    assert statement.interest_accrued == 0 and not statement.periods
    blocks = render(case)
    text = text_of(blocks)
    assert "devenga" not in text and "interés de demora" not in text
    assert not [b for b in blocks if b.style == "annex" or b.ref == "periods"]
    if kind != "uncollectability_report":  # Ley 3/2004 art. 8: the 40 EUR stay due without interest
        assert "40 euros por cada factura no pagada en plazo" in text
    excused = make_case(kind, "stern", claim={**EXAMPLE["claim"], "delay_excused": True})
    assert compute_statement(excused).regime == "none"
    excused_text = text_of(render(excused))
    assert "devenga" not in excused_text and "40 euros" not in excused_text
