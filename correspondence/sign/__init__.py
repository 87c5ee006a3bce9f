"""Digital signatures: PAdES (B-B to B-LTA) for PDFs, CAdES-BES .p7m for any file, and verification.

Typical use (key loaded once, reused for a batch)::

    key = SigningKey.from_p12("firm.p12", password)
    opts = SignOptions(level="B-T", tsa_url="https://tsa.example/", reason="Diffida",
                       stamp=StampSpec(box=(340, 40, 560, 110)))
    signed = sign_pdf(key, pdf_bytes, opts)          # or: await async_sign_pdf(key, ...)
    report = verify_pdf(signed, trust_roots=["roots.pem"])
"""
from __future__ import annotations

from ..lazy import lazy_exports

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
