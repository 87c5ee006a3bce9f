"""A clearly labelled demo CA and signer, so the product can sign out of the box without a real certificate.

Signatures made with it are cryptographically sound but legally worthless; every subject says so.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional, Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..errors import ConfigurationError
from ..files import write_atomic
from ..settings import settings

DEMO_LABEL = "DEMO - NOT FOR LEGAL USE"
P12_NAME, PASSWORD_NAME, CA_NAME = "demo-signer.p12", "demo-signer.password", "demo-ca.pem"
RENEW_BEFORE = timedelta(days=30)


def default_demo_dir() -> Path:
    """$CORRESPONDENCE_HOME/demo-cert, else ./var/demo-cert."""
    return settings().demo_cert_dir


def _name(cn: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_LABEL),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{cn} ({DEMO_LABEL})"),
    ])


def _usable(directory: Path) -> Optional[tuple[Path, str, Path]]:
    p12_path, pw_path, ca_path = directory / P12_NAME, directory / PASSWORD_NAME, directory / CA_NAME
    if not (p12_path.is_file() and pw_path.is_file() and ca_path.is_file()):
        return None
    try:
        password = pw_path.read_text(encoding="utf-8").splitlines()[0]
        _, cert, _ = pkcs12.load_key_and_certificates(p12_path.read_bytes(), password.encode())
    except (ValueError, IndexError, OSError):
        return None
    if cert is None or cert.not_valid_after_utc - RENEW_BEFORE < datetime.now(timezone.utc):
        return None
    return p12_path, password, ca_path


def ensure_demo_signer(directory: Union[str, Path, None] = None) -> tuple[Path, str, Path]:
    """Return (p12 path, password, CA pem path), creating them if missing, unreadable or near expiry.

    Idempotent and fast (EC P-256 keys, no network). Files: demo-signer.p12, demo-signer.password (0600),
    demo-ca.pem.
    """
    directory = Path(directory) if directory is not None else default_demo_dir()
    existing = _usable(directory)
    if existing:
        return existing
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"cannot create demo certificate directory {directory}: {exc}") from None
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Correspondence Demo CA")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name("Demo Signer")).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(18)
    p12 = pkcs12.serialize_key_and_certificates(
        b"demo-signer", key, cert, [ca_cert], serialization.BestAvailableEncryption(password.encode()))
    write_atomic(directory / CA_NAME, ca_cert.public_bytes(serialization.Encoding.PEM))
    write_atomic(directory / PASSWORD_NAME, (password + "\n").encode(), mode=0o600)
    write_atomic(directory / P12_NAME, p12, mode=0o600)
    return directory / P12_NAME, password, directory / CA_NAME
