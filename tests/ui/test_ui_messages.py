"""Every word the pages show has its Italian and Spanish version; languages follow Accept-Language."""
from __future__ import annotations

import re
from pathlib import Path

from correspondence.api.ui import cases as ui_cases
from correspondence.api.ui.i18n import Texts, negotiate
from correspondence.api.ui.messages import CATALOGUE
from correspondence.dispatch.model import DeliveryState
from correspondence.model import DocumentKind, Tone

TEMPLATES = Path(ui_cases.__file__).with_name("templates")


def test_every_template_text_is_translated() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        used |= set(re.findall(r'_\(\s*"([^"]+)"', text)) | set(re.findall(r"_\(\s*'([^']+)'", text))
    missing = sorted(t for t in used if not {"it", "es"} <= CATALOGUE.get(t, {}).keys())
    assert missing == []


def test_every_enum_shown_has_words() -> None:
    keys = [f"state.{s.value}" for s in DeliveryState] + [f"kind.{k.value}" for k in DocumentKind]
    keys += [f"tone.{t.value}" for t in Tone] + [f"phase.{p}" for p in ui_cases.PHASES]
    keys += [f"step.{s}" for s in ui_cases.SUGGESTED_KIND] + [f"channel.{c}" for c in ui_cases.CHANNELS]
    keys += [f"action.{a.value}" for a in ui_cases.STAFF_ACTIONS]
    assert [k for k in keys if not {"en", "it", "es"} <= CATALOGUE.get(k, {}).keys()] == []


def test_language_from_accept_language() -> None:
    assert negotiate("it-IT,it;q=0.9,en;q=0.8") == "it"
    assert negotiate("fr-FR, es;q=0.7, it;q=0.5") == "es"
    assert negotiate("en;q=0.1, it;q=0.9") == "it"
    assert negotiate("de-DE") == negotiate(None) == negotiate("it;q=0") == "en"


def test_dates_and_amounts_in_the_locale() -> None:
    import datetime as dt
    from decimal import Decimal

    it, es, en = Texts("it"), Texts("es"), Texts("en")
    assert it.money(Decimal("2086.11")).replace("\xa0", " ") == "2.086,11 €"
    assert es.money(Decimal("12086.11")).replace("\xa0", " ") == "12.086,11 €"
    assert en.money(Decimal("2086.11")) == "€2,086.11"
    assert it.day(dt.date(2026, 12, 2)) == "2 dic 2026"
    assert es.day(dt.date(2026, 12, 2)).startswith("2 dic 2026")
    assert it.gettext("{n} cases", n=3) == "3 pratiche"
    assert it.term("state", DeliveryState.delivered) == "consegnata"
