"""Certificates: loading trust anchors, naming signers, and refusing unusable signer certificates."""
from __future__ import annotations

import functools
import ssl
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import aiohttp
import certifi
from asn1crypto import pem, x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession
from pyhanko_certvalidator.fetchers.api import OwnedFetcherBackend

from ..errors import InputError
from .options import TrustSource


def load_certificates(source: TrustSource, field: str = "trust") -> list[x509.Certificate]:
    """Read every certificate in a PEM bundle or a DER file (path or bytes)."""
    if isinstance(source, (str, Path)):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise InputError(field, f"cannot read {source}: {exc.strerror or exc}") from None
    else:
        data = bytes(source)
    try:
        if pem.detect(data):
            return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        cert = x509.Certificate.load(data)
        cert.native  # force parsing so garbage fails here
        return [cert]
    except Exception:
        raise InputError(field, f"{source if isinstance(source, (str, Path)) else 'data'} holds no X.509 "
                                "certificate (PEM or DER)") from None


def load_trust_roots(sources: Sequence[TrustSource]) -> list[x509.Certificate]:
    return [cert for src in sources for cert in load_certificates(src)]


@functools.lru_cache(maxsize=1)
def system_roots() -> tuple[x509.Certificate, ...]:
    """The operating system's CA bundle (Debian: ca-certificates), read once."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile, "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and Path(candidate).is_file():
            try:
                return tuple(load_certificates(Path(candidate)))
            except InputError:
                continue
    return ()


def common_name(cert: x509.Certificate) -> str:
    """The name a reader recognises: CN, else the whole subject."""
    native = cert.subject.native
    return str(native.get("common_name") or cert.subject.human_friendly)


def is_self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer and cert.self_signed in ("maybe", "yes")


def date_problem(cert: x509.Certificate, at: Optional[datetime] = None) -> Optional[str]:
    """Say why `cert` is outside its validity period at `at`, or None. Works offline."""
    at = at or datetime.now(timezone.utc)
    not_before = cert["tbs_certificate"]["validity"]["not_before"].native
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    if at < not_before:
        return f"certificate '{common_name(cert)}' is not yet valid (valid from {not_before:%Y-%m-%d %H:%M} UTC)"
    if at > not_after:
        return f"certificate '{common_name(cert)}' expired on {not_after:%Y-%m-%d %H:%M} UTC"
    return None


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    # the same trust pyHanko uses for its own HTTP sessions (certifi), built once per process
    return ssl.create_default_context(cafile=certifi.where())


class HttpSession(LazySession):
    """pyHanko's lazy aiohttp session, but reusing one TLS context: pyHanko builds a new one (loading the
    CA bundle, ~15 ms CPU) for every timestamp request and every validation context."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # pyhanko-certvalidator leaves it unannotated
        self._client: Optional[aiohttp.ClientSession] = None

    def get_session(self) -> aiohttp.ClientSession:
        if self._client is None:
            self._client = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context()))
        return self._client

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()


def fetcher_backend(timeout: float) -> OwnedFetcherBackend:
    """A backend the validation context closes itself in `aclose()`."""
    # AIOHttpFetcherBackend annotates `session` as a ClientSession, yet takes a LazySession (its default) and
    # closes it itself: that is the documented way to share one lazily opened session.
    backend = AIOHttpFetcherBackend(session=HttpSession(),  # type: ignore[arg-type]  # see above
                                    per_request_timeout=int(max(1, timeout)))
    return OwnedFetcherBackend(backend)


def context_kwargs(
    trust_roots: Sequence[x509.Certificate],
    *,
    other_certs: Iterable[x509.Certificate] = (),
    allow_fetching: bool,
    revocation_mode: str = "soft-fail",
    timeout: float = 10.0,
) -> dict[str, Any]:
    """ValidationContext arguments: explicit roots, or the system CA bundle plus the self-signed
    certificates among `other_certs` (at signing time: the root a PKCS#12 file carries)."""
    others = list(other_certs)
    kwargs: dict[str, Any] = {"other_certs": others, "allow_fetching": allow_fetching, "revocation_mode": revocation_mode}
    if trust_roots:
        kwargs["trust_roots"] = list(trust_roots)
    else:
        kwargs["trust_roots"] = list(system_roots()) + [c for c in others if is_self_signed(c)]
    if allow_fetching:
        kwargs["fetcher_backend"] = fetcher_backend(timeout)
    return kwargs


def validation_context(trust_roots: Sequence[x509.Certificate], **kwargs: Any) -> ValidationContext:
    return ValidationContext(**context_kwargs(trust_roots, **kwargs))


def describe_path_error(exc: Exception) -> str:
    """Turn a certvalidator exception into a sentence for the user."""
    if isinstance(exc, cv_errors.RevokedError):
        return f"certificate is revoked ({exc})"
    if isinstance(exc, cv_errors.ExpiredError):
        return f"certificate has expired ({exc})"
    if isinstance(exc, cv_errors.NotYetValidError):
        return f"certificate is not yet valid ({exc})"
    if isinstance(exc, cv_errors.InsufficientRevinfoError):
        return f"revocation status could not be established ({exc})"
    if isinstance(exc, cv_errors.PathBuildingError):
        return f"no chain to a trusted root ({exc}); pass the root with --trust"
    return str(exc) or exc.__class__.__name__


async def check_signer(
    cert: x509.Certificate,
    chain: Iterable[x509.Certificate],
    trust_roots: Sequence[x509.Certificate],
    *,
    allow_fetching: bool,
    timeout: float,
) -> None:
    """Refuse a signer certificate that is expired, not yet valid, revoked or untrusted.

    pyHanko would sign with any of these silently; a legal notice signed with a revoked certificate is
    worthless, so the check runs before the document is touched.
    """
    problem = date_problem(cert)
    if problem:
        raise InputError("signer", problem + " (use --allow-invalid-signer to sign anyway)")
    vc = validation_context(trust_roots, other_certs=chain, allow_fetching=allow_fetching, timeout=timeout)
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=vc)
    try:
        await validator.async_validate_usage(set())
    except (cv_errors.PathValidationError, cv_errors.PathBuildingError, cv_errors.ValidationError) as exc:
        raise InputError("signer", describe_path_error(exc) + " (use --allow-invalid-signer to sign anyway)") \
            from None
    finally:
        await vc.aclose()
