"""The covering e-mail of a certified dispatch: subject and body in the case's language.

Written once per language as plain-text templates (``templates/<lang>/mail/pec_subject.j2`` and
``pec_body.j2``) run in the same Jinja2 sandbox as the letters, without HTML escaping (the result is a
text/plain MIME part; the subject is folded to one line by the message composer). A language without
the templates cannot send by PEC: that is a configuration error, not a silent fallback to Italian.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ConfigurationError
from ..model import Case
from ..packaged import language_dir
from .language import language_pack


@dataclass(frozen=True)
class CoveringMail:
    subject: str
    body: str


@lru_cache(maxsize=8)
def _environment(language: str) -> SandboxedEnvironment:
    pack = language_pack(language)
    env = SandboxedEnvironment(loader=FileSystemLoader(str(language_dir(language) / "mail")), autoescape=False,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=False)
    env.filters.update(date=pack.date, short_date=pack.short_date)
    env.globals["label"] = pack.label
    return env


def covering_mail(case: Case, attachments: list[str]) -> CoveringMail:
    """Subject and body of the PEC message that carries the documents named in `attachments`."""
    language = case.language.value
    env = _environment(language)
    context: dict[str, Any] = {"case": case, "attachments": attachments,
                               "title": language_pack(language).label("document_title", case.kind.value)}
    try:
        subject = env.get_template("pec_subject.j2").render(context)
        body = env.get_template("pec_body.j2").render(context)
    except TemplateNotFound as exc:
        raise ConfigurationError(f"templates/{language}/mail/{exc.name} is missing: no PEC wording") from None
    except TemplateError as exc:
        raise ConfigurationError(f"templates/{language}/mail: {exc}") from None
    return CoveringMail(" ".join(subject.split()), body.strip() + "\n")
