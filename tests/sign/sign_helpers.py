"""Checks shared by the signing tests: PDF/A invariants, pdfsig, tampering, CLI runs."""
from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf

from tests.textutil import pdf_fonts


def pdfa_problems(data: bytes) -> list[str]:
    """The PDF/A properties signing must preserve (veraPDF is not available here)."""
    problems = []
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        problems.append("encrypted")
    root = reader.trailer["/Root"]
    intents = root.get("/OutputIntents")
    if not intents or not any(i.get_object().get("/S") == "/GTS_PDFA1" for i in intents):
        problems.append("no PDF/A output intent")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    m = re.search(r'pdf:Producer(?:="([^"]*)"|>([^<]*)<)', xmp)
    xmp_producer = (m.group(1) or m.group(2)) if m else None
    info_producer = reader.trailer["/Info"].get_object().get("/Producer")
    if xmp_producer != info_producer:
        problems.append(f"producer mismatch: XMP {xmp_producer!r} vs Info {info_producer!r}")
    if 'pdfaid:part="3"' not in xmp and "<pdfaid:part>3<" not in xmp:
        problems.append("pdfaid:part=3 missing from XMP")
    problems.extend(f"font not embedded: {name}" for name in unembedded_fonts(data))
    return problems


def unembedded_fonts(data: bytes) -> list[str]:
    out = pdf_fonts(data)
    bad = []
    for line in out.splitlines()[2:]:
        cols = line.split()
        # name type... encoding emb sub uni object ID: 'emb' is the 5th column from the end
        if len(cols) >= 7 and cols[-5] != "yes":
            bad.append(cols[0])
    return bad


def pdfsig(path: Path, *extra: str) -> str:
    proc = subprocess.run(["pdfsig", *extra, str(path)], capture_output=True, text=True)
    return proc.stdout + proc.stderr


def qpdf_check(data: bytes, tmp: Path) -> str:
    f = tmp / "check.pdf"
    f.write_bytes(data)
    proc = subprocess.run(["qpdf", "--check", str(f)], capture_output=True, text=True)
    assert proc.returncode in (0, 3), proc.stdout + proc.stderr  # 3 = warnings only
    return proc.stdout


def flip_byte_in_signed_range(data: bytes) -> bytes:
    """Corrupt one byte of a compressed stream inside the first signed revision."""
    byte_range = [int(x) for x in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data).groups()]
    start = data.index(b"stream", 0, byte_range[1]) + 20
    assert start < byte_range[1]
    buf = bytearray(data)
    buf[start] ^= 0x01
    return bytes(buf)


def append_page_content(data: bytes) -> bytes:
    """An incremental update that draws on page 1 after signing (a forged addition)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(stream_data=b"0 0 1 rg 100 100 200 50 re f")
    w.add_stream_to_page(0, w.add_object(stream))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def signed_attribute_types(pdf: bytes, index: int = 0) -> dict:
    """Signed attributes of the index-th signature's CMS: {type name: parsed values}."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    emb = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[index]
    attrs = emb.signer_info["signed_attrs"]
    return {a["type"].native: a["values"] for a in attrs}


def assert_ess_signing_certificate(pdf: bytes, cert) -> None:
    """PAdES requires signing-certificate-v2 naming the signer certificate (hash + issuer/serial)."""
    import hashlib

    attrs = signed_attribute_types(pdf)
    assert "signing_certificate_v2" in attrs, sorted(attrs)
    ess = attrs["signing_certificate_v2"][0]["certs"][0]
    assert ess["cert_hash"].native == hashlib.sha256(cert.dump()).digest()
    assert ess["issuer_serial"]["serial_number"].native == cert.serial_number
    assert "signing_time" not in attrs  # PAdES baseline: the time is in the PDF /M entry, not the CMS
