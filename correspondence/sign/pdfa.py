"""Keep PDF/A metadata consistent across pyHanko's incremental writes.

On every write pyHanko appends its name to the Info /Producer but *replaces* XMP pdf:Producer with
``pyHanko <version>``; PDF/A requires the two to agree. Setting Info /Producer to exactly that vendor
string in the signing revision makes every later pyHanko write (DSS, document timestamp) leave both
equal. Documents without XMP metadata are not PDF/A and are left alone.
"""
from __future__ import annotations

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR


def has_xmp(writer: IncrementalPdfFileWriter) -> bool:
    return "/Metadata" in writer.root


def align_producer(writer: IncrementalPdfFileWriter) -> None:
    """Prepare `writer` so that Info /Producer and XMP pdf:Producer match after pyHanko writes."""
    if not has_xmp(writer):
        return
    try:
        info_ref = writer.trailer.raw_get("/Info")
    except KeyError:
        return  # XMP only: pyHanko keeps it that way
    info = info_ref.get_object() if isinstance(info_ref, generic.IndirectObject) else info_ref
    if str(info.get("/Producer", "")) == VENDOR:
        return
    info["/Producer"] = generic.TextStringObject(VENDOR)
    if isinstance(info_ref, generic.IndirectObject):
        writer.mark_update(info_ref)
    else:
        writer.update_root()
