"""Legally correct figures for letters and reports: interest, flat compensation, payments, deadlines,
prescription. Plain data only (machine note codes, legal citations); the wording lives elsewhere.

Conventions, also stated in every `Statement` (``day_count``, ``rounding``, ``citations``):
- simple interest; the days after the start date up to and including the end date; ACT/365, or 366 in
  leap years with ``Options.leap_year_366``; pieces split at each rate period (half-year or year), each
  1 January, each payment date; each piece rounded ROUND_HALF_UP to the cent, pieces summed;
- rates from the CSV tables under ``data/`` (one row per half-year or year, with its GU / BOE source and
  status), overridable via ``correspondence rates update``; a missing period raises `RateMissingError`;
- regimes and margins: see `regime`; payment imputation: see `statement`; deadlines: see `deadlines`;
  prescription terms and interruptions: see `prescription`.
"""
from .deadlines import (
    Deadline, deadline_date, deadline_from_effect, is_italian_holiday, letter_deadline, payment_place,
)
from .insolvency import interest_cutoff
from .interest import CENT, InterestPeriod, RateSchedule, accrue, cents
from .plan import InstalmentFigures, OfferFigures, PlanFigures, check_plan, offer_figures, plan_figures
from .prescription import Prescription, assert_may_demand, invoice_prescription, may_threaten_action, prescription
from .rates import (
    TABLES, RateMissingError, RateRow, RateTable, data_dir, load_rates, parse_rate_rows, period_label, update_rates,
)
from .regime import FLAT_COMPENSATION, select_regime
from .statement import Allocation, InvoiceFigures, Statement, compute_statement, rate_warnings

__all__ = [
    "InstalmentFigures", "OfferFigures", "PlanFigures", "check_plan", "offer_figures", "plan_figures",
    "Allocation", "CENT", "Deadline", "FLAT_COMPENSATION", "InterestPeriod", "InvoiceFigures", "Prescription",
    "RateMissingError", "RateRow", "RateSchedule", "RateTable", "Statement", "TABLES", "accrue", "assert_may_demand",
    "cents", "compute_statement", "interest_cutoff", "data_dir", "deadline_date", "deadline_from_effect", "invoice_prescription",
    "is_italian_holiday", "letter_deadline", "load_rates", "may_threaten_action", "parse_rate_rows", "payment_place",
    "period_label", "prescription", "rate_warnings", "select_regime", "update_rates",
]
