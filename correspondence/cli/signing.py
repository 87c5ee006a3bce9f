"""CLI: `sign` (PAdES or .p7m), `verify` (PDF or .p7m) and `demo-cert`."""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console

from ..errors import InputError
from ..files import read_input, write_atomic
from ..sign.options import EmptyField, Level, Permission, SignOptions, StampSpec
from ..sign.secrets import P12_PASSWORD_ENV, PKCS11_PIN_ENV

if TYPE_CHECKING:
    from ..sign.keys import SigningKey
    from ..sign.source import KeyRecipe, KeySource

err = Console(stderr=True)
DEFAULT_BOX = "335,40,560,110"  # bottom right of an A4/Letter page, in points


def _quiet_libraries() -> None:
    """pyHanko logs validation tracebacks at WARNING; the report already says what failed."""
    for name in ("pyhanko", "pyhanko_certvalidator", "aiohttp"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def key_recipe_for_cli(source: KeySource) -> KeyRecipe:
    """Resolve a key's secret as every command does: prompt on a terminal, warn when the demo key is used."""
    from ..sign.source import key_recipe

    def warn(p12: Path, ca: Path) -> None:
        err.print(f"[yellow]warning:[/] no key given: signing with the DEMO certificate {p12} "
                  f"(NOT FOR LEGAL USE; verify with --trust {ca})")

    return key_recipe(source, prompt=lambda label: typer.prompt(label, hide_input=True), on_demo=warn)


def load_key(source: KeySource) -> SigningKey:
    return key_recipe_for_cli(source).load()


def _parse_box(text: str) -> tuple[float, float, float, float]:
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise InputError("--stamp-box", "expected four numbers x1,y1,x2,y2 in points")
    x1, y1, x2, y2 = parts
    return x1, y1, x2, y2


def _parse_field(text: str) -> EmptyField:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise InputError("--add-field", "expected NAME:x1,y1,x2,y2 or NAME:x1,y1,x2,y2:PAGE")
    try:
        page = int(parts[2]) if len(parts) == 3 else -1
    except ValueError:
        raise InputError("--add-field", f"page must be a number, got {parts[2]!r}") from None
    return EmptyField(parts[0], box=_parse_box(parts[1]), page=page)


def register(app: typer.Typer) -> None:
    @app.command()
    def sign(
        input: Path = typer.Argument(..., help="PDF to sign (PAdES) or any file to wrap in a .p7m"),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Signed file (default for .p7m: INPUT.p7m)"),
        p12: Optional[Path] = typer.Option(None, "--p12", help="PKCS#12 key file (.p12/.pfx)"),
        p12_password_file: Optional[Path] = typer.Option(
            None, "--p12-password-file", help=f"File holding the password (else ${P12_PASSWORD_ENV}, else prompt)"),
        pkcs11_module: Optional[Path] = typer.Option(None, "--pkcs11-module", help="PKCS#11 module (.so)"),
        token_label: Optional[str] = typer.Option(None, "--token-label"),
        key_label: Optional[str] = typer.Option(None, "--key-label"),
        cert_label: Optional[str] = typer.Option(None, "--cert-label", help="Default: the key label"),
        pin_file: Optional[Path] = typer.Option(
            None, "--pin-file", help=f"File holding the PIN (else ${PKCS11_PIN_ENV}, else prompt)"),
        level: str = typer.Option("B-B", "--level", help="PAdES level: B-B, B-T, B-LT, B-LTA"),
        tsa_url: Optional[str] = typer.Option(None, "--tsa-url", help="RFC 3161 timestamp authority (B-T and up)"),
        reason: Optional[str] = typer.Option(None, "--reason"),
        location: Optional[str] = typer.Option(None, "--location"),
        contact: Optional[str] = typer.Option(None, "--contact"),
        certify: bool = typer.Option(False, "--certify", help="Certification (DocMDP) signature instead of approval"),
        permission: Permission = typer.Option(Permission.FORM_FILLING, "--permission",
                                              help="What a certification signature still allows"),
        field_name: Optional[str] = typer.Option(
            None, "--field", help="Signature field name (existing empty field or new)"),
        add_field: list[str] = typer.Option(
            [], "--add-field", help="NAME:x1,y1,x2,y2[:PAGE] empty field for a later signer"),
        visible: bool = typer.Option(True, "--visible/--invisible", help="Visible stamp on the page, or none"),
        stamp_box: str = typer.Option(DEFAULT_BOX, "--stamp-box", help="x1,y1,x2,y2 in points from bottom left"),
        stamp_page: int = typer.Option(-1, "--stamp-page", help="0-based page; negative counts from the end"),
        stamp_title: str = typer.Option("Digitally signed by", "--stamp-title"),
        timezone: str = typer.Option("UTC", "--timezone", help="Time zone of the date on the stamp"),
        trust: list[Path] = typer.Option([], "--trust", help="Trusted root(s) for the signer check (PEM/DER)"),
        allow_invalid_signer: bool = typer.Option(False, "--allow-invalid-signer",
                                                  help="Sign even with an expired, revoked or untrusted certificate"),
        offline: bool = typer.Option(False, "--offline", help="Do not fetch CRL/OCSP when checking the signer"),
        p7m: bool = typer.Option(False, "--p7m", help="Make a CAdES-BES .p7m even for a PDF"),
    ) -> None:
        """Sign a PDF (PAdES) or any file (CAdES .p7m); the output appears only if signing succeeded."""
        _quiet_libraries()
        data = read_input(input, "input")
        as_p7m = p7m or not data.startswith(b"%PDF-")
        if output is None:
            if not as_p7m:
                raise InputError("--output", "required when signing a PDF")
            output = input.with_name(input.name + ".p7m")
        if output.resolve() == input.resolve():
            raise InputError("--output", "must differ from the input file")
        stamp = None
        if visible and not as_p7m:
            stamp = StampSpec(box=_parse_box(stamp_box), page=stamp_page, title=stamp_title, timezone=timezone)
        options = SignOptions(
            level=Level.parse(level), tsa_url=tsa_url, reason=reason, location=location, contact_info=contact,
            stamp=stamp, field_name=field_name, certify=certify, permission=permission,
            empty_fields=tuple(_parse_field(f) for f in add_field),
            trust_roots=tuple(trust), allow_invalid_signer=allow_invalid_signer, allow_fetching=not offline)
        from ..sign.cades import sign_p7m
        from ..sign.pades import sign_pdf
        from ..sign.source import KeySource

        source = KeySource(p12=p12, p12_password_file=p12_password_file, pkcs11_module=pkcs11_module,
                           token_label=token_label, key_label=key_label, cert_label=cert_label, pin_file=pin_file)
        with load_key(source) as key:
            signed = sign_p7m(key, data, options) if as_p7m else sign_pdf(key, data, options)
            write_atomic(output, signed)
            kind = "CAdES-BES .p7m" if as_p7m else f"PAdES {options.level.value}"
            typer.echo(f"signed {input} -> {output} ({kind}, signer: {key.subject_name})")

    @app.command()
    def verify(
        file: Path = typer.Argument(..., help="Signed PDF or .p7m"),
        trust: list[Path] = typer.Option(
            [], "--trust", help="Trusted root certificate(s), PEM/DER; default: system store"),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable report on stdout"),
        offline: bool = typer.Option(False, "--offline", help="Use only revocation data embedded in the file"),
        extract: Optional[Path] = typer.Option(None, "--extract", help=".p7m: write the signed content here"),
        at: Optional[datetime] = typer.Option(
            None, "--at", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"], help="PDF: validation time (UTC), default now"),
    ) -> None:
        """Verify signatures; exit code 0 only if every signature is valid and trusted."""
        _quiet_libraries()
        data = read_input(file, "file")
        when = at.replace(tzinfo=timezone.utc) if at is not None else None
        from ..sign.signed_file import verify_file

        report = verify_file(data, tuple(trust), allow_fetching=not offline, at=when)
        if extract is not None:
            if report.content is None:
                raise InputError("--extract", "only a .p7m has enveloped content to extract")
            write_atomic(extract, report.content)
        if as_json:
            sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
        else:
            typer.echo(report.summary())
            if extract is not None:
                typer.echo(f"content written to {extract}")
        if not report.valid:
            raise SystemExit(1)  # not typer.Exit: app.main() ignores the return code of non-standalone click

    @app.command("renew-lta")
    def renew_lta_cmd(
        file: Path = typer.Argument(..., help="PDF signed at B-LTA"),
        output: Path = typer.Option(..., "-o", "--output"),
        tsa_url: str = typer.Option(..., "--tsa-url"),
        trust: list[Path] = typer.Option([], "--trust", help="Trusted root(s) of the previous timestamp"),
    ) -> None:
        """Add a new archival document timestamp to a B-LTA PDF (before the last one's TSA cert expires)."""
        _quiet_libraries()
        data = read_input(file, "file")
        from ..sign.pades import renew_lta

        write_atomic(output, renew_lta(data, tsa_url, tuple(trust)))
        typer.echo(f"renewed archival timestamp chain: {file} -> {output}")

    @app.command("demo-cert")
    def demo_cert(
        directory: Optional[Path] = typer.Option(
            None, "--dir", help="Default: $CORRESPONDENCE_HOME/demo-cert or ./var/demo-cert"),
    ) -> None:
        """Create (once) a demo CA and signer labelled 'DEMO - NOT FOR LEGAL USE'."""
        from ..sign.demo import default_demo_dir, ensure_demo_signer

        p12_path, _, ca = ensure_demo_signer(directory or default_demo_dir())
        typer.echo(f"demo signer: {p12_path}\npassword file: {p12_path.with_name('demo-signer.password')}\n"
                   f"demo CA (for --trust): {ca}")
