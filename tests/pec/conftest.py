"""PEC end-to-end fixtures: the API test tenants, a TLS certificate the clients trust, an aiosmtpd server
and a Dovecot instance (one per test session; one mailbox user per test)."""
from __future__ import annotations

import imaplib
import ssl
from pathlib import Path
from typing import Iterator

import pytest

from tests.api.conftest import Api, api, api_store, app, other  # noqa: F401 - fixtures
from tests.pec.servers import Dovecot, SmtpServer, make_certificate

SECRET = "test-server-key-0123456789abcdef"


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(autouse=True)
def trust_and_key(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The servers' certificate is trusted through CORRESPONDENCE_PEC_CA_FILE; the server key is set."""
    monkeypatch.setenv("CORRESPONDENCE_PEC_CA_FILE", str(certificate[0]))
    monkeypatch.setenv("CORRESPONDENCE_SECRET_KEY", SECRET)
    for name in ("CORRESPONDENCE_PEC_ADDRESS", "CORRESPONDENCE_PEC_SMTP_URL", "CORRESPONDENCE_PEC_IMAP_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    with SmtpServer(*certificate, mode="smtps") as server:
        yield server


@pytest.fixture(scope="session")
def dovecot(certificate: tuple[Path, Path]) -> Iterator[Dovecot]:
    with Dovecot(*certificate) as server:
        yield server


class ImapUser:
    """A fresh Dovecot mailbox, with a raw imaplib client to put fixtures in and look at the result."""

    def __init__(self, server: Dovecot, cert: Path) -> None:
        self.server = server
        self.user, self.password = server.add_user()
        self.context = ssl.create_default_context(cafile=str(cert))

    def _client(self) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL("127.0.0.1", self.server.port, ssl_context=self.context)
        client.login(self.user, self.password)
        return client

    def append(self, data: bytes, folder: str = "INBOX", flags: str = "") -> None:
        client = self._client()
        try:
            typ, _ = client.append(folder, flags or None, None, data)
            assert typ == "OK"
        finally:
            client.logout()

    def messages(self, folder: str = "INBOX") -> list[tuple[bytes, bytes]]:
        """(flags, bytes) of every message in `folder` ([] if the folder does not exist)."""
        client = self._client()
        try:
            typ, _ = client.select(folder, readonly=True)
            if typ != "OK":
                return []
            typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[])")
            return [(item[0], item[1]) for item in data if isinstance(item, tuple)]
        except imaplib.IMAP4.error:
            return []
        finally:
            client.logout()


@pytest.fixture
def imap_user(dovecot: Dovecot, certificate: tuple[Path, Path]) -> ImapUser:
    return ImapUser(dovecot, certificate[0])


class Gestore:
    """The PEC provider simulator in front of a Dovecot mailbox: its SMTP submission server delivers the
    signed receipts into the Maildir Dovecot serves for `imap.user`; its CA is trusted through a trust list
    installed under a fresh CORRESPONDENCE_HOME (`accredited` False: CA known, provider not listed)."""

    def __init__(self, imap: ImapUser, certificate: tuple[Path, Path], home: Path) -> None:
        from correspondence.dispatch.gestore_pki import make_gestore, trust_list_json
        from correspondence.dispatch.providers import install_trust_list
        from correspondence.dispatch.simulator import MaildirDelivery, PecSimulator, server_tls

        self.imap = imap
        self.key, self.ca = make_gestore()
        self.home = home
        install_trust_list(trust_list_json(self.ca), home)
        delivery = MaildirDelivery(imap.server.mail, {imap.user.lower(): imap.server.mail / imap.user / "Maildir"},
                                   owner=(imap.server.uid, imap.server.gid))
        self.server = PecSimulator(self.key, delivery, tls=server_tls(*certificate), users={imap.user: imap.password})

    def distrust(self) -> None:
        """Keep the CA, drop the simulator from the accredited providers."""
        from correspondence.dispatch.gestore_pki import trust_list_json
        from correspondence.dispatch.providers import install_trust_list

        install_trust_list(trust_list_json(self.ca, accredited=False), self.home)

    def configure(self, api: Api, **fields: str) -> None:
        r = api.put("/v1/mailboxes/pec", json={
            "address": self.imap.user, "smtp_url": self.server.url, "imap_url": self.imap.server.url(),
            "username": self.imap.user, "password": self.imap.password, **fields})
        assert r.status_code in (200, 201), r.text


@pytest.fixture
def gestore(imap_user: ImapUser, certificate: tuple[Path, Path], tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Gestore]:
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    sim = Gestore(imap_user, certificate, tmp_path / "home")
    with sim.server:
        yield sim
