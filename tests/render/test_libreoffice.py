"""The DOCX opens in an independent word processor: LibreOffice converts it and keeps every fact."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from correspondence.casefile import build_case
from correspondence.render import compose_document, render_docx
from tests.casedata import example
from tests.textutil import pdf_flat

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
@pytest.mark.parametrize("language", ["it", "es"])
def test_libreoffice_opens_the_docx(language, tmp_path):
    data = example(language, debtor__name="Àlfa & Bèta <Ñandú> \"Çedilla\"")
    doc = compose_document(build_case(data))
    source = tmp_path / "letter.docx"
    source.write_bytes(render_docx(doc))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=120)
    text = pdf_flat((tmp_path / "letter.pdf").read_bytes())
    assert "Àlfa & Bèta <Ñandú> \"Çedilla\"" in text
    for invoice in doc.case.claim.invoices:
        assert invoice.number in text
    assert doc.pack.money(doc.statement.total_due).replace("\u00a0", " ") in text
    assert doc.case.signatory.name in text
