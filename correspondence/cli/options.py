"""Option groups shared by several commands: the signing key (a PKCS#12 file or a PKCS#11 token).

`key_options` gives a command the key options once, with the same names and help everywhere (`render`,
`batch`, `sign`), and hands them to it as one `key_source: KeySource` argument. Secrets come from files or
the environment, never from the command line.
"""
from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from ..sign.secrets import P12_PASSWORD_ENV, PKCS11_PIN_ENV

F = TypeVar("F", bound=Callable[..., Any])

KEY_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("p12", Optional[Path], typer.Option(None, "--p12", help="PKCS#12 key file (.p12/.pfx)")),
    ("p12_password_file", Optional[Path], typer.Option(
        None, "--p12-password-file", help=f"File holding the PKCS#12 password (else ${P12_PASSWORD_ENV}, else prompt)")),
    ("pkcs11_module", Optional[Path], typer.Option(
        None, "--pkcs11-module", help="PKCS#11 module (.so) of a smart card or HSM")),
    ("token_label", Optional[str], typer.Option(None, "--token-label", help="Label of the PKCS#11 token")),
    ("key_label", Optional[str], typer.Option(None, "--key-label", help="Label of the key on the token")),
    ("cert_label", Optional[str], typer.Option(
        None, "--cert-label", help="Label of the certificate on the token (default: the key label)")),
    ("pin_file", Optional[Path], typer.Option(
        None, "--pin-file", help=f"File holding the token PIN (else ${PKCS11_PIN_ENV}, else prompt)")),
)
LEVEL = typer.Option("B-B", "--level", help="PAdES level: B-B, B-T, B-LT, B-LTA")
TSA_URL = typer.Option(None, "--tsa-url", help="RFC 3161 timestamp authority (B-T and above)")
ENGINE = typer.Option("weasyprint", "--engine", help="PDF layout engine: weasyprint (default) or typst (faster; "
                                                     "see README, Render)")


def key_options(command: F) -> F:
    """Add the signing-key options to `command`, which receives them as ``key_source: KeySource``."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "key_source"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
             for name, kind, default in KEY_OPTIONS]

    @functools.wraps(command)
    def with_key(*args: Any, **kwargs: Any) -> Any:
        from ..sign.source import KeySource

        source = KeySource(**{name: kwargs.pop(name, None) for name, _, _ in KEY_OPTIONS})
        return command(*args, key_source=source, **kwargs)

    with_key.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
    with_key.__annotations__ = {p.name: p.annotation for p in (*own, *added)}
    return with_key  # type: ignore[return-value]


def wants_key(source: Any) -> bool:
    """Whether the user named a key (a file or a token), as opposed to the demo certificate."""
    return bool(source.p12 or source.pkcs11_module)
