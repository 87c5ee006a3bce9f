"""The letter's HTML, self-contained: the layout's CSS inline and the packaged fonts as data: URIs.

It is the very HTML the PDF is made from (`pdf.html_for`), so a browser preview, plain WeasyPrint and a
headless Chromium lay out the same letter; nothing in it refers to a file or a network address.
"""
from __future__ import annotations

import base64
import re
from functools import lru_cache

from ..packaged import shared_dir
from .document import Document

_URL = re.compile(r"url\(\.\./fonts/([A-Za-z0-9_.-]+\.ttf)\)")


@lru_cache(maxsize=1)
def inline_css() -> str:
    """letter.css with every packaged font as a data: URI."""
    css = (shared_dir() / "layouts" / "letter.css").read_text(encoding="utf-8")

    def data_uri(found: re.Match[str]) -> str:
        data = (shared_dir() / "fonts" / found.group(1)).read_bytes()
        return f"url(data:font/ttf;base64,{base64.b64encode(data).decode()})"

    return _URL.sub(data_uri, css)


def render_html(doc: Document) -> bytes:
    """The letter as one HTML file (UTF-8) that needs nothing else to be displayed or printed."""
    from .pdf import html_for

    html = html_for(doc)
    return html.replace("<head>", f"<head>\n<style>{inline_css()}</style>", 1).encode("utf-8")
