"""Every setting read from the environment, in one `Settings` object (pydantic-settings).

Each field is the variable ``CORRESPONDENCE_<FIELD>``; the README's *Settings* table lists them with their
defaults. `settings()` parses the process environment once (again only if a ``CORRESPONDENCE_*`` variable
changes, as tests do); `Settings.from_env(mapping)` builds one from a given mapping. Both raise
`ConfigurationError` naming the variable at fault. Code below the faces takes a `Settings` (or a mapping, in
tests) and never reads the environment itself; the one exception is `sign/secrets.py`, which reads a
password or PIN variable only when a key is loaded, so the secret is never kept here.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from pydantic import Field, PositiveFloat, PositiveInt, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError

PREFIX = "CORRESPONDENCE_"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_RATE_LIMITS = "render=30/60,sign=30/60,receipts=120/60"
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class Settings(BaseSettings):
    """The installation's configuration; paths left unset live under `home`."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, extra="ignore", frozen=True)

    home: Path = Field(Path("var"), description="folder of the embedded database, blobs, rate tables, demo "
                                                "certificate and trust list")
    data_dir: Optional[Path] = Field(None, description="user rate tables (`rates update`); default $HOME/data")
    database_url: Optional[str] = Field(None, repr=False, description="SQLAlchemy URL; default SQLite under $HOME")
    blob_dir: Optional[Path] = Field(None, description="content-addressed documents; default $HOME/blobs")
    max_upload_bytes: PositiveInt = Field(DEFAULT_MAX_UPLOAD_BYTES, description="largest upload accepted")
    secret_key: Optional[SecretStr] = Field(None, description="server secret that encrypts stored mailbox passwords")
    signing_p12: Optional[Path] = Field(None, description="the service's PKCS#12 key; default the demo certificate")
    signing_p12_password_file: Optional[Path] = Field(None, description="file holding that key's password")
    tsa_url: Optional[str] = Field(None, description="RFC 3161 timestamp authority for B-T and above")
    job_workers: PositiveInt = Field(2, description="render worker processes of the API")
    job_timeout: PositiveFloat = Field(60.0, description="seconds one render may take")
    job_memory_mb: PositiveFloat = Field(2048.0, description="address space of a render worker (RLIMIT_AS), MiB")
    job_queue_timeout: PositiveFloat = Field(30.0, description="seconds a request waits for a free worker")
    rate_limits: str = Field(DEFAULT_RATE_LIMITS, description="requests per seconds, per tenant and bucket")
    batch_workers: Optional[PositiveInt] = Field(None, description="processes of an API batch; default the CPUs")
    broker_url: Optional[str] = Field(None, repr=False, description="Celery broker; set, API batches are queued")
    result_backend: Optional[str] = Field(None, repr=False, description="Celery results; default the broker")
    queue: str = Field("correspondence", description="Celery queue name")
    visibility_timeout: PositiveInt = Field(300, description="Redis broker: seconds before a task a worker took "
                                                             "and never acknowledged is handed to another; must "
                                                             "exceed the longest task")
    pec_address: Optional[str] = Field(None, description="PEC mailbox of the CLI")
    pec_smtp_url: Optional[SecretStr] = Field(None, description="its SMTP URL with credentials")
    pec_imap_url: Optional[SecretStr] = Field(None, description="its IMAP URL with credentials")
    pec_processed_folder: Optional[str] = Field(None, description="IMAP folder for processed receipts")
    pec_ca_file: Optional[Path] = Field(None, description="extra CA certificates for the PEC servers' TLS")
    background_every: Optional[str] = Field(None, description="seconds between the server's background rounds "
                                                              "(PEC collection, deadlines, webhooks); 0: off")
    webhook_allow_private: bool = Field(False, description="let webhooks reach private, loopback and link-local "
                                                           "addresses (a receiver on the server's own network)")
    log_level: Optional[str] = Field(None, description="level of the `correspondence` loggers; default WARNING "
                                                       "for commands, INFO for `serve`")

    @classmethod
    def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, env_settings: Any,
                                   dotenv_settings: Any, file_secret_settings: Any) -> tuple[Any, ...]:
        return (init_settings, env_settings)  # the environment only: no .env file, no secrets folder

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        """Settings from `env` alone (the process environment is not consulted)."""
        given = {k.upper(): v for k, v in env.items() if v}
        values = {name: given.get(PREFIX + name.upper(), field.default) for name, field in cls.model_fields.items()}
        return _checked(lambda: cls(**values))

    # derived places and values ---------------------------------------------------------------------------
    @property
    def rates_dir(self) -> Path:
        return self.data_dir or self.home / "data"

    @property
    def blobs(self) -> Path:
        return self.blob_dir or self.home / "blobs"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'correspondence.sqlite3').as_posix()}"

    @property
    def demo_cert_dir(self) -> Path:
        return self.home / "demo-cert"

    @property
    def broker(self) -> str:
        return self.broker_url or DEFAULT_BROKER

    def secret(self, name: str) -> Optional[str]:
        """The plain value of a `SecretStr` field, or None."""
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None


def variable(field: str) -> str:
    """The environment variable of a settings field."""
    return PREFIX + field.upper()


def _checked(build: Any) -> Settings:
    try:
        made: Settings = build()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = variable(str(first["loc"][0])) if first.get("loc") else PREFIX + "*"
        raise ConfigurationError(f"{name}: {first['msg']}") from None
    if made.log_level is not None and made.log_level.upper() not in LOG_LEVELS:
        raise ConfigurationError(f"{variable('log_level')}: must be one of {', '.join(LOG_LEVELS)}")
    return made


@lru_cache(maxsize=8)
def _parsed(environment: tuple[tuple[str, str], ...]) -> Settings:
    return _checked(Settings)  # pydantic-settings reads the same variables the key names


def settings() -> Settings:
    """The process's settings, parsed once per value of the ``CORRESPONDENCE_*`` variables."""
    return _parsed(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX))))


def resolve(given: Union[Settings, Mapping[str, str], None] = None) -> Settings:
    """`given` if it is a `Settings`, one built from it if it is a mapping, else the process's settings."""
    if isinstance(given, Settings):
        return given
    return settings() if given is None else Settings.from_env(given)
