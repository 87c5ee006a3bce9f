"""Campaign jobs for the HTTP API: an uploaded export and mapping run in the background, per tenant.

Each job lives in its own folder, `<root>/<tenant id>/<job id>/` (the upload, `job.json` with what was
asked, `out/` with the letters, journal and manifest, `status.json`), so a tenant can only ever name its own
jobs. Rows are validated when the job is submitted: an export with invalid rows is refused whole unless
`skip_invalid`. The job then runs on a local process pool, or on Celery when a broker is configured,
registering each case and letter in the store.

A job survives its server: the runner holds an exclusive lock on the job's folder (`flock`, released by the
kernel however the process ends, SIGKILL included). When the app starts, and when a job is read, a job still
"running" whose lock is free has lost its runner and is resumed from its journal (`resume.py`): finished
cases are not redone, a case opened before is found again by its idempotency key, a letter stored before is
found again by its bytes, so no letter is produced or registered twice and the manifest lists every case once.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
import zipfile
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError, InputErrors
from ..files import write_atomic
from .mapping import MAX_MAPPING_BYTES

log = logging.getLogger(__name__)
STATUS = "status.json"
PARAMS = "job.json"
LOCK = ".runner.lock"
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
               formats: tuple[str, ...] = ("pdf",), skip_invalid: bool = False,
               brand: Optional[str] = None) -> dict[str, Any]:
        """Validate every row now (raising `InputErrors` naming line and column), then start the job.
        `brand` names one of the tenant's brands for every letter (its latest version, pinned for the job)."""
        from .branding import check_name

        suffix = Path(filename or "").suffix.lower()
        if suffix not in SHEET_NAMES:
            raise InputError("sheet", "expected a .csv or .xlsx export")
        if len(mapping) > MAX_MAPPING_BYTES:
            raise InputError("mapping", f"larger than {MAX_MAPPING_BYTES // 1024} KiB")
        if brand is not None:
            check_name(brand, "brand")
        job_id = uuid.uuid4()
        folder = self.folder(tenant_id, job_id)
        write_atomic(folder / SHEET_NAMES[suffix], sheet)
        write_atomic(folder / "mapping.yaml", mapping)
        params: dict[str, Any] = {"tenant_id": str(tenant_id), "tenant_name": tenant_name,
                                  "sheet": SHEET_NAMES[suffix], "kind": kind, "tone": tone, "sign": sign,
                                  "level": level, "formats": list(formats), "skip_invalid": skip_invalid,
                                  "brand": brand, "brand_versions": {}}
        try:
            campaign = self._prepare(folder, params)
            if campaign.errors and not skip_invalid:
                raise InputErrors([InputError(e.where, e.reason) for e in campaign.errors])
            if any(d.case is not None and d.case.brand.asset_names() for d in campaign.drafts):
                raise InputError("mapping.defaults.brand.logo", "logos and brand files cannot be set through the "
                                                                "API; name one of your brands (/v1/brands)")
        except InputError:
            _remove(folder)
            raise
        runner = _take(folder)  # before the job is visible as running: a recovery scan must never take it
        assert runner is not None  # a new folder: nobody else holds it
        write_atomic(folder / PARAMS, json.dumps(params, ensure_ascii=False).encode("utf-8"))
        status = {"id": str(job_id), "status": "running", "cases": len(campaign.drafts), "total": len(campaign.valid),
                  "done": 0, "failed": 0, "invalid": len(campaign.drafts) - len(campaign.valid),
                  "brand": brand, "brand_versions": params["brand_versions"],
                  "errors": [{"line": e.line, "column": e.column, "field": e.field, "reason": e.reason}
                             for e in campaign.errors]}
        self._write(folder, status)
        self._start(folder, campaign, params, status, runner)
        return status

    def _prepare(self, folder: Path, params: dict[str, Any]) -> Any:
        """Read and check the export, and find its brands (pinning their versions in `params`)."""
        from .branding import resolve_brands, store_lookup
        from .run import prepare_campaign

        campaign = prepare_campaign(folder / params["sheet"], folder / "mapping.yaml",
                                    {"kind": params["kind"], "tone": params["tone"], "brand.ref": params["brand"]})
        versions = resolve_brands(campaign, store_lookup(self.store, uuid.UUID(params["tenant_id"])),
                                  option="brand" if params["brand"] else None, pinned=params["brand_versions"])
        params["brand_versions"] = {**params["brand_versions"], **versions}
        return campaign

    def _start(self, folder: Path, campaign: Any, params: dict[str, Any], status: dict[str, Any], runner: int) -> None:
        from .register import Registrar

        registrar = Registrar(self.store, params["tenant_name"], tenant_id=uuid.UUID(params["tenant_id"]), owned=False)
        thread = threading.Thread(target=self._run, name=f"batch-{status['id']}", daemon=True,
                                  args=(folder, campaign, registrar, status, params, runner))
        thread.start()

    def _run(self, folder: Path, campaign: Any, registrar: Any, status: dict[str, Any], params: dict[str, Any],
             runner: int) -> None:
        from .run import run_campaign

        sign, level, queue = bool(params["sign"]), str(params["level"]), self.queue

        def progress(entry: Any, _resumed: bool) -> None:
            status["done" if entry.status == "done" else "failed"] += 1
            if (status["done"] + status["failed"]) % 20 == 0:
                self._write(folder, status)

        try:
            signing = None
            if sign and not queue:
                from ..batch import ServerSigning

                signing = ServerSigning(level)
            result = run_campaign(campaign, folder / "out", formats=tuple(params["formats"]), signing=signing,
                                  sign_level=level if (sign and queue) else None, workers=self.workers,
                                  skip_invalid=bool(params["skip_invalid"]), queue=queue, on_result=progress,
                                  registrar=registrar)
            status["done"] = len(result.done)
            status["failed"] = len(result.failed)
            status["cases_out"] = [{"case": e.case, "status": e.status, "lines": e.source_lines,
                                    "documents": e.document_ids, "errors": e.errors} for e in result.entries]
            _archive(folder)
            status["status"] = "done"
        except Exception as exc:  # reported to the client, never lost in a thread
            status["status"], status["problem"] = "failed", str(exc)
        try:
            self._write(folder, status)
        finally:
            os.close(runner)  # releases the lock: the job is finished (or failed) for good

    def recover(self) -> list[str]:
        """Resume every job whose runner is gone (a server stopped or killed mid-run); returns their ids."""
        resumed = []
        if self.root.is_dir():
            for path in sorted(self.root.glob(f"*/*/{STATUS}")):
                if self._resume_if_orphaned(path.parent):
                    resumed.append(path.parent.name)
        return resumed

    def _resume_if_orphaned(self, folder: Path) -> bool:
        status = _read_json(folder / STATUS)
        if status is None or status.get("status") != "running" or not (folder / PARAMS).is_file():
            return False
        runner = _take(folder)
        if runner is None:
            return False  # its runner is alive (here or in another server process)
        status = _read_json(folder / STATUS)  # read again under the lock: it may have just finished
        params = _read_json(folder / PARAMS)
        if status is None or params is None or status.get("status") != "running":
            os.close(runner)
            return False
        log.warning("batch %s lost its runner; resuming from its journal", folder.name)
        try:
            campaign = self._prepare(folder, params)
        except Exception as exc:  # the upload no longer reads (or a brand vanished): reported, not retried
            status["status"], status["problem"] = "failed", f"cannot resume: {exc}"
            self._write(folder, status)
            os.close(runner)
            return True
        status.update(done=0, failed=0, resumed=int(status.get("resumed", 0)) + 1)
        self._write(folder, status)
        self._start(folder, campaign, params, status, runner)
        return True

    def status(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Optional[dict[str, Any]]:
        folder = self.folder(tenant_id, job_id)
        found = _read_json(folder / STATUS)
        if found is not None and found.get("status") == "running" and self._resume_if_orphaned(folder):
            found = _read_json(folder / STATUS)
        return found

    def archive(self, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Optional[Path]:
        path = self.folder(tenant_id, job_id) / ARCHIVE
        return path if path.is_file() else None

    def _write(self, folder: Path, status: dict[str, Any]) -> None:
        with self._lock:
            write_atomic(folder / STATUS, json.dumps(status, ensure_ascii=False).encode("utf-8"))


def _take(folder: Path) -> Optional[int]:
    """An open descriptor holding the job's runner lock, or None when another runner holds it."""
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _read_json(path: Path) -> Optional[dict[str, Any]]:
    if not path.is_file():
        return None
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))  # written by write_atomic: an object
    return found


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
