"""The closed vocabularies of a case: what can be written, to whom, in which language and tone."""
from __future__ import annotations

from enum import Enum


class Language(str, Enum):
    it = "it"
    es = "es"


class Jurisdiction(str, Enum):
    IT = "IT"
    ES = "ES"


class DocumentKind(str, Enum):
    first_demand = "first_demand"
    second_demand = "second_demand"
    legal_notice = "legal_notice"
    uncollectability_report = "uncollectability_report"
    payment_plan = "payment_plan"
    settlement_offer = "settlement_offer"
    payment_receipt = "payment_receipt"
    missed_instalment = "missed_instalment"

    @property
    def is_letter(self) -> bool:
        return self is not DocumentKind.uncollectability_report

    @property
    def is_agreement(self) -> bool:
        """Documents of an agreement with the debtor (plan, offer, receipt, missed instalment), not demands."""
        return self in AGREEMENT_KINDS

    @property
    def is_demand(self) -> bool:
        """The dunning letters of the recovery sequence (first, second demand, legal notice)."""
        return self.is_letter and not self.is_agreement


class Tone(str, Enum):
    courteous = "courteous"
    firm = "firm"
    stern = "stern"


class CreditType(str, Enum):
    commercial = "commercial"
    professional_fees = "professional_fees"
    rent = "rent"
    installment_sale = "installment_sale"
    consumer_credit = "consumer_credit"
    utilities = "utilities"
    condominium = "condominium"


class DebtorType(str, Enum):
    business = "business"
    consumer = "consumer"
    public_administration = "public_administration"

    @property
    def is_commercial(self) -> bool:
        """Late-payment law (D.Lgs. 231/2002, Ley 3/2004) covers businesses and public administrations."""
        return self is not DebtorType.consumer


class DeliveryChannel(str, Enum):
    """How the letter is sent; printed in its header ("Via PEC", "Burofax")."""

    pec = "pec"
    raccomandata_ar = "raccomandata_ar"
    raccomandata_online = "raccomandata_online"
    burofax = "burofax"
    requerimiento_notarial = "requerimiento_notarial"
    carta_certificada = "carta_certificada"
    certified_email = "certified_email"
    erds = "erds"
    hand_delivery = "hand_delivery"
    email = "email"
    ordinary_mail = "ordinary_mail"

    @property
    def is_notarial(self) -> bool:
        """ES art. 1504 CC: only a judicial or notarial requerimiento ends the buyer's right to pay."""
        return self is DeliveryChannel.requerimiento_notarial


class ActionType(str, Enum):
    """Steps of the extrajudicial recovery, as recorded on the case timeline."""

    case_opened = "case_opened"
    data_check = "data_check"
    letter = "letter"
    phone_call = "phone_call"
    tracing = "tracing"
    home_visit = "home_visit"
    email = "email"
    legal_notice = "legal_notice"
    payment_plan = "payment_plan"
    asset_search = "asset_search"
    court_claim = "court_claim"          # decreto ingiuntivo / monitorio / demanda filed
    enforcement = "enforcement"          # pignoramento / embargo; result negative = verbale negativo
    other = "other"


class CivilLaw(str, Enum):
    """The civil law that governs the claim in Spain (art. 13-16 CC): the Código Civil or a regional code.

    Only the common law and the Catalan Civil Code (Llei 29/2002, Book I; Llei 5/2006, Book V) are written;
    the other foral regimes are refused by the case validation until they are supported."""

    common = "common"
    catalan = "catalan"
    aragonese = "aragonese"
    navarrese = "navarrese"
    basque = "basque"
    galician = "galician"
    balearic = "balearic"


SUPPORTED_CIVIL_LAWS = frozenset({CivilLaw.common, CivilLaw.catalan})
CATALAN_PROVINCES = frozenset({"Barcelona", "Girona", "Lleida", "Tarragona"})

DEFAULT_JURISDICTION = {Language.it: Jurisdiction.IT, Language.es: Jurisdiction.ES}

CONSUMER_MIN_DEADLINE_DAYS = 15

AGREEMENT_KINDS = frozenset({DocumentKind.payment_plan, DocumentKind.settlement_offer, DocumentKind.payment_receipt,
                             DocumentKind.missed_instalment})

DEFAULT_DEADLINE_DAYS = {
    DocumentKind.first_demand: 15,
    DocumentKind.second_demand: 10,
    DocumentKind.legal_notice: 15,
    DocumentKind.uncollectability_report: 0,
    DocumentKind.payment_plan: 0,  # the plan's due dates are the terms
    DocumentKind.settlement_offer: 0,  # valid_until is the term
    DocumentKind.payment_receipt: 0,
    DocumentKind.missed_instalment: 15,  # to pay what the missed instalment made due
}
