"""Reading one uploaded file from a multipart body, with media-type and size checks.

Routes parse the form themselves (instead of `File()` parameters) so that a body of the wrong type is
answered 415 before anything is parsed, and so that nothing reaches the blob store before it is validated.
The body limit middleware caps the request while it streams; python-multipart spools large parts to disk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from fastapi import Request
from starlette.datastructures import UploadFile

from correspondence.model.base import control_character
from correspondence.store.blobs import TooLarge

from .problems import Problem

CHUNK = 256 * 1024


@dataclass
class Upload:
    data: bytes
    filename: str
    media_type: str
    fields: dict[str, str] = field(default_factory=dict)


def _base_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


async def multipart_form(request: Request, *, max_files: int, max_fields: int, hint: str,
                         max_part_size: int = 64 * 1024) -> Any:
    """The parsed multipart form (415 for another body type, 400 when malformed); the caller closes it."""
    if _base_type(request.headers.get("content-type")) != "multipart/form-data":
        raise Problem(415, hint, slug="unsupported-media-type", field="body")
    try:
        return await request.form(max_files=max_files, max_fields=max_fields, max_part_size=max_part_size)
    except Problem:
        raise
    except Exception as exc:  # malformed multipart, too many parts
        if getattr(exc, "status_code", None) == 413:
            raise
        raise Problem(400, f"malformed multipart body: {getattr(exc, 'detail', exc)}", slug="malformed-body",
                      field="body") from None


async def read_upload(request: Request, *, limit: int, accept: Mapping[str, Callable[[bytes], bool]],
                      text_fields: tuple[str, ...] = ()) -> Upload:
    """Parse a multipart body with one ``file`` part (+ optional text fields).

    `accept` maps each allowed media type of the part to a check of its first bytes; a part declared
    as ``application/octet-stream`` is accepted if any check matches.
    """
    form = await multipart_form(request, max_files=1, max_fields=len(text_fields) + 1,
                                hint="send the file as multipart/form-data with a part named 'file'")
    try:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise Problem(422, "a part named 'file' with the document is required", slug="validation",
                          field="file")
        fields: dict[str, str] = {}
        for name in text_fields:
            value = form.get(name)
            if isinstance(value, str) and value.strip():
                fields[name] = _clean(name, value.strip())
        filename = _clean("filename", (part.filename or "upload")[:255])
        chunks: list[bytes] = []
        size = 0
        while chunk := await part.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge("file", limit)
            chunks.append(chunk)
        data = b"".join(chunks)
        if not data:
            raise Problem(422, "the file is empty", slug="validation", field="file")
        declared = _base_type(part.content_type) or "application/octet-stream"
        media_type = _check_type(declared, data, accept)
        return Upload(data=data, filename=filename, media_type=media_type, fields=fields)
    finally:
        await form.close()


def _clean(name: str, value: str) -> str:
    bad = control_character(value)
    if bad:
        raise Problem(422, f"{name}: contains the control character {bad}", slug="validation", field=name)
    return value


def _check_type(declared: str, data: bytes, accept: Mapping[str, Callable[[bytes], bool]]) -> str:
    if declared in accept:
        if not accept[declared](data):
            raise Problem(415, f"the file content does not look like {declared}", slug="unsupported-media-type",
                          field="file")
        return declared
    if declared == "application/octet-stream":
        for media_type, check in accept.items():
            if check(data):
                return media_type
    raise Problem(415, f"'{declared}' is not accepted here; use one of: {', '.join(sorted(accept))}",
                  slug="unsupported-media-type", field="file")


def multipart_body(description: str, extra: dict[str, Any] | None = None,
                   media_types: Iterable[str] = ()) -> dict[str, Any]:
    """`openapi_extra` documenting a multipart body read by `read_upload`: the accepted media types of the
    ``file`` part (its Content-Type, or application/octet-stream and the content decides)."""
    types = sorted(set(media_types))
    if types:
        description = f"{description}. Accepted types: {', '.join(types)}"
    properties: dict[str, Any] = {"file": {"type": "string", "format": "binary", "description": description}}
    properties.update(extra or {})
    content: dict[str, Any] = {"schema": {"type": "object", "properties": properties, "required": ["file"]}}
    if types:
        content["encoding"] = {"file": {"contentType": ", ".join(types)}}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": content}}}


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def is_jpeg(data: bytes) -> bool:
    return data.startswith(b"\xff\xd8\xff")


def is_png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def is_tiff(data: bytes) -> bool:
    return data[:4] in (b"II*\x00", b"MM\x00*")


def looks_like_mail(data: bytes) -> bool:
    """A MIME message starts with header lines ``Name: value``; binary or HTML does not."""
    head = data[:2048].lstrip(b"\r\n")
    first = head.split(b"\n", 1)[0]
    name, sep, _ = first.partition(b":")
    return bool(sep) and 0 < len(name) < 80 and all(33 <= c <= 126 and c != 58 for c in name)


_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2 (CMS SignedData)


def is_p7m(data: bytes) -> bool:
    """A CAdES/CMS signed file (.p7m): DER SignedData (its OID sits in the first bytes), or the same in
    PEM/base64 armour as some signing tools write it."""
    import base64
    import binascii

    if data[:1] == b"\x30" and _SIGNED_DATA_OID in data[:32]:
        return True
    head = data[:200].lstrip()
    if head.startswith((b"-----BEGIN PKCS7", b"-----BEGIN CMS")):
        return True
    try:
        der = base64.b64decode(b"".join(head[:96].split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return der[:1] == b"\x30" and _SIGNED_DATA_OID in der[:32]


def is_xml(data: bytes) -> bool:
    """An XML document (FatturaPA, an e-invoice, structured letters): '<' after an optional BOM/space."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
