"""The simulated gestore's keys: a demo PEC CA and the gestore's signing certificate, and a trust list naming it.

Like the demo signing certificate (`sign.demo`), every subject says "DEMO - NOT FOR LEGAL USE". Real
receipts are trusted only if their signer chains to the AgID PEC CA and is a listed provider (art. 14 DPR
68/2005, `providers`); the simulator's receipts are trusted only where its trust list is used on purpose
(tests, the demo), never by the shipped list.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..files import write_atomic
from .gestore import GestoreKey
from .providers import PACKAGED, TrustList, parse_trust_list

LABEL = "DEMO - NOT FOR LEGAL USE"
ORGANIZATION = "Correspondence PEC simulator"
GESTORE_NAME = f"PEC SIMULATOR ({LABEL})"
DOMAIN = "pec.simulator.invalid"
VALIDITY = timedelta(days=825)
KEY_NAME, CERT_NAME, CA_NAME = "gestore-key.pem", "gestore-cert.pem", "gestore-ca.pem"


def _name(cn: str, organization: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_gestore(organization: str = ORGANIZATION, name: str = GESTORE_NAME,
                 domain: str = DOMAIN) -> tuple[GestoreKey, x509.Certificate]:
    """A fresh CA and a gestore certificate issued by it (EC P-256): (gestore key, CA certificate)."""
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{organization} PEC CA ({LABEL})", organization)
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + VALIDITY)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(f"Posta Certificata {name}", organization))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return GestoreKey(key, cert, (ca,), name, domain), ca


def load_or_make_gestore(directory: Path) -> tuple[GestoreKey, x509.Certificate]:
    """The gestore kept in `directory` (the demo's), made on first use or when near expiry."""
    paths = [directory / n for n in (KEY_NAME, CERT_NAME, CA_NAME)]
    if all(p.is_file() for p in paths):
        try:
            key = serialization.load_pem_private_key(paths[0].read_bytes(), password=None)
            cert = x509.load_pem_x509_certificate(paths[1].read_bytes())
            ca = x509.load_pem_x509_certificate(paths[2].read_bytes())
            if isinstance(key, ec.EllipticCurvePrivateKey) and \
                    cert.not_valid_after_utc - timedelta(days=30) > datetime.now(timezone.utc):
                return GestoreKey(key, cert, (ca,), GESTORE_NAME, DOMAIN), ca
        except ValueError:
            pass
    gestore, ca = make_gestore()
    write_atomic(paths[0], gestore.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()), mode=0o600)
    write_atomic(paths[1], gestore.cert.public_bytes(serialization.Encoding.PEM))
    write_atomic(paths[2], ca.public_bytes(serialization.Encoding.PEM))
    return gestore, ca


def trust_list_json(ca: x509.Certificate, *, organization: str = ORGANIZATION, accredited: bool = True) -> bytes:
    """The shipped trust list plus the simulator's CA and, if `accredited`, the simulator as a provider
    (without it the CA is known but its gestore is not a listed provider: its receipts are flagged)."""
    data = json.loads(PACKAGED.read_text(encoding="utf-8"))
    data["source"] = f"{data['source']} + the PEC simulator ({LABEL})"
    if accredited:
        data["providers"].append({"name": GESTORE_NAME, "organization": organization})
    data["anchors"].append({"name": f"{organization} PEC CA ({LABEL})",
                            "pem": ca.public_bytes(serialization.Encoding.PEM).decode("ascii")})
    return json.dumps(data, indent=1).encode("utf-8")


def simulator_trust(ca: x509.Certificate, *, accredited: bool = True) -> TrustList:
    """`trust_list_json` parsed, to pass explicitly where only the demo should trust the simulator."""
    return parse_trust_list(trust_list_json(ca, accredited=accredited), origin="simulator")


def loopback_tls(folder: Path) -> tuple[Path, Path]:
    """A self-signed TLS certificate for 127.0.0.1/localhost (the simulator's server side): (cert, key)."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"PEC simulator loopback ({LABEL})", ORGANIZATION)
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "loopback-cert.pem", folder / "loopback-key.pem"
    write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    write_atomic(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()), mode=0o600)
    return cert_path, key_path
