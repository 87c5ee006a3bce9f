"""The dossier: annexes embedded byte-identical in a PDF/A-3 report, listed with SHA-256 in PDF and DOCX."""
from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess

import pypdf
import pytest

from correspondence.casefile import build_case
from correspondence.errors import InputError
from correspondence.report import Annex, render_report
from tests.casedata import example
from tests.textutil import docx_text, pdf_text

PEC_RECEIPT = (b"Return-Path: <posta-certificata@pec.example.it>\r\nSubject: CONSEGNA: diffida\r\n"
               b"X-Ricevuta: avvenuta-consegna\r\n\r\n" + bytes(range(256)))  # every byte value survives
SIGNED = b"%PDF-1.7\n% a stored signed letter, kept byte for byte\n" + b"\x00\xff" * 500
ANNEXES = [("diffida-firmata.pdf", SIGNED, "Diffida firmata (PAdES)", "application/pdf"),
           ("ricevuta-consegna.eml", PEC_RECEIPT, "Ricevuta di avvenuta consegna PEC", "message/rfc822")]


@pytest.fixture(scope="module")
def case():
    return build_case(example("it", kind="uncollectability_report"))


@pytest.fixture(scope="module")
def pdf(case) -> bytes:
    return render_report(case, ANNEXES, "pdf")


def test_annexes_extracted_are_byte_identical_and_listed_with_their_hashes(pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    extracted = {name: data[0] for name, data in reader.attachments.items()}
    assert extracted == {name: data for name, data, _, _ in ANNEXES}
    flat = re.sub(r"\s+", "", pdf_text(pdf))
    for name, data, role, _ in ANNEXES:
        digest = hashlib.sha256(data).hexdigest()
        assert hashlib.sha256(extracted[name]).hexdigest() == digest
        assert f"SHA-256:{digest}" in flat and re.sub(r"\s+", "", role) in flat


def test_pdf_a3_structure_with_associated_files(pdf: bytes, tmp_path) -> None:
    """veraPDF is not installable here (no Debian or pip package): check the PDF/A-3 rules for embedded
    files (ISO 19005-3 6.8) with pypdf, and the file with qpdf."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(=\"|>)3", xmp) and re.search(r"pdfaid:conformance(=\"|>)B", xmp)
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    af = [ref.get_object() for ref in root["/AF"]]
    assert len(af) == len(ANNEXES) == len({id(x) for x in af})
    media = {name: mt for name, _, _, mt in ANNEXES}
    for spec in af:
        assert spec["/Type"] == "/Filespec" and spec["/AFRelationship"] == "/Source"
        assert spec["/UF"] == spec["/F"] and spec["/F"] in media
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Subtype"] == "/" + media[spec["/F"]].replace("/", "#2F") or \
            stream["/Subtype"] == "/" + media[spec["/F"]]
        assert "/ModDate" in stream["/Params"] and stream["/Params"]["/Size"] == len(stream.get_data())
        assert "SHA-256" in spec["/Desc"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert sorted(names[::2]) == sorted(media)
    if shutil.which("qpdf"):
        (tmp_path / "report.pdf").write_bytes(pdf)
        check = subprocess.run(["qpdf", "--check", str(tmp_path / "report.pdf")], capture_output=True)
        assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()


def test_docx_lists_the_annexes_with_hashes(case) -> None:
    text = docx_text(render_report(case, ANNEXES, "docx"))
    for name, data, role, _ in ANNEXES:
        assert f"{name} – {role} – SHA-256: {hashlib.sha256(data).hexdigest()}" in text


def test_report_without_annexes_says_so(case) -> None:
    text = pdf_text(render_report(case, [], "pdf"))
    assert "Nessun documento allegato" in text
    assert pypdf.PdfReader(io.BytesIO(render_report(case, [], "pdf"))).attachments == {}


@pytest.mark.parametrize("annex,field", [
    (("../etc/passwd", b"x", "r", "text/plain"), "annexes.0.filename"),
    (("a.txt", b"", "r", "text/plain"), "annexes.0.data"),
    (("a.txt", b"x", "", "text/plain"), "annexes.0.role"),
    (("a.txt", b"x", "r", "not a type"), "annexes.0.media_type"),
])
def test_bad_annexes_are_refused_naming_the_field(case, annex, field) -> None:
    with pytest.raises(InputError) as err:
        render_report(case, [annex], "pdf")
    assert err.value.field == field


def test_duplicate_annex_names_refused(case) -> None:
    with pytest.raises(InputError) as err:
        render_report(case, [Annex("a.pdf", b"1", "x", "application/pdf"), Annex("a.pdf", b"2", "y", "application/pdf")])
    assert err.value.field == "annexes.1.filename"
