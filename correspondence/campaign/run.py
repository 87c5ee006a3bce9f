"""Running a campaign: validate every row, then produce the cases not yet done, journal, write the manifest.

Nothing is rendered while any row is invalid, unless the caller skips invalid cases (then `errors.csv` is
written next to the output). Cases run on a local process pool (each process loads the signing key once)
or, with `queue=True`, as one Celery task per case (`campaign/queue.py`); on the pool a Typst campaign hands
each process a few cases at a time, laid out in one pass (`production.produce_jobs`). Ctrl-C (SIGINT) stops
taking new cases, lets the ones in flight finish and be journaled, and writes the manifest: rerunning resumes.
"""
from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from ..errors import InputError, InputErrors
from ..files import write_atomic
from ..pools import frozen_for_fork, pool_context
from ..render import FORMATS
from .branding import CampaignBrand, case_data
from .grouping import CaseDraft, RowError, check_columns, group_rows
from .manifest import Entry, OutputFile, write_error_report, write_manifest
from .mapping import Mapping, load_mapping
from .production import Job, Produced, produce_jobs, warm_up
from .resume import Journal, fingerprint, remove_partial_files
from .sources import Sheet, read_sheet


@dataclass
class Campaign:
    """An export read, grouped and validated: the drafts in source order and every row error."""

    source: Path
    mapping: Mapping
    sheet: Sheet
    drafts: list[CaseDraft]
    errors: list[RowError]
    brands: dict[str, CampaignBrand] = field(default_factory=dict)  # case stem -> its named brand

    @property
    def valid(self) -> list[CaseDraft]:
        return [d for d in self.drafts if d.case is not None]


def prepare_campaign(source: Path, mapping: Mapping | Path, overrides: dict[str, Any] | None = None) -> Campaign:
    """Read and check the whole export; raises `InputError` only when the file itself is unusable."""
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(Path(mapping))
    sheet = read_sheet(Path(source), encoding=mapping.encoding, delimiter=mapping.delimiter, sheet=mapping.sheet)
    missing = check_columns(sheet.headers, mapping)
    if missing:
        raise InputErrors([InputError(e.where, e.reason) for e in missing])
    drafts = group_rows(sheet.rows, mapping, overrides)
    errors = sorted((e for d in drafts for e in d.errors), key=lambda e: (e.line or 0, e.column or ""))
    return Campaign(Path(source), mapping, sheet, drafts, errors)


@dataclass
class CampaignResult:
    entries: list[Entry]
    errors: list[RowError]
    resumed: int = 0
    interrupted: bool = False
    manifest: tuple[Path, ...] = ()
    error_report: Optional[Path] = None

    @property
    def done(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "done"]

    @property
    def failed(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "failed"]


class _Stop:
    """SIGINT sets a flag instead of raising, so the letters in flight finish and are journaled."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> "_Stop":
        if _main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, _signum: int, _frame: Any) -> None:
        if self.requested:  # a second Ctrl-C: stop now
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def run_campaign(campaign: Campaign, out_dir: Path, *, formats: Sequence[str] = ("pdf",), signing: Any = None,
                 sign_level: Optional[str] = None, workers: Optional[int] = None, skip_invalid: bool = False,
                 queue: bool = False, on_result: Optional[Callable[[Entry, bool], None]] = None,
                 on_start: Optional[Callable[[int, int], None]] = None, registrar: Any = None,
                 engine: str = "weasyprint") -> CampaignResult:
    """Produce the campaign into `out_dir`. `signing` is a `batch.BatchSigning` for the local pool; with
    `queue`, `sign_level` asks the Celery workers to sign with their own key. `on_result(entry, resumed)`
    is called once per case; `on_start(total, already_done)` before the first. With a `register.Registrar`
    each case is opened in the store and its letters stored under it (signed by this process). `engine`
    lays the PDFs out with WeasyPrint or Typst (a Typst campaign reuses one compiler per process)."""
    from ..render.engines import check_engine

    check_engine(engine)
    formats = tuple(dict.fromkeys(formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError("--format", f"'{bad[0]}' is not one of {', '.join(FORMATS)}")
    if campaign.errors and not skip_invalid:
        raise InputErrors([InputError(e.where, e.reason) for e in campaign.errors])
    if not campaign.valid:
        raise InputError("source", "no valid case to produce")
    sign = signing is not None or (queue and sign_level is not None)
    settings = {"formats": formats, "sign": (sign_level or getattr(signing, "level", None)) if sign else None,
                "tenant": registrar.tenant_name if registrar is not None else None}
    if engine != "weasyprint":  # a letter laid out by another engine is another letter (resume redoes it)
        settings["engine"] = engine
    base_dir = str(campaign.source.parent.resolve())
    if signing is not None and not queue:
        opened = signing.open()  # a wrong password or PIN fails here, before any work
        try:
            opened.check_signer()  # so does an expired, revoked or untrusted certificate (forked workers reuse it)
        finally:
            _close(signing, opened)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_partial_files(out_dir)
    journal = Journal(out_dir).load()
    report = on_result or (lambda _entry, _resumed: None)
    entries: dict[str, Entry] = {}
    pending: list[tuple[Job, CaseDraft]] = []
    for draft in campaign.valid:
        assert draft.case is not None
        case_json = case_data(draft.case)
        named = campaign.brands.get(draft.stem)
        brand = named.payload(draft.case.brand) if named is not None else None
        fp = fingerprint(case_json, {**settings, "brand": brand["key"]} if brand else settings)
        if (previous := journal.finished(draft.stem, fp)) is not None:
            entries[draft.stem] = previous
            continue
        if registrar is not None:  # workers render the case as it stands in the store; signing happens here
            registration = registrar.open_case(draft.stem, draft.case, fp)
            registration.brand = brand
            case_json = case_data(registration.case)
        job = Job(draft.stem, case_json, formats, sign and registrar is None, fp, tuple(draft.lines), base_dir,
                  brand, engine)
        pending.append((job, draft))
    if registrar is not None and sign and pending:
        from ..pipeline import server_signing

        registrar.signing = signing.open() if signing is not None else server_signing(sign_level or "B-B")
    resumed = len(entries)
    if on_start:
        on_start(len(campaign.valid), resumed)
    for entry in list(entries.values()):
        report(entry, True)
    by_stem = {job.stem: (job, draft) for job, draft in pending}
    with _Stop() as stop:
        if queue:
            from .queue import run_on_queue
            produced_iter: Iterator[Produced] = run_on_queue([j for j, _ in pending], sign_level, stop)
        else:
            produced_iter = _run_on_pool([j for j, _ in pending], signing, workers, stop)
        try:
            for produced in produced_iter:
                job, draft = by_stem[produced.stem]
                entry = _finish(out_dir, job, draft, produced, registrar)
                if entry.status == "done":
                    journal.record(entry)
                entries[job.stem] = entry
                report(entry, False)
        finally:
            journal.sync()
        interrupted = stop.requested
    ordered = []
    for draft in campaign.drafts:
        if draft.stem in entries:
            ordered.append(entries[draft.stem])
        elif draft.errors:
            ordered.append(Entry(draft.stem, "invalid", list(draft.lines), errors=[str(e) for e in draft.errors],
                                 debtor=(draft.data.get("debtor") or {}).get("name")))
    summary = {"source": campaign.source.name, "cases": len(campaign.drafts), "rows": len(campaign.sheet.rows),
               "done": sum(e.status == "done" for e in ordered), "invalid": sum(e.status == "invalid" for e in ordered),
               "failed": sum(e.status == "failed" for e in ordered), "complete": not interrupted,
               "formats": list(formats), "signed": settings["sign"]}
    manifest = write_manifest(out_dir, ordered, summary)
    error_report = write_error_report(out_dir, campaign.errors) if campaign.errors else None
    return CampaignResult(ordered, campaign.errors, resumed, interrupted, manifest, error_report)


def _finish(out_dir: Path, job: Job, draft: CaseDraft, produced: Produced, registrar: Any) -> Entry:
    from ..errors import CorrespondenceError

    assert draft.case is not None
    debtor, reference = draft.case.debtor.name, draft.case.reference
    contents, ids = produced.files, []
    if produced.error is None and registrar is not None:
        try:
            contents, ids = registrar.store_documents(job.stem, produced)
        except CorrespondenceError as exc:
            produced.error = str(exc)
    if produced.error is not None:
        return Entry(job.stem, "failed", list(job.lines), job.fingerprint, errors=[produced.error],
                     debtor=debtor, reference=reference)
    files = []
    for name, data in contents.items():
        write_atomic(out_dir / name, data)
        files.append(OutputFile(name, Produced.digest(data), len(data)))
    fig = produced.figures
    return Entry(job.stem, "done", list(job.lines), job.fingerprint, files, principal=fig.get("principal"),
                 interest=fig.get("interest"), compensation=fig.get("compensation"), costs=fig.get("costs"),
                 total=fig.get("total"), warnings=produced.warnings, debtor=debtor, reference=reference,
                 document_ids=ids, brand=job.brand["ref"] if job.brand else None,
                 brand_version=job.brand["version"] if job.brand else None)


def _close(signing: Any, opened: Any) -> None:
    if not getattr(signing, "shared", False):  # the service's key stays loaded for the next job
        opened.key.close()


_signing: Any = None  # per pool process: the Signing opened once by `_start_worker`


def _start_worker(signing: Any) -> None:
    global _signing
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's: letters in flight finish
    _signing = signing.open() if signing is not None else None


def _produce_chunk(jobs: list[Job]) -> list[Produced]:
    return produce_jobs(jobs, _signing)


def _chunks(jobs: list[Job], workers: int) -> list[list[Job]]:
    """Typst cases in chunks of at most one layout pass each (`render.typst_many.GROUP`), small enough to keep
    every worker busy to the end (four chunks a worker at least); WeasyPrint cases one by one."""
    if not jobs or jobs[0].engine != "typst":
        return [[job] for job in jobs]
    from ..render.typst_many import GROUP

    size = GROUP if workers == 1 else max(1, min(GROUP, len(jobs) // (4 * workers)))
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def _run_on_pool(jobs: list[Job], signing: Any, workers: Optional[int], stop: _Stop) -> Iterator[Produced]:
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    if workers == 1:
        yield from _run_here(jobs, signing, stop)
        return
    # a pool started from a thread (the API's jobs) must not fork a process holding other threads' locks,
    # nor one where Typst has run (its PDF writer's threads are not inherited: the workers would hang)
    context = pool_context()
    if context.get_start_method() == "fork" and jobs[0].engine == "weasyprint":
        # the first letter is produced here: the renderer's caches it builds (fonts, stylesheet, layout
        # template, wording, signer) are then inherited by every forked worker instead of built in each;
        # not with Typst, which would then make the fork unsafe (each worker builds its own compiler)
        yield from _run_here(jobs[:1], signing, stop)
        jobs = jobs[1:]
        if not jobs or stop.requested:
            return
    elif context.get_start_method() == "fork":
        warm_up(jobs[0])  # with Typst, the first letter is composed here but laid out in a worker
    with frozen_for_fork(context), ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                                       initargs=(signing,), mp_context=context) as pool:
        futures = [pool.submit(_produce_chunk, chunk) for chunk in _chunks(jobs, workers)]
        cancelled = False
        for future in as_completed(futures):
            if stop.requested and not cancelled:
                cancelled = True
                for f in futures:
                    f.cancel()
            if future.cancelled():
                continue
            yield from future.result()


def _run_here(jobs: list[Job], signing: Any, stop: _Stop) -> Iterator[Produced]:
    opened = signing.open() if signing is not None else None
    try:
        for chunk in _chunks(jobs, 1):
            if stop.requested:
                return
            yield from produce_jobs(chunk, opened)
    finally:
        if opened is not None:
            _close(signing, opened)
