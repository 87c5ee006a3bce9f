"""Helpers for the dispatch tests (a uniquely named module, not conftest: test dirs are not packages)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from correspondence.dispatch import DispatchEvent, EventType

PEC_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "pec"
CET = timezone(timedelta(hours=1))


def pec_bytes(name: str) -> bytes:
    return (PEC_DIR / name).read_bytes()


def at(day: str, hhmm: str = "00:00", tz: timezone = CET) -> datetime:
    """'2025-03-05', '10:00' -> aware datetime (CET unless told)."""
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=tz)


def ev(etype: str, day: str, hhmm: str = "00:00", source: str = "carrier", trusted: bool = True,
       **details: str) -> DispatchEvent:
    return DispatchEvent(EventType(etype), at(day, hhmm), source, trusted, details)


def _test_trust():
    """The packaged provider list plus the fixtures' test gestore (self-signed, trusted only in tests)."""
    import json

    from correspondence.dispatch.providers import PACKAGED, parse_trust_list

    data = json.loads(PACKAGED.read_text())
    data["providers"].append({"name": "TEST GESTORE (fixtures)", "organization": "Correspondence test fixtures"})
    data["anchors"].append({"name": "test gestore", "pem": (PEC_DIR / "test_gestore_cert.pem").read_text()})
    return parse_trust_list(json.dumps(data).encode(), origin="tests")


TEST_TRUST = _test_trust()


def parse_pec(raw: bytes):
    """parse_pec_receipt trusting the test gestore that signed the built fixtures."""
    from correspondence.dispatch import parse_pec_receipt

    return parse_pec_receipt(raw, trust=TEST_TRUST)
