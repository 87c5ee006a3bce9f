"""One `Settings` object: the only reader of the environment, validated, with secrets kept out of its repr."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import correspondence
from correspondence.errors import ConfigurationError
from correspondence.settings import Settings, settings

PACKAGE = Path(correspondence.__file__).parent
READERS = {"settings.py"}
# A password or PIN is read from its variable only when it is used (a key loaded, a user created), so it is
# never kept in `Settings`.
SECRET_READERS = {"sign/secrets.py", "cli/user.py"}
# `serve` passes --background-every to the server processes it starts through their environment (a write).
WRITERS = {"cli/serve.py"}


def _environment_reads(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv", "putenv") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and any(a.name in ("environ", "environb", "getenv") for a in node.names):
            lines.append(node.lineno)
    return lines


def test_only_the_settings_module_reads_the_environment() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in READERS or name in SECRET_READERS or name in WRITERS:
            continue
        offenders += [f"{name}:{line}" for line in _environment_reads(path)]
    assert offenders == [], "read the environment through correspondence.settings, not os.environ"
    assert _environment_reads(PACKAGE / "sign" / "secrets.py")  # the allowed exception is still the only one


def test_defaults_live_under_home() -> None:
    s = Settings.from_env({"CORRESPONDENCE_HOME": "/srv/letters"})
    assert s.rates_dir == Path("/srv/letters/data") and s.blobs == Path("/srv/letters/blobs")
    assert s.database == "sqlite:////srv/letters/correspondence.sqlite3"
    assert s.demo_cert_dir == Path("/srv/letters/demo-cert")
    assert Settings.from_env({}).home == Path("var")
    assert Settings.from_env({"CORRESPONDENCE_DATA_DIR": "/d", "CORRESPONDENCE_HOME": "/h"}).rates_dir == Path("/d")


def test_the_process_settings_are_read_once_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRESPONDENCE_QUEUE", "letters-a")
    assert settings() is settings() and settings().queue == "letters-a"
    monkeypatch.setenv("CORRESPONDENCE_QUEUE", "letters-b")
    assert settings().queue == "letters-b"


@pytest.mark.parametrize(("variable", "value"), [
    ("CORRESPONDENCE_JOB_TIMEOUT", "soon"), ("CORRESPONDENCE_JOB_WORKERS", "0"),
    ("CORRESPONDENCE_MAX_UPLOAD_BYTES", "lots"), ("CORRESPONDENCE_LOG_LEVEL", "chatty"),
])
def test_a_bad_value_is_a_configuration_error_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({variable: value})


def test_secrets_stay_out_of_the_repr() -> None:
    s = Settings.from_env({"CORRESPONDENCE_SECRET_KEY": "k" * 32,
                           "CORRESPONDENCE_PEC_SMTP_URL": "smtps://u:pec-password@smtp.example:465",
                           "CORRESPONDENCE_DATABASE_URL": "postgresql://u:db-password@h/db"})
    assert s.secret("secret_key") == "k" * 32
    text = repr(s) + str(s)
    assert "k" * 32 not in text and "pec-password" not in text and "db-password" not in text


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"| `CORRESPONDENCE_{name.upper()}` |" in readme, name
