"""SVG logos from tenants are untrusted: keep drawing elements only, never a reference outside the file.

The SVG is parsed with defusedxml (no DTD, no entities, no external entities) and rebuilt from a list of
allowed elements and attributes. Scripts, `<foreignObject>`, `<image>`, `<style>` sheets (`@import`),
event handlers, and every link or `url()` that does not point inside the document (`#id`) are dropped,
so a logo can neither read a local file nor reach the network when the PDF or DOCX is rendered.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import InputError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "title", "desc", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
})
ALLOWED_ATTRIBUTES = frozenset({
    "id", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "width",
    "height", "viewBox", "preserveAspectRatio", "transform", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
    "stroke-dasharray", "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "mask", "offset",
    "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "clipPathUnits",
    "maskUnits", "font-family", "font-size", "font-weight", "font-style", "text-anchor", "letter-spacing",
    "dominant-baseline", "style", "version", "href", "display", "visibility",
})
_URL = re.compile(r"url\s*\(\s*['\"]?([^)'\"]*)", re.I)
_UNSAFE_STYLE = re.compile(r"@|\\|expression|javascript:|behavior", re.I)
MAX_ELEMENTS = 20_000


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _safe_value(name: str, value: str) -> bool:
    if name == "href":
        return value.startswith("#")
    if any(not target.startswith("#") for target in _URL.findall(value)):
        return False  # url(file:...), url(http:...), url(data:...): nothing outside the document
    return not (name == "style" and _UNSAFE_STYLE.search(value))


def _clean(element: ET.Element, out_parent: ET.Element | None, dropped: list[str]) -> ET.Element | None:
    ns, name = _local(element.tag) if isinstance(element.tag, str) else (None, "")
    if ns != SVG_NS or name not in ALLOWED_ELEMENTS:
        dropped.append(name or "comment")
        return None
    attributes = {}
    for key, value in element.attrib.items():
        ans, aname = _local(key)
        if ans not in (None, XLINK_NS) or aname not in ALLOWED_ATTRIBUTES or (ans == XLINK_NS and aname != "href"):
            dropped.append(f"@{aname}")
            continue
        if not _safe_value(aname, value):
            dropped.append(f"@{aname}")
            continue
        attributes["href" if aname == "href" else aname] = value
    tag = f"{{{SVG_NS}}}{name}"
    out = ET.Element(tag, attributes) if out_parent is None else ET.SubElement(out_parent, tag, attributes)
    out.text = element.text if name in ("text", "tspan", "title", "desc") else None
    for child in element:
        _clean(child, out, dropped)
        if name in ("text", "tspan"):
            last = out[-1] if len(out) else None
            if last is not None:
                last.tail = child.tail
    return out


def sanitize_svg(data: bytes, *, field: str = "brand.logo") -> tuple[bytes, list[str]]:
    """The SVG rebuilt from allowed elements and attributes, and what was dropped (for the user's report)."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InputError(field, "SVG with a DTD or entities is refused") from None
    except ET.ParseError as exc:
        raise InputError(field, f"not a well-formed SVG ({exc})") from None
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise InputError(field, f"SVG has more than {MAX_ELEMENTS} elements")
    if _local(root.tag) != (SVG_NS, "svg"):
        raise InputError(field, "not an SVG image (the root element must be <svg> in the SVG namespace)")
    dropped: list[str] = []
    clean = _clean(root, None, dropped)
    assert clean is not None
    if not (clean.get("viewBox") or (clean.get("width") and clean.get("height"))):
        raise InputError(field, "SVG needs a viewBox (or width and height) to be placed on the letterhead")
    ET.register_namespace("", SVG_NS)
    return ET.tostring(clean, encoding="utf-8", xml_declaration=True), sorted(set(dropped))


def looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536]
