"""Campaign jobs for the HTTP API: an uploaded export and mapping run in the background, per tenant.

Each job lives in its own folder, `<root>/<tenant id>/<job id>/` (the upload, `out/` with the letters and
manifest, `status.json`), so a tenant can only ever name its own jobs. Rows are validated when the job is
submitted: an export with invalid rows is refused whole unless `skip_invalid`. The job then runs on a local
process pool, or on Celery when a broker is configured, registering each case and letter in the store.
"""
from __future__ import annotations

import json
import threading
import uuid
import zipfile
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError, InputErrors
from ..files import write_atomic
from .mapping import MAX_MAPPING_BYTES

STATUS = "status.json"
ARCHIVE = "archive.zip"
SHEET_NAMES = {".csv": "export.csv", ".txt": "export.csv", ".xlsx": "export.xlsx"}


class BatchJobs:
    """Submit and follow campaign jobs under `root`; `store` is the API's `Store` (registration)."""

    def __init__(self, root: Path, store: Any, *, workers: Optional[int] = None, queue: bool = False) -> None:
        self.root, self.store, self.workers, self.queue = Path(root), store, workers, queue
        self._lock = threading.Lock()

    def folder(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Path:
        return self.root / str(tenant_id) / str(job_id)

    def submit(self, tenant_id: uuid.UUID, tenant_name: str, filename: str, sheet: bytes, mapping: bytes, *,
               kind: Optional[str] = None, tone: Optional[str] = None, sign: bool = False, level: str = "B-B",
               formats: tuple[str, ...] = ("pdf",), skip_invalid: bool = False) -> dict[str, Any]:
        """Validate every row now (raising `InputErrors` naming line and column), then start the job."""
        from .register import Registrar
        from .run import prepare_campaign

        suffix = Path(filename or "").suffix.lower()
        if suffix not in SHEET_NAMES:
            raise InputError("sheet", "expected a .csv or .xlsx export")
        if len(mapping) > MAX_MAPPING_BYTES:
            raise InputError("mapping", f"larger than {MAX_MAPPING_BYTES // 1024} KiB")
        job_id = uuid.uuid4()
        folder = self.folder(tenant_id, job_id)
        write_atomic(folder / SHEET_NAMES[suffix], sheet)
        write_atomic(folder / "mapping.yaml", mapping)
        try:
            campaign = prepare_campaign(folder / SHEET_NAMES[suffix], folder / "mapping.yaml",
                                        {"kind": kind, "tone": tone})
            if campaign.errors and not skip_invalid:
                raise InputErrors([InputError(e.where, e.reason) for e in campaign.errors])
            if any(d.case is not None and d.case.brand.asset_names() for d in campaign.drafts):
                raise InputError("mapping.defaults.brand.logo", "logos and brand files cannot be set through the API")
        except InputError:
            _remove(folder)
            raise
        status = {"id": str(job_id), "status": "running", "cases": len(campaign.drafts), "total": len(campaign.valid),
                  "done": 0, "failed": 0, "invalid": len(campaign.drafts) - len(campaign.valid),
                  "errors": [{"line": e.line, "column": e.column, "field": e.field, "reason": e.reason}
                             for e in campaign.errors]}
        self._write(folder, status)
        registrar = Registrar(self.store, tenant_name, tenant_id=tenant_id, owned=False)
        thread = threading.Thread(target=self._run, name=f"batch-{job_id}", daemon=True,
                                  args=(folder, campaign, registrar, status, formats, sign, level, skip_invalid))
        thread.start()
        return status

    def _run(self, folder: Path, campaign: Any, registrar: Any, status: dict[str, Any], formats: tuple[str, ...],
             sign: bool, level: str, skip_invalid: bool) -> None:
        from .run import run_campaign

        def progress(entry: Any, _resumed: bool) -> None:
            status["done" if entry.status == "done" else "failed"] += 1
            if (status["done"] + status["failed"]) % 20 == 0:
                self._write(folder, status)

        try:
            signing = None
            if sign and not self.queue:
                from ..batch import ServerSigning

                signing = ServerSigning(level)
            result = run_campaign(campaign, folder / "out", formats=formats, signing=signing,
                                  sign_level=level if (sign and self.queue) else None, workers=self.workers,
                                  skip_invalid=skip_invalid, queue=self.queue, on_result=progress,
                                  registrar=registrar)
            status["cases_out"] = [{"case": e.case, "status": e.status, "lines": e.source_lines,
                                    "documents": e.document_ids, "errors": e.errors} for e in result.entries]
            _archive(folder)
            status["status"] = "done"
        except Exception as exc:  # reported to the client, never lost in a thread
            status["status"], status["problem"] = "failed", str(exc)
        self._write(folder, status)

    def status(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Optional[dict[str, Any]]:
        path = self.folder(tenant_id, job_id) / STATUS
        if not path.is_file():
            return None
        found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))  # written by _write: an object
        return found

    def archive(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Optional[Path]:
        path = self.folder(tenant_id, job_id) / ARCHIVE
        return path if path.is_file() else None

    def _write(self, folder: Path, status: dict[str, Any]) -> None:
        with self._lock:
            write_atomic(folder / STATUS, json.dumps(status, ensure_ascii=False).encode("utf-8"))


def _archive(folder: Path) -> None:
    """ZIP of the letters and the manifest (and errors.csv), written atomically when the job ends."""
    out = folder / "out"
    tmp = folder / f".{ARCHIVE}.part"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(out.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                archive.write(path, path.name)
    tmp.replace(folder / ARCHIVE)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
