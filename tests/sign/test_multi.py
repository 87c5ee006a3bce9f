"""Certification (DocMDP) and a second signature on an already signed document (lawyer, then client)."""
from __future__ import annotations

import io

import pytest

from correspondence.errors import InputError
from correspondence.sign import EmptyField, Permission, SignOptions, SigningKey, StampSpec, sign_pdf, verify_pdf
from conftest import P12_PASSWORD
from sign_helpers import pdfa_problems, pdfsig


@pytest.fixture(scope="module")
def lawyer(pki):
    return SigningKey.from_p12(pki.p12("signer"), P12_PASSWORD)


@pytest.fixture(scope="module")
def client(pki):
    return SigningKey.from_p12(pki.p12("signer-ec"), P12_PASSWORD)


def test_certified_then_countersigned(pki, lawyer, client, letter, tmp_path):
    # the certifier prepares the client's (visible) field; a new visible field would break certification
    first = sign_pdf(lawyer, letter, SignOptions(
        certify=True, permission=Permission.FORM_FILLING, level="B-T", tsa_url=pki.tsa_url,
        trust_roots=(pki.root_pem,), reason="Autore", stamp=StampSpec(box=(40, 40, 260, 110)),
        empty_fields=(EmptyField("Cliente", box=(335, 40, 520, 100)),)))
    with pytest.raises(InputError, match="certified"):
        sign_pdf(client, first, SignOptions(trust_roots=(pki.root_pem,), field_name="Nuovo",
                                           stamp=StampSpec(box=(335, 150, 560, 220))))
    second = sign_pdf(client, first, SignOptions(
        level="B-T", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,), reason="Per accettazione",
        field_name="Cliente", stamp=StampSpec(box=(335, 40, 560, 110))))
    assert second.startswith(first)  # incremental: the first revision is untouched
    report = verify_pdf(second, [pki.root_pem])
    assert report.valid, report.summary()
    s1, s2 = report.signatures
    assert (s1.signer, s1.certification, s1.coverage) == ("Avv. Maria Rossi", "fill-forms", "entire revision")
    assert (s2.field, s2.signer, s2.certification, s2.coverage) == ("Cliente", "Abg. Juan Garcia", None, "entire file")
    assert pdfa_problems(second) == []
    # the client's stamp is drawn for the prepared field's size (185 x 60), not the default box
    import pypdf
    widget = next(a.get_object() for a in pypdf.PdfReader(io.BytesIO(second)).pages[0]["/Annots"]
                  if a.get_object().get("/T") == "Cliente")
    ap = widget["/AP"]["/N"].get_object()
    imported = [x.get_object() for x in ap["/Resources"]["/XObject"].values()]
    sizes = set()
    for xobj in imported:  # the stamp page imported from WeasyPrint may sit one form deeper
        for candidate in [xobj, *(y.get_object() for y in xobj.get("/Resources", {}).get("/XObject", {}).values())]:
            b = [float(v) for v in candidate["/BBox"]]
            sizes.add((round(abs(b[2] - b[0])), round(abs(b[3] - b[1]))))
    assert (185, 60) in sizes and (225, 70) not in sizes, sizes
    # the only empty field is picked without naming it
    again = sign_pdf(client, first, SignOptions(trust_roots=(pki.root_pem,), stamp=StampSpec(box=(335, 40, 560, 110))))
    assert [s.field for s in verify_pdf(again, [pki.root_pem]).signatures] == ["Signature1", "Cliente"]
    path = tmp_path / "two.pdf"
    path.write_bytes(second)
    out = pdfsig(path, "-nocert")
    assert out.count("Signature is Valid.") == 2, out


def test_approval_then_approval_at_b_lta(pki, lawyer, client, letter):
    first = sign_pdf(lawyer, letter, SignOptions(level="B-LTA", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,)))
    second = sign_pdf(client, first, SignOptions(level="B-LTA", tsa_url=pki.tsa_url, trust_roots=(pki.root_pem,)))
    report = verify_pdf(second, [pki.root_pem], allow_fetching=False)
    assert report.valid, report.summary()
    kinds = [s.kind for s in report.signatures]
    assert kinds == ["signature", "document-timestamp", "signature", "document-timestamp"]
    assert [s.level for s in report.signatures if s.kind == "signature"] == ["B-LTA", "B-LTA"]
    assert pdfa_problems(second) == []


def test_no_changes_certification_refuses_second_signature(pki, lawyer, client, letter):
    locked = sign_pdf(lawyer, letter, SignOptions(certify=True, permission=Permission.NO_CHANGES,
                                                 trust_roots=(pki.root_pem,)))
    assert verify_pdf(locked, [pki.root_pem]).signatures[0].certification == "no-changes"
    with pytest.raises(InputError):
        sign_pdf(client, locked, SignOptions(trust_roots=(pki.root_pem,)))


def test_named_field_cannot_be_signed_twice(pki, lawyer, letter):
    signed = sign_pdf(lawyer, letter, SignOptions(field_name="Avvocato", trust_roots=(pki.root_pem,)))
    with pytest.raises(InputError, match="already signed"):
        sign_pdf(lawyer, signed, SignOptions(field_name="Avvocato", trust_roots=(pki.root_pem,)))


def test_renew_lta_adds_a_second_document_timestamp(pki, lawyer, letter, tmp_path, capsys):
    from correspondence.cli.app import main

    src = tmp_path / "lta.pdf"
    src.write_bytes(sign_pdf(lawyer, letter, SignOptions(level="B-LTA", tsa_url=pki.tsa_url,
                                                        trust_roots=(pki.root_pem,))))
    out = tmp_path / "renewed.pdf"
    assert main(["renew-lta", str(src), "--tsa-url", pki.tsa_url, "--trust", str(pki.root_pem),
                 "-o", str(out)]) == 0
    report = verify_pdf(out.read_bytes(), [pki.root_pem], allow_fetching=False)
    assert report.valid, report.summary()
    assert [s.kind for s in report.signatures] == ["signature", "document-timestamp", "document-timestamp"]
    assert pdfa_problems(out.read_bytes()) == []
    plain = tmp_path / "bb.pdf"
    plain.write_bytes(letter)
    assert main(["renew-lta", str(plain), "--tsa-url", pki.tsa_url, "-o", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
