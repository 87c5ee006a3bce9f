"""The demo: the main job on the embedded defaults, end to end, in one command.

It opens the sample case of each language in the embedded store (SQLite + local blobs) and produces every
document kind from it through the casework layer, in both formats; the legal notice is signed once over its
stored rendering with a generated demo certificate and dispatched, and the carrier's events give its
legal-effect and deadline dates.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from .casefile import build_case, read_case_file
from .casework import cases
from .casework.documents import render_document, sign_document
from .casework.standing import DocumentRequest
from .casework.steps import next_step
from .files import write_atomic
from .model import Case, DocumentKind, Tone
from .pipeline import Signing
from .sign import SigningKey, default_demo_dir, ensure_demo_signer
from .packaged import examples_dir

PLAN = (  # (kind, tone) rendered for each language
    ("first_demand", "courteous"),
    ("second_demand", "firm"),
    ("legal_notice", "stern"),
    ("uncollectability_report", "firm"),
)


@dataclass(frozen=True)
class DemoDispatch:
    language: str
    channel: str
    state: str
    legal_effective_at: str
    rule: str
    deadline_at: str
    next_step: str = ""


@dataclass(frozen=True)
class DemoFile:
    path: Path
    language: str
    kind: str
    fmt: str
    size: int
    note: str = ""


def demo_cases() -> dict[str, Case]:
    return {lang: build_case(read_case_file(examples_dir() / f"case-{lang}.yaml")) for lang in ("it", "es")}


def run_demo(out_dir: Path, *, step: Optional[Callable[[str], None]] = None,
             certificate_dir: Optional[Path] = None) -> tuple[list[DemoFile], list[DemoDispatch]]:
    """One case per language through the casework layer, on the embedded store: open it, produce each
    document from the case as it stands (the legal notice signed once over its stored rendering), dispatch
    the notice and replay the carrier's events into its legal-effect and deadline dates. Files are written
    under `out_dir` from the stored bytes."""
    from .store import Store
    from .store.apikeys import get_or_create_tenant

    step = step or (lambda _msg: None)
    files: list[DemoFile] = []
    dispatches: list[DemoDispatch] = []
    signing = _demo_signing(certificate_dir)
    store = Store.open()
    try:
        with store.session() as session:
            tenant_id = get_or_create_tenant(session, "demo").id
            session.commit()
            for lang, case in demo_cases().items():
                record, _ = cases.open_case(session, tenant_id, case)
                for kind, tone in PLAN:
                    step(f"{lang}: {kind} ({tone})")
                    request = DocumentRequest(kind=DocumentKind(kind), tone=Tone(tone), date=case.date)
                    pdf = render_document(session, store.blobs, tenant_id, record.id, request, "pdf").document
                    docx = render_document(session, store.blobs, tenant_id, record.id, request, "docx").document
                    pdfa = "PDF/A-3b" if (pdf.made_from or {}).get("pdfa") else ""
                    files.append(_write(store, out_dir / lang / f"{kind}.pdf", pdf, lang, kind, pdfa))
                    files.append(_write(store, out_dir / lang / f"{kind}.docx", docx, lang, kind, ""))
                    if kind == "legal_notice":
                        step(f"{lang}: signing {kind}")
                        signed, _ = sign_document(session, store.blobs, tenant_id, pdf.id, signing)
                        files.append(_write(store, out_dir / lang / f"{kind}.signed.pdf", signed, lang, kind,
                                            "PAdES B-B, demo certificate"))
                        if lang in DEMO_EVENTS:
                            tracked = _track(session, record, signed, lang, case)
                        else:
                            step(f"{lang}: sending {kind} by PEC (simulated provider)")
                            tracked = _send_pec(store, session, record, signed, case, out_dir, certificate_dir)
                        _, standing = cases.case_standing(session, tenant_id, record.id)
                        dispatches.append(dataclasses.replace(tracked, next_step=next_step(standing).summary))
            step("tracking the dispatch of the signed notices")
    finally:
        store.close()
    return files, dispatches


def _write(store: Any, path: Path, document: Any, lang: str, kind: str, note: str) -> DemoFile:
    data = store.blobs.read_verified(document.sha256)
    write_atomic(path, data)
    return DemoFile(path, lang, kind, path.suffix.lstrip("."), len(data), note)


# Carrier events of the demo: a Spanish burofax delivered at the second attempt (the carrier's local time).
# The Italian notice goes by PEC through the provider simulator instead (`_send_pec`).
DEMO_EVENTS = {
    "es": ("burofax", "Europe/Madrid", (("submitted", "2026-11-23T12:00"), ("accepted", "2026-11-23T12:02"),
                                        ("delivery_attempted", "2026-11-24T11:15"),
                                        ("delivered", "2026-11-25T09:30"))),
}


def _track(session: Any, record: Any, signed: Any, lang: str, case: Case) -> DemoDispatch:
    """Open the dispatch of the signed notice and replay the carrier's events into legal dates."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from .dispatch import DispatchEvent, EventType
    from .casework.dispatches import open_dispatch, record_event
    from .store.dispatches import status

    channel, zone, events = DEMO_EVENTS[lang]
    address = ", ".join(case.debtor.address.lines())
    dispatch, _ = open_dispatch(session, record.tenant_id, case_id=record.id, document_id=signed.id,
                                channel=channel, recipient=address, recipient_name=case.debtor.name,
                                deadline_days=case.deadline_days)
    for kind, when in events:
        at = dt.datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(zone))
        record_event(session, record.tenant_id, dispatch.id, DispatchEvent(EventType(kind), at, "carrier"))
    st = status(session, dispatch)
    effect = st.legal_effect
    return DemoDispatch(
        lang, channel, st.state.value,
        effect.effective_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        if effect and effect.effective_at else "—",
        effect.rule if effect else "—", st.deadline_at.isoformat() if st.deadline_at else "—")


def _send_pec(store: Any, session: Any, record: Any, signed: Any, case: Case, out_dir: Path,
              certificate_dir: Optional[Path]) -> DemoDispatch:
    """Send the signed notice by PEC through the simulator and collect its signed receipts: the dispatch is
    delivered at the avvenuta consegna, and the deadline runs from it (DPR 68/2005 art. 3)."""
    from zoneinfo import ZoneInfo

    from .casework.dispatches import open_dispatch
    from .demo_pec import send_and_collect
    from .store.dispatches import status

    recipient = case.debtor.pec or "debitore@pec.example.it"
    dispatch, _ = open_dispatch(session, record.tenant_id, case_id=record.id, document_id=signed.id,
                                channel="pec", recipient=recipient, recipient_name=case.debtor.name,
                                deadline_days=case.deadline_days)
    session.commit()  # the submission takes its own locks
    pki = (certificate_dir or default_demo_dir()).parent / "demo-pec"
    send_and_collect(store, record.tenant_id, dispatch.id, mailbox_dir=out_dir / "pec-mailbox", pki_dir=pki)
    session.expire_all()
    st = status(session, session.merge(dispatch))
    effect = st.legal_effect
    return DemoDispatch(
        "it", "pec (simulated provider)", st.state.value,
        effect.effective_at.astimezone(ZoneInfo("Europe/Rome")).strftime("%Y-%m-%d %H:%M:%S")
        if effect and effect.effective_at else "—",
        effect.rule if effect else "—", st.deadline_at.isoformat() if st.deadline_at else "—")


def _demo_signing(certificate_dir: Optional[Path]) -> Signing:
    """The demo certificate, generated on first use, loaded once for every letter."""
    p12, password, _ca = ensure_demo_signer(certificate_dir or default_demo_dir())
    return Signing(key=SigningKey.from_p12(p12, password))
