"""Compose a case into a `Document`: figures, then wording, then the tables and blocks layouts print."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError, RenderingError

from ..figures import (
    Statement, assert_may_demand, check_plan, compute_statement, interest_cutoff, plan_figures, prescription,
)
from ..figures.plan import plan_start
from ..model import Case, DocumentKind, Jurisdiction
from ..model.brand import Company
from ..model.party import Creditor, Representative, Signatory
from ..model.jurisdiction import rules_for
from ..wording import LanguagePack, language_pack, write_blocks
from ..wording.context import wording_context
from ..wording.overrides import WordingOverride
from ..wording.paragraph import Block
from .brandkit import BrandKit, inline_kit
from .document import Document, Table


def compose_document(case: Case, *, base_dir: Path | None = None, wording_dir: Path | WordingOverride | None = None,
                     extra_context: Mapping[str, Any] | None = None, kit: BrandKit | None = None) -> Document:
    """Everything both layouts need. `kit` is the resolved brand (a library brand with its checked assets);
    without it the case's inline brand is used, `base_dir` resolving a relative logo; `wording_dir` overrides
    wording; `extra_context` adds template variables (the report's assessment and annexes)."""
    kit = kit or inline_kit(case.brand, base_dir)  # input errors first, before any rendering work
    if kit.brand != case.brand:
        case = case.model_copy(update={"brand": kit.brand})
    brand_signs = case.signatory is None  # the case's own signatory wins; else the brand's designated one
    if brand_signs:
        if not kit.brand.signatory:
            raise InputError("signatory", "required: the case names none" + (f" and its brand '{kit.ref}' has none"
                                                                             if kit.ref else " and no brand that has one"))
        case = case.model_copy(update={"signatory": Signatory(name=kit.brand.signatory.name,
                                                              role=kit.brand.signatory.role)})
    assert case.signatory is not None
    if case.kind.is_letter:
        assert_may_demand(case)
    pack = language_pack(case.language.value)
    presc = prescription(case)
    # the report states its figures at the opening of an insolvency proceeding (art. 154 CCII, art. 152 TRLC)
    statement = compute_statement(_figures_case(case, presc.extinctive), at=_figures_at(case))
    if case.plan is not None:
        check_plan(case, compute_statement(case, plan_start(case)).total_due, presc.date)
    blocks = write_blocks(case.language.value, case.kind.value,
                          wording_context(case, statement, presc, pack, extra_context), wording_dir)
    if not any(b.style == "signature" for b in blocks):
        blocks.append(Block("signature"))
    brand = case.brand
    sender = case.representative or case.creditor
    recipient = [x for x in (pack.label("recipient_prefix", case.debtor.type.value),) if x]
    recipient += [f"{case.debtor.title} {case.debtor.name}" if case.debtor.title else case.debtor.name]
    if case.debtor.contact_person:
        recipient.append(f"{pack.label('attention')} {case.debtor.contact_person}")
    recipient += case.debtor.address.lines()
    delivery: str | None
    if case.delivery and case.delivery.value == "pec" and case.debtor.pec:
        delivery = f"{pack.label('delivery', 'pec')}: {case.debtor.pec}"
    else:
        delivery = pack.label("delivery", case.delivery.value) if case.delivery else None
    signature = [case.signatory.name]
    if case.signatory.role:
        signature.append(case.signatory.role)
    if case.representative and case.kind.is_letter:
        signature.append(pack.on_behalf(case.creditor.name))  # "per conto del Condominio ..."
    elif case.representative:
        signature.append(case.representative.name)
    elif case.signatory.name != case.creditor.name:
        signature.append(case.creditor.name)
    return Document(
        case=case, pack=pack, statement=statement, prescription=presc, blocks=blocks,
        title=pack.label("document_title", case.kind.value),
        letterhead_name=brand.name or sender.name,
        letterhead_lines=list(brand.letterhead_lines) or _default_letterhead(sender, pack),
        return_line=" · ".join([sender.name, *sender.address.lines()]),
        recipient_lines=recipient,
        delivery_line=delivery,
        place_date=pack.label("place_date").format(place=case.place, date=pack.date(case.date)),
        reference=f"{pack.label('reference')} {case.reference}" if case.reference else None,
        tables=_tables(case, statement, pack),
        totals=_totals(case, statement, pack),
        total_in_words=f"{pack.label('total_in_words')}: {pack.words(statement.total_due)}",
        signature_lines=signature,
        footer=brand.footer or ("" if brand.company else " · ".join(x for x in (sender.name, sender.tax_id) if x)),
        company_lines=company_lines(brand.company, pack) if brand.company else [],
        logo=kit.logo, kit=kit, brand_signs=brand_signs,
        window=brand.window or rules_for(case.jurisdiction or Jurisdiction.IT).window,
        page_label=pack.label("page"),
    )


def company_lines(company: Company, pack: LanguagePack) -> list[str]:
    """The legal mentions of the issuing company, as the footer prints them (art. 2250 c.c.; art. 24 CCom)."""
    def lab(key: str) -> str:
        return pack.label("company", key)

    name = company.legal_name + (f" {lab('in_liquidation')}" if company.in_liquidation else "")
    first = [name, company.registered_office and f"{lab('registered_office')}: {company.registered_office}"]
    second = [company.tax_id and f"{lab('tax_id')} {company.tax_id}", company.vat_id and f"{lab('vat_id')} {company.vat_id}",
              company.registry, company.share_capital and f"{lab('share_capital')} {company.share_capital}",
              company.sole_shareholder and lab("sole_shareholder")]
    return [line for line in (" · ".join(x for x in first if x), " · ".join(x for x in second if x)) if line]


def _figures_at(case: Case) -> "dt.date | None":
    """The date the figures are stated at: the letter's; the opening of an insolvency proceeding for the
    report (art. 154 CCII, art. 152 TRLC); the signing of a plan for its acknowledgment (art. 1988 c.c.)."""
    if not case.kind.is_letter:
        return interest_cutoff(case)
    if case.kind is DocumentKind.payment_plan and case.plan is not None and case.plan.signed_on is not None:
        return case.plan.signed_on
    return None


def _figures_case(case: Case, time_barred: bool) -> Case:
    """A letter on a time-barred credit (sent only with options.allow_prescribed) claims no interest and no
    compensation: it is a neutral invitation to pay what was owed (art. 1930 CC, art. 2940 c.c.)."""
    if not (time_barred and case.kind.is_letter) or case.options.waive_charges:
        return case
    return case.model_copy(update={"options": case.options.model_copy(update={"waive_charges": True})})


def _default_letterhead(sender: Creditor | Representative, pack: LanguagePack) -> list[str]:
    address = ", ".join(sender.address.lines())
    contacts = " · ".join(x for x in (sender.pec and f"{pack.label('pec')} {sender.pec}",
                                      sender.phone and f"{pack.label('phone')} {sender.phone}") if x)
    return [x for x in (address, contacts) if x]


def _tables(case: Case, st: Statement, pack: LanguagePack) -> dict[str, Table]:
    def lab(group: str, key: str) -> str:
        return str(pack.labels[group][key])

    number_label = str(pack.labels["invoice_table"]["number"][case.credit_type.value])
    with_outstanding = bool(case.claim.payments)
    with_withholding = bool(st.withholding)
    figures_by_number = {f.number: f for f in st.invoices}
    rows = []
    for inv in case.claim.invoices:
        row = [inv.number, pack.short_date(inv.issue_date), pack.short_date(inv.due_date),
               " – ".join(x for x in (inv.description, inv.period) if x), pack.money(inv.amount)]
        if with_withholding:
            row.append(pack.money(figures_by_number[inv.number].withholding))
        if with_outstanding:
            row.append(pack.money(figures_by_number[inv.number].principal_outstanding))
        rows.append(tuple(row))
    headers = [number_label, lab("invoice_table", "issue_date"), lab("invoice_table", "due_date"),
               lab("invoice_table", "description"), lab("invoice_table", "amount")]
    footer = [lab("invoice_table", "total"), "", "", "", pack.money(st.principal + st.withholding)]
    if with_withholding:
        headers.append(lab("invoice_table", "withholding"))
        footer.append(pack.money(st.withholding))
    if with_outstanding:
        headers.append(lab("invoice_table", "outstanding"))
        footer.append(pack.money(st.principal_outstanding))
    # one invoice: its own amount is the total (the totals block follows), so no footer row repeats it
    tables = {"invoices": Table(tuple(headers), tuple(rows), (False,) * 4 + (True,) * (len(headers) - 4),
                                tuple(footer) if len(rows) > 1 else ())}
    tables["periods"] = Table(
        tuple(lab("periods_table", k) for k in ("invoice", "start", "end", "days", "rate", "base", "interest")),
        tuple((p.invoice, pack.short_date(p.start), pack.short_date(p.end), str(p.days), pack.percent(p.rate),
               pack.money(p.base), pack.money(p.interest)) for p in st.periods),
        (False, False, False, True, True, True, True),
        (lab("invoice_table", "total"), "", "", "", "", "", pack.money(sum((p.interest for p in st.periods), Decimal(0)))),
    )
    tables["payments"] = Table(
        tuple(lab("payments_table", k) for k in ("date", "amount", "to_interest", "to_costs", "to_principal")),
        tuple((pack.short_date(a.date), pack.money(a.amount), pack.money(a.to_interest), pack.money(a.to_costs),
               pack.money(a.to_principal)) for a in st.allocations),
        (False, True, True, True, True),
    )
    if case.plan is not None:
        tables["instalments"] = _instalments(case, pack)
    types = pack.labels["action_types"]
    tables["actions"] = Table(
        tuple(lab("actions_table", k) for k in ("date", "action", "outcome")),
        tuple((pack.short_date(a.date), " – ".join(x for x in (types[a.type.value], a.description) if x),
               a.outcome or "") for a in case.actions if a.date <= case.date),
        (False, False, False),
    )
    return tables


def _totals(case: Case, st: Statement, pack: LanguagePack) -> list[tuple[str, str, bool]]:
    """Gross amounts, less payments received, equal the total due (how the payments were imputed is in
    the payments table); checked here so a letter can never print a sum that does not add up."""
    t = pack.labels["totals"]
    compensation = sum((inv.compensation_owed for inv in st.invoices), Decimal(0))
    costs = st.costs_recoverable  # only what is owed: above the flat sum, never from a consumer
    rows = [(t["principal"], st.principal + st.withholding)]
    if st.withholding:
        rows.append((t["withholding"], -st.withholding))
    if st.interest_accrued or (st.regime != "none" and "CHARGES_WAIVED" not in st.notes):
        rows.append((t["interest"], st.interest_accrued))
    if compensation:
        rows.append((t["compensation"], compensation))
    if costs:
        rows.append((t["costs_above" if compensation else "costs"], costs))
    if st.payments_total:
        rows.append((t["payments"], -st.payments_total))
    if sum(amount for _, amount in rows) != st.total_due - st.surplus:
        raise RenderingError(f"figures do not add up: {rows} != {st.total_due}")
    out = [(label, ("− " + pack.money(-amount)) if amount < 0 else pack.money(amount), False) for label, amount in rows]
    out.append((t["total_due"], pack.money(st.total_due), True))
    return out


def _instalments(case: Case, pack: LanguagePack) -> Table:
    """The plan's instalments; agreed interest columns only when interest is agreed, payments and status
    only once the plan is signed (a proposal has neither)."""
    lab = pack.labels["instalments_table"]
    plan = plan_figures(case)
    with_interest = bool(case.plan and case.plan.interest_rate)
    with_status = bool(case.plan and case.plan.signed_on)
    keys = ["number", "due_date", *(("capital", "interest") if with_interest else ()), "amount",
            *(("paid", "status") if with_status else ())]
    rows = []
    for i in plan.instalments:
        row = [str(i.number), pack.short_date(i.due_date)]
        if with_interest:
            row += [pack.money(i.capital), pack.money(i.interest)]
        row.append(pack.money(i.amount))
        if with_status:
            row += [pack.money(i.paid), str(pack.labels["instalment_status"][i.status])]
        rows.append(tuple(row))
    footer = [str(lab["total"]), ""]
    if with_interest:
        footer += [pack.money(plan.acknowledged), pack.money(plan.interest_total)]
    footer.append(pack.money(plan.total))
    if with_status:
        footer += [pack.money(plan.paid), ""]
    numeric = [False, False, *([True, True] if with_interest else []), True, *([True, False] if with_status else [])]
    return Table(tuple(str(lab[k]) for k in keys), tuple(rows), tuple(numeric), tuple(footer))
