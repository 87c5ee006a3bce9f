"""Where the packaged templates, layouts and fonts live.

They live inside the package, in ``correspondence/templates/``, in a source checkout and in an installed
wheel alike: the renderer reads nothing but these packaged assets.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import ConfigurationError


@lru_cache(maxsize=1)
def templates_root() -> Path:
    here = Path(__file__).resolve().parent
    root = here / "templates"
    if not (root / "shared").is_dir():
        raise ConfigurationError(f"packaged templates not found in {root}")
    return root


def shared_dir() -> Path:
    return templates_root() / "shared"


def language_dir(language: str) -> Path:
    return templates_root() / language


def available_languages() -> list[str]:
    """Every folder with a language.yaml is a language: adding one needs no code change."""
    return sorted(p.name for p in templates_root().iterdir() if (p / "language.yaml").is_file())


@lru_cache(maxsize=1)
def examples_dir() -> Path:
    """Example case files (used by `correspondence demo`): ./examples, or packaged as _examples."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_examples", here.parent / "examples"):
        if candidate.is_dir():
            return candidate
    raise ConfigurationError("example cases not found (expected correspondence/_examples or ./examples)")
