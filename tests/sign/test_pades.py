"""PAdES levels end to end: signed with the test PKI, validated by pyHanko, pdfsig and our report."""
from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from correspondence.sign import SignOptions, SigningKey, StampSpec, sign_pdf, verify_pdf
from conftest import P12_PASSWORD
from sign_helpers import assert_ess_signing_certificate, pdfa_problems, pdfsig, qpdf_check


@pytest.fixture(scope="module")
def rsa_key(pki):
    return SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)


@pytest.fixture(scope="module")
def ec_key(pki):
    return SigningKey.from_p12(pki.p12("signer-ec"), P12_PASSWORD)


@pytest.fixture(scope="module")
def signed(pki, rsa_key, letter):
    """One letter signed at each level (module scope: the expensive part runs once)."""
    out = {}
    for level in ("B-B", "B-T", "B-LT", "B-LTA"):
        opts = SignOptions(level=level, tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,), reason="Diffida")
        out[level] = sign_pdf(rsa_key, letter, opts)
    return out


LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


@pytest.mark.parametrize("level", LEVELS)
def test_level_validates_with_pyhanko_against_test_root(pki, signed, level):
    root = pki.cert("root")
    reader = PdfFileReader(io.BytesIO(signed[level]))
    sigs = reader.embedded_signatures
    # B-LT/B-LTA: only the revocation data embedded in the DSS, no fetching
    from pyhanko.sign.validation import DocumentSecurityStore
    if level in ("B-LT", "B-LTA"):
        dss = DocumentSecurityStore.read_dss(reader)
        assert list(dss.ocsps) or list(dss.crls), "no revocation info embedded"
        vc = dss.as_validation_context({"trust_roots": [root], "allow_fetching": False,
                                        "revocation_mode": "hard-fail"})
    else:
        vc = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(sigs[0], vc, ts_validation_context=vc)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.bottom_line
    assert (status.timestamp_validity is not None) == (level != "B-B")
    if level == "B-LTA":
        assert len(sigs) == 2 and sigs[1].sig_object_type == "/DocTimeStamp"
        ts_status = validate_pdf_timestamp(sigs[1], validation_context=vc)
        assert ts_status.intact and ts_status.valid and ts_status.trusted
    else:
        assert len(sigs) == 1


@pytest.mark.parametrize("level", LEVELS)
def test_level_reported_by_verify_offline(pki, signed, level):
    # B-LT and B-LTA must validate with fetching disabled: revocation data comes from the document
    report = verify_pdf(signed[level], [pki.root_pem], allow_fetching=level in ("B-B", "B-T"))
    assert report.valid, report.summary()
    sig = report.signatures[0]
    assert sig.level == level
    assert sig.signer == "Avv. Maria Rossi"
    assert (sig.timestamp is not None) == (level != "B-B")


def test_b_b_without_revocation_data_fails_hard_offline_check(pki, signed):
    # the contrast: B-T has no embedded revocation data, so a hard-fail offline check cannot pass
    reader = PdfFileReader(io.BytesIO(signed["B-T"]))
    vc = ValidationContext(trust_roots=[pki.cert("root")], allow_fetching=False, revocation_mode="hard-fail",
                           crls=[], ocsps=[])
    status = validate_pdf_signature(reader.embedded_signatures[0], vc)
    assert status.intact and not status.trusted


@pytest.mark.parametrize("level", LEVELS)
def test_pdfsig_integrity(signed, level, tmp_path):
    path = tmp_path / f"{level}.pdf"
    path.write_bytes(signed[level])
    out = pdfsig(path, "-nocert")
    first = out.split("Signature #2")[0]
    assert "Signature #1" in first and "Signature is Valid." in first, out
    assert "Signer Certificate Common Name: Avv. Maria Rossi" in first


@pytest.mark.parametrize("level", LEVELS)
def test_output_stays_pdfa(signed, level, tmp_path):
    assert pdfa_problems(signed[level]) == []
    qpdf_check(signed[level], tmp_path)


def test_plain_pyhanko_would_break_pdfa_producer(rsa_key, letter):
    # the reason for pdfa.align_producer: without it pyHanko's write leaves Info and XMP disagreeing
    import pypdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    assert pdfa_problems(letter) == []
    assert pypdf.PdfReader(io.BytesIO(letter)).metadata.producer.startswith("WeasyPrint")
    meta = signers.PdfSignatureMetadata(field_name="S", subfilter=fields.SigSeedSubFilter.PADES)
    raw = signers.PdfSigner(meta, rsa_key.signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(letter)))
    assert any("producer mismatch" in p for p in pdfa_problems(raw.getvalue()))


def test_ecdsa_p256_signer(pki, ec_key, letter):
    signed = sign_pdf(ec_key, letter, SignOptions(level="B-T", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,)))
    report = verify_pdf(signed, [pki.root_pem])
    assert report.valid, report.summary()
    assert report.signatures[0].signer == "Abg. Juan Garcia"
    assert pdfa_problems(signed) == []


def test_visible_stamp_on_last_page_with_embedded_font(pki, rsa_key, letter2, tmp_path):
    import pypdf

    spec = StampSpec(box=(330, 40, 560, 120), title="Firmato digitalmente da", date_label="Data",
                     reason_label="Motivo", timezone="Europe/Rome", primary_color="#AA0000")
    signed = sign_pdf(rsa_key, letter2, SignOptions(reason="Diffida ad adempiere", stamp=spec,
                                                   trust_roots=(pki.root_pem,)))
    assert verify_pdf(signed, [pki.root_pem]).valid
    reader = pypdf.PdfReader(io.BytesIO(signed))
    first, last = reader.pages
    assert "/Annots" not in first or not any(
        a.get_object().get("/FT") == "/Sig" for a in first["/Annots"])
    widgets = [a.get_object() for a in last["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 1
    rect = [float(x) for x in widgets[0]["/Rect"]]
    assert rect == pytest.approx([330, 40, 560, 120])
    assert int(widgets[0]["/F"]) & 4  # print flag (PDF/A)
    # the appearance stream draws real text with an embedded TrueType font
    ap = widgets[0]["/AP"]["/N"].get_object()
    path = tmp_path / "stamp.pdf"
    path.write_bytes(signed)
    import subprocess
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Firmato digitalmente da" in text
    assert "Avv. Maria Rossi" in text
    assert "Motivo: Diffida ad adempiere" in text
    assert "Data: 20" in text and ("CET" in text or "CEST" in text)
    assert ap is not None
    assert pdfa_problems(signed) == []
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "StampFont" in fonts


def test_invisible_signature_has_zero_rect_and_print_flag(pki, rsa_key, letter):
    import pypdf

    signed = sign_pdf(rsa_key, letter, SignOptions(trust_roots=(pki.root_pem,)))
    page = pypdf.PdfReader(io.BytesIO(signed)).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0]
    assert int(widget["/F"]) & 4
    assert pdfa_problems(signed) == []


def test_key_reused_across_batch(pki, rsa_key, ec_key, letter):
    # one loaded key, several letters: each carries its own correct ESS signing-certificate-v2
    # attribute (encoded once per key, see speedups.cache_signing_certificate_attribute)
    opts = SignOptions(trust_roots=(pki.root_pem,))
    for key in (rsa_key, ec_key, rsa_key):
        outputs = [sign_pdf(key, letter, opts) for _ in range(2)]
        assert len(set(outputs)) == 2  # distinct signatures (signing time / IDs), same key
        for out in outputs:
            assert verify_pdf(out, [pki.root_pem]).valid
            assert_ess_signing_certificate(out, key.certificate)


def test_brand_stamp_and_bad_stamp_options(pki, rsa_key, letter, tmp_path, capsys):
    from correspondence.cli.app import main
    from correspondence.errors import InputError
    from correspondence.model.brand import Brand

    spec = StampSpec.for_brand(Brand(primary_color="#004488", accent_color="#CC6600", font="serif"),
                               box=(335, 40, 560, 110), title="Firmado digitalmente por")
    assert (spec.primary_color, spec.font) == ("#004488", "serif")
    signed = sign_pdf(rsa_key, letter, SignOptions(stamp=spec, trust_roots=(pki.root_pem,)))
    path = tmp_path / "brand.pdf"
    path.write_bytes(signed)
    import subprocess
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "StampFont" in fonts and pdfa_problems(signed) == []
    with pytest.raises(InputError, match="colour"):
        StampSpec(box=(0, 0, 200, 60), primary_color="red;}body{display:none")
    src = tmp_path / "l.pdf"
    src.write_bytes(letter)
    rc = main(["sign", str(src), "--p12", str(pki.p12("signer")), "--p12-password-file", str(pki.password_file),
               "--stamp-box", "1,2,3", "-o", str(tmp_path / "o.pdf")])
    assert rc == 2 and "--stamp-box" in capsys.readouterr().err


def test_too_small_reservation_falls_back_to_measured_size(pki, rsa_key, letter, monkeypatch):
    from correspondence.sign import pades
    from correspondence.sign.options import Level

    monkeypatch.setitem(pades._RESERVED, Level.B_T, 2048)  # far below one certificate: must be retried
    signed = sign_pdf(rsa_key, letter, SignOptions(level="B-T", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,)))
    assert verify_pdf(signed, [pki.root_pem]).valid
    assert pdfa_problems(signed) == []


def test_pyhanko_default_text_stamp_would_break_pdfa_fonts(rsa_key, letter):
    # the reason for the WeasyPrint stamp: pyHanko's default stamp font (Courier) is not embedded
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name="S", subfilter=fields.SigSeedSubFilter.PADES)
    spec = fields.SigFieldSpec("S", box=(335, 40, 560, 110))
    raw = signers.PdfSigner(meta, rsa_key.signer, new_field_spec=spec).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(letter))).getvalue()
    assert any(p.startswith("font not embedded") for p in pdfa_problems(raw)), pdfa_problems(raw)


def test_long_term_levels_still_verify_after_the_signer_certificate_expired(pki, signed, tmp_path, capsys):
    # the signer certificate ends in 2300, the CA and TSA certificates later: in 2350 only B-LT/B-LTA
    # (timestamp + embedded revocation data) can still prove the signature, as of its timestamp
    from datetime import datetime, timezone

    from correspondence.cli.app import main

    later = datetime(2350, 1, 1, tzinfo=timezone.utc)
    for level in ("B-LT", "B-LTA"):
        report = verify_pdf(signed[level], [pki.root_pem], allow_fetching=False, at=later)
        assert report.valid, report.summary()
        sig = report.signatures[0]
        assert sig.validated_at == sig.timestamp and sig.notes
    for level in ("B-B", "B-T"):
        report = verify_pdf(signed[level], [pki.root_pem], allow_fetching=False, at=later)
        assert not report.valid
        assert any("expired" in p or "revocation" in p for p in report.signatures[0].problems), report.summary()
    path = tmp_path / "lta.pdf"
    path.write_bytes(signed["B-LTA"])
    assert main(["verify", str(path), "--trust", str(pki.root_pem), "--offline", "--at", "2350-01-01"]) == 0
    assert "note: valid as of its timestamp" in capsys.readouterr().out


def test_an_empty_field_keeps_the_layouts_fractional_box(letter):
    """pyHanko annotates a field box as integers; the layout's box (from WeasyPrint, in points) is kept."""
    import pypdf

    from correspondence.sign import EmptyField, add_signature_field

    box = (340.1575, 96.3803, 538.5827, 152.0315)
    data = add_signature_field(letter, EmptyField("Firma", box=box, page=0))
    widget = next(a.get_object() for a in pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Annots"]
                  if a.get_object().get("/T") == "Firma")
    assert [float(x) for x in widget["/Rect"]] == pytest.approx(box, abs=1e-4)
