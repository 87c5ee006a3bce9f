"""Wording: a tenant's overrides of the packaged wording, one file at a time, checked on upload.

`PUT /v1/wording/{language}/{name}` with ``{"source": "..."}`` stores a new version of `blocks.j2` (single
blocks of the phrase catalogue), `<kind>.j2` (a whole document kind) or `_<helper>.j2`; syntax errors and
unknown variables answer 422 naming the file and line. Later documents of the tenant in that language are
written with it, in the Jinja2 sandbox; earlier documents keep the text they were written with.
"""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import Field

from correspondence.casework import wording as wording_cases

from ..deps import SessionDep, TenantDep
from ..schemas import In, Out
from .common import responses

router = APIRouter(tags=["wording"])


class WordingIn(In):
    source: str = Field(max_length=256 * 1024, description="Jinja2 wording in the tenant's own words")


class WordingOut(Out):
    language: str
    name: str
    version: int
    created_at: dt.datetime


class WordingFileOut(WordingOut):
    source: str


@router.put("/wording/{language}/{name}", status_code=201, response_model=WordingOut, responses=responses(422))
def put_wording(language: str, name: str, body: WordingIn, session: SessionDep, who: TenantDep) -> WordingOut:
    """Store a new version of an override file, after checking it."""
    return WordingOut.model_validate(wording_cases.put_wording(session, who.tenant_id, language, name, body.source))


@router.delete("/wording/{language}/{name}", status_code=204, responses=responses(404))
def withdraw_wording(language: str, name: str, session: SessionDep, who: TenantDep) -> Response:
    """Withdraw an override file: the packaged text applies again (earlier versions stay recorded)."""
    wording_cases.put_wording(session, who.tenant_id, language, name, None)
    return Response(status_code=204)


@router.get("/wording", response_model=list[WordingOut])
def list_wording(session: SessionDep, who: TenantDep) -> list[WordingOut]:
    return [WordingOut.model_validate(f) for f in wording_cases.list_wording(session, who.tenant_id)]


@router.get("/wording/{language}/{name}", response_model=WordingFileOut, responses=responses(404))
def get_wording(language: str, name: str, session: SessionDep, who: TenantDep) -> WordingFileOut:
    return WordingFileOut.model_validate(wording_cases.find_wording(session, who.tenant_id, language, name))
