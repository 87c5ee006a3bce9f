"""A Typst campaign lays its letters out in one pass and splits them (render/typst_many.py): each part is the
letter laid out alone, page for page (text, page numbers, signature and window boxes, page sizes, metadata),
carries no other letter's text, and signs and verifies as its own document."""
from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest

from correspondence.campaign.production import Job, produce_job, produce_jobs
from correspondence.casefile import build_case
from correspondence.render import compose_document
from correspondence.render.typst import render_typst
from correspondence.render.typst_many import render_typst_many
from correspondence.sign import SigningKey, ensure_demo_signer, verify_pdf
from correspondence.pipeline import Signing
from tests.casedata import example
from tests.render.test_typst import MATRIX, _case


def page_texts(data: bytes) -> list[str]:
    """Each page's whole text (header and footer included: they carry the page numbers), by poppler."""
    pages = len(pikepdf.open(io.BytesIO(data)).pages)
    return [subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(n), "-l", str(n), "-", "-"],
                           input=data, capture_output=True, check=True).stdout.decode("utf-8")
            for n in range(1, pages + 1)]


def described(data: bytes) -> dict:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.open_metadata()
        return {"info": {k: str(v) for k, v in pdf.docinfo.items()}, "lang": str(pdf.Root.Lang),
                "version": pdf.pdf_version, "boxes": [[float(x) for x in p.mediabox] for p in pdf.pages],
                "xmp": {k: str(v) for k, v in xmp.items() if not k.endswith("ID")}}  # IDs name each file


@pytest.fixture(scope="module")
def laid_out():
    docs = [compose_document(build_case(_case(language, kind))) for language, kind in MATRIX]
    other = example("es", kind="first_demand")  # the Spanish reminder spills: two of them are compacted together
    other["debtor"]["name"] = "Zurbarán Distribución, S.A."
    docs.append(compose_document(build_case(other)))
    return docs, render_typst_many(docs, pdfa=False)


@pytest.mark.parametrize("index", range(len(MATRIX)), ids=[f"{lang}-{kind}" for lang, kind in MATRIX])
def test_each_letter_of_a_pass_is_the_letter_laid_out_alone(laid_out, index):
    docs, parts = laid_out
    part, alone = parts[index], render_typst(docs[index], pdfa=False)
    assert part.data != alone.data  # laid out in the group (its fonts are the group's), not again alone
    assert (part.pages, part.signature_box, part.boxes, part.compact, part.pdfa) == \
        (alone.pages, alone.signature_box, alone.boxes, alone.compact, alone.pdfa)
    assert page_texts(part.data) == page_texts(alone.data)
    assert described(part.data) == described(alone.data)


def test_a_letter_in_the_middle_of_a_pass_numbers_its_own_pages(laid_out):
    docs, parts = laid_out
    index = MATRIX.index(("it", "legal_notice"))  # three pages, after two one-page letters
    assert parts[index].pages == 3 and parts[index - 1].pages == 1
    texts = page_texts(parts[index].data)
    assert len(texts) == 3
    assert "Pagina" not in texts[0]  # no running header on a letter's first page
    for n, text in enumerate(texts, start=1):
        assert n == 1 or re.search(rf"Pagina {n} di 3", text), text[:300]
        assert re.search(rf"\b{n}/3\s*$", text.strip("\f")), text[-200:]  # the footer's count


def test_letters_of_one_pass_sign_and_verify_each_with_only_their_own_text(tmp_path):
    p12, password, ca = ensure_demo_signer(tmp_path / "certs")
    signing = Signing(SigningKey.from_p12(p12, password))
    names = ["Peñalara Logística, S.L.", "Construcciones Alcalá Norte, S.A.", "Ølgaard Ibérica, S.L.",
             "Zurbarán Distribución, S.A."]
    jobs = []
    for n, name in enumerate(names):
        data = example("es", kind="first_demand")
        data["debtor"]["name"] = name
        jobs.append(Job(f"d{n}", build_case(data).model_dump(mode="json"), ("pdf",), True, "fp", (n + 2,),
                        engine="typst"))
    together = produce_jobs(jobs, signing)
    assert [p.stem for p in together] == ["d0", "d1", "d2", "d3"] and all(p.error is None for p in together)
    for n, produced in enumerate(together):
        signed = produced.files[f"d{n}.signed.pdf"]
        report = verify_pdf(signed, [ca], allow_fetching=False)
        assert report.valid, report.all_problems()
        out = tmp_path / f"d{n}.pdf"
        out.write_bytes(signed)
        assert "Signature is Valid." in subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
        text = " ".join(" ".join(page_texts(signed)).split())
        assert names[n] in text and not any(other in text for other in names if other != names[n])
        alone = produce_job(jobs[n], signing)
        assert produced.figures == alone.figures and produced.layout == alone.layout
        assert page_texts(signed) == page_texts(alone.files[f"d{n}.signed.pdf"])


def test_a_case_that_cannot_be_composed_fails_alone_in_its_pass():
    good = build_case(example("es", kind="first_demand")).model_dump(mode="json")
    bad = {**good, "invoices": []}
    jobs = [Job(stem, case, ("pdf",), False, "fp", (2,), engine="typst")
            for stem, case in (("a", good), ("b", bad), ("c", good))]
    a, b, c = produce_jobs(jobs)
    assert a.error is None and c.error is None and b.error and "invoice" in b.error
    assert page_texts(a.files["a.pdf"]) == page_texts(produce_job(jobs[0]).files["a.pdf"])
