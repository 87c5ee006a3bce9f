"""Validated domain objects: the first step of the data path (input -> model)."""
from .base import Money
from .brand import Brand
from .case import Action, Case, Insolvency, Options, ReportInfo
from .claim import Claim, Cost, Invoice, Payment
from .enums import ActionType, CivilLaw, CreditType, DebtorType, DeliveryChannel, DocumentKind, Jurisdiction, Language, Tone
from .plan import Instalment, Offer, Plan, PlanType
from .party import Address, Creditor, Debtor, Party, Representative, Signatory
from .tax import ASSET_SEARCHES, ActionResult, CostInputs, Impairment, SearchKind, TaxProfile, TaxProfileKind

__all__ = [
    "Action", "ActionType", "Address", "CivilLaw", "Brand", "Case", "Claim", "Cost", "CreditType", "Creditor", "Debtor",
    "DebtorType", "DeliveryChannel", "DocumentKind", "Insolvency", "Invoice", "Jurisdiction", "Language", "Money", "Options", "Party", "Payment",
    "Instalment", "Offer", "Plan", "PlanType", "ReportInfo", "Representative", "Signatory", "Tone",
    "ASSET_SEARCHES", "ActionResult", "CostInputs", "Impairment", "SearchKind", "TaxProfile", "TaxProfileKind",
]
