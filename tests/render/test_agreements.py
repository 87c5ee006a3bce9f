"""The agreement documents (plan, offer, receipt, missed instalment) in both languages, PDF and DOCX: the legal
content the issue asks for and the figures to the cent, read back from the rendered files."""
from __future__ import annotations

import itertools

import pytest

from correspondence.casefile import build_case
from correspondence.model import DebtorType, Tone
from correspondence.render import compose_document, render_docx, render_pdf
from tests.casedata import CONSUMER_TAX_IDS, agreement_example
from tests.textutil import docx_text, pdf_flat

KINDS = ("payment_plan", "settlement_offer", "payment_receipt", "missed_instalment")
LEAKS = ("None", "{{", "{%", "}}", "<p>", "</", "&lt;", "&amp;", "Undefined", " ,", "..")
PRESSURE = ("immediatamente", "senza ulteriore avviso", "recupero giudiziale", "ultima occasione", "imperdibile",
            "judicialmente", "sin más aviso", "última oportunidad", "de inmediato")


def _texts(data) -> dict[str, str]:
    doc = compose_document(build_case(data))
    return {"pdf": pdf_flat(render_pdf(doc).data), "docx": docx_text(render_docx(doc)).replace("\n", " ")}


def _has(texts, *facts):
    for fmt, text in texts.items():
        for fact in facts:
            assert fact in text, f"{fmt}: {fact!r} missing"
        for leak in LEAKS:
            assert leak not in text, f"{fmt}: {leak!r} leaked"


def test_italian_plan_acknowledges_the_debt_with_its_instalments_and_effects():
    _has(_texts(agreement_example("it", "payment_plan")),
         "riconosce, ai sensi dell'art. 1988 c.c.", "1.880,50 €", "tre rate",
         "704,64 €", "702,91 €", "481,72 €", "8,77 €", "1.889,27 €", "31/10/2026", "31/12/2026",
         "IT60 X054 2811 1010 0000 0123 456", "PR-2026/0147", "art. 1186 c.c.", "entro 10 giorni",
         "art. 2944 c.c.", "onere di provare il rapporto fondamentale", "artt. 1341 e 1342 c.c.",
         "Per accettazione e riconoscimento del debito", "Il debitore", "Bianchi S.p.A.")


def test_spanish_plan_acknowledges_the_debt_with_vencimiento_anticipado():
    _has(_texts(agreement_example("es", "payment_plan")),
         "reconoce adeudar", "3.563,18 €", "tres plazos", "1.200,00 €", "1.163,18 €", "vencimiento anticipado",
         "dentro de los 5 días siguientes", "artículo 1973 del Código Civil", "no extingue ni nova",
         "Conforme, la parte deudora", "ES91 2100 0418 4502 0005 1332", "no devengarán intereses")


def test_catalan_plan_cites_the_catalan_code():
    data = agreement_example("es", "payment_plan", debtor__address__city="Barcelona",
                             debtor__address__postal_code="08001", debtor__address__province="Barcelona")
    _has(_texts(data), "artículo 121-11 del Código Civil de Cataluña")


@pytest.mark.parametrize("language", ["it", "es"])
def test_offer_states_the_discount_the_amount_and_that_it_lapses(language):
    data = agreement_example(language, "settlement_offer", claim__interest=False, options__waive_charges=True)
    if language == "it":  # 1 880,50 less 20% (376,10)
        _has(_texts(data), "saldo e stralcio", "1.880,50 €", "1.504,40 €", "20,00%", "376,10 €",
             "15 dicembre 2026", "senza riconoscimento", "decaduta", "in acconto sul maggior credito")
    else:  # 3 563,18 less 20% (712,64)
        _has(_texts(data), "descuento", "3.563,18 €", "2.850,54 €", "20,00%", "712,64 €", "15 de diciembre de 2026",
             "sin que suponga reconocimiento", "quedará sin efecto", "a cuenta de la deuda total")


@pytest.mark.parametrize(("language", "tone"), list(itertools.product(["it", "es"], Tone)))
def test_offer_to_a_consumer_puts_no_pressure_in_any_tone(language, tone):
    data = agreement_example(language, "settlement_offer", tone=tone.value, debtor__type="consumer",
                             debtor__tax_id=CONSUMER_TAX_IDS[language])
    texts = _texts(data)
    _has(texts, "senza alcun obbligo" if language == "it" else "sin ninguna obligación")
    for fmt, text in texts.items():
        assert not [w for w in PRESSURE if w in text], fmt


@pytest.mark.parametrize("language", ["it", "es"])
def test_partial_receipt_reserves_the_remaining_interest_and_costs(language):
    texts = _texts(agreement_example(language, "payment_receipt"))
    if language == "it":  # 1 889,27 - 704,64 = 1 184,63 left under the plan
        _has(texts, "quietanza di pagamento in acconto", "704,64 €", "30 ottobre 2026", "CRO-0001",
             "a saldo della rata n. 1", "1.184,63 €", "non comporta rinuncia alle rate residue")
    else:  # 3 563,18 - 1 200,00 = 2 363,18
        _has(texts, "recibo de pago a cuenta", "1.200,00 €", "30 de octubre de 2026", "salda el plazo n.º 1",
             "2.363,18 €", "no supone renuncia a los plazos pendientes")


@pytest.mark.parametrize("language", ["it", "es"])
def test_partial_receipt_without_a_plan_reserves_interest_and_costs(language):
    data = agreement_example(language, "payment_receipt")
    data.pop("plan")
    texts = _texts(data)
    if language == "it":
        _has(texts, "quietanza di pagamento in acconto", "espressa riserva degli interessi", "art. 1194 c.c.")
    else:
        _has(texts, "recibo de pago a cuenta", "art. 1110 del Código Civil", "art. 1173 del Código Civil")


@pytest.mark.parametrize("language", ["it", "es"])
def test_receipt_in_full_gives_discharge(language):
    data = agreement_example(language, "payment_receipt", kind="payment_receipt")
    data.pop("plan")
    data["claim"]["payments"] = []
    data["options"] = {"waive_charges": True}
    data["claim"]["interest"] = False
    total = {"it": "2080.50", "es": "4063.18"}[language]
    data["claim"]["payments"] = [{"date": "2026-10-30", "amount": total}]
    texts = _texts(data)
    if language == "it":
        _has(texts, "quietanza di pagamento a saldo", "2.080,50 €", "integralmente estinto", "liberatoria quietanza")
    else:
        _has(texts, "carta de pago", "4.063,18 €", "totalmente satisfecha", "nada más que reclamar")


@pytest.mark.parametrize("language", ["it", "es"])
def test_missed_instalment_declares_the_whole_balance_due(language):
    texts = _texts(agreement_example(language, "missed_instalment"))
    if language == "it":  # 702,91 of the 2nd + 480,50 capital of the 3rd
        _has(texts, "decadenza dal beneficio del termine", "rata n. 2", "dall'11 dicembre 2026", "1.183,41 €",
             "702,91 €", "480,50 €", "non pagata", "4 gennaio 2027")
    else:  # 1 200,00 of the 2nd + 1 163,18 of the 3rd
        _has(texts, "vencimiento anticipado", "plazo n.º 2", "6 de diciembre de 2026", "2.363,18 €", "impagado",
             "4 de enero de 2027")


@pytest.mark.parametrize("language", ["it", "es"])
def test_missed_instalment_within_grace_is_a_reminder(language):
    texts = _texts(agreement_example(language, "missed_instalment", date="2026-12-03"))
    if language == "it":
        _has(texts, "promemoria della rata n. 2", "702,91 €", "10 dicembre 2026", "diventerà immediatamente esigibile")
    else:
        _has(texts, "recordatorio del plazo n.º 2", "1.200,00 €", "5 de diciembre de 2026")


@pytest.mark.parametrize(("language", "kind", "tone", "debtor"),
                         list(itertools.product(["it", "es"], KINDS, Tone, DebtorType)))
def test_every_agreement_renders_in_every_tone_for_every_debtor(language, kind, tone, debtor):
    changes = {"tone": tone.value, "debtor__type": debtor.value}
    if debtor is DebtorType.consumer:
        changes["debtor__tax_id"] = CONSUMER_TAX_IDS[language]
    data = agreement_example(language, kind, **changes)
    texts = _texts(data)
    _has(texts, data["creditor"]["name"], data["debtor"]["name"])
    if kind == "missed_instalment" and debtor is DebtorType.consumer:  # no threat of court to a consumer
        for fmt, text in texts.items():
            assert "recupero giudiziale" not in text and "judicialmente" not in text, fmt


@pytest.mark.parametrize("language", ["it", "es"])
def test_the_report_shows_the_broken_plan(language):
    texts = _texts(agreement_example(language, "missed_instalment", kind="uncollectability_report"))
    if language == "it":
        _has(texts, "Piano di rientro del 1° ottobre 2026", "non rispettato", "rata n. 2 non pagata",
             "decadenza dal beneficio del termine dall'11 dicembre 2026", "1.183,41 €")
    else:
        _has(texts, "Plan de pagos de 1 de octubre de 2026", "incumplido", "plazo n.º 2 impagado",
             "vencimiento anticipado desde el 6 de diciembre de 2026", "2.363,18 €")


@pytest.mark.parametrize("language", ["it", "es"])
def test_a_broken_plan_revives_the_waived_difference(language):
    from correspondence.figures import compute_statement
    from correspondence.wording import language_pack

    data = agreement_example(language, "missed_instalment")
    case = build_case(data)
    waived = compute_statement(case, case.plan.signed_on).total_due - case.plan.acknowledged
    assert waived > 0  # the examples' plans acknowledge the capital only
    money = language_pack(language).money(waived).replace("\xa0", " ")
    _has(_texts(data), money, "rinuncia condizionata" if language == "it" else "renuncia condicionada")
