"""The phase of a case and its next step, from the case as it stands (its evidence, not a status field).

The extrajudicial recovery process of the seeds, in order: open the case and check the debtor's data, first
demand, phone contact, tracing (only when the debtor cannot be reached), second demand, home visit, the
legal notice (IT diffida, ES requerimiento) by a channel that proves delivery, then, once its deadline has
passed unpaid, either court or the uncollectability report. A step is done when the case holds its evidence:
an action of that type, or a letter of that kind sent (dispatched through the service or logged by hand).
Each letter's term runs from its legal effect when known (IT art. 1335 c.c., ES art. 1262 CC), else from
its date; the next step after a letter falls due when that term has run out.
A payment plan or promise on the case (see `plans`) takes over while it runs: the next step waits for the
next instalment; a missed one (after the grace period) asks for the missed-instalment notice, and once that
notice's term has run out, the legal notice again; a plan fully paid closes the case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from ..figures import deadline_date, payment_place, plan_figures
from ..model import Action, ActionType, DocumentKind
from ..model.enums import DEFAULT_DEADLINE_DAYS
from .standing import Standing

UNREACHED = ("unreachable", "no answer", "wrong number", "irreperibile", "non risponde", "ilocalizable",
             "no contesta", "moved", "trasferito", "desconocido", "sconosciuto")
LETTER_STEPS = (DocumentKind.first_demand, DocumentKind.second_demand, DocumentKind.legal_notice)
SEQUENCE = ("data_check", "first_demand", "phone_call", "second_demand", "home_visit", "legal_notice")


@dataclass(frozen=True)
class StepDone:
    step: str
    on: dt.date
    detail: str


@dataclass(frozen=True)
class NextStep:
    """Where the case is and what is due: `step` names the action or document kind to produce next."""

    phase: str
    step: str
    due: Optional[dt.date]
    overdue: bool
    summary: str
    done: tuple[StepDone, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = field(default_factory=tuple)


def next_step(standing: Standing) -> NextStep:
    """The next step of the recovery process for the case as it stands at `standing.at`."""
    case, at = standing.case, standing.at
    warnings = tuple(w for w in (standing.prescription.warning,) if w)
    planned = _plan_step(standing, warnings)
    if planned is not None:
        return planned
    if standing.statement.total_due <= 0:
        return NextStep("settled", "close", None, False, "nothing is owed any more: close the case",
                        _done(standing), warnings)
    done = _done(standing)
    kinds = {d.step for d in done}
    if DocumentKind.legal_notice.value in kinds:
        return _after_notice(standing, _letters(case.actions), done, warnings)
    last_term = _last_term(standing, _letters(case.actions))
    reached = max((SEQUENCE.index(k) for k in kinds if k in SEQUENCE), default=-1)  # later steps imply earlier
    if _needs_tracing(case.actions) and "tracing" not in kinds:
        return _step(at, "contact", "tracing", _last_date(done),
                     "the debtor could not be reached: trace the current address and contacts", done, warnings)
    nxt = SEQUENCE[reached + 1]
    phase = SEQUENCE[reached] if reached >= 0 else "opened"
    phase = {"data_check": "opened", "phone_call": "contact", "tracing": "contact"}.get(phase, phase)
    if nxt == "data_check":
        return _step(at, phase, nxt, _opened(standing),
                     "check the debtor's data (registry, tax id, address, PEC) before the first letter", done, warnings)
    if nxt == "first_demand":
        return _step(at, phase, nxt, _last_date(done), "send the first demand letter", done, warnings)
    if nxt == "phone_call":
        return _step(at, phase, nxt, last_term, "call the debtor once the first demand's term has run out", done,
                     warnings)
    if nxt == "second_demand":
        return _step(at, phase, nxt, max(_last_date(done), last_term), "send the second demand letter", done,
                     warnings)
    if nxt == "home_visit":
        return _step(at, phase, nxt, last_term, "visit the debtor once the second demand's term has run out", done,
                     warnings)
    return _step(at, phase, "legal_notice", max(_last_date(done), last_term),
                 "send the legal notice by a channel that proves delivery (PEC, raccomandata A/R, burofax)",
                 done, warnings)


def _after_notice(standing: Standing, letters: list[Action], done: tuple[StepDone, ...],
                  warnings: tuple[str, ...]) -> NextStep:
    at = standing.at
    notice = [a for a in letters if a.document_kind is DocumentKind.legal_notice or a.type is ActionType.legal_notice][-1]
    sent = next((s for s in reversed(standing.letters) if s.kind is DocumentKind.legal_notice), None)
    if sent is not None and sent.delivered_on is None:
        if sent.state in ("failed", "undeliverable", "rejected", "lost", "cancelled"):
            return _step(at, "legal_notice", "tracing", sent.sent_on,
                         f"the legal notice sent by {sent.channel} on {sent.sent_on.isoformat()} was not delivered "
                         f"({sent.state}): trace the debtor and send it again", done, warnings)
        return NextStep("legal_notice", "await_delivery", None, False,
                        f"legal notice sent by {sent.channel} on {sent.sent_on.isoformat()}: waiting for proof of "
                        "delivery", done, warnings)
    term = _term_end(standing, notice, sent.deadline_at if sent else None)
    how = f" by {notice.channel}" if notice.channel else ""
    when = notice.delivered_on or notice.date
    paid_since = [p for p in standing.case.claim.payments if p.date > when]
    since = (f"{len(paid_since)} payment(s) since, {standing.statement.total_due} EUR still owed"
             if paid_since else "no payment since")
    verb = "delivered" if notice.delivered_on else "sent"
    if term >= at:
        return NextStep("legal_notice", "court_or_report", term + dt.timedelta(days=1), False,
                        f"legal notice {verb}{how} on {when.isoformat()}, deadline {term.isoformat()} not yet "
                        f"passed: wait for payment", done, warnings)
    return NextStep("legal_notice", "court_or_report", term + dt.timedelta(days=1), True,
                    f"legal notice {verb}{how} on {when.isoformat()}, deadline {term.isoformat()} passed, {since}: "
                    "prepare the uncollectability report or hand over to court", done, warnings)


def _plan_step(standing: Standing, warnings: tuple[str, ...]) -> NextStep | None:
    """The step while an agreed plan or promise runs; None when there is none or it was broken and the legal
    notice has been sent since (the demand sequence takes over again)."""
    case, at = standing.case, standing.at
    if case.plan is None or case.plan.since is None or case.plan.since > at:
        return None
    plan, done = plan_figures(case, at), _done(standing)
    what = "promise" if case.plan.type.value == "promise" else "plan"
    if plan.balance <= 0 and plan.broken_on is None:
        return NextStep("settled", "close", None, False, f"the {what} was kept: every instalment is paid; close "
                                                         "the case", done, warnings)
    missed = plan.missed
    if not missed:
        nxt = plan.first_unpaid
        assert nxt is not None
        return NextStep("plan", "await_instalment", nxt.grace_until + dt.timedelta(days=1), False,
                        f"the {what} is running: instalment {nxt.number} of {nxt.unpaid} EUR due on "
                        f"{nxt.due_date.isoformat()} (grace to {nxt.grace_until.isoformat()})", done, warnings)
    first = missed[0]
    broken = plan.broken_on or at
    letters = [a for a in case.actions if a.type in (ActionType.letter, ActionType.legal_notice) and a.date >= broken]
    notices = [a for a in letters if a.document_kind is DocumentKind.missed_instalment]
    due = (f"the whole balance of {plan.balance_due} EUR is due (art. 1186 c.c.; vencimiento anticipado)"
           if plan.accelerated else f"{plan.balance_due} EUR is overdue")
    if not notices:
        return _step(at, "plan_broken", "missed_instalment", broken,
                     f"instalment {first.number} due on {first.due_date.isoformat()} was missed (grace to "
                     f"{first.grace_until.isoformat()}): {due}; send the missed-instalment notice", done, warnings)
    if any(a.document_kind is DocumentKind.legal_notice or a.type is ActionType.legal_notice for a in letters):
        return None
    term = _term_end(standing, notices[-1], None)
    return _step(at, "plan_broken", "legal_notice", term + dt.timedelta(days=1),
                 f"the {what} is broken and the missed-instalment notice of {notices[-1].date.isoformat()} was "
                 f"not met by {term.isoformat()}: {due}; send the legal notice", done, warnings)


def _done(standing: Standing) -> tuple[StepDone, ...]:
    out: list[StepDone] = []
    hand_letters = 0
    for a in standing.case.actions:
        if a.date > standing.at:
            continue
        if a.type in (ActionType.letter, ActionType.legal_notice):
            kind = a.document_kind
            if kind is None:
                kind = DocumentKind.legal_notice if a.type is ActionType.legal_notice else \
                    LETTER_STEPS[min(hand_letters, 1)]
                hand_letters += 1
            how = f" by {a.channel}" if a.channel else ""
            delivered = f", delivered {a.delivered_on.isoformat()}" if a.delivered_on else ""
            out.append(StepDone(kind.value, a.date, f"{kind.value.replace('_', ' ')} sent{how}{delivered}"))
        elif a.type in (ActionType.tracing, ActionType.asset_search):
            out.append(StepDone("tracing", a.date, a.outcome or a.type.value.replace("_", " ")))
        else:
            out.append(StepDone(a.type.value, a.date, a.outcome or a.description or a.type.value.replace("_", " ")))
    return tuple(out)


def _letters(actions: list[Action]) -> list[Action]:
    """The demands sent (agreement documents such as a plan or a receipt are not steps of the sequence)."""
    return [a for a in actions if a.type in (ActionType.letter, ActionType.legal_notice)
            and not (a.document_kind is not None and a.document_kind.is_agreement)]


def _needs_tracing(actions: list[Action]) -> bool:
    calls = [a for a in actions if a.type is ActionType.phone_call]
    return bool(calls) and any(u in (calls[-1].outcome or "").lower() for u in UNREACHED)


def _term_end(standing: Standing, letter: Action, dispatch_deadline: dt.date | None) -> dt.date:
    """Last day of the letter's term: the dispatch's (from legal effect) or counted from the letter."""
    if dispatch_deadline is not None:
        return dispatch_deadline
    # a letter logged by hand: the term of its kind when known, else the case's own term
    days = (DEFAULT_DEADLINE_DAYS[letter.document_kind] if letter.document_kind else standing.case.deadline_days) or 15
    start = letter.delivered_on or letter.date
    assert standing.case.jurisdiction is not None
    return deadline_date(start, days, standing.case.jurisdiction, payment_place(standing.case))


def _last_term(standing: Standing, letters: list[Action]) -> dt.date:
    if not letters:
        return _opened(standing)
    sent = {s.sent_on: s.deadline_at for s in standing.letters}
    last = letters[-1]
    return _term_end(standing, last, sent.get(last.date))


def _opened(standing: Standing) -> dt.date:
    return min((a.date for a in standing.case.actions), default=standing.case.date)


def _last_date(done: tuple[StepDone, ...]) -> dt.date:
    return max((d.on for d in done), default=dt.date.min)


def _step(at: dt.date, phase: str, step: str, due: dt.date, summary: str, done: tuple[StepDone, ...],
          warnings: tuple[str, ...]) -> NextStep:
    return NextStep(phase, step, due, due < at, summary, done, warnings)
