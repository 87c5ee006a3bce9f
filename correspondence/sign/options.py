"""What a caller asks for when signing: PAdES level, timestamp authority, stamp, certification."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Sequence, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError
from ..render.engines import check_engine

if TYPE_CHECKING:
    from ..model.brand import Brand


class Level(str, enum.Enum):
    """PAdES baseline levels (ETSI EN 319 142-1)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @classmethod
    def parse(cls, value: Union[str, "Level"]) -> "Level":
        if isinstance(value, Level):
            return value
        norm = str(value).strip().upper().replace("_", "-")
        if not norm.startswith("B-"):
            norm = "B-" + norm
        for level in cls:
            if level.value == norm:
                return level
        raise InputError("level", f"unknown PAdES level {value!r}; use one of B-B, B-T, B-LT, B-LTA")

    @property
    def needs_timestamp(self) -> bool:
        return self is not Level.B_B

    @property
    def needs_revocation_info(self) -> bool:
        return self in (Level.B_LT, Level.B_LTA)


class Permission(str, enum.Enum):
    """DocMDP level of a certification signature: what later revisions may still do."""

    NO_CHANGES = "no-changes"
    FORM_FILLING = "form-filling"  # includes further signatures (e.g. the client countersigning)
    ANNOTATIONS = "annotations"


@dataclass(frozen=True)
class StampSpec:
    """A visible signature box, placed by the caller.

    `box` is (x1, y1, x2, y2) in PDF points from the bottom-left corner of the page; `page` is 0-based,
    negative counts from the end (default: last page). Texts and colours come from the caller (brand).
    `engine` draws the box: the engine that laid the letter out (render/engines.py), so that signing a Typst
    letter does not load WeasyPrint; the texts are the same in both.
    """

    box: tuple[float, float, float, float]
    page: int = -1
    title: str = "Digitally signed by"
    signer_name: Optional[str] = None  # default: the certificate's common name
    date_label: str = "Date"
    reason_label: str = "Reason"
    date_format: str = "%Y-%m-%d %H:%M %Z"
    timezone: str = "UTC"  # e.g. "Europe/Rome", "Europe/Madrid"
    extra_lines: tuple[str, ...] = ()
    primary_color: str = "#1F3A5F"
    accent_color: str = "#8A6D3B"
    text_color: str = "#222222"
    background_color: str = "#FFFFFF"
    font: str = "sans"  # "sans" or "serif" (Liberation)
    engine: str = "weasyprint"  # or "typst"

    @classmethod
    def for_brand(cls, brand: Brand, box: tuple[float, float, float, float], **overrides: Any) -> "StampSpec":
        """A stamp in a client's colours and font family."""
        values: dict[str, Any] = {"primary_color": brand.primary_color, "accent_color": brand.accent_color,
                  "font": brand.font}
        values.update(overrides)
        return cls(box=box, **values)

    def __post_init__(self) -> None:
        x1, y1, x2, y2 = self.box
        if x2 - x1 < 40 or y2 - y1 < 20:
            raise InputError("stamp.box", "the signature box must be at least 40 x 20 points")
        if min(self.box) < 0:
            raise InputError("stamp.box", "coordinates must not be negative")
        if self.font not in ("sans", "serif"):
            raise InputError("stamp.font", "use 'sans' or 'serif'")
        check_engine(self.engine, option="stamp.engine")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError("stamp.timezone", f"unknown time zone {self.timezone!r}") from None
        for name in ("primary_color", "accent_color", "text_color", "background_color"):
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}", getattr(self, name)):
                raise InputError(f"stamp.{name}", "expected a colour like #1F3A5F")


@dataclass(frozen=True)
class EmptyField:
    """An unsigned signature field to add (e.g. for the client to sign a certified document later)."""

    name: str
    box: tuple[float, float, float, float]
    page: int = -1

    def __post_init__(self) -> None:
        if not self.name or "." in self.name:
            raise InputError("empty_fields.name", "a field name is required and must not contain '.'")
        x1, y1, x2, y2 = self.box
        if x2 <= x1 or y2 <= y1:
            raise InputError("empty_fields.box", "expected x1 < x2 and y1 < y2")


TrustSource = Union[str, Path, bytes]


@dataclass(frozen=True)
class SignOptions:
    """How to sign one document. Immutable, so one instance can serve a whole batch."""

    level: Level = Level.B_B
    tsa_url: Optional[str] = None
    reason: Optional[str] = None
    location: Optional[str] = None
    contact_info: Optional[str] = None
    stamp: Optional[StampSpec] = None  # None: invisible signature
    field_name: Optional[str] = None  # default: a fresh "Signature<n>"
    certify: bool = False
    empty_fields: tuple[EmptyField, ...] = ()  # created in the signing revision, for later signers
    permission: Permission = Permission.FORM_FILLING
    trust_roots: Sequence[TrustSource] = field(default_factory=tuple)
    allow_invalid_signer: bool = False
    allow_fetching: bool = True  # online CRL/OCSP at signing time (needed for B-LT/B-LTA)
    timeout: float = 10.0
    bytes_reserved: Optional[int] = None  # None: estimated per level

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level.parse(self.level))
        object.__setattr__(self, "permission", Permission(self.permission))
        if self.level.needs_timestamp and not self.tsa_url:
            raise InputError("tsa_url", f"level {self.level.value} needs a timestamp authority URL (--tsa-url)")
        if self.tsa_url and not self.tsa_url.startswith(("http://", "https://")):
            raise InputError("tsa_url", "must be an http:// or https:// URL")
        if self.level.needs_revocation_info and not self.allow_fetching:
            raise InputError("level", f"{self.level.value} embeds revocation data, which must be fetched online")
