"""A bound on MIME nesting, checked on the raw bytes before any parser runs.

Python's e-mail parser recurses once per nested multipart or message part, so a message nested a few
thousand levels deep ends in RecursionError. Every nesting level needs its own ``Content-Type:
multipart/...`` or ``message/...`` header, so counting those headers bounds the depth without parsing.
A PEC receipt has fewer than ten (envelope, alternative body, signed part, forwarded original).
"""
from __future__ import annotations

import re

from ..errors import InputError

MAX_CONTAINERS = 64
_CONTAINER = re.compile(rb"^content-type:[ \t]*(?:\r?\n[ \t]+)?(?:multipart|message)/", re.IGNORECASE | re.MULTILINE)


def check_nesting(raw: bytes, *, field: str = "file", limit: int = MAX_CONTAINERS) -> None:
    """Refuse a message with more than `limit` multipart/message parts (and so nested deeper than that)."""
    count = 0
    for _ in _CONTAINER.finditer(raw):
        count += 1
        if count > limit:
            raise InputError(field, f"MIME structure too complex: more than {limit} nested or multipart parts")
