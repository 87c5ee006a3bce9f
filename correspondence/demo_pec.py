"""The demo's PEC leg: the signed notice submitted by SMTP (TLS, on loopback) to the PEC provider simulator,
whose signed receipts land in a Maildir under the demo's output folder and are collected by the same code
as a real mailbox (`casework.collection.collect_from`). The simulator's demo CA is trusted for this
collection only (passed explicitly), never installed as a trust list.
"""
from __future__ import annotations

import secrets
import shutil
import ssl
import tempfile
import uuid
from pathlib import Path

from .casework.collection import CollectReport, collect_from
from .casework.submission import Submission, send_dispatch
from .dispatch.gestore_pki import load_or_make_gestore, loopback_tls, simulator_trust
from .dispatch.mailbox import MailServer, PecMailbox
from .dispatch.maildir import MaildirInbox
from .dispatch.simulator import MaildirDelivery, PecSimulator, server_tls
from .store import Store

SENDER = "studio.verdi@pec.example.it"


def send_and_collect(store: Store, tenant_id: uuid.UUID, dispatch_id: uuid.UUID, *, mailbox_dir: Path,
                     pki_dir: Path) -> tuple[Submission, CollectReport]:
    """Submit the dispatch through the simulator, then collect its receipts from `mailbox_dir`."""
    gestore, ca = load_or_make_gestore(pki_dir)
    shutil.rmtree(mailbox_dir, ignore_errors=True)  # the demo's own folder: one run, one mailbox
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="pec-sim-") as tmp:
        cert, key = loopback_tls(Path(tmp))
        client = ssl.create_default_context(cafile=str(cert))
        delivery = MaildirDelivery(mailbox_dir.parent, {SENDER: mailbox_dir})
        with PecSimulator(gestore, delivery, tls=server_tls(cert, key), users={SENDER: password}) as sim:
            mailbox = PecMailbox(SENDER, MailServer("smtps", sim.host, sim.port, SENDER, password),
                                 MailServer("imaps", "127.0.0.1", 993, SENDER, password, "INBOX"))
            sent = send_dispatch(store, tenant_id, dispatch_id, mailbox, context=client)
    with MaildirInbox(mailbox_dir) as inbox:
        report = collect_from(store, tenant_id, inbox, mailbox.processed_folder, trust=simulator_trust(ca))
    return sent, report
