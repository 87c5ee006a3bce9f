"""Per-client brand: it changes the layout (logo, colours, fonts, letterhead), never the wording."""
from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field

from .base import Model

FONT_FAMILIES = ("serif", "sans")


class Brand(Model):
    name: Optional[str] = Field(default=None, max_length=200, description="Letterhead name; defaults to the sender")
    letterhead_lines: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=6, description="Lines under the name")
    footer: Optional[str] = Field(default=None, max_length=400)
    primary_color: str = Field(default="#1F3A5F", pattern=r"^#[0-9A-Fa-f]{6}$")
    accent_color: str = Field(default="#8A6D3B", pattern=r"^#[0-9A-Fa-f]{6}$")
    font: str = Field(default="serif", pattern=r"^(serif|sans)$", description="Packaged font family")
    window: Optional[str] = Field(
        default=None, pattern=r"^(left|right)$",
        description="Envelope window for the address; default right (IT) or left (ES)")
    logo: Optional[str] = Field(
        default=None, max_length=500,
        description="Path to a PNG or JPEG logo, relative to the case file; read by the library, never by the renderer")
