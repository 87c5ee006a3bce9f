"""CLI commands: `user create|disable`, staff accounts that sign in to the pages under /ui/.

The password is read from a file, the ``CORRESPONDENCE_USER_PASSWORD`` variable or a prompt (never from the
command line, where other users of the machine could see it in the process list).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

PASSWORD_ENV = "CORRESPONDENCE_USER_PASSWORD"


def _password(password_file: Optional[Path]) -> str:
    if password_file is not None:
        return password_file.read_text(encoding="utf-8").rstrip("\r\n")
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def user_create(
    username: str = typer.Argument(..., help="User name (letters, digits, . _ - @)"),
    tenant: str = typer.Option(..., "--tenant", help="Tenant (firm) the user works for; created if new"),
    password_file: Optional[Path] = typer.Option(None, "--password-file", exists=True, dir_okay=False,
                                                 help=f"File holding the password (else ${PASSWORD_ENV} or a prompt)"),
) -> None:
    """Create a staff account that signs in at /ui/login with USERNAME and a password (only its hash is kept)."""
    from ..cli.serve import _settings
    from ..store import Store
    from ..store.users import create_user

    store = Store.open(_settings())
    try:
        with store.session() as session:
            user = create_user(session, tenant, username, _password(password_file))
        typer.echo(f"user {user.username} of tenant {user.tenant_name} created")
    finally:
        store.close()


def user_disable(username: str = typer.Argument(..., help="The user to disable")) -> None:
    """Disable a staff account: its open sessions end at their next request."""
    from ..cli.serve import _settings
    from ..store import Store
    from ..store.users import disable_user

    store = Store.open(_settings())
    try:
        with store.session() as session:
            disable_user(session, username)
        typer.echo(f"user {username} disabled")
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    user = typer.Typer(help="Staff accounts for the web pages (/ui/).", no_args_is_help=True)
    user.command("create")(user_create)
    user.command("disable")(user_disable)
    app.add_typer(user, name="user")
