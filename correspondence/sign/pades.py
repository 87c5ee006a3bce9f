"""PAdES signing of PDF documents (B-B, B-T, B-LT, B-LTA), approval or certification, visible or not."""
from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timezone
from typing import Optional, Sequence

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import read_certification_data
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from ..errors import InputError
from . import pdfa, stamp, trust
from .keys import SigningKey
from .sync import run_sync
from .options import EmptyField, Level, Permission, SignOptions, TrustSource

_MDP = {
    Permission.NO_CHANGES: fields.MDPPerm.NO_CHANGES,
    Permission.FORM_FILLING: fields.MDPPerm.FILL_FORMS,
    Permission.ANNOTATIONS: fields.MDPPerm.ANNOTATE,
}
# Room for the CMS blob (DER bytes). A fixed value spares pyHanko a dry-run signature per document;
# if a long chain does not fit, signing is retried with pyHanko's own estimate.
# Counted in hex digits, as pyHanko does.
_RESERVED = {Level.B_B: 16_384, Level.B_T: 32_768, Level.B_LT: 32_768, Level.B_LTA: 32_768}


def _open(data: bytes) -> IncrementalPdfFileWriter:
    if not data.startswith(b"%PDF-"):
        raise InputError("pdf", "not a PDF file")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError("pdf", f"unreadable PDF: {exc}") from None
    if writer.prev.encrypted:
        raise InputError("pdf", "encrypted PDFs cannot be signed (PDF/A forbids encryption)")
    return writer


def _existing_fields(writer: IncrementalPdfFileWriter) -> dict[str, bool]:
    """Signature field names mapped to whether they are already signed."""
    return {name: value is not None for name, value, _ in fields.enumerate_sig_fields(writer.prev)}


def _field_name(writer: IncrementalPdfFileWriter, wanted: Optional[str]) -> str:
    existing = _existing_fields(writer)
    if wanted:
        if existing.get(wanted):
            raise InputError("field_name", f"signature field {wanted!r} is already signed")
        return wanted
    empty = [name for name, signed in existing.items() if not signed]
    if len(empty) == 1:
        return empty[0]  # a field prepared for us (by the certifier or the renderer): fill it
    n = 1
    while f"Signature{n}" in existing:
        n += 1
    return f"Signature{n}"


def _field_rect(writer: IncrementalPdfFileWriter, name: str) -> Optional[tuple[float, float, float, float]]:
    """Rectangle of an existing visible signature field (None if invisible or not found)."""
    for fq_name, _value, field_ref in fields.enumerate_sig_fields(writer.prev):
        if fq_name != name:
            continue
        field = field_ref.get_object()
        widget = field if "/Rect" in field else next(iter(field.get("/Kids", [])), None)
        if widget is None or "/Rect" not in widget.get_object():
            return None
        x1, y1, x2, y2 = (float(v) for v in widget.get_object()["/Rect"])
        box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        return box if box[2] - box[0] >= 40 and box[3] - box[1] >= 20 else None
    return None


def _page_index(writer: IncrementalPdfFileWriter, page: int) -> int:
    count = int(writer.prev.root["/Pages"]["/Count"])
    index = page if page >= 0 else count + page
    if not 0 <= index < count:
        raise InputError("stamp.page", f"page {page} does not exist (the document has {count})")
    return index


def _add_empty_fields(writer: IncrementalPdfFileWriter, options: SignOptions, signing_field: str) -> None:
    existing = _existing_fields(writer)
    for f in options.empty_fields:
        if f.name in existing or f.name == signing_field:
            raise InputError("empty_fields", f"a signature field named {f.name!r} already exists")
        fields.append_signature_field(writer, _field_spec(f.name, f.box, _page_index(writer, f.page)))


def _field_spec(name: str, box: tuple[float, float, float, float], page: int) -> fields.SigFieldSpec:
    """A visible field at `box` (PDF points): pyHanko annotates the box as integers but writes each corner
    as a real number (FloatObject, 4 decimals), so the layout's exact box is kept rather than rounded."""
    return fields.SigFieldSpec(name, box=box, on_page=page)  # type: ignore[arg-type]  # see docstring


_Prepared = tuple[IncrementalPdfFileWriter, signers.PdfSigner, Optional[ValidationContext]]


def _prepare(key: SigningKey, data: bytes, options: SignOptions, http: trust.HttpSession) -> _Prepared:
    """Open the document, fix its metadata, add requested empty fields and build the pyHanko signer."""
    writer = _open(data)
    pdfa.align_producer(writer)
    name = _field_name(writer, options.field_name)  # before adding fields for later signers
    _add_empty_fields(writer, options, name)
    pdf_signer, vc = _build_signer(key, writer, options, name, http)
    return writer, pdf_signer, vc


def _build_signer(key: SigningKey, writer: IncrementalPdfFileWriter, options: SignOptions, name: str,
                  http: trust.HttpSession) -> tuple[signers.PdfSigner, Optional[ValidationContext]]:
    field_exists = name in _existing_fields(writer)
    if options.stamp is not None and not field_exists and read_certification_data(writer.prev) is not None:
        raise InputError("field_name", "the document is certified: a new visible signature field would break "
                                       "the certification; sign a field prepared by the certifier (--field) "
                                       "or sign invisibly")
    style = None
    spec = None
    if options.stamp is not None:
        when = datetime.now(timezone.utc)
        spec_stamp = options.stamp
        rect = _field_rect(writer, name) if field_exists else None
        if rect is not None:  # draw for the prepared field's own size, not the caller's default box
            spec_stamp = dataclasses.replace(spec_stamp, box=rect)
        style = stamp.stamp_style(stamp.render_stamp_pdf(spec_stamp, key.subject_name, options.reason, when))
        if not field_exists:
            spec = _field_spec(name, options.stamp.box, _page_index(writer, options.stamp.page))
    elif not field_exists:
        spec = fields.SigFieldSpec(name)  # invisible: zero-size widget on the first page, print flag set
    vc = None
    if options.level.needs_revocation_info:
        vc = trust.validation_context(trust.load_trust_roots(options.trust_roots), other_certs=key.chain,
                                      allow_fetching=True, revocation_mode="hard-fail", timeout=options.timeout)
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=options.reason,
        location=options.location,
        contact_info=options.contact_info,
        certify=options.certify,
        docmdp_permissions=_MDP[options.permission],
        embed_validation_info=options.level.needs_revocation_info,
        use_pades_lta=options.level is Level.B_LTA,
        validation_context=vc,
        signer_key_usage={"digital_signature", "non_repudiation"},
        app_build_props=None,
    )
    tsa = timestamps.HTTPTimeStamper(options.tsa_url, timeout=int(max(1, options.timeout)), session=http) \
        if options.level.needs_timestamp else None
    return signers.PdfSigner(meta, key.signer, timestamper=tsa, stamp_style=style, new_field_spec=spec), vc


def _explain(exc: BaseException, options: SignOptions) -> InputError:
    """Map pyHanko's failure modes to a field and a reason the user can act on."""
    chain = [exc]
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(chain) <= 8:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for err in chain:
        if isinstance(err, TimestampRequestError):
            root = chain[-1]
            return InputError("tsa_url", f"timestamp authority {options.tsa_url} failed: {root or err}")
        if isinstance(err, (cv_errors.PathValidationError, cv_errors.PathBuildingError)):
            return InputError("signer", trust.describe_path_error(err))
    return InputError("sign", str(exc) or exc.__class__.__name__)


async def async_sign_pdf(key: SigningKey, data: bytes, options: Optional[SignOptions] = None) -> bytes:
    """Sign `data` (a PDF) and return the signed PDF; the input is never modified.

    Raises InputError for bad input or an unusable signer certificate (unless allowed), an unreachable
    TSA or missing revocation data.
    """
    options = options or SignOptions()
    await key.ensure_valid(options)
    http = trust.HttpSession()
    writer, pdf_signer, vc = _prepare(key, data, options, http)
    reserved = options.bytes_reserved or _RESERVED[options.level]
    try:
        try:
            out = await pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved)
        except SigningError as exc:
            if "larger than expected" not in str(exc) or options.bytes_reserved:
                raise
            # the fixed reservation was too small for this chain: let pyHanko measure
            writer, pdf_signer, vc2 = _prepare(key, data, options, http)
            try:
                out = await pdf_signer.async_sign_pdf(writer)
            finally:
                if vc2 is not None:
                    await vc2.aclose()
    except InputError:
        raise
    except (SigningError, TimestampRequestError, cv_errors.PathValidationError, cv_errors.PathBuildingError,
            OSError) as exc:
        raise _explain(exc, options) from None
    except Exception as exc:
        if exc.__class__.__module__.startswith("pkcs11"):
            raise InputError("pkcs11", f"token refused to sign: {exc.__class__.__name__} {exc}") from None
        raise
    finally:
        if vc is not None:
            await vc.aclose()
        await http.close()
    signed: bytes = out.getvalue()
    return signed


def sign_pdf(key: SigningKey, data: bytes, options: Optional[SignOptions] = None) -> bytes:
    """Synchronous `async_sign_pdf` (not inside a running event loop)."""
    return run_sync(async_sign_pdf(key, data, options))


async def async_renew_lta(data: bytes, tsa_url: str, trust_roots: Sequence[TrustSource] = (), *, timeout: float = 10.0) -> bytes:
    """Extend a B-LTA document's archival chain: revocation data for the last document timestamp plus a
    new document timestamp. Run it before the last timestamp's TSA certificate expires."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not tsa_url.startswith(("http://", "https://")):
        raise InputError("tsa_url", "must be an http:// or https:// URL")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError("pdf", f"unreadable PDF: {exc}") from None
    if not any(e.sig_object_type == "/DocTimeStamp" for e in reader.embedded_signatures):
        raise InputError("pdf", "no document timestamp to renew: sign at level B-LTA first")
    vc = trust.validation_context(trust.load_trust_roots(trust_roots), allow_fetching=True,
                                  revocation_mode="hard-fail", timeout=timeout)
    http = trust.HttpSession()
    stamper = signers.PdfTimeStamper(timestamps.HTTPTimeStamper(tsa_url, timeout=int(max(1, timeout)), session=http))
    try:
        out = await stamper.async_update_archival_timestamp_chain(reader, vc, in_place=False)
    except (SigningError, TimestampRequestError, cv_errors.PathValidationError, cv_errors.PathBuildingError,
            OSError) as exc:
        raise _explain(exc, SignOptions(level=Level.B_T, tsa_url=tsa_url)) from None
    finally:
        await vc.aclose()
        await http.close()
    renewed: bytes = out.getvalue()
    return renewed


def renew_lta(data: bytes, tsa_url: str, trust_roots: Sequence[TrustSource] = (), *, timeout: float = 10.0) -> bytes:
    """Synchronous `async_renew_lta`."""
    return run_sync(async_renew_lta(data, tsa_url, trust_roots, timeout=timeout))


def add_signature_field(data: bytes, field: EmptyField) -> bytes:
    """Append an empty signature field (e.g. where the layout reserved room for the signature), so that any
    signing tool, ours or a desktop one, puts the signature there. PDF/A metadata stays consistent."""
    writer = _open(data)
    if field.name in _existing_fields(writer):
        raise InputError("field_name", f"a signature field named {field.name!r} already exists")
    pdfa.align_producer(writer)
    fields.append_signature_field(writer, _field_spec(field.name, field.box, _page_index(writer, field.page)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
