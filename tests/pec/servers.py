"""Real mail servers for the PEC tests, on loopback: aiosmtpd as the gestore's SMTP submission server and
Dovecot (the Debian package) as its IMAP server, each with TLS from a certificate made here."""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from tests.ports import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "studio@pec.example.it", "s3cret-pec"
POOL = 64  # mailbox users per Dovecot instance


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (also its own CA for the clients' trust)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pec-test.localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_path, 0o644)  # Dovecot's config reader (root) and the test both read it
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class SmtpServer:
    """aiosmtpd with AUTH (USER/PASSWORD) behind implicit TLS or required STARTTLS, or no TLS at all."""

    cert: Path
    key: Path
    mode: str = "smtps"  # smtps | starttls | plain
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 2.0.0 Ok: queued as PEC" + uuid.uuid4().hex[:10].upper()

    @staticmethod
    def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    def url(self, *, credentials: bool = False, password: str = PASSWORD) -> str:
        scheme = "smtps" if self.mode == "smtps" else "smtp"
        auth = f"{USER.replace('@', '%40')}:{password}@" if credentials else ""
        return f"{scheme}://{auth}127.0.0.1:{self.port}"

    def __enter__(self) -> "SmtpServer":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        self.port = free_port()
        # aiosmtpd only knows STARTTLS sessions as TLS: under implicit TLS the whole session is encrypted
        kwargs: dict[str, Any] = {"authenticator": self._auth, "auth_required": self.mode != "plain",
                                  "auth_require_tls": self.mode == "starttls"}
        if self.mode == "smtps":
            kwargs["ssl_context"] = context
        elif self.mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class Dovecot:
    """A private Dovecot instance: config, passwd-file users and Maildirs in a temp dir, IMAPS on a free
    loopback port, its own base_dir (no clash with a system instance); stopped and removed on exit."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.cert, self.key = cert, key
        self.root = Path(tempfile.mkdtemp(prefix="pec-dovecot-"))
        os.chmod(self.root, 0o755)
        self.port = free_port()
        # mail processes may not run as root: when the tests run as root, mail belongs to `nobody`
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
        self.mail = self.root / "mail"
        self.mail.mkdir()
        os.chown(self.mail, self.uid, self.gid)
        self.passwd = self.root / "passwd"
        self._free = [f"u{i:03d}-{uuid.uuid4().hex[:6]}@pec.example.it" for i in range(POOL)]
        self.passwd.write_text("".join(f"{user}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{self.mail / user}\n"
                                       for user in self._free))
        self.config = self.root / "dovecot.conf"

    def add_user(self) -> tuple[str, str]:
        """A mailbox user of its own (one per test keeps tests apart); returns (user, password). Users are
        written before start: Dovecot may not notice a passwd-file changed within the same second."""
        if not self._free:
            raise RuntimeError(f"all {POOL} test mailbox users are taken: raise POOL")
        return self._free.pop(0), PASSWORD

    def url(self, user: str | None = None, password: str = PASSWORD, folder: str = "INBOX") -> str:
        auth = f"{user.replace('@', '%40')}:{password}@" if user else ""
        return f"imaps://{auth}127.0.0.1:{self.port}/{folder}"

    def _conf(self) -> str:
        root = self.root
        rootless = os.getuid() != 0
        users = ("" if rootless else "default_internal_user = dovecot\ndefault_login_user = dovenull\n")
        return f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = pec-test-{root.name}
protocols = imap
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{self.cert}
ssl_key = <{self.key}
{users}first_valid_uid = 1
auth_mechanisms = plain
disable_plaintext_auth = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.passwd}
}}
userdb {{
  driver = passwd-file
  args = {self.passwd}
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
"""

    def __enter__(self) -> "Dovecot":
        self.config.write_text(self._conf())
        # the master daemonises: give it no pipe to hold open
        with (self.root / "start.log").open("wb") as log:
            started = subprocess.run([DOVECOT, "-c", str(self.config)], stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, timeout=30)
        if started.returncode != 0:
            text = (self.root / "start.log").read_text(errors="replace")
            shutil.rmtree(self.root, ignore_errors=True)
            raise RuntimeError(f"Dovecot did not start: {text}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"Dovecot did not start: {(self.root / 'dovecot.log').read_text(errors='replace')}")

    def __exit__(self, *exc: object) -> None:
        subprocess.run([DOVECOT, "-c", str(self.config), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        pid_file = self.root / "run" / "master.pid"
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)


class DroppingProxy:
    """A loopback TCP proxy to a server that cuts its first connection once `drop_after` bytes have come
    back from the server (mid-fetch of a large message); later connections pass through untouched."""

    def __init__(self, target_port: int, drop_after: int) -> None:
        import threading

        self.target_port, self.drop_after = target_port, drop_after
        self.port = free_port()
        self.dropped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._threads: list[threading.Thread] = []
        self._closing = False
        self._connections = 0

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool, cut: bool) -> None:
        seen = 0
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                dst.sendall(data)
                seen += len(data) if counted else 0
                if cut and counted and seen >= self.drop_after and not self.dropped.is_set():
                    self.dropped.set()
                    break
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _serve(self) -> None:
        import threading

        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            cut = self._connections == 0
            self._connections += 1
            for args in ((client, upstream, False, cut), (upstream, client, True, cut)):
                t = threading.Thread(target=self._pipe, args=args, daemon=True)
                t.start()
                self._threads.append(t)

    def __enter__(self) -> "DroppingProxy":
        import threading

        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing = True
        self._listener.close()
        self._accept.join(timeout=5)
