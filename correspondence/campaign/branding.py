"""Brands in a campaign: one for every case (`batch --brand NAME`, the API's `brand` field, `defaults.brand`
in the mapping) or one per row (a `brand` column), each resolved once, before anything is rendered.

On the CLI a name is a folder of the brand library (`brands/NAME/brand.yaml`); with a tenant (the API, or
`batch --tenant`) it is one of the tenant's stored brands, pinned at its latest version when the campaign is
submitted, so a resumed campaign renders with the version it started with and every registered document
records that version. An unknown name is refused before the first letter: the whole campaign when the name
was given once (`--brand`, `brand`, `defaults.brand`), the case (line and column) when it came from a row.
Workers get the brand as data (fields and asset files), never a path or a connection, and check the assets
again before using them.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..errors import InputError
from ..model.brand import REF_PATTERN, Brand, merge_brand

if TYPE_CHECKING:
    from ..model import Case
    from ..render.brandkit import BrandKit
    from .run import Campaign


@dataclass(frozen=True)
class CampaignBrand:
    """A brand as found once for the campaign: its fields, its asset files and which version it is."""

    ref: str
    version: Optional[int]
    brand: Brand
    files: dict[str, bytes]
    digest: str

    def payload(self, case_brand: Brand) -> dict[str, Any]:
        """What a worker needs to render a case with this brand: the case's own brand fields laid over it."""
        merged = merge_brand(self.brand, case_brand, ref=self.ref, version=self.version)
        data = merged.model_dump(mode="json")
        key = hashlib.sha256(json.dumps([self.digest, data], sort_keys=True).encode()).hexdigest()
        return {"key": key, "ref": self.ref, "version": self.version, "brand": data, "files": _encoded(self)}


_ENCODED: dict[str, dict[str, str]] = {}  # digest -> base64 files, shared by every job of the campaign


def _encoded(brand: CampaignBrand) -> dict[str, str]:
    found = _ENCODED.get(brand.digest)
    if found is None:
        if len(_ENCODED) > 64:
            _ENCODED.clear()
        found = _ENCODED[brand.digest] = {k: base64.b64encode(v).decode() for k, v in brand.files.items()}
    return found


Lookup = Callable[[str, Optional[int]], CampaignBrand]  # raises InputError when there is no such brand


def library_lookup(brands_dir: Path) -> Lookup:
    """Brands of the CLI library: `brands_dir/NAME/brand.yaml` and the files it names."""
    from ..brands import load_brand_folder
    from ..render.brandkit import read_brand_files

    def find(name: str, _version: Optional[int]) -> CampaignBrand:
        folder = Path(brands_dir) / name
        kit = load_brand_folder(folder, name=name)
        files = read_brand_files(kit.brand, folder, field_prefix=str(folder / "brand.yaml"))
        return CampaignBrand(name, kit.version, kit.brand, files, kit.digest)

    return find


def store_lookup(store: Any, tenant_id: uuid.UUID) -> Lookup:
    """The tenant's stored brands (`/v1/brands`): the version asked, else the latest."""
    from ..casework.brands import stored_brand

    def find(name: str, version: Optional[int]) -> CampaignBrand:
        with store.session() as session:
            kit, files = stored_brand(session, store.blobs, tenant_id, name, version)
        return CampaignBrand(name, kit.version, kit.brand, files, kit.digest)

    return find


def check_name(name: str, field: str) -> str:
    if not re.match(REF_PATTERN, name or ""):
        raise InputError(field, f"'{name}' is not a brand name (lower-case letters, digits, '-' and '_')")
    return name


def resolve_brands(campaign: "Campaign", lookup: Lookup, *, option: Optional[str] = None,
                   pinned: Optional[dict[str, int]] = None) -> dict[str, Optional[int]]:
    """Find every brand the valid cases name (once each) and pin its version in each case.

    `option` is the field that set one brand for all rows (`--brand`, `brand`): an unknown brand is then an
    `InputError` naming it, as it is for `defaults.brand`; a brand from a row's column makes that case
    invalid (line, column, reason). `pinned` gives the versions a resumed campaign started with. Returns the
    version used of each brand, by name."""
    from .grouping import RowError

    column = campaign.mapping.column_of("brand.ref")
    found: dict[tuple[str, Optional[int]], CampaignBrand | InputError] = {}
    versions: dict[str, Optional[int]] = {}
    for draft in campaign.valid:
        assert draft.case is not None
        ref, asked = draft.case.brand.ref, draft.case.brand.version
        if not ref:
            continue
        asked = asked or (pinned or {}).get(ref)
        if (ref, asked) not in found:
            try:
                found[(ref, asked)] = lookup(ref, asked)
            except InputError as exc:
                found[(ref, asked)] = exc
        result = found[(ref, asked)]
        if isinstance(result, InputError):
            from_row = option is None and column is not None and any(
                row.cells.get(column) not in (None, "") for row in draft.invoice_rows)
            reason = f"no brand '{ref}'" + (f" version {asked}" if asked else "")
            if not from_row:
                raise InputError(option or "mapping.defaults.brand", reason)
            draft.errors.append(RowError(draft.lines[0], column, reason, "brand"))
            draft.case = None
            continue
        versions[ref] = result.version
        brand = draft.case.brand
        if result.version is not None and brand.version != result.version:
            brand = brand.model_copy(update={"version": result.version})
            draft.case = draft.case.model_copy(update={"brand": brand})
        campaign.brands[draft.stem] = result
    campaign.errors[:] = sorted((e for d in campaign.drafts for e in d.errors),
                                key=lambda e: (e.line or 0, e.column or ""))
    return versions


def case_data(case: "Case") -> dict[str, Any]:
    """The case as JSON; a named brand keeps only the fields the case itself set (the brand gives the rest)."""
    data: dict[str, Any] = case.model_dump(mode="json")
    if case.brand.ref:
        data["brand"] = case.brand.model_dump(mode="json", exclude_unset=True)
    return data


_KITS: dict[str, "BrandKit"] = {}  # per worker process: each brand's assets are checked once


def worker_kit(payload: Optional[dict[str, Any]]) -> Optional["BrandKit"]:
    """The brand kit a worker renders with, from a job's brand payload (its assets checked again)."""
    from ..render.brandkit import check_assets

    if not payload:
        return None
    kit = _KITS.get(payload["key"])
    if kit is None:
        brand = Brand.model_validate(payload["brand"])
        files = {k: base64.b64decode(v) for k, v in payload["files"].items()}
        kit = replace(check_assets(brand, files), ref=payload["ref"], version=payload["version"])
        if len(_KITS) > 32:
            _KITS.clear()
        _KITS[payload["key"]] = kit
    return kit


def same_brand(kit: Optional["BrandKit"], payload: Optional[dict[str, Any]]) -> bool:
    """Whether the kit the store resolves for a case is the brand its worker rendered with."""
    if kit is None or payload is None:
        return kit is None and payload is None
    return (kit.ref, kit.version, kit.brand.model_dump(mode="json")) == (
        payload["ref"], payload["version"], payload["brand"])
