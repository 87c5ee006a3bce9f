"""The DOCX font subsets are cached and taken from the face reduced to the common repertoire: the bytes
embedded must be exactly those of subsetting the full face to the letter's characters."""
from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from correspondence.packaged import shared_dir
from correspondence.render.docx_package import REPERTOIRE, _subset, _subset_now

LETTER = ("Spett.le Rossi S.r.l., Via Garibaldi 12 – 20121 Milano. Oggetto: diffida ad adempiere ex art. 1454 c.c.; "
          "importo dovuto € 1.234,56 («fatture» n. 2026/101), entro il 15/03/2026… Señor Núñez: ¿pagará? ¡Ya! ÀÈÉÌÒÙ")


@pytest.mark.parametrize("face", ["LiberationSerif-Regular", "LiberationSans-Bold", "LiberationSerif-BoldItalic"])
def test_the_cached_subset_is_the_subset_of_the_full_face(face):
    data = (shared_dir() / "fonts" / f"{face}.ttf").read_bytes()
    assert set(LETTER) <= REPERTOIRE
    assert _subset(data, LETTER) == _subset_now(data, "".join(sorted(set(LETTER))))
    assert _subset(data, "".join(reversed(LETTER))) is _subset(data, LETTER)  # one entry per character set


def test_characters_outside_the_repertoire_come_from_the_full_face():
    data = (shared_dir() / "fonts" / "LiberationSerif-Regular.ttf").read_bytes()
    text = "Ωμέγα Жук Łódź"
    assert not set(text) <= REPERTOIRE
    cmap = TTFont(io.BytesIO(_subset(data, text))).getBestCmap()
    assert {ord(c) for c in text if c != " "} <= set(cmap)
    assert ord("Q") not in cmap  # still a subset


@pytest.mark.parametrize("language", ["it", "es"])
def test_a_letter_with_a_payment_stays_within_the_repertoire(language, monkeypatch):
    """A payment is shown as a negative row ("− 500,00 €", U+2212): outside the repertoire every face of the
    letter would be subset from the full font, three times slower (issue 19)."""
    from correspondence.casefile import build_case
    from correspondence.render import compose_document, render_docx
    from correspondence.render import docx_package
    from tests.casedata import example

    data = example(language)
    data["claim"]["payments"].append({"date": "2026-10-30", "amount": "100.00"})
    texts: list[str] = []
    real = docx_package._subset
    monkeypatch.setattr(docx_package, "_subset", lambda face, text: texts.append(text) or real(face, text))
    render_docx(compose_document(build_case(data)))
    letter = [text for text in texts if set(text) != REPERTOIRE]
    assert letter and all("\u2212 " in text for text in letter)
    assert all(set(text) <= REPERTOIRE for text in texts)
