"""Passwords and PINs: from a file, an environment variable or an interactive prompt, never argv."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Optional

from ..errors import InputError

P12_PASSWORD_ENV = "CORRESPONDENCE_P12_PASSWORD"
PKCS11_PIN_ENV = "CORRESPONDENCE_PKCS11_PIN"


def read_secret(
    field: str,
    *,
    file: Optional[Path] = None,
    env_var: Optional[str] = None,
    prompt: Optional[Callable[[], str]] = None,
) -> str:
    """Return the secret from `file` (first line), else `env_var`, else `prompt` (only on a terminal)."""
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(field, f"cannot read secret file {file}: {exc.strerror or exc}") from None
        lines = text.splitlines()
        return lines[0] if lines else ""
    if env_var and env_var in os.environ:
        return os.environ[env_var]
    if prompt is not None and sys.stdin is not None and sys.stdin.isatty():
        return prompt()
    hint = f" or set {env_var}" if env_var else ""
    raise InputError(field, f"no secret given: pass a file{hint}")
