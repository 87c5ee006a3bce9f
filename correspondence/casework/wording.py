"""Use cases on a tenant's wording overrides: put a file (checked first), withdraw it, list them, and the
override a tenant's documents are written with. Versions are append-only; a document records the digest
of the override files it was written with."""
from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import InputError, NotFound
from ..packaged import available_languages
from ..store.models import WordingFile
from ..wording.overrides import MAX_FILES, WordingOverride, check_override


def _latest(session: Session, tenant_id: uuid.UUID, language: str | None = None) -> list[WordingFile]:
    latest = select(WordingFile.language, WordingFile.name, func.max(WordingFile.version).label("v")).where(
        WordingFile.tenant_id == tenant_id).group_by(WordingFile.language, WordingFile.name).subquery()
    stmt = select(WordingFile).join(latest, (WordingFile.language == latest.c.language)
                                    & (WordingFile.name == latest.c.name) & (WordingFile.version == latest.c.v)
                                    ).where(WordingFile.tenant_id == tenant_id)
    if language:
        stmt = stmt.where(WordingFile.language == language)
    return list(session.scalars(stmt.order_by(WordingFile.language, WordingFile.name)))


def put_wording(session: Session, tenant_id: uuid.UUID, language: str, name: str, source: str | None) -> WordingFile:
    """Store a new version of one override file (None withdraws it), after checking it."""
    if language not in available_languages():
        raise InputError("language", f"'{language}' is not available (available: {', '.join(available_languages())})")
    if source is not None:
        check_override(language, name, source, where=f"{language}/{name}")
        if len([f for f in _latest(session, tenant_id, language) if f.source is not None and f.name != name]) >= MAX_FILES:
            raise InputError("name", f"at most {MAX_FILES} files per language")
    current = max((f.version for f in _latest(session, tenant_id, language) if f.name == name), default=0)
    if source is None and current == 0:
        raise NotFound("wording file")
    row = WordingFile(tenant_id=tenant_id, language=language, name=name, version=current + 1, source=source)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InputError("name", f"{language}/{name} changed meanwhile; retry") from None
    return row


def list_wording(session: Session, tenant_id: uuid.UUID) -> list[WordingFile]:
    return [f for f in _latest(session, tenant_id) if f.source is not None]


def find_wording(session: Session, tenant_id: uuid.UUID, language: str, name: str) -> WordingFile:
    found = [f for f in _latest(session, tenant_id, language) if f.name == name and f.source is not None]
    if not found:
        raise NotFound("wording file")
    return found[0]


def tenant_override(session: Session, tenant_id: uuid.UUID, language: str) -> WordingOverride | None:
    """The tenant's current override files for `language`, or None."""
    files = tuple((f.name, f.source) for f in _latest(session, tenant_id, language) if f.source is not None)
    return WordingOverride(language, files, f"tenant wording {language}") if files else None
