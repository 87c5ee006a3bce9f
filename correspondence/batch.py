"""Batch production: many case files to letters in one run, on a pool of processes.

Rendering and signing are CPU-bound, so letters are spread over processes, not threads. Each worker
loads the signing key once (a `BatchSigning` recipe crosses the process boundary, never a loaded key) and reuses
it for every letter it produces. One bad case file does not stop the batch: it is reported with its
field and reason, and nothing is written for it.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from .casefile import load_case
from .errors import CorrespondenceError, InputError
from .files import write_atomic
from .jobs import exit_with_parent
from .pools import frozen_for_fork, pool_context
from .render import FORMATS
from .sign.source import KeyRecipe

if TYPE_CHECKING:  # imported when a worker starts: the parent process never loads the renderer for it
    from .pipeline import Signing


@dataclass(frozen=True)
class BatchSigning:
    """What each worker needs to sign: the key recipe (secret resolved, picklable), level and TSA."""

    recipe: KeyRecipe
    level: str = "B-B"
    tsa_url: Optional[str] = None

    def open(self) -> Signing:
        """Load the key (in the worker that will use it)."""
        from .pipeline import Signing
        from .sign import Level

        return Signing(key=self.recipe.load(), level=Level.parse(self.level), tsa_url=self.tsa_url)


@dataclass(frozen=True)
class ServerSigning:
    """Signing with the service's own key (`pipeline.server_signing`: $CORRESPONDENCE_SIGNING_P12 or the demo
    certificate), loaded once per process and shared, so never closed by a batch."""

    level: str = "B-B"
    shared = True

    def open(self) -> Signing:
        """The service's key, loaded once per process."""
        from .pipeline import server_signing

        return server_signing(self.level)


@dataclass(frozen=True)
class BatchResult:
    source: Path
    outputs: tuple[Path, ...] = ()
    error: Optional[str] = None  # "field: reason" for bad input, else a one-line reason

    @property
    def ok(self) -> bool:
        return self.error is None


_signing: Optional[Signing] = None  # per worker process: the Signing built once by `_start_worker`


def _start_worker(signing: Optional[BatchSigning]) -> None:
    global _signing
    if multiprocessing.parent_process() is not None:  # a pool worker: never outlive the batch
        exit_with_parent()
    _signing = signing.open() if signing is not None else None


def _produce_one(source: Path, out_dir: Path, formats: tuple[str, ...], engine: str = "weasyprint") -> BatchResult:
    from .pipeline import produce

    try:
        case = load_case(source)
        written = []
        for fmt in formats:
            signing = _signing if fmt == "pdf" else None
            data = produce(case, fmt, base_dir=source.parent, signing=signing, engine=engine)
            target = out_dir / f"{source.stem}{'.signed' if signing else ''}.{fmt}"
            write_atomic(target, data)
            written.append(target)
        return BatchResult(source, tuple(written))
    except InputError as exc:
        return BatchResult(source, error=str(exc))
    except CorrespondenceError as exc:
        return BatchResult(source, error=str(exc))


def run_batch(sources: Sequence[Path], out_dir: Path, *, formats: Sequence[str] = ("pdf",),
              signing: Optional[BatchSigning] = None, workers: Optional[int] = None,
              on_result: Optional[Callable[[BatchResult], None]] = None, engine: str = "weasyprint") -> list[BatchResult]:
    """Produce every case file into `out_dir` (`<stem>.pdf`, `<stem>.signed.pdf`, `<stem>.docx`); `engine`
    lays the PDFs out with WeasyPrint or Typst."""
    formats = tuple(dict.fromkeys(formats))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError("--format", f"'{bad[0]}' is not one of {', '.join(FORMATS)}")
    stems: dict[str, Path] = {}
    for source in sources:
        if source.stem in stems:
            raise InputError("case_files", f"{stems[source.stem]} and {source} would write the same output names")
        stems[source.stem] = source
    if signing is not None:
        signing.open().key.close()  # a wrong password or PIN fails here, before any work
    workers = max(1, min(workers or os.cpu_count() or 1, len(sources) or 1))
    report = on_result or (lambda _result: None)
    results: list[BatchResult] = []
    if workers == 1:
        _start_worker(signing)
        try:
            for source in sources:
                results.append(_produce_one(source, out_dir, formats, engine))
                report(results[-1])
        finally:
            _start_worker(None)
        return results
    context = pool_context()  # spawn where fork is unsafe (pools.py)
    with frozen_for_fork(context), ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                                       initargs=(signing,), mp_context=context) as pool:
        futures = [pool.submit(_produce_one, source, out_dir, formats, engine) for source in sources]
        for future in as_completed(futures):
            results.append(future.result())
            report(results[-1])
    order = {source: i for i, source in enumerate(sources)}
    return sorted(results, key=lambda r: order[r.source])
