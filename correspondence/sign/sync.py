"""Synchronous faces of the async signing and verification API."""
from __future__ import annotations

import asyncio
from typing import Any, Coroutine, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` from synchronous code; inside an event loop the caller must use the async variant."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    coro.close()
    raise RuntimeError("called the synchronous signing API inside a running event loop; "
                       "use the async_* variant instead")
