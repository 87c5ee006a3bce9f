"""The brand library of the CLI: `brands/NAME/brand.yaml` with its assets beside it.

A case names its brand (`brand: acme`, or `--brand acme` on the command line); the folder's `brand.yaml`
holds the same fields as a case's inline brand (see `correspondence.model.brand`) and names its files
(logo, fonts, signature image, letterheads) relative to the folder, which they may not leave.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import InputError
from .model import Case
from .model.base import FieldError
from .model.brand import REF_PATTERN, Brand, merge_brand
from .render.brandkit import BrandKit, check_assets, inline_kit, read_brand_files

BRAND_FILE = "brand.yaml"
MAX_BRAND_FILE_BYTES = 64 * 1024


def parse_brand(data: object, *, source: str) -> Brand:
    """Validate brand data; errors name the file and the field (``brand.yaml: company.share_capital``)."""
    if not isinstance(data, dict):
        raise InputError(source, "a brand is a mapping of fields (name, primary_color, logo, ...)")
    data = {k: v for k, v in data.items() if k not in ("ref", "version")}
    try:
        return Brand.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = ".".join(str(p) for p in err["loc"])
        ctx = err.get("ctx", {}).get("error")
        if isinstance(ctx, FieldError):
            path = ".".join(x for x in (path, ctx.field) if x)
        raise InputError(f"{source}: {path}" if path else source, str(ctx or err["msg"])) from None


def load_brand_folder(folder: Path, *, name: str | None = None) -> BrandKit:
    """Read and check one brand folder: brand.yaml and every file it names."""
    name = name or folder.name
    file = folder / BRAND_FILE
    try:
        size = file.stat().st_size
    except OSError:
        raise InputError("--brand", f"no brand '{name}' ({file} not found)") from None
    if size > MAX_BRAND_FILE_BYTES:
        raise InputError(str(file), f"larger than {MAX_BRAND_FILE_BYTES // 1024} KiB")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(str(file), f"not valid YAML ({exc})".replace("\n", " ")) from None
    version = data.get("version") if isinstance(data, dict) else None
    brand = parse_brand(data, source=str(file)).model_copy(update={"ref": name})
    files = read_brand_files(brand, folder, field_prefix=str(file))
    kit = check_assets(brand, files, field_prefix=str(file))
    return replace(kit, ref=name, version=version if isinstance(version, int) else None)


def default_brands_dir(case_file: Path | None) -> Path:
    """`brands/` beside the case file when it exists, else `./brands`."""
    if case_file is not None and (case_file.parent / "brands").is_dir():
        return case_file.parent / "brands"
    return Path("brands")


def resolve_brand(case: Case, *, brands_dir: Path | None = None, name: str | None = None,
                  base_dir: Path | None = None) -> BrandKit:
    """The brand a case renders with: the named library brand with the case's own fields over it, or the
    case's inline brand when it names none."""
    import re

    name = name or case.brand.ref
    if not name:
        return inline_kit(case.brand, base_dir)
    if not re.match(REF_PATTERN, name):
        raise InputError("brand", f"'{name}' is not a brand name (lower-case letters, digits, '-' and '_')")
    folder = (brands_dir or default_brands_dir(None)) / name
    kit = load_brand_folder(folder, name=name)
    merged = merge_brand(kit.brand, case.brand, ref=name, version=kit.version)
    return replace(kit, brand=merged)
