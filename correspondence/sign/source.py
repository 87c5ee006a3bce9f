"""One entry point from "what the user said" (flags, files, environment) to a loaded SigningKey.

Used by `correspondence sign` and meant for the integrator's `render --sign`, so both resolve passwords,
PINs and the demo fallback the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..errors import InputError
from .demo import default_demo_dir, ensure_demo_signer
from .keys import SigningKey
from .secrets import P12_PASSWORD_ENV, PKCS11_PIN_ENV, read_secret


@dataclass(frozen=True)
class KeySource:
    """Where the key lives. Secrets come from files or the environment, never from argv."""

    p12: Optional[Path] = None
    p12_password_file: Optional[Path] = None
    pkcs11_module: Optional[Path] = None
    token_label: Optional[str] = None
    key_label: Optional[str] = None
    cert_label: Optional[str] = None
    pin_file: Optional[Path] = None
    demo_dir: Optional[Path] = None  # used only when neither p12 nor pkcs11_module is given

    @property
    def is_demo(self) -> bool:
        return not self.p12 and not self.pkcs11_module


@dataclass(frozen=True)
class KeyRecipe:
    """A key source with its secret resolved: picklable, so worker processes can each load the key once."""

    p12: Optional[Path] = None
    password: Optional[str] = None
    pkcs11_module: Optional[Path] = None
    token_label: Optional[str] = None
    key_label: Optional[str] = None
    cert_label: Optional[str] = None
    pin: Optional[str] = None

    def load(self) -> SigningKey:
        """Load the key; a recipe built by hand that names no key is refused, not dereferenced."""
        if self.pkcs11_module:
            if not self.key_label:
                raise InputError("key_label", "required with a PKCS#11 module")
            return SigningKey.from_pkcs11(self.pkcs11_module, token_label=self.token_label,
                                          key_label=self.key_label, pin=self.pin or "",
                                          cert_label=self.cert_label)
        if self.p12 is None:
            raise InputError("p12", "the key recipe names neither a PKCS#12 file nor a PKCS#11 module")
        return SigningKey.from_p12(self.p12, self.password)


def key_recipe(source: KeySource, *, prompt: Optional[Callable[[str], str]] = None,
               on_demo: Optional[Callable[[Path, Path], None]] = None) -> KeyRecipe:
    """Resolve the secret once: `prompt(label)` asks on a terminal; `on_demo(p12, ca)` is told when the demo
    signer is used (to warn the user)."""
    ask = (lambda label: (lambda: prompt(label))) if prompt else (lambda label: None)
    if source.p12 and source.pkcs11_module:
        raise InputError("p12", "use either a PKCS#12 file or a PKCS#11 module, not both")
    if source.pkcs11_module:
        if not source.key_label:
            raise InputError("key_label", "required with a PKCS#11 module")
        pin = read_secret("pin", file=source.pin_file, env_var=PKCS11_PIN_ENV, prompt=ask("Token PIN"))
        return KeyRecipe(pkcs11_module=source.pkcs11_module, token_label=source.token_label,
                         key_label=source.key_label, cert_label=source.cert_label, pin=pin)
    if source.p12:
        password = read_secret("p12_password", file=source.p12_password_file, env_var=P12_PASSWORD_ENV,
                               prompt=ask("PKCS#12 password"))
        return KeyRecipe(p12=source.p12, password=password)
    p12_path, password, ca = ensure_demo_signer(source.demo_dir or default_demo_dir())
    if on_demo:
        on_demo(p12_path, ca)
    return KeyRecipe(p12=p12_path, password=password)


def open_key(source: KeySource, *, prompt: Optional[Callable[[str], str]] = None,
             on_demo: Optional[Callable[[Path, Path], None]] = None) -> SigningKey:
    """Resolve the secret and load the key once, for a whole batch of documents."""
    return key_recipe(source, prompt=prompt, on_demo=on_demo).load()
