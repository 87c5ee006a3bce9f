"""Issue 12 item 10 / 23 (register): names of bodies keep their article after a preposition, in the wording
and in the signature line ("in nome e per conto del Condominio ...", "en nombre y representación de la
Comunidad de Propietarios ..."); no sentence runs into the next without a space ("2026.Il dettaglio")
anywhere in the kind x tone x credit type x debtor type matrix."""
from __future__ import annotations

import itertools
import re

import pytest

from correspondence.model import CreditType, DebtorType, DocumentKind, Tone
from correspondence.render import compose_document
from correspondence.wording import language_pack
from correspondence.casefile import build_case
from tests.casedata import CONSUMER_TAX_IDS, agreement_example
from tests.wording.formats import assert_in_both, case_of

#: a sentence end run into a capital letter; company forms (S.p.A.) and Spanish article numbers (art. 80.Tres)
#: are written that way on purpose
JOIN = re.compile(r"[a-zà-ÿ0-9)»”][.;:!?][A-ZÀ-ÝÑ¿¡]")
ALLOWED = re.compile(r"S\.p\.A|\d\.(Uno|Dos|Tres|Cuatro|Cinco|Seis|Siete|Ocho|Nueve|Diez)\b")


@pytest.mark.parametrize("language,name,signature,wording", [
    ("it", "Condominio Via Roma 12", "in nome e per conto del Condominio Via Roma 12",
     "scriviamo in nome e per conto del Condominio Via Roma 12"),
    ("it", "Agenzia delle Entrate-Riscossione", "in nome e per conto dell'Agenzia delle Entrate-Riscossione", None),
    ("it", "Rossi Forniture S.r.l.", "in nome e per conto di Rossi Forniture S.r.l.", None),
    ("es", "Comunidad de Propietarios Calle Mayor 5",
     "en nombre y representación de la Comunidad de Propietarios Calle Mayor 5", None),
    ("es", "Ayuntamiento de Getafe", "en nombre y representación del Ayuntamiento de Getafe", None),
])
def test_the_signature_line_keeps_the_article_of_the_creditor(language, name, signature, wording):
    case = case_of(language, kind="first_demand", tone="courteous", creditor__name=name)
    assert case.representative is not None
    assert signature in compose_document(case).signature_lines
    assert_in_both(case, signature, *([wording] if wording else []),
                   absent=("per conto di Condominio", "representación de Comunidad", " de el ", " di il "))


def test_the_article_comes_from_the_language_pack():
    it, es = language_pack("it"), language_pack("es")
    assert (it.article("Comune di Torino", "di"), it.article("Regione Piemonte", "a"), it.article("Bianchi S.p.A.", "di"),
            it.article("Università di Pavia")) == ("del ", "alla ", "di ", "l'")
    assert (es.article("Ayuntamiento de Getafe", "a"), es.article("Junta de Andalucía", "de"),
            es.article("Construcciones Alcalá Norte, S.A.", "de")) == ("al ", "de la ", "de ")
    assert (it.gender("Comune di Torino"), it.gender("Agenzia X"), es.gender("Rossi S.L.")) == ("m", "f", None)


COMBOS = list(itertools.product(("it", "es"), DocumentKind, Tone, CreditType, DebtorType))


@pytest.mark.parametrize("language", ["it", "es"])
def test_no_sentence_runs_into_the_next_anywhere_in_the_matrix(language):
    joins = {}
    for _, kind, tone, credit_type, debtor_type in (c for c in COMBOS if c[0] == language):
        changes = {"tone": tone.value, "credit_type": credit_type.value, "debtor__type": debtor_type.value}
        if debtor_type is DebtorType.consumer:
            changes["debtor__tax_id"] = CONSUMER_TAX_IDS[language]
        # agreement kinds need their plan or offer: the example's (the plain example for the demand kinds)
        case = build_case(agreement_example(language, kind.value, **changes))
        for block in compose_document(case).blocks:
            texts = [block.text, *("".join(r.text for r in item) for item in block.items),
                     *("".join(r.text for r in value) for _, value in block.rows)]
            for text in texts:
                for m in JOIN.finditer(text):
                    around = text[max(0, m.start() - 12):m.end() + 12]
                    if not ALLOWED.search(around):
                        joins.setdefault(around, f"{kind.value} {tone.value} {credit_type.value} {debtor_type.value}")
    assert not joins, joins
