"""CLI: render letters and reports, list the template matrix, export the case schema, run the demo."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Optional

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
from .options import ENGINE, LEVEL, TSA_URL, key_options, wants_key

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


@key_options
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
    level: str = LEVEL,
    tsa_url: Optional[str] = TSA_URL,
    invisible: bool = typer.Option(False, "--invisible", help="Invisible signature (no stamp)"),
    engine: str = ENGINE,
    strict: bool = typer.Option(False, "--strict", help="Refuse to write a letter whose figures use a rate "
                                                        "not marked verified"),
    key_source: Any = None,
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
    from ..sign import Level
    from .signing import load_key

    from ..render.engines import check_engine

    fmt_ = _format_for(output, fmt)
    if check_engine(engine) != "weasyprint" and fmt_ != "pdf":
        raise InputError("--engine", f"'{engine}' lays out PDF output only, not {fmt_}")
    case = load_case(case_file, overrides)
    signing = None
    if sign or wants_key(key_source):
        if fmt_ != "pdf":
            raise InputError("--sign", "only PDF output is signed; use `correspondence sign` for a .p7m")
        key = load_key(key_source)
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
                       signing=signing, kit=kit, engine=engine)
    write_atomic(output, data)
    note = f", signed {signing.level.value}" if signing else ""
    console.print(f"wrote {output} ({len(data):,} bytes, {case.kind.value}, {case.language.value}, "
                  f"{case.tone.value}{note})")


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


def schema(output: Optional[Path] = typer.Option(None, "-o", "--output")) -> None:
    """Export the case file schema as JSON Schema."""
    text = json.dumps(Case.model_json_schema(), indent=2, ensure_ascii=False)
    if output:
        write_atomic(output, text.encode())
    else:
        typer.echo(text)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the main app."""
    app.command()(render)
    app.command()(templates)
    app.command()(schema)
