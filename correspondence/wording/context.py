"""What a wording template can see: the case, its figures and a few derived facts, never raw I/O."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from ..figures import Prescription, Statement, deadline_date
from ..model import ActionType, Case, DocumentKind
from .language import LanguagePack

LETTER_ACTIONS = frozenset({ActionType.letter, ActionType.legal_notice, ActionType.email})


def wording_context(case: Case, statement: Statement, prescription: Prescription, pack: LanguagePack,
                    extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Variables for `templates/<lang>/wording/<kind>.j2`; documented in templates/README.md. The report
    also gets `assessment` (the pure rules of `correspondence.report`) and `annexes` (none unless given)."""
    earlier = [a for a in case.actions if a.date <= case.date]
    deadline = deadline_date(case.date, case.deadline_days, case.jurisdiction) if case.deadline_days else None
    context: dict[str, Any] = {
        "case": case,
        "creditor": case.creditor,
        "debtor": case.debtor,
        "representative": case.representative,
        "signatory": case.signatory,
        "claim": case.claim,
        "invoices": case.claim.invoices,
        "payments": case.claim.payments,
        "kind": case.kind.value,
        "tone": case.tone.value,
        "credit_type": case.credit_type.value,
        "debtor_type": case.debtor.type.value,
        "jurisdiction": case.jurisdiction.value if case.jurisdiction else "",
        "language": case.language.value,
        "consumer": not case.debtor.type.is_commercial,
        "business": case.debtor.type.is_commercial,
        "public_administration": case.debtor.type.value == "public_administration",
        "on_behalf": case.representative is not None,
        "figures": statement,
        "prescription": prescription,
        "prescribed": prescription.status == "prescribed",
        "deadline_days": case.deadline_days,
        "deadline_date": deadline,
        "earlier_letters": [a for a in earlier if a.type in LETTER_ACTIONS],
        "calls": [a for a in earlier if a.type == ActionType.phone_call],
        "visits": [a for a in earlier if a.type == ActionType.home_visit],
        "tracing": [a for a in earlier if a.type in (ActionType.tracing, ActionType.data_check, ActionType.asset_search)],
        "actions": earlier,
        "options": case.options,
        "report": case.report,
        "letter_date": case.date,
        "today": dt.date.today(),
    }
    context.update(extra or {})
    if case.kind is DocumentKind.uncollectability_report:
        if "assessment" not in context:
            from ..report.assessment import assess  # pure rules over model and figures, no rendering

            context["assessment"] = assess(case, statement=statement)
        context.setdefault("annexes", [])
    return context
