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
from ..model import Case, CreditType, DebtorType, DocumentKind, Jurisdiction, Language, Tone
from ..render import FORMATS, compose_document, render_docx, render_pdf
from ..files import write_atomic
from ..templates import available_languages
from ..wording import available_kinds

console = Console()


def _format_for(output: Path, fmt: Optional[str]) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError("--format", f"'{fmt}' is not one of {', '.join(FORMATS)}")
        return fmt
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError("--format", f"cannot tell the format from '{output.name}'; use --format pdf|docx")
    return suffix


def render_to_file(case: Case, output: Path, fmt: str, *, base_dir: Optional[Path] = None,
                   pdfa: Optional[bool] = None, wording_dir: Optional[Path] = None) -> int:
    """Render one case into `output` atomically; returns the number of bytes written."""
    doc = compose_document(case, base_dir=base_dir, wording_dir=wording_dir)
    data = render_pdf(doc, pdfa=pdfa).data if fmt == "pdf" else render_docx(doc)
    write_atomic(output, data)
    return len(data)


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
        fmt: Optional[str] = typer.Option(None, "--format", help="pdf or docx (default: from the output name)"),
        pdfa: Optional[bool] = typer.Option(None, "--pdfa/--no-pdfa", help="PDF/A-3b (default on for legal notices)"),
        wording_dir: Optional[Path] = typer.Option(None, "--wording-dir", help="Folder of wording templates overriding the packaged ones"),
        allow_prescribed: bool = typer.Option(False, "--allow-prescribed", help="Write a demand for a prescribed credit"),
    ) -> None:
        """Render a case to PDF or DOCX. Options override the same fields in the case file."""
        overrides = {
            "kind": kind and kind.value, "tone": tone and tone.value,
            "credit_type": credit_type and credit_type.value, "debtor.type": debtor_type and debtor_type.value,
            "language": language and language.value, "jurisdiction": jurisdiction and jurisdiction.value,
            "date": date and date.date().isoformat(), "deadline_days": deadline_days,
            "options.allow_prescribed": allow_prescribed or None,
        }
        fmt_ = _format_for(output, fmt)
        case = load_case(case_file, overrides)
        size = render_to_file(case, output, fmt_, base_dir=case_file.parent, pdfa=pdfa, wording_dir=wording_dir)
        console.print(f"wrote {output} ({size:,} bytes, {case.kind.value}, {case.language.value}, {case.tone.value})")

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
