"""Speed-ups for pyHanko's CMS assembly when one key signs many documents (see bench/README.md).

Each one is local to a Signer instance, keeps the signed bytes identical to pyHanko's (tests/sign check
the ESS attribute and byte identity of the signed attributes), and steps aside if pyHanko's internals
change shape.

They override pyHanko methods (`SimpleSigner.sign_raw`, `Signer.signed_attrs` and the private
`_signed_attr_providers`), so they are pinned to the pyHanko releases they are tested with
(`TESTED_PYHANKO`, checked once at import against the installed distribution): with any other pyHanko
`ENABLED` is False, `install` and `wrap_simple_signer` change nothing and stock pyHanko signs, slower but
with the same result. Bump `TESTED_PYHANKO` only after tests/sign pass on the new release. The first two
are candidates for pyHanko upstream (parse the key once; encode the ESS attribute once per certificate).
"""
from __future__ import annotations

import asyncio
from importlib import metadata
from typing import Any, Iterator, Optional

from asn1crypto import cms
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

#: pyHanko release series (major.minor) these speed-ups were tested with.
TESTED_PYHANKO = frozenset({"0.38"})


def pyhanko_series() -> str:
    """The installed pyHanko's major.minor ("0.38"), or "" when its metadata cannot be read."""
    try:
        return ".".join(metadata.version("pyhanko").split(".")[:2])
    except metadata.PackageNotFoundError:  # pragma: no cover - pyHanko is a hard dependency
        return ""


ENABLED = pyhanko_series() in TESTED_PYHANKO


class CachedKeySigner(signers.SimpleSigner):
    """SimpleSigner that parses its private key once.

    pyHanko re-parses the DER key for every signature; for RSA, `cryptography` then re-validates the key,
    which costs more than the rest of a B-B signature. Batch signing pays that once here.
    """

    def __init__(self, base: signers.SimpleSigner) -> None:
        super().__init__(signing_key=base.signing_key, signing_cert=base.signing_cert,
                         cert_registry=base.cert_registry, signature_mechanism=base.signature_mechanism)
        self._pyca_key = serialization.load_der_private_key(base.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._pyca_key, rsa.RSAPrivateKey):
            return self._pyca_key.sign(data, padding.PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._pyca_key, ec.EllipticCurvePrivateKey):
            return self._pyca_key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


class _FixedAttribute(CMSAttributeProvider):
    """A signed attribute that is the same for every signature of a key, encoded once."""

    def __init__(self, attribute_type: str, der: bytes) -> None:
        self.attribute_type = attribute_type
        self._der = der

    async def get_attribute(self, dry_run: bool = False) -> cms.CMSAttribute:
        return cms.CMSAttribute.load(self._der)


def cache_signing_certificate_attribute(signer: signers.Signer) -> None:
    """Build the ESS signing-certificate-v2 attribute once per key instead of once per signature.

    pyHanko rebuilds it (hash of the certificate, issuer name copied into GeneralNames) for every
    signature: about 5 ms CPU, a quarter of a B-B signature. Relies on a pyHanko internal, hence the guard.
    """
    original = getattr(signer, "_signed_attr_providers", None)
    if original is None:
        return
    cache: dict[bytes, bytes] = {}

    def providers(*args: Any, **kwargs: Any) -> Iterator[CMSAttributeProvider]:
        for prov in original(*args, **kwargs):
            if isinstance(prov, SigningCertificateV2Provider):
                cert_der = prov.signing_cert.dump()
                if cert_der not in cache:
                    cache[cert_der] = simple_cms_attribute(
                        prov.attribute_type, as_signing_certificate_v2(prov.signing_cert)).dump()
                yield _FixedAttribute(prov.attribute_type, cache[cert_der])
            else:
                yield prov

    signer._signed_attr_providers = providers  # type: ignore[method-assign]  # per instance, by design


def fast_signed_attributes(signer: signers.Signer) -> None:
    """Assemble the signed attributes from DER-backed pieces instead of rebuilding them value by value.

    pyHanko's `format_attributes` regroups every attribute's values into newly built ASN.1 objects, which
    asn1crypto then deep-copies and re-encodes (~6 ms CPU, half of a B-B signature). The same attributes
    (content type, message digest, the providers' ones) are loaded from their own DER here; the SET OF is
    sorted on encoding by asn1crypto either way, so the signed bytes are identical. Repeated attribute
    types, which pyHanko merges, take pyHanko's own path.
    """
    original = signer.signed_attrs
    if not hasattr(signer, "_signed_attr_providers"):
        return

    async def signed_attrs(data_digest: bytes, digest_algorithm: str,
                           attr_settings: Optional[PdfCMSSignedAttributes] = None, content_type: str = "data",
                           use_pades: bool = False, timestamper: Optional[TimeStamper] = None, dry_run: bool = False,
                           is_pdf_sig: bool = True) -> cms.CMSAttributes:
        provs = signer._signed_attr_providers(
            data_digest=data_digest, digest_algorithm=digest_algorithm, use_cades=use_pades,
            attr_settings=attr_settings or PdfCMSSignedAttributes(), timestamper=timestamper,
            is_pdf_sig=is_pdf_sig)
        attrs = [simple_cms_attribute("content_type", content_type),
                 simple_cms_attribute("message_digest", data_digest)]
        attrs += [a for a in await asyncio.gather(*(p.get_attribute(dry_run=dry_run) for p in provs))
                  if a is not None]
        types = [a["type"].dotted for a in attrs]
        if len(set(types)) != len(types):
            built = await original(data_digest, digest_algorithm, attr_settings=attr_settings,
                                   content_type=content_type, use_pades=use_pades, timestamper=timestamper,
                                   dry_run=dry_run, is_pdf_sig=is_pdf_sig)
            return cms.CMSAttributes.load(built.dump())
        return cms.CMSAttributes([cms.CMSAttribute.load(a.dump()) for a in attrs])

    signer.signed_attrs = signed_attrs  # type: ignore[method-assign]  # per instance, by design


def wrap_simple_signer(signer: signers.SimpleSigner) -> signers.SimpleSigner:
    """The signer with its key parsed once, or the signer itself on an untested pyHanko."""
    return CachedKeySigner(signer) if ENABLED else signer


def install(signer: signers.Signer) -> None:
    """Apply the per-instance speed-ups (order matters: the fast assembly calls the cached providers);
    nothing on a pyHanko release outside `TESTED_PYHANKO`."""
    if not ENABLED:
        return
    cache_signing_certificate_attribute(signer)
    fast_signed_attributes(signer)
