"""Producing one case of a campaign: the unit of work a pool process or a Celery worker runs.

A `Job` carries only data (the validated case as JSON, the formats, whether to sign), never a key or a
connection, so any stateless worker can run it; the worker brings its own signing key, loaded once. The
result carries the bytes and the figures; the coordinator writes the files and journals them, so a case is
written once however often its job runs (a redelivered task just computes the same letter again).
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from ..errors import CorrespondenceError


@dataclass(frozen=True)
class Job:
    stem: str
    case: dict[str, Any]  # `Case.model_dump(mode="json")`
    formats: tuple[str, ...]
    sign: bool
    fingerprint: str
    lines: tuple[int, ...]
    base_dir: Optional[str] = None
    brand: Optional[dict[str, Any]] = None  # `branding.CampaignBrand.payload`: a named brand's fields and files
    engine: str = "weasyprint"  # or "typst" (render/typst.py)

    def to_json(self) -> dict[str, Any]:
        return {"stem": self.stem, "case": self.case, "formats": list(self.formats), "sign": self.sign,
                "fingerprint": self.fingerprint, "lines": list(self.lines), "base_dir": self.base_dir,
                "brand": self.brand, "engine": self.engine}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Job":
        return cls(stem=data["stem"], case=data["case"], formats=tuple(data["formats"]), sign=bool(data["sign"]),
                   fingerprint=data["fingerprint"], lines=tuple(data["lines"]), base_dir=data.get("base_dir"),
                   brand=data.get("brand"), engine=data.get("engine") or "weasyprint")


@dataclass
class Produced:
    """What a worker hands back: file name -> bytes, the figures as decimal strings, warnings, or an error."""

    stem: str
    files: dict[str, bytes] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: Optional[str] = None
    layout: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> fmt, signature box, pdfa, engine

    def to_json(self) -> dict[str, Any]:
        return {"stem": self.stem, "files": {k: base64.b64encode(v).decode() for k, v in self.files.items()},
                "figures": self.figures, "warnings": self.warnings, "error": self.error, "layout": self.layout}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Produced":
        return cls(stem=data["stem"], files={k: base64.b64decode(v) for k, v in data["files"].items()},
                   figures=data["figures"], warnings=list(data["warnings"]), error=data.get("error"),
                   layout=data.get("layout") or {})

    def rendering(self, name: str) -> Any:
        """The unsigned `pipeline.Rendering` of one file, for signing or registering it elsewhere."""
        from ..pipeline import Rendering
        from ..render.result import SignatureBox

        meta = self.layout[name]
        box = meta.get("box")
        return Rendering(self.files[name], meta["fmt"], SignatureBox(box[0], tuple(box[1])) if box else None,
                         bool(meta.get("pdfa")), meta.get("engine") or "weasyprint")

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


def output_name(stem: str, fmt: str, signed: bool) -> str:
    """`<debtor>.pdf`, `<debtor>.signed.pdf`, `<debtor>.docx`: predictable from the source rows alone."""
    return f"{stem}{'.signed' if signed and fmt == 'pdf' else ''}.{fmt}"


def figures_of(case: Any) -> tuple[dict[str, str], list[str]]:
    """Outstanding principal, interest, flat compensation (D.Lgs. 231/2002 art. 6; Ley 3/2004 art. 8), costs
    and total as the letter states them, and the warnings the letter's author should read."""
    from ..figures import compute_statement, prescription

    statement = compute_statement(case)
    figures = {"principal": str(statement.principal_outstanding), "interest": str(statement.interest),
               "compensation": str(statement.compensation), "costs": str(statement.costs),
               "total": str(statement.total_due)}
    warnings = list(statement.notes)
    presc = prescription(case)
    if presc.warning:
        warnings.append(presc.warning)
    return figures, warnings


def produce_job(job: Job, signing: Any = None) -> Produced:
    """Render (and sign) one case; input and configuration problems come back as `error`, not raised."""
    return produce_jobs([job], signing)[0]


def produce_jobs(jobs: Sequence[Job], signing: Any = None) -> list[Produced]:
    """`produce_job` for each of `jobs`, in order, with what they can share done once: the PDFs of Typst
    cases are laid out together and split per letter (render/typst_many.py), then each is signed on its own.
    A case that cannot be composed, or whose letter cannot be laid out, fails alone."""
    drafts = [_compose(job, signing) for job in jobs]
    together: dict[Optional[bool], list[_Draft]] = {}
    for d in drafts:
        if isinstance(d, _Draft) and d.job.engine == "typst" and "pdf" in d.job.formats:
            together.setdefault(d.composed.pdfa, []).append(d)
    for pdfa, group in together.items():
        if len(group) < 2:
            continue
        from ..render.typst_many import render_typst_many

        try:
            laid_out = render_typst_many([d.composed.document for d in group], pdfa=pdfa)
        except CorrespondenceError:  # one letter spoils the pass: each is laid out alone and reports its own
            continue
        for draft, pdf in zip(group, laid_out):
            draft.composed.use_layout(pdf)
    return [d if isinstance(d, Produced) else _finish(d) for d in drafts]


@dataclass
class _Draft:
    job: Job
    composed: Any  # pipeline.Composed
    figures: dict[str, str]
    warnings: list[str]
    signing: Any


def _compose(job: Job, signing: Any) -> "_Draft | Produced":
    from ..casefile import build_case
    from ..pipeline import compose, signed_at_once
    from .branding import worker_kit

    try:
        case = build_case(job.case)
        kit = worker_kit(job.brand)
        figures, warnings = figures_of(case)
        base_dir = Path(job.base_dir) if job.base_dir else None
        sign_now = signing is not None and job.sign and "pdf" in job.formats
        composed = compose(signed_at_once(case) if sign_now else case, base_dir=base_dir,
                           kit=kit, engine=job.engine)  # once, all formats
        return _Draft(job, composed, figures, warnings, signing if sign_now else None)
    except CorrespondenceError as exc:
        return Produced(job.stem, error=str(exc))


def _finish(draft: _Draft) -> Produced:
    from ..pipeline import sign_rendering

    job, composed = draft.job, draft.composed
    try:
        files, layout = {}, {}
        for fmt in job.formats:
            sign = draft.signing if fmt == "pdf" else None
            rendering = composed.render(fmt)
            name = output_name(job.stem, fmt, sign is not None)
            files[name] = rendering.data if sign is None else sign_rendering(composed.case, rendering, sign)
            box = rendering.signature_box
            layout[name] = {"fmt": fmt, "pdfa": rendering.pdfa, "box": [box.page, list(box.box)] if box else None,
                            "engine": rendering.engine}
        return Produced(job.stem, files, draft.figures, draft.warnings, layout=layout)
    except CorrespondenceError as exc:
        return Produced(job.stem, error=str(exc))


def warm_up(job: Job) -> None:
    """Compose `job` without laying it out, so that what its letters share (wording templates compiled, the
    language pack, Babel's locale data, the brand kit) is built once in a process about to fork its workers
    instead of in each of them. Nothing is rendered: a Typst compile before a fork would hang the workers
    (`render.typst.ran`). A problem with the case is left for its letter to report."""
    from ..casefile import build_case
    from ..pipeline import compose, signed_at_once
    from .branding import worker_kit

    try:
        case = build_case(job.case)
        figures_of(case)
        compose(signed_at_once(case) if job.sign else case, base_dir=Path(job.base_dir) if job.base_dir else None,
                kit=worker_kit(job.brand), engine=job.engine)
    except CorrespondenceError:
        pass
