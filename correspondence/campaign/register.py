"""Registering a campaign in the store: each case opened once, each letter stored under its case.

This goes through `casework` (the only door to the store): `open_case` with an idempotency key per
campaign case, so a resumed run finds the case it opened before instead of a twin; `render_document` with
the rendering the worker made from the case as it stands (`fold`), so a letter is rendered once, signed
here over exactly those bytes, stored content-addressed, and ready for `POST /v1/dispatches`. The file
written to the output folder is the stored document, byte for byte.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

from ..store.idempotency import IdempotencyKey


@dataclass
class Registration:
    record_id: uuid.UUID
    request: Any  # casework.standing.DocumentRequest
    case: Any  # the case as it stands: what the worker renders
    brand: Optional[dict[str, Any]] = None  # the named brand the worker renders it with (`Job.brand`)


@dataclass
class Registrar:
    """Opens cases and stores documents for one tenant; `signing` (a `pipeline.Signing`) signs stored bytes."""

    store: Any  # correspondence.store.Store
    tenant_name: str
    signing: Optional[Any] = None
    tenant_id: Optional[uuid.UUID] = None
    owned: bool = True  # opened here (the CLI), not the API's store
    registered: dict[str, Registration] = field(default_factory=dict)

    @classmethod
    def open(cls, tenant_name: str, signing: Optional[Any] = None) -> "Registrar":
        from ..store import Store
        from ..store.apikeys import get_or_create_tenant

        store = Store.open()
        with store.session() as session:
            tenant = get_or_create_tenant(session, tenant_name)
            session.commit()
            tenant_id = tenant.id
        return cls(store, tenant_name, signing, tenant_id)

    def open_case(self, stem: str, case: Any, fingerprint: str) -> Registration:
        """Open (or, on a rerun, find) the campaign case; returns the case as it stands for its letter."""
        from ..casework import cases as casework
        from ..casework.standing import DocumentRequest, fold
        from .branding import case_data

        assert self.tenant_id is not None
        data = case_data(case)
        idem = IdempotencyKey.of(f"campaign-{fingerprint}", data)
        request = DocumentRequest(kind=case.kind, tone=case.tone, date=case.date)
        with self.store.session() as session:
            record, _created = casework.open_case(session, self.tenant_id, data, idem)
            standing = fold(session, record, request=request)
            registration = Registration(record.id, request, standing.case)
        self.registered[stem] = registration
        return registration

    def store_documents(self, stem: str, produced: Any) -> tuple[dict[str, bytes], list[str]]:
        """Store each rendering under its case (signed here when asked); returns the stored bytes by output
        name, and the document ids."""
        from ..casework.documents import render_document
        from ..pipeline import render
        from .branding import same_brand
        from .production import output_name

        assert self.tenant_id is not None
        registration = self.registered[stem]
        files: dict[str, bytes] = {}
        ids: list[str] = []
        for name in produced.files:
            rendering = produced.rendering(name)
            fmt = rendering.fmt
            signing = self.signing if fmt == "pdf" else None

            def renderer(case: Any, asked: str, rendering: Any = rendering, **extra: Any) -> Any:
                # the worker rendered the same case as it stands with the same brand and the packaged wording;
                # anything else (a tenant's wording override, another brand version) is rendered here, with
                # the campaign's engine (a Typst campaign stays Typst)
                same = (case == registration.case and asked == rendering.fmt and extra.get("wording_dir") is None
                        and same_brand(extra.get("kit"), registration.brand))
                return rendering if same else render(case, asked, engine=rendering.engine, **extra)

            with self.store.session() as session:
                made = render_document(session, self.store.blobs, self.tenant_id, registration.record_id,
                                       registration.request, fmt, signing=signing, renderer=renderer,
                                       reuse_signed=True)
                files[output_name(stem, fmt, signing is not None)] = self.store.blobs.read_verified(made.document.sha256)
                ids.append(str(made.document.id))
        return files, ids

    def close(self) -> None:
        if self.owned:
            self.store.close()
