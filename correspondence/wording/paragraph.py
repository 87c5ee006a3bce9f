"""The structured paragraphs that wording produces and every layout consumes.

Wording templates emit a tiny XML vocabulary (Jinja2 autoescapes the data, so a `<` or `&` in a name can
never become markup); this module parses it into `Block`s. Layouts know these block styles, nothing else.

Blocks: ``subject, salutation, p, heading, closing, note`` (text with inline ``<b>``, ``<i>``), ``list``
of ``item``, ``fields`` of ``field label="..."`` (label/value rows), ``table ref="invoices|periods|
payments|actions"``, ``totals``, ``signature``, ``annex title="..."`` (starts an annex on a new page).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

from ..errors import ConfigurationError

TEXT_BLOCKS = frozenset({"subject", "salutation", "p", "heading", "closing", "note"})
EMPTY_BLOCKS = frozenset({"totals", "signature"})
TABLE_REFS = frozenset({"invoices", "periods", "payments", "actions", "instalments"})
_SPACE = re.compile(r"[^\S\u00a0]+")  # keep no-break spaces ("1.250,00 €" must not wrap)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


Runs = tuple[Run, ...]


@dataclass(frozen=True)
class Block:
    style: str
    runs: Runs = ()
    items: tuple[Runs, ...] = ()
    rows: tuple[tuple[str, Runs], ...] = ()
    ref: str | None = None
    title: str | None = None

    @property
    def text(self) -> str:
        return plain(self.runs)

    @property
    def full_text(self) -> str:
        """Everything the block prints: text or title, list items, and label/value rows."""
        parts = [self.text, self.title or ""]
        parts += [plain(item) for item in self.items]
        parts += [f"{label}: {plain(runs)}" for label, runs in self.rows]
        return " ".join(p for p in parts if p)


def plain(runs: Runs) -> str:
    return "".join(r.text for r in runs)


def _runs(element: ET.Element, source: str, bold: bool = False, italic: bool = False) -> list[Run]:
    out: list[Run] = []
    if element.text:
        out.append(Run(element.text, bold, italic))
    for child in element:
        if child.tag == "b":
            out.extend(_runs(child, source, True, italic))
        elif child.tag == "i":
            out.extend(_runs(child, source, bold, True))
        else:
            raise ConfigurationError(f"{source}: <{child.tag}> is not allowed inside <{element.tag}>")
        if child.tail:
            out.append(Run(child.tail, bold, italic))
    return out


def _normalise(runs: list[Run]) -> Runs:
    """Collapse whitespace across runs (templates are indented freely) and drop empty runs."""
    cleaned: list[Run] = []
    for run in runs:
        text = _SPACE.sub(" ", run.text)
        if cleaned and cleaned[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if not cleaned and text.startswith(" "):
            text = text[1:]
        if text:
            if cleaned and (cleaned[-1].bold, cleaned[-1].italic) == (run.bold, run.italic):
                cleaned[-1] = Run(cleaned[-1].text + text, run.bold, run.italic)
            else:
                cleaned.append(Run(text, run.bold, run.italic))
    if cleaned and cleaned[-1].text.endswith(" "):
        last = cleaned[-1]
        cleaned[-1] = Run(last.text.rstrip(" "), last.bold, last.italic)
        if not cleaned[-1].text:
            cleaned.pop()
    return tuple(cleaned)


def parse_blocks(markup: str, source: str) -> list[Block]:
    """Parse rendered wording into blocks; any unknown tag or attribute is a template error."""
    try:
        root = SafeET.fromstring(f"<wording>{markup}</wording>", forbid_dtd=True)
    except (ET.ParseError, ValueError) as exc:
        raise ConfigurationError(f"{source}: rendered wording is not well-formed ({exc})") from None
    if root.text and root.text.strip():
        raise ConfigurationError(f"{source}: text outside a block: {root.text.strip()[:60]!r}")
    blocks: list[Block] = []
    for el in root:
        if el.tail and el.tail.strip():
            raise ConfigurationError(f"{source}: text outside a block: {el.tail.strip()[:60]!r}")
        blocks.append(_block(el, source))
    return [b for b in blocks if b.runs or b.items or b.rows or b.style not in TEXT_BLOCKS]


def _block(el: ET.Element, source: str) -> Block:
    tag = el.tag
    if tag in TEXT_BLOCKS:
        return Block(tag, _normalise(_runs(el, source)))
    if tag in EMPTY_BLOCKS:
        return Block(tag)
    if tag == "list":
        items = tuple(_normalise(_runs(child, source)) for child in el if _expect(child, "item", tag, source))
        return Block("list", items=tuple(i for i in items if i))
    if tag == "fields":
        rows = tuple((child.get("label", ""), _normalise(_runs(child, source)))
                     for child in el if _expect(child, "field", tag, source))
        return Block("fields", rows=rows)
    if tag == "table":
        ref = el.get("ref")
        if ref not in TABLE_REFS:
            raise ConfigurationError(f"{source}: <table ref={ref!r}> must be one of {sorted(TABLE_REFS)}")
        return Block("table", ref=ref)
    if tag == "annex":
        return Block("annex", title=_SPACE.sub(" ", el.get("title", "")).strip())
    raise ConfigurationError(f"{source}: unknown block <{tag}>")


def _expect(child: ET.Element, tag: str, parent: str, source: str) -> bool:
    if child.tag != tag:
        raise ConfigurationError(f"{source}: <{parent}> may only contain <{tag}>, found <{child.tag}>")
    return True
