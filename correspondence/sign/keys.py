"""Signing keys loaded once (PKCS#12 file or PKCS#11 token) and reused for every document of a batch."""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from asn1crypto import x509
from pyhanko.sign import signers

from ..errors import ConfigurationError, InputError, SigningError
from . import speedups, trust

if TYPE_CHECKING:
    from pkcs11 import Session

    from .options import SignOptions

SIGNER_CHECK_TTL = 600.0  # seconds a positive signer check is reused inside a batch
# positive signer checks of this process, by certificate, chain and trust: shared by every key loaded here,
# and inherited by the workers a campaign forks after checking its signer once (campaign/run.py), so each
# worker does not build the trust registry and validate the same chain again on its first letter
_signer_checks: dict[tuple[Any, ...], float] = {}


class SigningKey:
    """A loaded private key with its certificate chain.

    Load it once (`from_p12`, `from_pkcs11`), then pass it to `pades.sign_pdf` / `pades.async_sign_pdf` /
    `cades.sign_p7m` for each document (the key only holds the key: the signing functions take it, so
    `keys` imports neither of them); close it (or use it as a context manager) to log out of a token.
    """

    def __init__(self, signer: signers.Signer, *, source: str, session: Optional[Session] = None) -> None:
        self._signer = signer
        speedups.install(signer)
        self.source = source
        self._session = session

    # -- loading ---------------------------------------------------------------------------------
    @classmethod
    def from_p12(cls, path: Union[str, Path], password: Union[str, bytes, None]) -> "SigningKey":
        """Load a PKCS#12 (.p12/.pfx) file, e.g. an FNMT certificate export."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError("p12", f"cannot read {path}: {exc.strerror or exc}") from None
        return cls.from_p12_data(data, password, source=str(path))

    @classmethod
    def from_p12_data(cls, data: bytes, password: Union[str, bytes, None], *, source: str = "PKCS#12") \
            -> "SigningKey":
        pw = password.encode("utf-8") if isinstance(password, str) else password
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=pw or None)
        except ValueError:
            raise SigningError("p12_password", "wrong password, or the file is not a PKCS#12 archive") from None
        except (TypeError, AttributeError):  # parsed, but no private key (or no certificate) inside
            raise SigningError("p12", "the PKCS#12 archive holds no certificate with a private key") from None
        if signer is None or signer.signing_cert is None:
            raise SigningError("p12", "the PKCS#12 archive holds no certificate with a private key")
        return cls(speedups.wrap_simple_signer(signer), source=source)

    @classmethod
    def from_pkcs11(
        cls,
        module: Union[str, Path],
        *,
        token_label: Optional[str],
        key_label: str,
        pin: str,
        cert_label: Optional[str] = None,
        slot: Optional[int] = None,
    ) -> "SigningKey":
        """Open a session on a PKCS#11 token (smart card, HSM, SoftHSM2) and find the key by label.

        EC keys use the raw ECDSA mechanism (hash computed here): SoftHSM2 and many cards offer no
        combined ECDSA-SHA256 mechanism.
        """
        from pkcs11 import exceptions as p11_exc
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as p11

        if not Path(module).exists():
            raise ConfigurationError(f"PKCS#11 module not found: {module}")
        try:
            criteria = TokenCriteria(label=token_label) if token_label else None
            session = p11.open_pkcs11_session(str(module), slot_no=slot, token_criteria=criteria, user_pin=pin)
        except p11_exc.PinIncorrect:
            raise SigningError("pin", "wrong PIN for the token") from None
        except p11_exc.PinLocked:
            raise SigningError("pin", "the token PIN is locked") from None
        except Exception as exc:  # pyHanko raises PKCS11Error for a missing token, pkcs11 its own errors
            msg = str(exc) or exc.__class__.__name__
            if "token" in msg.lower() or isinstance(exc, p11_exc.NoSuchToken):
                raise SigningError("token_label", f"no token labelled {token_label!r} ({msg})") from None
            raise SigningError("pkcs11", f"cannot open the token: {msg}") from None
        try:
            signer = cls._pkcs11_signer(session, key_label, cert_label)
        except InputError:
            session.close()
            raise
        return cls(signer, source=f"PKCS#11 {token_label or ''}/{key_label}", session=session)

    @staticmethod
    def _pkcs11_signer(session: Session, key_label: str, cert_label: Optional[str]) -> signers.Signer:
        from pyhanko.sign import pkcs11 as p11

        cert_label = cert_label or key_label
        try:
            # pull every certificate on the token once, keep only the signer's issuers as its chain
            probe = p11.PKCS11Signer(session, cert_label=cert_label, key_label=key_label, other_certs_to_pull=None)
            cert = probe.signing_cert
            if cert is None:
                raise SigningError("key_label", f"no certificate labelled {cert_label!r} on the token")
            chain = _issuer_chain(cert, list(probe.cert_registry))
            is_ec = cert.public_key.algorithm == "ec"
            signer = p11.PKCS11Signer(session, cert_label=cert_label, key_label=key_label, signing_cert=cert,
                                      ca_chain=chain, other_certs_to_pull=(), use_raw_mechanism=is_ec)
            signer._load_objects()
            return signer
        except InputError:
            raise
        except Exception as exc:
            raise SigningError("key_label", f"no key/certificate labelled {key_label!r} on the token ({exc})") \
                from None

    # -- information -----------------------------------------------------------------------------
    @property
    def signer(self) -> signers.Signer:
        """The pyHanko signer (for callers that need pyHanko directly)."""
        return self._signer

    @property
    def certificate(self) -> x509.Certificate:
        return self._signer.signing_cert

    @property
    def chain(self) -> list[x509.Certificate]:
        return list(self._signer.cert_registry)

    @property
    def subject_name(self) -> str:
        return trust.common_name(self.certificate)

    @property
    def is_ec(self) -> bool:
        return bool(self.certificate.public_key.algorithm == "ec")

    # -- signer check, cached per batch ------------------------------------------------------------
    async def ensure_valid(self, options: "SignOptions") -> None:
        """Refuse an expired, not-yet-valid, revoked or untrusted certificate (cached for a while)."""
        if options.allow_invalid_signer:
            return
        key = (self.certificate.sha256, tuple(sorted(c.sha256 for c in self.chain)),  # the chain in any order
               tuple(str(t) if not isinstance(t, bytes) else t for t in options.trust_roots),
               options.allow_fetching)
        now = time.monotonic()
        if now - _signer_checks.get(key, -1e9) < SIGNER_CHECK_TTL:
            if not trust.date_problem(self.certificate):
                return
        roots = trust.load_trust_roots(options.trust_roots)
        await trust.check_signer(self.certificate, self.chain, roots,
                                 allow_fetching=options.allow_fetching, timeout=options.timeout)
        _signer_checks[key] = now

    # -- lifetime ----------------------------------------------------------------------------------
    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session = None

    def __enter__(self) -> "SigningKey":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _issuer_chain(cert: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """The issuers of `cert` found in `pool`, walking up by name until a self-signed root."""
    chain: list[x509.Certificate] = []
    current = cert
    while current.subject != current.issuer and len(chain) < 8:
        issuer = next((c for c in pool if c.subject == current.issuer and c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return chain

