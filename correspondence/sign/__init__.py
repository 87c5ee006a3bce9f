"""Digital signatures: PAdES (B-B to B-LTA) for PDFs, CAdES-BES .p7m for any file, and verification.

Typical use (key loaded once, reused for a batch)::

    key = SigningKey.from_p12("firm.p12", password)
    opts = SignOptions(level="B-T", tsa_url="https://tsa.example/", reason="Diffida",
                       stamp=StampSpec(box=(340, 40, 560, 110)))
    signed = key.sign_pdf(pdf_bytes, opts)          # or: await key.async_sign_pdf(...)
    report = verify_pdf(signed, trust_roots=["roots.pem"])
"""
from .cades import async_sign_p7m, async_verify_p7m, extract_p7m, sign_p7m, verify_p7m
from .demo import DEMO_LABEL, default_demo_dir, ensure_demo_signer
from .keys import SigningKey
from .options import EmptyField, Level, Permission, SignOptions, StampSpec
from .pades import async_renew_lta, async_sign_pdf, renew_lta, sign_pdf
from .report import SignatureReport, VerificationReport
from .source import KeySource, open_key
from .secrets import P12_PASSWORD_ENV, PKCS11_PIN_ENV, read_secret
from .verify import async_verify_file, async_verify_pdf, verify_file, verify_pdf

__all__ = [
    "DEMO_LABEL", "EmptyField", "KeySource", "Level", "P12_PASSWORD_ENV", "PKCS11_PIN_ENV", "Permission",
    "SignOptions", "SignatureReport", "SigningKey", "StampSpec", "VerificationReport", "async_renew_lta",
    "async_sign_p7m", "async_sign_pdf", "async_verify_file", "async_verify_p7m", "async_verify_pdf",
    "default_demo_dir", "ensure_demo_signer", "extract_p7m", "open_key", "read_secret", "renew_lta",
    "sign_p7m", "sign_pdf", "verify_file", "verify_p7m", "verify_pdf",
]
