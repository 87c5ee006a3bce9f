"""Wording: the text of one document kind in one language, written once, as conditional Jinja2.

Templates run in a Jinja2 sandbox with autoescaping (user data can neither reach Python internals nor
inject markup) and strict undefined variables; printing a `None` is an error, so it never leaks into a
letter. A tenant may supply its own folder of templates that shadows the packaged ones.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ConfigurationError, InputError
from ..model.identifiers import format_iban
from ..packaged import available_languages, language_dir
from .language import LanguagePack, language_pack
from .paragraph import Block, parse_blocks


def _finalize(value: Any) -> Any:
    if value is None:
        raise ConfigurationError("a wording template printed an empty value (None); guard it with {% if %}")
    return value


def _environment(pack: LanguagePack, override: Path | None) -> SandboxedEnvironment:
    loaders = [FileSystemLoader(str(override))] if override else []
    loaders.append(FileSystemLoader(str(language_dir(pack.code) / "wording")))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined, finalize=_finalize,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )
    env.filters.update(
        money=pack.money, date=pack.date, short_date=pack.short_date, words=pack.words, pct=pack.percent,
        number=pack.number, iban=format_iban,
    )
    env.globals.update(label=pack.label, article=pack.article, gender=pack.gender, on_behalf_of=pack.on_behalf)
    return env


@lru_cache(maxsize=16)
def _cached_environment(language: str, override: str | None) -> SandboxedEnvironment:
    return _environment(language_pack(language), Path(override) if override else None)


def available_kinds(language: str) -> list[str]:
    folder = language_dir(language) / "wording"
    return sorted(p.stem for p in folder.glob("*.j2") if not p.name.startswith("_"))


def write_blocks(language: str, kind: str, context: dict[str, Any], override: Path | None = None) -> list[Block]:
    """Render the wording for `kind` and parse it into blocks."""
    if language not in available_languages():
        raise InputError("language", f"'{language}' is not available (available: {', '.join(available_languages())})")
    env = _cached_environment(language, str(override) if override else None)
    name = f"{kind}.j2"
    try:
        template = env.get_template(name)
    except TemplateNotFound:
        raise InputError("kind", f"no '{kind}' wording for language '{language}'") from None
    try:
        markup = template.render(context)
    except TemplateError as exc:
        raise ConfigurationError(f"templates/{language}/wording/{name}: {exc}") from None
    return parse_blocks(markup, f"templates/{language}/wording/{name}")


@lru_cache(maxsize=None)
def wording_version(language: str) -> str:
    """A fingerprint of the packaged wording of `language` (every file under templates/<language>/), stored
    with each document so one can tell which text a letter was written with, across upgrades."""
    root = language_dir(language)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{language}-{digest.hexdigest()[:16]}"
