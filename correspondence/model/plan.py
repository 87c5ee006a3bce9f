"""Agreements with the debtor: a payment plan (or a promise to pay) and a settlement offer.

A plan is an acknowledgment of debt with instalments (IT *riconoscimento di debito*, art. 1988 c.c.; ES
*reconocimiento de deuda*): the instalments are the acknowledged capital split by due date, so they must add
up to it; agreed interest, if any, runs on the capital still deferred. Once the debtor has signed it
(`signed_on`) it interrupts prescription (art. 2944 c.c., art. 1973 CC). A promise is a plan of one
instalment; only a written one (`signed_on` set) interrupts. An offer waives part of the total owed if the
rest is paid in full by `valid_until`: either a fixed `amount` or a `discount` in per cent of the total.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Optional

from pydantic import Field, model_validator

from .base import Day, FieldError, Model, Money

MAX_INSTALMENTS = 120
MAX_GRACE_DAYS = 90
MAX_AGREED_RATE = Decimal("30")


class PlanType(str, Enum):
    plan = "plan"
    promise = "promise"


class Instalment(Model):
    """One instalment of the acknowledged capital."""

    due_date: Day
    amount: Money


class Plan(Model):
    """Acknowledgment of debt with a payment plan (art. 1988 c.c.; art. 1973 CC), or a promise to pay."""

    type: PlanType = PlanType.plan
    acknowledged: Money = Field(description="The amount the debtor acknowledges owing (capital of the plan)")
    instalments: list[Instalment] = Field(min_length=1, max_length=MAX_INSTALMENTS)
    signed_on: Optional[Day] = Field(default=None, description="Date the debtor signed the acknowledgment (or "
                                                               "the written promise): prescription restarts then")
    agreed_on: Optional[Day] = Field(default=None, description="Date the plan or promise was agreed (default: "
                                                               "signed_on); payments count from then")
    interest_rate: Optional[Money] = Field(default=None, description="Agreed yearly interest on the deferred "
                                                                     "capital, in per cent (simple, ACT/365)")
    grace_days: int = Field(default=0, ge=0, le=MAX_GRACE_DAYS,
                            description="Days of tolerance after each due date before an instalment is missed")
    acceleration: bool = Field(default=True, description="A missed instalment makes the whole balance due "
                                                         "(IT art. 1186 c.c.; ES vencimiento anticipado agreed)")
    iban: Optional[str] = Field(default=None, max_length=42, description="Account for the instalments "
                                                                         "(default: the creditor's IBAN)")
    reference: Optional[str] = Field(default=None, max_length=120, description="Payment reference (causale)")

    @model_validator(mode="after")
    def _check(self) -> "Plan":
        if self.acknowledged <= 0:
            raise FieldError("acknowledged", "must be greater than zero")
        for n, item in enumerate(self.instalments):
            if item.amount <= 0:
                raise FieldError(f"instalments.{n}.amount", "must be greater than zero")
            if n and item.due_date <= self.instalments[n - 1].due_date:
                raise FieldError(f"instalments.{n}.due_date",
                                 f"{item.due_date.isoformat()} is not after the previous instalment's "
                                 f"{self.instalments[n - 1].due_date.isoformat()}: dates must be ascending")
        total = sum((i.amount for i in self.instalments), Decimal("0"))
        if total != self.acknowledged:
            raise FieldError("instalments", f"the instalments add up to {total}, not to the acknowledged "
                                            f"{self.acknowledged}")
        if self.signed_on is not None and self.instalments[0].due_date < self.signed_on:
            raise FieldError("instalments.0.due_date", f"{self.instalments[0].due_date.isoformat()} is before the "
                                                       f"plan was signed ({self.signed_on.isoformat()})")
        if self.agreed_on is not None and self.instalments[0].due_date < self.agreed_on:
            raise FieldError("instalments.0.due_date", f"{self.instalments[0].due_date.isoformat()} is before the "
                                                       f"plan was agreed ({self.agreed_on.isoformat()})")
        if self.interest_rate is not None and not Decimal("0") <= self.interest_rate <= MAX_AGREED_RATE:
            raise FieldError("interest_rate", f"must be between 0 and {MAX_AGREED_RATE} per cent a year")
        if self.type is PlanType.promise and len(self.instalments) != 1:
            raise FieldError("instalments", "a promise to pay has exactly one amount and date")
        return self

    @property
    def since(self) -> Optional[dt.date]:
        """The day the agreement took effect: agreed, else signed; None for a plan this letter proposes."""
        return self.agreed_on or self.signed_on


class Offer(Model):
    """Settlement offer (IT saldo e stralcio; ES quita): pay `amount`, or the total less `discount` per cent,
    in full by `valid_until`; otherwise the offer lapses and the whole claim stands."""

    amount: Optional[Money] = Field(default=None, description="The sum that settles the claim if paid in time")
    discount: Optional[Money] = Field(default=None, description="Discount in per cent of the total owed")
    valid_until: Day = Field(description="Last day to pay; the offer lapses after it")

    @model_validator(mode="after")
    def _check(self) -> "Offer":
        if (self.amount is None) == (self.discount is None):
            raise FieldError("amount", "give either amount or discount (one of the two)")
        if self.amount is not None and self.amount <= 0:
            raise FieldError("amount", "must be greater than zero")
        if self.discount is not None and not Decimal("0") < self.discount < Decimal("100"):
            raise FieldError("discount", "must be more than 0 and less than 100 per cent")
        return self
