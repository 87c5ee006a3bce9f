"""Who may sign a PEC receipt: the accredited PEC providers (gestori) and the CAs that certify them.

Art. 14 DPR 68/2005 keeps the public list of gestori at AgID; their signing certificates are issued by the
AgID (formerly DigitPA) PEC CA. A receipt's signature proves something only if its certificate chains to
such a CA *at the signing time* and the certificate holder is a listed provider: a self-signed key with
the subject "Posta Certificata ARUBA PEC" proves nothing. The list is data, with its date and source
(`data/pec_providers.json`, shipped); `correspondence trust update --file` installs a newer one under
`$CORRESPONDENCE_HOME/trust/`, which then takes precedence. Nothing is downloaded at run time;
revocation is not checked (no network): the result says so.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

from ..errors import InputError
from ..settings import settings

PACKAGED = Path(__file__).with_name("data") / "pec_providers.json"
INSTALLED_NAME = Path("trust") / "pec_providers.json"
MAX_LIST_BYTES = 4 * 1024 * 1024
#: SHA-1 certificate signatures were still issued by the PEC CAs until the CA/Browser-Forum sunset; a
#: receipt signed before then is judged by the rules of its time (validation at the signing time).
SHA1_SUNSET = datetime(2017, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Provider:
    name: str
    organization: str
    signer: str | None = None


@dataclass(frozen=True)
class TrustList:
    """A dated list of accredited PEC providers and the CA certificates that certify them."""

    date: str
    source: str
    providers: tuple[Provider, ...]
    anchors: tuple[asn1_x509.Certificate, ...]
    origin: str = "packaged"

    def provider_for(self, organization: str | None) -> Provider | None:
        key = _norm(organization)
        return next((p for p in self.providers if key and _norm(p.organization) == key), None)


@dataclass(frozen=True)
class TrustVerdict:
    trusted: bool
    reason: str
    provider: str | None = None


def _norm(text: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", (text or "").casefold())


def _field(data: dict[str, Any], name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"file.{where}{name}", "is required (a non-empty string)")
    return value.strip()


def parse_trust_list(raw: bytes, origin: str = "file") -> TrustList:
    """Validate a trust list document (JSON: date, source, providers[], anchors[] with PEM)."""
    if len(raw) > MAX_LIST_BYTES:
        raise InputError("file", f"larger than the {MAX_LIST_BYTES} bytes allowed for a trust list")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError("file", "not a JSON document") from None
    if not isinstance(data, dict):
        raise InputError("file", "must be a JSON object with date, source, providers and anchors")
    date = _field(data, "date", "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError("file.date", "must be YYYY-MM-DD (the date of the AgID list)")
    source = _field(data, "source", "")
    providers, anchors = data.get("providers"), data.get("anchors")
    if not isinstance(providers, list) or not providers:
        raise InputError("file.providers", "must be a non-empty list")
    if not isinstance(anchors, list) or not anchors:
        raise InputError("file.anchors", "must be a non-empty list of CA certificates (PEM)")
    out_p = []
    for i, item in enumerate(providers):
        if not isinstance(item, dict):
            raise InputError(f"file.providers[{i}]", "must be an object")
        out_p.append(Provider(_field(item, "name", f"providers[{i}]."),
                              _field(item, "organization", f"providers[{i}]."),
                              item.get("signer") if isinstance(item.get("signer"), str) else None))
    out_a = []
    for i, item in enumerate(anchors):
        text = item.get("pem") if isinstance(item, dict) else None
        try:
            assert isinstance(text, str)
            _, _, der = pem.unarmor(text.encode("ascii"))
            cert = asn1_x509.Certificate.load(der)
            cert.native  # parse now: garbage fails here, not during a receipt upload
        except Exception:
            raise InputError(f"file.anchors[{i}].pem", "is not a PEM X.509 certificate") from None
        out_a.append(cert)
    return TrustList(date, source, tuple(out_p), tuple(out_a), origin)


def installed_path(home: Path | None = None) -> Path:
    base = home if home is not None else settings().home
    return base / INSTALLED_NAME


_CACHE: dict[tuple[str, float], TrustList] = {}


def load_trust_list(path: Path | None = None) -> TrustList:
    """The installed list under $CORRESPONDENCE_HOME if any, else the packaged one (cached per mtime)."""
    if path is None:
        candidate = installed_path()
        path, origin = (candidate, str(candidate)) if candidate.is_file() else (PACKAGED, "packaged")
    else:
        origin = str(path)
    key = (str(path), path.stat().st_mtime)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = parse_trust_list(path.read_bytes(), origin)
    return _CACHE[key]


def install_trust_list(raw: bytes, home: Path | None = None) -> tuple[TrustList, Path]:
    """Validate `raw` and install it (atomic replace) as the list used from now on."""
    parsed = parse_trust_list(raw)
    target = installed_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(raw)
    os.replace(tmp, target)
    return parsed, target


def _run_sync(coro: Any) -> Any:
    """certvalidator is async-only; run it here, or in a helper thread if this thread has a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def check_signer(cert: asn1_x509.Certificate, others: Sequence[asn1_x509.Certificate],
                 signing_time: datetime | None, trust: TrustList) -> TrustVerdict:
    """Is `cert` a listed provider's certificate, chained to a listed CA, valid at `signing_time`?"""
    organization = cert.subject.native.get("organization_name")
    if isinstance(organization, list):
        organization = organization[0] if organization else None
    if signing_time is None:
        return TrustVerdict(False, "not trusted: the signature has no signing time to validate the chain at")
    context = ValidationContext(trust_roots=list(trust.anchors), other_certs=list(others),
                                moment=signing_time, allow_fetching=False, revocation_mode="soft-fail",
                                algorithm_usage_policy=DisallowWeakAlgorithmsPolicy(
                                    weak_hash_algos={"md2", "md5"} if signing_time < SHA1_SUNSET
                                    else {"md2", "md5", "sha1"}))
    try:
        _run_sync(CertificateValidator(cert, validation_context=context).async_validate_usage(set()))
    except Exception as exc:  # PathBuildingError, PathValidationError, InvalidCertificateError...
        detail = str(exc).split("\n")[0][:200] or type(exc).__name__
        return TrustVerdict(False, f"not trusted: the signer certificate does not chain to an accredited PEC "
                                   f"CA of the trust list of {trust.date} at {signing_time:%Y-%m-%d %H:%M} "
                                   f"({detail})")
    provider = trust.provider_for(organization)
    if provider is None:
        return TrustVerdict(False, f"not trusted: '{organization}' is not in the list of accredited PEC "
                                   f"providers of {trust.date}")
    return TrustVerdict(True, f"trusted: {provider.name}, accredited PEC provider (list of {trust.date}); "
                              "revocation not checked (offline)", provider.name)
