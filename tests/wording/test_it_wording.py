"""Italian wording: every kind x tone x credit type x debtor type renders through the real engine and
figures; the text names each credit title correctly and says what the law allows, never what it forbids."""
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

EXAMPLE = example_data("it")
PACK = language_pack("it")


DEBTORS: dict[str, dict[str, Any]] = {
    "business": {},
    "consumer": {"debtor.name": "Mario Rossi", "debtor.title": "Sig.", "debtor.tax_id": "RSSMRA85T10A562S"},
    "public_administration": {"debtor.name": "Comune di Torino", "debtor.tax_id": "00514490010"},
}


def _invoices(first: dict[str, str], second: dict[str, str]) -> list[dict[str, str]]:
    base = [{"number": "2026/101", "issue_date": "2026-03-01", "due_date": "2026-03-31", "amount": "1250.00"},
            {"number": "2026/155", "issue_date": "2026-04-15", "due_date": "2026-05-15", "amount": "830.50"}]
    return [{**base[0], **first}, {**base[1], **second}]


# Each credit type with a realistic title of credit (contract, periods, descriptions).
CREDITS: dict[str, dict[str, Any]] = {
    "commercial": {},
    "professional_fees": {
        "claim.contract": "lettera di incarico professionale del 10 gennaio 2025",
        "claim.invoices": _invoices({"description": "Assistenza nella redazione del bilancio 2025"},
                                    {"description": "Consulenza sul contratto di rete"})},
    "rent": {
        "claim.contract": "contratto di locazione del 1° febbraio 2024 relativo all'immobile di Via Po 3, Torino",
        "claim.invoices": _invoices({"period": "marzo 2026"}, {"period": "maggio 2026"})},
    "installment_sale": {
        "claim.contract": "contratto di vendita rateale del lotto n. 12 del 5 settembre 2024",
        "claim.invoices": _invoices({"number": "7/24"}, {"number": "8/24"})},
    "consumer_credit": {
        "claim.contract": "contratto di finanziamento n. 88123 del 3 giugno 2025",
        "claim.invoices": _invoices({"period": "marzo 2026"}, {"period": "maggio 2026"})},
    "utilities": {
        "claim.contract": "contratto di fornitura di energia elettrica POD IT001E12345678",
        "claim.invoices": _invoices({"period": "gennaio-febbraio 2026"}, {"period": "marzo-aprile 2026"})},
    "condominium": {
        "claim.contract": "delibera assembleare del 12 febbraio 2026 di approvazione del riparto",
        "claim.invoices": _invoices({"period": "primo trimestre 2026"}, {"period": "secondo trimestre 2026"})},
}
# How each credit type must name its titles (lower-cased text); and types whose titles are not invoices.
TITLES = {
    "commercial": ("fattur",),
    "professional_fees": ("parcell", "prestazioni professionali"),
    "rent": ("canoni di locazione",),
    "installment_sale": ("rate del prezzo",),
    "consumer_credit": ("rate del finanziamento",),
    "utilities": ("fornitura",),
    "condominium": ("quote condominiali",),
}
NOT_INVOICES = ("rent", "installment_sale", "consumer_credit", "condominium")
# What no Italian collection letter may say: seizure or bailiffs, credit bureaus, third parties, shaming, crime.
FORBIDDEN = ("pignorament", "ufficiale giudiziario", "sequestro", "crif", "centrale rischi", "centrale dei rischi",
             "segnalazione", "datore di lavoro", "familiari", "parenti", "vicini", "colleghi", "elenco dei morosi",
             "pubblicher", "reato", "denuncia", "querela", "truffa", "insolvenza fraudolenta", "domani",
             "esecuzione forzata", "provvisoriamente esecutiv")
# Announcements of legal action: never on a prescribed credit, never in a first letter.
ACTION = r"decreto ingiuntivo|giudizi|vie legali|nostro legale|competenze legali|sfratto|2943|diffid"


def money(amount) -> str:
    return money_text("it", amount)


def make_case(kind: str = "legal_notice", tone: str = "firm", credit: str = "commercial", debtor: str = "business",
              **extra: Any):
    overrides: dict[str, Any] = {"kind": kind, "tone": tone, "credit_type": credit, "debtor.type": debtor}
    overrides.update(DEBTORS[debtor])
    overrides.update(CREDITS[credit])
    overrides.update(extra)
    data = apply_overrides(EXAMPLE, overrides)
    for key in [k for k, v in extra.items() if v is None]:  # apply_overrides skips None: drop the field
        data.pop(key)
    return build_case(data)


render = render_blocks


@lru_cache(maxsize=None)
def matrix(kind: str, tone: str, credit: str, debtor: str) -> tuple[Block, ...]:
    return tuple(render(make_case(kind, tone, credit, debtor)))


@pytest.mark.parametrize("kind,tone,credit,debtor", ALL)
def test_renders_without_leaks_and_names_the_title(kind: str, tone: str, credit: str, debtor: str) -> None:
    blocks = matrix(kind, tone, credit, debtor)
    text = text_of(blocks)
    where = f"{kind}/{tone}/{credit}/{debtor}"
    for leak in ("None", "{{", "}}", "{%", "%}", "{#", "Undefined", "()", " ,", " .", "..", ",,", "  "):
        assert leak not in text, f"{leak!r} leaked into {where}"
    lowered = text.lower()
    for word in FORBIDDEN:
        assert word not in lowered, f"forbidden {word!r} in {where}"
    for title in TITLES[credit]:
        assert title in lowered, f"{where} does not name its title {title!r}"
    if credit in NOT_INVOICES and kind != "uncollectability_report":
        assert "fattur" not in lowered, f"{credit} must not call its titles invoices"
    styles = [b.style for b in blocks]
    assert "signature" in styles
    if kind == "uncollectability_report":
        assert "salutation" not in styles and "closing" not in styles
        assert styles.count("heading") >= 10 and styles.count("fields") == 3  # parties, credit, cost/benefit
        assert "actions" in [b.ref for b in blocks] and "totals" in styles
    else:
        assert styles[:2] == ["subject", "salutation"] and "closing" in styles
        assert ("table", "invoices") in [(b.style, b.ref) for b in blocks] and "totals" in styles
        assert text.count("considerare nulla la presente") == 1


@pytest.mark.parametrize("kind,credit,debtor", list(itertools.product(KINDS, CREDIT_TYPES, DEBTOR_TYPES)))
def test_minimal_case_leaves_no_empty_placeholder(kind: str, credit: str, debtor: str) -> None:
    """No representative, reference, IBAN, contacts, tax ids, contract, periods, payments or actions."""
    case = make_case(kind, "stern", credit, debtor, reference=None, representative=None, actions=None, claim={
        "invoices": [{"number": "A1", "issue_date": "2026-05-02", "due_date": "2026-06-01", "amount": "410.00"}]})
    data = case.model_dump(mode="json", exclude_none=True)
    for party in ("creditor", "debtor"):
        for key in ("tax_id", "pec", "email", "phone", "iban", "bank"):
            data[party].pop(key, None)
        data[party]["address"].pop("province", None)
    blocks = render(build_case(data))
    text = text_of(blocks)
    for leak in ("None", "{{", "()", " ,", " .", "..", ",,", "  ", ": ,", "IBAN", "rif.", "come da ", "C.F."):
        assert leak not in text, f"{leak!r} in a minimal {kind}/{credit}/{debtor}"
    if kind != "uncollectability_report":
        assert "rispondendo alla presente" in text  # no contact details: the reply is the channel
        assert "coordinate bancarie" in text
        assert "n. A1" in text


@pytest.mark.parametrize("kind,credit,debtor", list(itertools.product(LETTERS, CREDIT_TYPES, DEBTOR_TYPES)))
def test_tones_read_differently(kind: str, credit: str, debtor: str) -> None:
    versions = {tone: matrix(kind, tone, credit, debtor) for tone in TONES}

    def opening(blocks: tuple[Block, ...]) -> str:
        return next(b.text for b in blocks if b.style == "p")

    def closing(blocks: tuple[Block, ...]) -> str:
        return next(b.text for b in blocks if b.style == "closing")

    for a, b in itertools.combinations(TONES, 2):
        assert opening(versions[a]) != opening(versions[b]), f"same opening for {a} and {b}"
        assert closing(versions[a]) != closing(versions[b]), f"same closing for {a} and {b}"
        paras_a = {x.text for x in versions[a] if x.style == "p"}
        paras_b = {x.text for x in versions[b] if x.style == "p"}
        assert len(paras_a ^ paras_b) >= 4, f"{a} and {b} differ in fewer than two paragraphs each"
        sentences = lambda blocks: {s for x in blocks if x.style == "p" for s in re.split(r"(?<=[.:;])\s", x.text)}  # noqa: E731
        assert len(sentences(versions[a]) ^ sentences(versions[b])) >= 4


@pytest.mark.parametrize("kind,tone,credit", list(itertools.product(KINDS, TONES, CREDIT_TYPES)))
def test_consumers_get_no_late_payment_law_and_are_told_their_rights(kind: str, tone: str, credit: str) -> None:
    text = text_of(matrix(kind, tone, credit, "consumer"))
    for banned in ("231", "40,00", "Banca Centrale Europea", "Spettabile", "Vostr", "Non saranno concesse"):
        assert banned not in text, f"{banned!r} in consumer {kind}/{tone}/{credit}"
    if kind == "uncollectability_report":
        return
    # issue 12 item 10: the greeting takes the debtor's title ("Gentile Mario Rossi," was wrong)
    assert "Gentile Sig. Mario Rossi," in text and "Regolamento (UE) 2016/679" in text
    assert "per iscritto" in text and ("La " in text or "Le " in text)
    if credit == "consumer_credit":
        assert "sospensione temporanea" in text and "piano di rientro" in text
        assert "Arbitro Bancario Finanziario" in text
    elif kind != "legal_notice" and tone != "stern":
        assert "piano di pagamento rateale" in text


@pytest.mark.parametrize("kind,tone", list(itertools.product(("second_demand", "legal_notice"), TONES)))
def test_business_letters_state_the_late_payment_law_and_the_flat_compensation(kind: str, tone: str) -> None:
    case = make_case(kind, tone)
    statement = compute_statement(case)
    compensation = sum(inv.compensation_owed for inv in statement.invoices)
    assert compensation == 80  # two invoices paid late: 40 EUR each, as the totals block shows
    text = text_of(render(case))
    assert "D.Lgs. 9 ottobre 2002, n. 231" in text
    # issue 12 item 10: "pagato in ritardo" only fits paid documents; these are unpaid
    assert f"{money(40)} per ciascun documento non pagato alla scadenza" in text and f"({money(compensation)})" in text
    assert f"interessi maturati ({money(statement.interest_accrued)})" in text
    assert "Vi " in text and "Spettabile Bianchi S.p.A.," in text
    # Condominium fees and consumer loans are outside the late-payment law even for a business debtor.
    for credit in ("condominium", "consumer_credit"):
        other = text_of(render(make_case(kind, tone, credit)))
        assert "231" not in other and "art. 1284, comma 1, c.c." in other


@pytest.mark.parametrize("kind", ("second_demand", "legal_notice"))
def test_interest_wording_follows_the_regime(kind: str) -> None:
    agri = text_of(render(make_case(kind, claim={**EXAMPLE["claim"], "agri_food": True})))
    assert "D.Lgs. 8 novembre 2021, n. 198" in agri or "art. 4, comma 2, del D.Lgs. 8 novembre 2021, n. 198" in agri
    leap = text_of(render(make_case(kind, options={"leap_year_366": True})))
    assert "366 giorni negli anni bisestili" in leap and "di 365 giorni" not in leap
    for flag in ("interest", "delay_excused"):
        none = text_of(render(make_case(kind, claim={**EXAMPLE["claim"], flag: flag == "delay_excused"})))
        assert "interessi moratori" not in none and "Banca Centrale Europea" not in none
        assert "interessi maturati" not in none and "1284" not in none
        assert ("40,00" in none) == (flag == "interest")  # not claiming interest keeps the flat compensation


@pytest.mark.parametrize("kind,tone,debtor", list(itertools.product(("first_demand", "second_demand"), TONES,
                                                                    DEBTOR_TYPES)))
def test_demands_state_deadline_date_total_and_payment_details(kind: str, tone: str, debtor: str) -> None:
    case = make_case(kind, tone, debtor=debtor)
    context = wording_context(case, compute_statement(case), prescription(case), PACK)
    text = text_of(write_blocks("it", kind, context))
    # 23 Nov + 15 days = 8 Dec (Immacolata): the date moves to 9 Dec and the letter says why (issue 12 item 10)
    assert (f"il {PACK.date(context['deadline_date'])} (15 giorni dalla data della presente, termine prorogato al "
            "primo giorno non festivo ai sensi dell'art. 2963, comma 3, c.c.)") in text
    assert money(context["figures"].total_due) in text
    assert "IBAN IT60 X054 2811 1010 0000 0123 456" in text and "il riferimento PR-2026/0147" in text
    assert "già provveduto al pagamento" in text


@pytest.mark.parametrize("tone,credit,debtor", list(itertools.product(TONES, CREDIT_TYPES, DEBTOR_TYPES)))
def test_first_demand_assumes_an_oversight_and_threatens_nothing(tone: str, credit: str, debtor: str) -> None:
    text = text_of(matrix("first_demand", tone, credit, debtor))
    assert not re.search(ACTION + r"|costituzione in mora ai sensi|\bazion", text.lower())
    if tone == "courteous":
        assert "semplice dimenticanza" in text and "scusarci per il disturbo" in text
    if debtor == "business" and credit == "commercial":
        assert "D.Lgs. 9 ottobre 2002, n. 231" in text  # interest runs by law, no demand needed


def test_second_demand_cites_earlier_letters_calls_and_visits_with_dates() -> None:
    actions = EXAMPLE["actions"] + [{"date": "2026-10-20", "type": "home_visit"}]
    text = text_of(render(make_case("second_demand", "courteous", actions=actions)))
    assert ("ai solleciti del 10 giugno 2026 e del 15 settembre 2026, al contatto telefonico del 2 luglio 2026 "
            "e alla visita del 20 ottobre 2026") in text
    assert "costituzione in mora ai sensi dell'art. 1219 c.c." in text
    assert "affidare la pratica al nostro legale" not in text  # a representative writes: it acts itself
    assert "procedere al recupero giudiziale del credito" in text
    assert "continuano a maturare gli interessi moratori" in text
    eighth = text_of(render(make_case("second_demand", "firm", actions=[{"date": "2026-08-11", "type": "letter"}])))
    assert "nonostante il sollecito dell'11 agosto 2026" in eighth  # elision before a vowel
    own = text_of(render(make_case("second_demand", "firm", actions=[], representative=None)))
    # no action recorded: the letter claims no earlier requests (issue 12 item 16, issue 10)
    assert "nonostante la scadenza, il saldo" in own  # 200 EUR were paid: never "il pagamento non è avvenuto" and "richieste di pagamento" not in own
    assert "del 10 giugno" not in own
    assert "affidata al nostro legale per il recupero giudiziale" in own


def test_legal_notice_has_parties_title_amount_demand_and_legal_effects() -> None:
    case = make_case()
    statement = compute_statement(case)
    text = text_of(render(case))
    # a prefixed number is a partita IVA, never a codice fiscale (issue 12 item 10)
    assert "in nome e per conto di Rossi Forniture S.r.l. (P.IVA IT12345670017), con sede in Via Roma 1" in text
    assert "Bianchi S.p.A. (P.IVA IT00743110157), con sede in Via Garibaldi 22, 10122 Torino (TO)" in text
    assert "le fatture n. 2026/101 e 2026/155" in text and "contratto di fornitura n. 45/2025" in text
    assert money(statement.total_due) in text and PACK.words(statement.total_due) in text
    assert "Vi intimiamo e diffidiamo" in text and "entro e non oltre 15 giorni dal ricevimento della presente" in text
    assert "ricorso per decreto ingiuntivo" in text
    assert ("La presente vale quale atto di costituzione in mora ai sensi dell'art. 1219 c.c. e ad ogni effetto "
            "interruttivo della prescrizione ex art. 2943 c.c.") in text
    assert "maggiorato di 8 punti percentuali" in text and "anno civile di 365 giorni" in text
    own = text_of(render(make_case(representative=None)))
    assert "con la presente Rossi Forniture S.r.l." in own and "la parte creditrice Vi intima e diffida" in own
    assert "in nome e per conto" not in own
    consumer = text_of(render(make_case(debtor="consumer")))
    assert "Mario Rossi (C.F. RSSMRA85T10A562S), residente in" in consumer
    assert "art. 1284, comma 4, c.c." in consumer  # the 231 rate only from the court claim, and only if asked


@pytest.mark.parametrize("kind,tone,credit,debtor", [
    (k, t, c, d) for k, t, c, d in itertools.product(("second_demand", "legal_notice"), TONES, CREDIT_TYPES,
                                                     DEBTOR_TYPES) if c in ("commercial", "rent", "condominium")])
def test_prescribed_credit_is_never_threatened_with_action(kind: str, tone: str, credit: str, debtor: str) -> None:
    case = make_case(kind, tone, credit, debtor, options={"termination": credit != "condominium"})
    text = text_of(render(case, prescribed=True))
    found = re.search(ACTION + r"|1454|risolt|e costituzione in mora|vale quale|intim|ultima volta|prima dell'azione", text.lower())
    assert not found, f"{found and found.group(0)!r} in a prescribed {kind}/{tone}/{credit}/{debtor}"
    assert re.search(r"decreto ingiuntivo|giudizial", text_of(render(case)))  # not prescribed: it does warn
    honest = "il credito potrebbe essere prescritto"
    assert (honest in text and "art. 2940 c.c." in text) == (debtor == "consumer")
    assert honest not in text_of(render(case))


def test_really_old_credit_is_prescribed_and_not_threatened() -> None:
    invoices = [{"number": "2014/7", "issue_date": "2014-01-10", "due_date": "2014-02-10", "amount": "900.00"}]
    case = make_case(claim={"invoices": invoices}, actions=[], options={"allow_prescribed": True})
    assert prescription(case).status == "prescribed"
    text = text_of(render(case)).lower()
    assert not re.search(ACTION, text) and "richiesta di pagamento" in text


def test_termination_is_a_diffida_ad_adempiere_of_at_least_fifteen_days() -> None:
    from correspondence.errors import InputError

    with pytest.raises(InputError, match="1454"):  # the model refuses a shorter term (art. 1454 c.c.)
        make_case(options={"termination": True}, deadline_days=8)
    text = text_of(render(make_case(options={"termination": True}, deadline_days=15)))
    assert "diffida ad adempiere ai sensi dell'art. 1454 c.c." in text
    assert "decorso inutilmente il termine di 15 giorni dal ricevimento" in text and "risolto di diritto" in text
    assert "1454" not in text_of(render(make_case()))
    # art. 1525 c.c. only for a sale with reservation of title and a known price (issue 12 item 4)
    sale = text_of(render(make_case(credit="installment_sale", options={"termination": True},
                                    **{"claim.title_reserved": True, "claim.price": "20000.00"})))
    assert "più rate del prezzo" in sale and "art. 1525 c.c." in sale
    assert "art. 1525" not in text_of(render(make_case(credit="installment_sale", options={"termination": True})))
    one = [{"number": "R7", "issue_date": "2026-03-01", "due_date": "2026-03-31", "amount": "1250.00"}]
    single = text_of(render(make_case(credit="installment_sale", options={"termination": True},
                                      claim={"invoices": one, "contract": "contratto di vendita rateale",
                                             "title_reserved": True, "price": "9000.00"})))
    assert "ottava parte del prezzo" in single and "rata del prezzo" in single


def test_rent_lists_months_and_mentions_eviction_only_in_a_firm_legal_notice() -> None:
    for kind in LETTERS:
        for tone in TONES:
            text = text_of(matrix(kind, tone, "rent", "consumer"))
            assert "marzo 2026 e maggio 2026" in text
            assert ("sfratto per morosità" in text) == (kind == "legal_notice" and tone != "courteous")
    notice = text_of(matrix("legal_notice", "stern", "rent", "consumer"))
    assert "art. 55 della Legge 27 luglio 1978, n. 392" in notice  # the tenant may still cure the arrears
    assert "art. 55" not in text_of(matrix("legal_notice", "stern", "rent", "business"))


def test_utilities_consumers_are_told_of_the_two_year_prescription_when_bills_are_old() -> None:
    old = [{"number": "B-1", "issue_date": "2024-01-10", "due_date": "2024-02-10", "amount": "180.00",
            "period": "dicembre 2023-gennaio 2024"}]
    marker = "Legge 27 dicembre 2017, n. 205"
    case = make_case("second_demand", "firm", "utilities", "consumer", claim={"invoices": old},
                     options={"allow_prescribed": True})
    assert marker in text_of(render(case)) and "bollett" in text_of(render(case))
    assert marker not in text_of(matrix("second_demand", "firm", "utilities", "consumer"))
    business = make_case("second_demand", "firm", "utilities", "business", claim={"invoices": old})
    assert marker not in text_of(render(business)) and "fattura di fornitura" in text_of(render(business))


def test_professional_fees_describe_services_and_invite_a_written_acknowledgement() -> None:
    text = text_of(matrix("second_demand", "firm", "professional_fees", "consumer"))
    assert "prestazioni professionali rese in Suo favore (Assistenza nella redazione del bilancio 2025" in text
    assert "confermarci per iscritto l'importo dovuto" in text


def test_condominium_refers_to_the_approved_apportionment_and_the_special_injunction() -> None:
    notice = text_of(matrix("legal_notice", "firm", "condominium", "consumer"))
    assert "stato di riparto approvati dall'assemblea" in notice and "richiesta individuale" in notice
    assert "immediatamente esecutivo ai sensi dell'art. 63 delle disposizioni di attuazione" in notice
    assert "art. 1129, comma 9, c.c." in text_of(matrix("second_demand", "firm", "condominium", "consumer"))


def test_public_administration_is_addressed_as_such() -> None:
    text = text_of(matrix("first_demand", "firm", "commercial", "public_administration"))
    assert "Spettabile Amministrazione," in text and "art. 4, commi 4 e 5, del D.Lgs. 231/2002" in text
    assert "mandato" in text
    assert "mandato di pagamento" in text_of(matrix("second_demand", "firm", "commercial", "public_administration"))


def test_annex_and_payments_table_only_when_relevant() -> None:
    blocks = render(make_case())
    refs = [b.ref for b in blocks]
    annex = [b for b in blocks if b.style == "annex"]
    assert annex and annex[0].title == "Allegato – Prospetto di calcolo degli interessi"
    assert blocks.index(annex[0]) < refs.index("periods") and "payments" in refs
    one = [{"number": "F-9", "issue_date": "2026-10-01", "due_date": "2026-10-15", "amount": "500.00"}]
    single = render(make_case(claim={"invoices": one}))
    assert not [b for b in single if b.style == "annex" or b.ref in ("periods", "payments")]


def test_data_is_escaped_not_markup() -> None:
    case = make_case(**{"debtor.name": "Negozio <b>Nord</b> & C. S.n.c.", "claim.contract": "ordine <i>urgente</i> & altri"})
    blocks = render(case)
    text = text_of(blocks)
    assert "Negozio <b>Nord</b> & C. S.n.c." in text and "ordine <i>urgente</i> & altri" in text
    for block in blocks:
        for run in block.runs:
            if "Nord" in run.text:
                assert not run.italic


def test_report_structure_tax_elements_and_optional_facts() -> None:
    """The report assesses each ground from the evidence (tests/report holds the rules); here: wording."""
    actions = EXAMPLE["actions"] + [{"date": "2026-10-01", "type": "legal_notice", "channel": "pec",
                                     "delivered_on": "2026-10-01", "delivery_rule": "art. 45 CAD (ricevuta di consegna)"}]
    blocks = render(make_case("uncollectability_report", actions=actions))
    text = text_of(blocks)
    assert [b.text for b in blocks if b.style == "heading"][0] == "1. Premessa e finalità"
    assert "art. 101, comma 5, del D.P.R. 22 dicembre 1986, n. 917 (TUIR)" in text and "elementi certi e precisi" in text
    assert "art. 26, comma 3-bis, del D.P.R. 26 ottobre 1972, n. 633" in text
    assert "Diffida legale del 1° ottobre 2026, inviata a mezzo PEC, ricevuta il 1° ottobre 2026" in text
    assert "Credito di modesta entità – ricorre" in text
    assert "Non risultano svolte indagini patrimoniali" in text
    facts = {"debtor_situation": "Società inattiva dal 2025.", "asset_search": "Nessun immobile intestato.",
             "insolvency_proceeding": "liquidazione giudiziale n. 12/2026, Tribunale di Torino",
             "conclusion": "Credito integralmente inesigibile.", "recipient": "Collegio sindacale"}
    custom = text_of(render(make_case("uncollectability_report", report=facts)))
    for value in facts.values():
        assert value in custom
    assert "Alla luce della valutazione che precede" not in custom
    loan = text_of(render(make_case("uncollectability_report", credit="consumer_credit", debtor="consumer")))
    assert "Procedura concorsuale (lett. a) – non applicabile" in loan  # consumer loans carry no VAT to recover


def test_example_case_renders_as_given() -> None:
    case = build_case(EXAMPLE)
    text = text_of(render(case))
    assert text.startswith("Oggetto: diffida e costituzione in mora ai sensi dell'art. 1219 c.c. – "
                           "Rossi Forniture S.r.l. / Bianchi S.p.A.\n")


def test_labels_keep_the_layout_keys() -> None:
    for key in ("document_title", "place_date", "reference", "recipient_prefix", "attention", "tax_id", "delivery",
                "on_behalf", "annex", "invoice_table", "periods_table", "payments_table", "actions_table",
                "action_types", "totals", "total_in_words"):
        assert key in PACK.labels
    for credit in CREDIT_TYPES:
        assert PACK.labels["invoice_table"]["number"][credit]
    for kind in KINDS:
        assert PACK.label("document_title", kind)
