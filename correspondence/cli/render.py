"""CLI: render letters and reports, list the template matrix, export the case schema, run the demo."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..casefile import load_case
from ..errors import InputError
from ..files import write_atomic
from ..model import Case, CreditType, DebtorType, DocumentKind, Jurisdiction, Language, Tone
from ..render import FORMATS
from ..packaged import available_languages
from ..wording import available_kinds

console = Console()


CLI_FORMATS = (*FORMATS, "html")


def _format_for(output: Path, fmt: Optional[str]) -> str:
    if fmt:
        if fmt not in CLI_FORMATS:
            raise InputError("--format", f"'{fmt}' is not one of {', '.join(CLI_FORMATS)}")
        return fmt
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in CLI_FORMATS:
        raise InputError("--format", f"cannot tell the format from '{output.name}'; use --format pdf|docx|html")
    return suffix


def register(app: typer.Typer) -> None:
    @app.command()
    def render(
        case_file: Path = typer.Argument(..., help="Case file (YAML or JSON)"),
        output: Path = typer.Option(..., "-o", "--output", help="Output file (.pdf or .docx)"),
        kind: Optional[DocumentKind] = typer.Option(None, help="Document kind (overrides the case file)"),
        tone: Optional[Tone] = typer.Option(None, help="Tone (overrides the case file)"),
        credit_type: Optional[CreditType] = typer.Option(None, "--credit-type"),
        debtor_type: Optional[DebtorType] = typer.Option(None, "--debtor-type"),
        language: Optional[Language] = typer.Option(None),
        jurisdiction: Optional[Jurisdiction] = typer.Option(None),
        date: Optional[dt.datetime] = typer.Option(None, formats=["%Y-%m-%d"], help="Letter date"),
        deadline_days: Optional[int] = typer.Option(None, "--deadline-days"),
        fmt: Optional[str] = typer.Option(None, "--format", help="pdf, docx or html (default: from the output name)"),
        pdfa: Optional[bool] = typer.Option(None, "--pdfa/--no-pdfa", help="PDF/A-3b (default on for legal notices)"),
        wording_dir: Optional[Path] = typer.Option(None, "--wording-dir", help="Folder of wording templates overriding the packaged ones"),
        brand: Optional[str] = typer.Option(None, "--brand", help="A brand of the library (brands/NAME/brand.yaml); default: the case's brand.ref"),
        brands_dir: Optional[Path] = typer.Option(None, "--brands-dir", help="The brand library (default: brands/ beside the case file, else ./brands)"),
        allow_prescribed: bool = typer.Option(False, "--allow-prescribed", help="Write a demand for a prescribed credit"),
        sign: bool = typer.Option(False, "--sign", help="Sign the PDF (PAdES); without a key, the demo certificate"),
        p12: Optional[Path] = typer.Option(None, "--p12", help="PKCS#12 (.p12/.pfx) signing key"),
        p12_password_file: Optional[Path] = typer.Option(None, "--p12-password-file", help="File holding the PKCS#12 password (or env CORRESPONDENCE_P12_PASSWORD)"),
        pkcs11_module: Optional[Path] = typer.Option(None, "--pkcs11-module", help="PKCS#11 module of a smart card or HSM"),
        token_label: Optional[str] = typer.Option(None, "--token-label"),
        key_label: Optional[str] = typer.Option(None, "--key-label"),
        pin_file: Optional[Path] = typer.Option(None, "--pin-file", help="File holding the token PIN (or env CORRESPONDENCE_PKCS11_PIN)"),
        level: str = typer.Option("B-B", "--level", help="PAdES level: B-B, B-T, B-LT, B-LTA"),
        tsa_url: Optional[str] = typer.Option(None, "--tsa-url", help="RFC 3161 timestamp authority (B-T and above)"),
        invisible: bool = typer.Option(False, "--invisible", help="Invisible signature (no stamp)"),
        strict: bool = typer.Option(False, "--strict", help="Refuse to write a letter whose figures use a rate "
                                                            "not marked verified"),
    ) -> None:
        """Render a case to PDF or DOCX. Options override the same fields in the case file."""
        overrides = {
            "kind": kind and kind.value, "tone": tone and tone.value,
            "credit_type": credit_type and credit_type.value, "debtor.type": debtor_type and debtor_type.value,
            "language": language and language.value, "jurisdiction": jurisdiction and jurisdiction.value,
            "date": date and date.date().isoformat(), "deadline_days": deadline_days,
            "options.allow_prescribed": allow_prescribed or None,
        }
        from ..pipeline import Signing, produce
        from ..sign import KeySource, Level
        from .signing import load_key

        fmt_ = _format_for(output, fmt)
        case = load_case(case_file, overrides)
        signing = None
        if sign or p12 or pkcs11_module:
            if fmt_ != "pdf":
                raise InputError("--sign", "only PDF output is signed; use `correspondence sign` for a .p7m")
            source = KeySource(p12=p12, p12_password_file=p12_password_file, pkcs11_module=pkcs11_module,
                               token_label=token_label, key_label=key_label, pin_file=pin_file)
            key = load_key(source)
            signing = Signing(key=key, level=Level.parse(level), tsa_url=tsa_url, visible=not invisible)
        from ..figures import compute_statement, prescription, rate_warnings

        rates = rate_warnings(compute_statement(case))
        if strict and rates:
            raise InputError("--strict", rates[0])
        for warning in [prescription(case).warning, *rates]:
            if warning:
                Console(stderr=True).print(f"[bold yellow]warning:[/] {warning}", highlight=False)
        from ..brands import default_brands_dir, resolve_brand

        kit = resolve_brand(case, brands_dir=brands_dir or default_brands_dir(case_file), name=brand,
                            base_dir=case_file.parent)
        if fmt_ == "html":
            if signing is not None:
                raise InputError("--sign", "only PDF output is signed")
            from ..pipeline import compose

            data = compose(case, base_dir=case_file.parent, wording_dir=wording_dir, kit=kit).html().data
        else:
            data = produce(case, fmt_, base_dir=case_file.parent, pdfa=pdfa, wording_dir=wording_dir,
                           signing=signing, kit=kit)
        write_atomic(output, data)
        note = f", signed {signing.level.value}" if signing else ""
        console.print(f"wrote {output} ({len(data):,} bytes, {case.kind.value}, {case.language.value}, "
                      f"{case.tone.value}{note})")

    @app.command()
    def templates() -> None:
        """Print the matrix of kinds x tones x credit types x languages available."""
        table = Table(title="Template library")
        table.add_column("kind")
        languages = available_languages()
        for lang in languages:
            table.add_column(lang)
        kinds = sorted({k for lang in languages for k in available_kinds(lang)})
        for kind in kinds:
            table.add_row(kind, *("yes" if kind in available_kinds(lang) else "—" for lang in languages))
        console.print(table)
        console.print(f"tones: {', '.join(t.value for t in Tone)}")
        console.print(f"credit types: {', '.join(c.value for c in CreditType)}")
        console.print(f"debtor types: {', '.join(d.value for d in DebtorType)}")
        console.print("Every kind is written once per language with conditions on tone, credit type and debtor type.")

    @app.command()
    def schema(output: Optional[Path] = typer.Option(None, "-o", "--output")) -> None:
        """Export the case file schema as JSON Schema."""
        text = json.dumps(Case.model_json_schema(), indent=2, ensure_ascii=False)
        if output:
            write_atomic(output, text.encode())
        else:
            typer.echo(text)
