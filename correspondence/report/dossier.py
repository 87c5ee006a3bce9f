"""The dossier: the report with its evidence. The PDF is PDF/A-3 with every annex embedded as an associated
file, byte-identical to the stored evidence; both PDF and DOCX list each annex with its SHA-256 and role."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import InputError
from ..figures import plan_figures
from ..model import Case, CostInputs, DocumentKind, Plan
from ..render import FORMATS, Document, compose_document, render_docx, render_pdf
from ..render.result import EmbeddedFile
from .assessment import assess

MAX_ANNEXES = 100
MAX_ANNEX_BYTES = 25 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
_MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
RELATIONSHIPS = ("Source", "Data", "Alternative", "Supplement", "Unspecified")


@dataclass(frozen=True)
class Annex:
    """One piece of evidence: a signed letter, a PEC receipt (.eml), a return-card scan, a burofax
    certificate, a search result. `role` says what it proves (printed in the report)."""

    filename: str
    data: bytes
    role: str
    media_type: str = "application/octet-stream"
    relationship: str = "Source"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def annexes_from(items: Iterable[Annex | tuple[str, bytes, str, str]]) -> list[Annex]:
    """Validate the annex list: (filename, bytes, role, media_type) tuples or `Annex`; bounded in count and
    size, unique file names without paths, a media type of the form type/subtype."""
    out: list[Annex] = []
    total = 0
    for i, item in enumerate(items):
        annex = item if isinstance(item, Annex) else Annex(item[0], item[1], item[2], item[3])
        where = f"annexes.{i}"
        if i >= MAX_ANNEXES:
            raise InputError("annexes", f"at most {MAX_ANNEXES} annexes")
        if not annex.filename or "/" in annex.filename or "\\" in annex.filename or len(annex.filename) > 200:
            raise InputError(f"{where}.filename", "a plain file name (no path) of 1 to 200 characters")
        if not isinstance(annex.data, bytes) or not annex.data:
            raise InputError(f"{where}.data", "the annex is empty")
        if annex.size > MAX_ANNEX_BYTES:
            raise InputError(f"{where}.data", f"larger than {MAX_ANNEX_BYTES // (1024 * 1024)} MiB")
        if not annex.role or len(annex.role) > 200:
            raise InputError(f"{where}.role", "say what the annex proves (1 to 200 characters)")
        if not _MEDIA_TYPE.match(annex.media_type):
            raise InputError(f"{where}.media_type", f"'{annex.media_type}' is not a media type such as application/pdf")
        if annex.relationship not in RELATIONSHIPS:
            raise InputError(f"{where}.relationship", f"one of {', '.join(RELATIONSHIPS)}")
        if any(a.filename == annex.filename for a in out):
            raise InputError(f"{where}.filename", f"'{annex.filename}' appears twice")
        total += annex.size
        if total > MAX_TOTAL_BYTES:
            raise InputError("annexes", f"more than {MAX_TOTAL_BYTES // (1024 * 1024)} MiB in all")
        out.append(annex)
    return out


def _report_case(case: Case, year_end: dt.date | None, inputs: CostInputs | None) -> Case:
    update: dict[str, object] = {}
    if case.kind is not DocumentKind.uncollectability_report:
        update["kind"] = DocumentKind.uncollectability_report
    if year_end is not None or inputs is not None:
        report = case.report.model_copy(update={k: v for k, v in (("year_end", year_end), ("cost_inputs", inputs))
                                                if v is not None})
        update["report"] = report
    return case.model_copy(update=update) if update else case


def compose_report(case: Case, annexes: Sequence[Annex | tuple[str, bytes, str, str]] = (), *,
                   year_end: dt.date | None = None, inputs: CostInputs | None = None,
                   base_dir: Path | None = None, wording_dir: Path | None = None,
                   earlier_plans: Sequence[Plan] = ()) -> tuple[Document, list[Annex]]:
    """The report as a layout-neutral document, with its validated annexes; `earlier_plans` are the plans
    and promises that came before the one on the case (each listed as kept, broken or superseded)."""
    checked = annexes_from(annexes)
    case = _report_case(case, year_end, inputs)
    assessment = assess(case)
    earlier = [(p, plan_figures(case.model_copy(update={"plan": p}))) for p in earlier_plans]
    doc = compose_document(case, base_dir=base_dir, wording_dir=wording_dir,
                           extra_context={"assessment": assessment, "annexes": checked, "earlier_plans": earlier})
    return doc, checked


def render_report(case: Case, annexes: Sequence[Annex | tuple[str, bytes, str, str]] = (), fmt: str = "pdf", *,
                  year_end: dt.date | None = None, inputs: CostInputs | None = None,
                  base_dir: Path | None = None, wording_dir: Path | None = None,
                  earlier_plans: Sequence[Plan] = ()) -> bytes:
    """Render the report: `pdf` is PDF/A-3b with each annex embedded (AFRelationship, file spec, checksum);
    `docx` lists the annexes with their SHA-256 (Word cannot carry them as associated files)."""
    if fmt not in FORMATS:
        raise InputError("format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
    doc, checked = compose_report(case, annexes, year_end=year_end, inputs=inputs, base_dir=base_dir,
                                  wording_dir=wording_dir, earlier_plans=earlier_plans)
    if fmt == "docx":
        return render_docx(doc)
    files = tuple(EmbeddedFile(a.filename, a.data, a.media_type, f"{a.role} (SHA-256 {a.sha256})", a.relationship)
                  for a in checked)
    return render_pdf(doc, pdfa=True, attachments=files).data
