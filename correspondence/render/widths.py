"""Printed text widths in the packaged faces, measured with Pillow: what both table layouts size columns by.

A module of its own so that the Typst layout measures its columns without importing python-docx (the DOCX
tables, docx_tables.py, draw with it).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..packaged import shared_dir

PT_TO_MM = 25.4 / 72
WRAPPING_TEXT = 14  # a non-numeric column whose longest cell is longer than this may wrap (a description)


@lru_cache(maxsize=8)
def _font(file: str, size: float) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(shared_dir() / "fonts" / file), size=size * 10)  # 10x for precision


def text_mm(text: str, *, size: float = 9, bold: bool = False, sans: bool = False) -> float:
    """The printed width of `text` in millimetres, in the packaged face the DOCX layout uses."""
    face = f"Liberation{'Sans' if sans else 'Serif'}-{'Bold' if bold else 'Regular'}.ttf"
    return float(_font(face, size).getlength(text)) / 10 * PT_TO_MM
