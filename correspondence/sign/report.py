"""Verification results: one report per file, one entry per signature, problems in plain words."""
from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Optional


@dataclass
class SignatureReport:
    """One signature (or document timestamp) and what is wrong with it, if anything."""

    kind: str  # "signature", "document-timestamp" or "cades"
    field: Optional[str]
    signer: str
    signer_subject: str
    issuer: str
    signing_time: Optional[datetime] = None  # claimed by the signer
    timestamp: Optional[datetime] = None  # from a trusted timestamp token
    level: Optional[str] = None  # PAdES level reached: B-B, B-T, B-LT, B-LTA
    certification: Optional[str] = None  # DocMDP permission of a certification signature
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    coverage: Optional[str] = None
    modification: Optional[str] = None
    validated_at: Optional[datetime] = None  # set when validated as of the timestamp, not the current time
    problems: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)  # worth knowing, not a failure

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        for key in ("signing_time", "timestamp", "validated_at"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data


@dataclass
class VerificationReport:
    """Verdict for a whole file: valid only if it has signatures and every one of them is fine."""

    file_type: str  # "pdf" or "p7m"
    signatures: list[SignatureReport] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)  # file-level problems
    content: Optional[bytes] = None  # the signed content of a .p7m

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and not self.problems and all(s.ok for s in self.signatures)

    def all_problems(self) -> list[str]:
        out = list(self.problems)
        for s in self.signatures:
            out.extend(f"{s.field or s.kind}: {p}" for p in s.problems)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "file_type": self.file_type, "problems": self.problems,
                "signatures": [s.to_dict() for s in self.signatures],
                "content_size": len(self.content) if self.content is not None else None}

    def summary(self) -> str:
        """Human-readable multi-line summary (what `correspondence verify` prints)."""
        if not self.signatures and len(self.problems) == 1:  # e.g. a damaged CMS: one line says it all
            return f"NOT VALID: {self.problems[0]}"
        lines = [f"{'VALID' if self.valid else 'NOT VALID'}: {len(self.signatures)} signature(s) in {self.file_type}"]
        lines.extend(f"  ! {p}" for p in self.problems)
        for s in self.signatures:
            head = {"document-timestamp": "document timestamp", "cades": "CAdES signature"}.get(s.kind, "signature")
            name = f" {s.field}" if s.field else ""
            state = "ok" if s.ok else "FAILED"
            lines.append(f"- {head}{name} [{state}] by {s.signer}" + (f" ({s.level})" if s.level else ""))
            if s.signing_time:
                lines.append(f"    signing time (claimed): {s.signing_time:%Y-%m-%d %H:%M:%S %Z}")
            if s.timestamp:
                lines.append(f"    timestamp: {s.timestamp:%Y-%m-%d %H:%M:%S %Z}")
            if s.certification:
                lines.append(f"    certification signature, permits: {s.certification}")
            lines.append(f"    intact: {s.intact}, valid: {s.valid}, trusted: {s.trusted}, revoked: {s.revoked}"
                         + (f", coverage: {s.coverage}" if s.coverage else "")
                         + (f", modifications: {s.modification}" if s.modification else ""))
            lines.extend(f"    ! {p}" for p in s.problems)
            lines.extend(f"    note: {n}" for n in s.notes)
        return "\n".join(lines)
