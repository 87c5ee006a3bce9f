"""CLI: a PNG of one page of a case's letter, for a person to look at before sending."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..files import write_atomic


def preview(
    case_file: Path = typer.Argument(..., help="Case file (YAML or JSON)"),
    output: Path = typer.Option(..., "-o", "--output", help="PNG file to write"),
    page: int = typer.Option(1, "--page", min=1, help="Page number (1 = the first)"),
    dpi: int = typer.Option(100, "--dpi", min=20, max=200, help="Resolution"),
    brand: Optional[str] = typer.Option(None, "--brand", help="A brand of the library (brands/NAME)"),
    brands_dir: Optional[Path] = typer.Option(None, "--brands-dir", help="The brand library"),
    wording_dir: Optional[Path] = typer.Option(None, "--wording-dir", help="Wording overrides"),
) -> None:
    """Render the case's letter as PDF and write page PAGE as a PNG image."""
    from ..brands import default_brands_dir, resolve_brand
    from ..casefile import load_case
    from ..pipeline import compose
    from ..render.preview import pdf_page_png

    case = load_case(case_file)
    kit = resolve_brand(case, brands_dir=brands_dir or default_brands_dir(case_file), name=brand,
                        base_dir=case_file.parent)
    rendering = compose(case, base_dir=case_file.parent, wording_dir=wording_dir, kit=kit).pdf()
    png = pdf_page_png(rendering.data, page, dpi=dpi)
    write_atomic(output, png)
    typer.echo(f"wrote {output} (page {page}, {dpi} dpi, {len(png):,} bytes)")


def register(app: typer.Typer) -> None:
    app.command("preview")(preview)
