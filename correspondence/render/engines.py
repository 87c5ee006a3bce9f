"""The PDF layout engines a user may name: a module of its own so that checking `--engine` loads neither."""
from __future__ import annotations

from ..errors import InputError

#: WeasyPrint (render/pdf.py, the default, HTML/CSS) and Typst (render/typst.py, faster)
ENGINES = ("weasyprint", "typst")


def check_engine(engine: str, *, option: str = "--engine") -> str:
    """The render engine named by the user, or an InputError naming the option (exit 2, HTTP 422)."""
    if engine not in ENGINES:
        raise InputError(option, f"'{engine}' is not one of {', '.join(ENGINES)}")
    return engine
