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

from jinja2 import (
    BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ConfigurationError, InputError
from ..model.identifiers import format_iban
from ..packaged import available_languages, language_dir
from .language import LanguagePack, language_pack
from .overrides import BLOCKS, WordingOverride, load_folder, phrase_catalogue
from .paragraph import Block, parse_blocks


def _finalize(value: Any) -> Any:
    if value is None:
        raise ConfigurationError("a wording template printed an empty value (None); guard it with {% if %}")
    return value


class _OverrideLoader(BaseLoader):
    """Serves a tenant's files before the packaged ones; `blocks.j2` is laid after the phrase catalogue, so
    its macros replace the same-named blocks everywhere the catalogue is used."""

    def __init__(self, override: WordingOverride) -> None:
        self.override = override
        self.catalogue = phrase_catalogue(override.language)
        self.offset = 0  # lines of the catalogue before blocks.j2 starts

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
        own = self.override.source(template)
        blocks = self.override.source(BLOCKS)
        if template == self.catalogue and blocks is not None:
            base = own if own is not None else (language_dir(self.override.language) / "wording" / template).read_text(encoding="utf-8")
            self.offset = base.count("\n") + 1
            return base + "\n" + blocks, MERGED_PREFIX + template, lambda: True
        if own is None:
            raise TemplateNotFound(template)
        return own, self.override.where(template), lambda: True


MERGED_PREFIX = "merged:"


def _environment(pack: LanguagePack, override: WordingOverride | None) -> SandboxedEnvironment:
    loaders: list[BaseLoader] = [_OverrideLoader(override)] if override else []
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
def _cached_environment(language: str, override: WordingOverride | None) -> SandboxedEnvironment:
    return _environment(language_pack(language), override)


def resolve_override(language: str, override: Path | WordingOverride | None) -> WordingOverride | None:
    """A CLI folder read for `language` (its `<language>/` subfolder if it has one), or the given override."""
    if isinstance(override, Path):
        override = load_folder(override, language)
    if override is not None and override.language != language:
        return None
    return override if override and override.files else None


def available_kinds(language: str) -> list[str]:
    folder = language_dir(language) / "wording"
    return sorted(p.stem for p in folder.glob("*.j2") if not p.name.startswith("_"))


def write_blocks(language: str, kind: str, context: dict[str, Any],
                 override: Path | WordingOverride | None = None) -> list[Block]:
    """Render the wording for `kind` and parse it into blocks. Errors in a tenant's override name its own
    file and line (an input error); errors in packaged wording are configuration errors."""
    if language not in available_languages():
        raise InputError("language", f"'{language}' is not available (available: {', '.join(available_languages())})")
    resolved = resolve_override(language, override)
    env = _cached_environment(language, resolved)
    name = f"{kind}.j2"
    try:
        template = env.get_template(name)
        markup = template.render(context)
    except TemplateNotFound as exc:
        if exc.name == name:
            raise InputError("kind", f"no '{kind}' wording for language '{language}'") from None
        raise ConfigurationError(f"templates/{language}/wording/{name}: {exc}") from None
    except TemplateError as exc:
        where, line = _location(exc, env, resolved)
        if resolved is not None and not where.startswith(str(language_dir(language))):
            raise InputError(f"{where}:{line}", exc.message or str(exc)) from None
        raise ConfigurationError(f"{where}:{line}: {exc}") from None
    source = resolved.where(name) if resolved and resolved.source(name) else f"templates/{language}/wording/{name}"
    return parse_blocks(markup, source)


def _location(exc: TemplateError, env: SandboxedEnvironment, override: WordingOverride | None) -> tuple[str, int]:
    """The template file and line an error comes from (Jinja2 rewrites tracebacks to template lines)."""
    if isinstance(exc, TemplateSyntaxError):
        where, line = exc.filename or exc.name or "?", exc.lineno
    else:
        where, line = "?", 0
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2") or filename.startswith(MERGED_PREFIX):
                where, line = filename, tb.tb_lineno
            tb = tb.tb_next
    if where.startswith(MERGED_PREFIX) and override is not None:
        loader = next(l for l in env.loader.loaders if isinstance(l, _OverrideLoader))  # type: ignore[union-attr]
        if line > loader.offset:
            return override.where(BLOCKS), line - loader.offset
        base = where.removeprefix(MERGED_PREFIX)
        where = override.where(base) if override.source(base) else str(language_dir(override.language) / "wording" / base)
    return where, line


@lru_cache(maxsize=None)
def wording_version(language: str) -> str:
    """A fingerprint of the packaged wording of `language` (every file under templates/<language>/), stored
    with each document so one can tell which text a letter was written with, across upgrades."""
    root = language_dir(language)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{language}-{digest.hexdigest()[:16]}"
