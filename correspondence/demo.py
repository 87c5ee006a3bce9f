"""The demo: the main job on the embedded defaults, end to end, in one command.

It renders the sample cases in both languages and formats, signs the legal notices with a generated demo
certificate, stores every document in the embedded store (SQLite + local blobs) and tracks a certified
dispatch of the Italian notice through its PEC receipts, so the legal-effect and deadline dates show.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .casefile import build_case, read_case_file
from .model import Case
from .files import write_atomic
from .pipeline import Signing, sign_options, with_signature_field
from .render import compose_document, render_docx, render_pdf
from .sign import SigningKey, default_demo_dir, ensure_demo_signer, sign_pdf
from .templates import examples_dir

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
    """Render and sign the demo set under `out_dir`, store the signed notices and track their dispatch."""
    step = step or (lambda _msg: None)
    files: list[DemoFile] = []
    signing = _demo_signing(certificate_dir)
    notices: dict[str, tuple[Case, bytes]] = {}
    for lang, base in demo_cases().items():
        for kind, tone in PLAN:
            case = build_case({**base.model_dump(mode="json"), "kind": kind, "tone": tone})
            step(f"{lang}: {kind} ({tone})")
            doc = compose_document(case)
            rendered = with_signature_field(case, render_pdf(doc))
            stem = out_dir / lang / kind
            for fmt, data in (("pdf", rendered.data), ("docx", render_docx(doc))):
                path = stem.with_suffix(f".{fmt}")
                write_atomic(path, data)
                files.append(DemoFile(path, lang, kind, fmt, len(data), "PDF/A-3b" if fmt == "pdf" and rendered.pdfa else ""))
            if kind == "legal_notice":
                step(f"{lang}: signing {kind}")
                signed = sign_pdf(signing.key, rendered.data, sign_options(case, rendered, signing))
                path = stem.with_name(f"{kind}.signed.pdf")
                write_atomic(path, signed)
                files.append(DemoFile(path, lang, kind, "pdf", len(signed), "PAdES B-B, demo certificate"))
                notices[lang] = (case, signed)
    step("tracking the dispatch of the signed notices")
    return files, track_dispatches(notices)


# Carrier events of the demo: an Italian raccomandata A/R left unclaimed after a notice of arrival, and a
# Spanish burofax delivered at the second attempt (times in the carriers' local zones).
DEMO_EVENTS = {
    "it": ("raccomandata_ar", "Europe/Rome", (("submitted", "2026-11-23T17:05"), ("accepted", "2026-11-23T17:05"),
                                              ("delivery_attempted", "2026-11-25T10:40"),
                                              ("notice_left", "2026-11-25T10:41"))),
    "es": ("burofax", "Europe/Madrid", (("submitted", "2026-11-23T12:00"), ("accepted", "2026-11-23T12:02"),
                                        ("delivery_attempted", "2026-11-24T11:15"),
                                        ("delivered", "2026-11-25T09:30"))),
}


def track_dispatches(notices: dict[str, tuple[Case, bytes]]) -> list[DemoDispatch]:
    """Store each signed notice in the embedded store and replay its carrier events into legal dates."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from .dispatch import DispatchEvent, EventType
    from .store import Store
    from .store.apikeys import get_or_create_tenant
    from .store.cases import create_case
    from .store.dispatches import add_event, create_dispatch, status
    from .store.documents import record_document

    store = Store.open()
    out: list[DemoDispatch] = []
    try:
        with store.session() as session:
            tenant = get_or_create_tenant(session, "demo")
            for lang, (case, signed) in notices.items():
                channel, zone, events = DEMO_EVENTS[lang]
                record = create_case(session, tenant.id, case)
                blob = store.blobs.put_bytes(signed)
                document, _ = record_document(session, tenant.id, blob, origin="signed", media_type="application/pdf",
                                              filename=f"{case.reference or 'notice'}.signed.pdf", case_id=record.id)
                address = ", ".join(case.debtor.address.lines())
                dispatch = create_dispatch(session, record, document, channel=channel, recipient=address,
                                           recipient_name=case.debtor.name, deadline_days=case.deadline_days)
                for kind, when in events:
                    at = dt.datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(zone))
                    add_event(session, dispatch, DispatchEvent(EventType(kind), at, "carrier"))
                st = status(session, dispatch)
                effect = st.legal_effect
                out.append(DemoDispatch(
                    lang, channel, st.state.value,
                    effect.effective_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
                    if effect and effect.effective_at else "—",
                    effect.rule if effect else "—", st.deadline_at.isoformat() if st.deadline_at else "—"))
    finally:
        store.close()
    return out


def _demo_signing(certificate_dir: Optional[Path]) -> Signing:
    """The demo certificate, generated on first use, loaded once for every letter."""
    p12, password, _ca = ensure_demo_signer(certificate_dir or default_demo_dir())
    return Signing(key=SigningKey.from_p12(p12, password))
