"""Parties of a case: creditor, debtor, the firm acting for the creditor, and who signs."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import ConfigDict, EmailStr, Field, field_validator, model_validator
from pydantic.config import JsonDict

from .base import FieldError, Model
from .enums import DebtorType
from .tax import TaxProfile
from .identifiers import format_iban, validate_iban, validate_postal_code, validate_province, validate_tax_id


POSTAL_CODE_RULES = {"IT": r"^[0-9]{5}$", "ES": r"^(0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}$"}
_POSTAL_SCHEMA: JsonDict = {"allOf": [  # the country-specific formats, stated in the JSON schema / OpenAPI document
    {"if": {"properties": {"country": {"const": country}}},
     "then": {"properties": {"postal_code": {"pattern": pattern}}}}
    for country, pattern in POSTAL_CODE_RULES.items()]}


class Address(Model):
    model_config = ConfigDict(json_schema_extra=_POSTAL_SCHEMA)

    street: str = Field(min_length=1, max_length=300)
    postal_code: str = Field(min_length=1, max_length=12, description="IT: CAP of 5 digits (country IT is the "
                             "default); ES: 5 digits starting with a province code 01-52")
    city: str = Field(min_length=1, max_length=120)
    province: Optional[str] = Field(default=None, max_length=60)
    country: str = Field(default="IT", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")

    @field_validator("country", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.strip().upper() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check_codes(self) -> "Address":
        try:
            self.postal_code = validate_postal_code(self.postal_code, self.country)
        except ValueError as exc:
            raise FieldError("postal_code", str(exc)) from None
        if self.province:
            try:
                self.province = validate_province(self.province, self.postal_code, self.country)
            except ValueError as exc:
                raise FieldError("province", str(exc)) from None
        return self

    def lines(self) -> list[str]:
        """Postal lines for a window envelope (Italian and Spanish style)."""
        tail = f"{self.postal_code} {self.city}"
        if self.province:
            tail += f" ({self.province})"
        lines = [self.street, tail]
        if self.country not in ("IT", "ES"):
            lines.append(self.country)
        return lines


class Party(Model):
    name: str = Field(min_length=1, max_length=300)
    tax_id: Optional[str] = Field(default=None, description="Codice fiscale / partita IVA, or NIF / NIE / CIF")
    address: Address
    pec: Optional[EmailStr] = Field(default=None, description="Certified e-mail address (PEC)")
    email: Optional[EmailStr] = None
    phone: Optional[str] = Field(default=None, max_length=40, pattern=r"^[+0-9 ()./-]{5,40}$")

    @model_validator(mode="after")
    def _check_tax_id(self) -> "Party":
        if self.tax_id:
            try:
                self.tax_id = validate_tax_id(self.tax_id, self.address.country)
            except ValueError as exc:
                raise FieldError("tax_id", str(exc)) from None
        return self


class Creditor(Party):
    iban: Optional[str] = Field(default=None, description="Account for payment; printed on the letter")
    bank: Optional[str] = Field(default=None, max_length=120)
    tax_profile: Optional[TaxProfile] = Field(default=None, description="How the creditor is taxed (report)")

    @field_validator("iban")
    @classmethod
    def _iban(cls, v: Optional[str]) -> Optional[str]:
        return validate_iban(v) if v else v

    @property
    def iban_display(self) -> str:
        return format_iban(self.iban) if self.iban else ""


DebtorTitle = Literal["Sig.", "Sig.ra", "Dott.", "Dott.ssa", "Avv.", "Ing.", "Arch.", "Prof.", "Prof.ssa",
                      "D.", "Dña."]
FEMININE_TITLES = frozenset({"Sig.ra", "Dott.ssa", "Prof.ssa", "Dña."})


class Debtor(Party):
    type: DebtorType = DebtorType.business
    title: Optional[DebtorTitle] = Field(
        default=None, description="Courtesy title of a natural person (Sig., Sig.ra, Dott., Avv.; D., Dña.): "
                                  "letters greet \"Gentile Sig. Mario Rossi,\" / \"Estimado Sr. García:\"")
    surname: Optional[str] = Field(default=None, max_length=200,
                                   description="ES: the surname(s) used in the greeting (\"Estimado Sr. García:\")")
    size: Optional[Literal["micro", "small", "medium", "large"]] = Field(
        default=None, description="Business size (EU Recommendation 2003/361): micro-enterprises are treated "
                                  "like consumers for utilities prescription (L. 205/2017 art. 1 c.4)")
    contact_person: Optional[str] = Field(default=None, max_length=200, description="Att.ne / A/A line")
    related_party: bool = Field(default=False, description="Related to the creditor (group, shareholders): IT "
                                                           "CM 26/E/2013, ES art. 13.1 LIS exclude the loss")

    @property
    def feminine(self) -> bool:
        return self.title in FEMININE_TITLES


class Representative(Party):
    """A law firm or collection agency writing in the name and on behalf of the creditor."""

    mandate: Optional[str] = Field(default=None, max_length=300, description="Reference to the mandate")


class Signatory(Model):
    name: str = Field(min_length=1, max_length=200)
    role: Optional[str] = Field(default=None, max_length=200)
