"""Legally correct figures for letters and reports: interest, flat compensation, payments, deadlines,
prescription. Plain data only; the wording lives elsewhere. Rate tables ship as CSV under ``data/``.
"""
from .deadlines import Deadline, deadline_date, deadline_from_effect, is_italian_holiday, letter_deadline
from .interest import CENT, InterestPeriod, RateSchedule, accrue, cents
from .prescription import Prescription, assert_may_demand, invoice_prescription, may_threaten_action, prescription
from .rates import (
    TABLES, RateMissingError, RateRow, RateTable, data_dir, load_rates, parse_rate_rows, period_label, update_rates,
)
from .regime import FLAT_COMPENSATION, select_regime
from .statement import Allocation, InvoiceFigures, Statement, compute_statement

__all__ = [
    "Allocation", "CENT", "Deadline", "FLAT_COMPENSATION", "InterestPeriod", "InvoiceFigures", "Prescription",
    "RateMissingError", "RateRow", "RateSchedule", "RateTable", "Statement", "TABLES", "accrue", "assert_may_demand",
    "cents", "compute_statement", "data_dir", "deadline_date", "deadline_from_effect", "invoice_prescription",
    "is_italian_holiday", "letter_deadline", "load_rates", "may_threaten_action", "parse_rate_rows", "period_label",
    "prescription", "select_regime", "update_rates",
]
