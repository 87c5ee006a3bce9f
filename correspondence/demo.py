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
from .pipeline import Signing, sign_options
from .render import compose_document, render_docx, render_pdf
from .sign import SigningKey, default_demo_dir, ensure_demo_signer
from .templates import examples_dir

PLAN = (  # (kind, tone) rendered for each language
    ("first_demand", "courteous"),
    ("second_demand", "firm"),
    ("legal_notice", "stern"),
    ("uncollectability_report", "firm"),
)


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
             certificate_dir: Optional[Path] = None) -> list[DemoFile]:
    """Render, sign and store the demo set under `out_dir`; `step` is told what is being done."""
    step = step or (lambda _msg: None)
    files: list[DemoFile] = []
    signing = _demo_signing(certificate_dir)
    for lang, base in demo_cases().items():
        for kind, tone in PLAN:
            case = base.model_copy(update={"kind": base.kind.__class__(kind), "tone": base.tone.__class__(tone)})
            case = build_case(case.model_dump(mode="json"))
            step(f"{lang}: {kind} ({tone})")
            doc = compose_document(case)
            rendered = render_pdf(doc)
            stem = out_dir / lang / kind
            for fmt, data in (("pdf", rendered.data), ("docx", render_docx(doc))):
                path = stem.with_suffix(f".{fmt}")
                write_atomic(path, data)
                files.append(DemoFile(path, lang, kind, fmt, len(data), "PDF/A-3b" if fmt == "pdf" and rendered.pdfa else ""))
            if kind == "legal_notice":
                step(f"{lang}: signing {kind}")
                signed = signing.key.sign_pdf(rendered.data, sign_options(case, rendered, signing))
                path = stem.with_name(f"{kind}.signed.pdf")
                write_atomic(path, signed)
                files.append(DemoFile(path, lang, kind, "pdf", len(signed), "PAdES B-B, demo certificate"))
    return files


def _demo_signing(certificate_dir: Optional[Path]) -> Signing:
    """The demo certificate, generated on first use, loaded once for every letter."""
    p12, password, _ca = ensure_demo_signer(certificate_dir or default_demo_dir())
    return Signing(key=SigningKey.from_p12(p12, password))
