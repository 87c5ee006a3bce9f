"""Render tests fail on any WeasyPrint warning (an ignored CSS rule, a missing font, an unloadable image):
such a warning means the letter is not laid out as its layout says."""
from __future__ import annotations

import logging

import pytest


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_weasyprint_warnings():
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    if handler.records:
        pytest.fail("WeasyPrint warned: " + "; ".join(r.getMessage() for r in handler.records), pytrace=False)
