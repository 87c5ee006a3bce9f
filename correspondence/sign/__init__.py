"""Digital signatures: PAdES (B-B to B-LTA) for PDFs, CAdES-BES .p7m for any file, and verification.

Typical use (key loaded once, reused for a batch)::

    key = SigningKey.from_p12("firm.p12", password)
    opts = SignOptions(level="B-T", tsa_url="https://tsa.example/", reason="Diffida",
                       stamp=StampSpec(box=(340, 40, 560, 110)))
    signed = sign_pdf(key, pdf_bytes, opts)          # or: await async_sign_pdf(key, ...)
    report = verify_pdf(signed, trust_roots=["roots.pem"])
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:  # the same names, typed for callers and checkers; imported lazily at run time
    from .cades import (
        async_sign_p7m as async_sign_p7m, async_verify_p7m as async_verify_p7m, extract_p7m as extract_p7m,
        sign_p7m as sign_p7m, verify_p7m as verify_p7m)
    from .demo import (
        DEMO_LABEL as DEMO_LABEL, default_demo_dir as default_demo_dir, ensure_demo_signer as ensure_demo_signer)
    from .keys import SigningKey as SigningKey
    from .options import (
        EmptyField as EmptyField, Level as Level, Permission as Permission, SignOptions as SignOptions,
        StampSpec as StampSpec)
    from .pades import (
        add_signature_field as add_signature_field, async_renew_lta as async_renew_lta,
        async_sign_pdf as async_sign_pdf, renew_lta as renew_lta, sign_pdf as sign_pdf)
    from .report import SignatureReport as SignatureReport, VerificationReport as VerificationReport
    from .secrets import (
        P12_PASSWORD_ENV as P12_PASSWORD_ENV, PKCS11_PIN_ENV as PKCS11_PIN_ENV, read_secret as read_secret)
    from .signed_file import async_verify_file as async_verify_file, verify_file as verify_file
    from .source import (
        KeyRecipe as KeyRecipe, KeySource as KeySource, key_recipe as key_recipe, open_key as open_key)
    from .verify import async_verify_pdf as async_verify_pdf, verify_pdf as verify_pdf

# Names are imported on first use (PEP 562): the CLI starts without loading pyHanko.
_EXPORTS = {
    "DEMO_LABEL": "demo",
    "EmptyField": "options",
    "KeyRecipe": "source",
    "KeySource": "source",
    "Level": "options",
    "P12_PASSWORD_ENV": "secrets",
    "PKCS11_PIN_ENV": "secrets",
    "Permission": "options",
    "SignOptions": "options",
    "SignatureReport": "report",
    "SigningKey": "keys",
    "StampSpec": "options",
    "VerificationReport": "report",
    "add_signature_field": "pades",
    "async_renew_lta": "pades",
    "async_sign_p7m": "cades",
    "async_sign_pdf": "pades",
    "async_verify_file": "signed_file",
    "async_verify_p7m": "cades",
    "async_verify_pdf": "verify",
    "default_demo_dir": "demo",
    "ensure_demo_signer": "demo",
    "extract_p7m": "cades",
    "key_recipe": "source",
    "open_key": "source",
    "read_secret": "secrets",
    "renew_lta": "pades",
    "sign_p7m": "cades",
    "sign_pdf": "pades",
    "verify_file": "signed_file",
    "verify_p7m": "cades",
    "verify_pdf": "verify",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
