"""Liveness and database check; the only route without authentication."""
from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from ..deps import SessionDep
from ..problems import Problem
from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    try:
        session.execute(text("SELECT 1"))
    except Exception:
        raise Problem(503, "database unavailable", slug="unavailable") from None
    return Health(status="ok", database="ok")
