"""What a PEC gestore emits about a message, built and signed: accettazione, avvenuta consegna, mancata consegna.

Used by the provider simulator (`simulator`): tests and the demo get receipts in the real format, the one
`pec.parse_pec_receipt` reads. Layout per DM 2 novembre 2005, allegato (DTD of daticert.xml and the MIME
structure of the real Aruba receipts, certified-dispatch.md §1.3-1.4): ``multipart/signed`` →
``multipart/mixed`` (text, ``daticert.xml``, ``postacert.eml`` for a ricevuta completa) + ``smime.p7s``,
CRLF, SHA-256; the legal time is daticert ``dati/data`` (DPR 68/2005 art. 3: sent at accettazione,
delivered at consegna), equal to the CMS signingTime. The keys come from `gestore_pki`: a demo CA whose
certificates say they are not for legal use.
"""
from __future__ import annotations

import base64
import quopri
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.header import Header
from email.utils import format_datetime, getaddresses
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7

ROME = ZoneInfo("Europe/Rome")
SUBJECT_PREFIX = {"accettazione": "ACCETTAZIONE", "avvenuta-consegna": "CONSEGNA",
                  "errore-consegna": "AVVISO DI MANCATA CONSEGNA"}
TEXT = {
    "accettazione": "Il giorno {giorno} alle ore {ora} ({zona}) il messaggio \"{oggetto}\" proveniente da "
                    "\"{mittente}\" ed indirizzato a: {destinatari} è stato accettato dal sistema ed "
                    "inoltrato.\r\nIdentificativo messaggio: {identificativo}",
    "avvenuta-consegna": "Il giorno {giorno} alle ore {ora} ({zona}) il messaggio \"{oggetto}\" proveniente "
                         "da \"{mittente}\" ed indirizzato a \"{consegna}\" è stato consegnato nella casella "
                         "di destinazione.\r\nIdentificativo messaggio: {identificativo}\r\n"
                         "Il messaggio originale è incluso in allegato.",
    "errore-consegna": "Il giorno {giorno} alle ore {ora} ({zona}) nel messaggio \"{oggetto}\" proveniente "
                       "da \"{mittente}\" ed indirizzato a \"{consegna}\" è stato rilevato un problema che ne "
                       "impedisce la consegna ({errore}).\r\nIl messaggio non è stato consegnato.\r\n"
                       "Identificativo messaggio: {identificativo}",
}


@dataclass(frozen=True)
class GestoreKey:
    """The gestore's signing key and certificate, the chain up to its CA, and how it names itself."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    name: str  # daticert gestore-emittente
    domain: str  # receipts come from posta-certificata@<domain>


@dataclass(frozen=True)
class Original:
    """The message as the sender submitted it, and what the gestore reads from it."""

    data: bytes
    sender: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    identificativo: str

    @classmethod
    def parse(cls, data: bytes, gestore_domain: str) -> "Original":
        message = message_from_bytes(data, policy=policy.default)
        recipients = tuple(a for _, a in getaddresses([str(v) for v in message.get_all("To", [])]
                                                      + [str(v) for v in message.get_all("Cc", [])]) if a)
        sender = next((a for _, a in getaddresses([str(message.get("From", ""))]) if a), "")
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        return cls(data, sender, recipients, str(message.get("Subject", "")),
                   str(message.get("Message-ID", "")).strip(), f"opec-sim.{stamp}.{uuid.uuid4().hex[:12]}@{gestore_domain}")


def _crlf(text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return re.sub(rb"\r?\n", b"\r\n", data)


def _when(at: datetime) -> tuple[str, str, str]:
    local = at.astimezone(ROME)
    offset = local.strftime("%z")
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S"), offset


def daticert_xml(tipo: str, original: Original, gestore: str, at: datetime, *, errore: str = "nessuno",
                 consegna: str | None = None, ricevuta: str | None = None, errore_esteso: str | None = None) -> bytes:
    """daticert.xml per the DTD of the DM 2/11/2005 allegato (postacert: intestazione, dati)."""
    giorno, ora, zona = _when(at)
    dest = "".join(f'\n    <destinatari tipo="certificato">{escape(d)}</destinatari>' for d in original.recipients)
    extra = f'\n    <ricevuta tipo="{ricevuta}" />' if ricevuta else ""
    extra += f"\n    <consegna>{escape(consegna)}</consegna>" if consegna else ""
    extra += f"\n    <errore-esteso>{escape(errore_esteso)}</errore-esteso>" if errore_esteso else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="{tipo}" errore="{errore}">
  <intestazione>
    <mittente>{escape(original.sender)}</mittente>{dest}
    <risposte>{escape(original.sender)}</risposte>
    <oggetto>{escape(original.subject)}</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>{escape(gestore)}</gestore-emittente>
    <data zona="{zona}">
      <giorno>{giorno}</giorno>
      <ora>{ora}</ora>
    </data>
    <identificativo>{escape(original.identificativo)}</identificativo>
    <msgid>{escape(original.message_id)}</msgid>{extra}
  </dati>
</postacert>
""".encode("utf-8")


def _header(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _delivered_original(original: Original) -> bytes:
    """The original as the recipient's mailbox holds it: the gestore's own Message-ID, the client's kept
    in X-Riferimento-Message-ID (certified-dispatch.md §1.2)."""
    head, sep, body = _crlf(original.data).partition(b"\r\n\r\n")
    lines = [line for line in re.split(rb"\r\n(?![ \t])", head) if not line.lower().startswith(b"message-id:")]
    lines += [b"Message-ID: <" + original.identificativo.encode() + b">",
              b"X-Riferimento-Message-ID: " + original.message_id.encode()]
    return b"\r\n".join(lines) + sep + body


def signed_receipt(gestore: GestoreKey, tipo: str, original: Original, at: datetime, *, to: str,
                   xml: bytes, text: str, include_original: bool) -> bytes:
    """The receipt message: S/MIME multipart/signed over multipart/mixed(text, daticert, postacert.eml)."""
    token = uuid.uuid4().hex
    mixed, signed = f"----=_mixed_{token}", f"----=_signed_{token}"
    parts = [_crlf('Content-Type: text/plain; charset="utf-8"\nContent-Disposition: inline\n'
                   'Content-Transfer-Encoding: quoted-printable\n\n') + _crlf(quopri.encodestring(text.encode("utf-8"))),
             _crlf('Content-Type: application/xml; name="daticert.xml"\nContent-Disposition: inline; '
                   'filename="daticert.xml"\nContent-Transfer-Encoding: base64\n\n') + _crlf(base64.encodebytes(xml))]
    if include_original:
        parts.append(_crlf('Content-Type: message/rfc822; name="postacert.eml"\nContent-Disposition: inline; '
                           'filename="postacert.eml"\n\n') + _delivered_original(original))
    content = _crlf(f'Content-Type: multipart/mixed; boundary="{mixed}"\nMIME-Version: 1.0\n\n')
    for part in parts:
        content += _crlf(f"--{mixed}\n") + part.rstrip(b"\r\n") + b"\r\n"
    content += _crlf(f"--{mixed}--\n")
    builder = pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(gestore.cert, gestore.key, hashes.SHA256())
    for cert in gestore.chain:
        builder = builder.add_certificate(cert)
    der = builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    sender = f"posta-certificata@{gestore.domain}"
    headers = [("Return-Path", f"<{sender}>"), ("From", sender), ("To", to),
               ("Subject", _header(f"{SUBJECT_PREFIX[tipo]}: {original.subject}")),
               ("Date", format_datetime(at.astimezone(ROME))),
               ("Message-ID", f"<opec-sim.{uuid.uuid4().hex}@{gestore.domain}>"),
               ("X-Riferimento-Message-ID", original.message_id), ("X-Ricevuta", tipo)]
    if tipo == "avvenuta-consegna":
        headers.append(("X-TipoRicevuta", "completa"))
    head = "".join(f"{name}: {value}\n" for name, value in headers)
    head += ('MIME-Version: 1.0\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; '
             f'micalg="sha-256"; boundary="{signed}"\n\nThis is an S/MIME signed message\n\n')
    return (_crlf(head + f"--{signed}\n") + content + _crlf(
        f"\n--{signed}\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\n"
        "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"smime.p7s\"\n\n")
        + _crlf(base64.encodebytes(der)) + _crlf(f"\n--{signed}--\n"))


def _text(tipo: str, original: Original, at: datetime, **extra: str) -> str:
    giorno, ora, zona = _when(at)
    return TEXT[tipo].format(giorno=giorno, ora=ora, zona=zona, oggetto=original.subject, mittente=original.sender,
                             destinatari=", ".join(original.recipients), identificativo=original.identificativo,
                             **extra)


def accettazione(gestore: GestoreKey, original: Original, at: datetime) -> bytes:
    """Ricevuta di accettazione (art. 6 DPR 68/2005): the sender's gestore took the message at `at`."""
    xml = daticert_xml("accettazione", original, gestore.name, at)
    return signed_receipt(gestore, "accettazione", original, at, to=original.sender, xml=xml,
                          text=_text("accettazione", original, at), include_original=False)


def avvenuta_consegna(gestore: GestoreKey, original: Original, recipient: str, at: datetime) -> bytes:
    """Ricevuta di avvenuta consegna completa for one recipient (the original attached: proof of content)."""
    xml = daticert_xml("avvenuta-consegna", original, gestore.name, at, consegna=recipient, ricevuta="completa")
    return signed_receipt(gestore, "avvenuta-consegna", original, at, to=original.sender, xml=xml,
                          text=_text("avvenuta-consegna", original, at, consegna=recipient), include_original=True)


def mancata_consegna(gestore: GestoreKey, original: Original, recipient: str, at: datetime, *,
                     errore: str = "no-dest", detail: str = "5.1.1 - indirizzo non valido") -> bytes:
    """Avviso di mancata consegna (errore-consegna) for one recipient: final non-delivery."""
    extended = f"{detail.split(' - ')[0]} - {gestore.name} - {detail.split(' - ', 1)[-1]}"
    xml = daticert_xml("errore-consegna", original, gestore.name, at, consegna=recipient, errore=errore,
                       errore_esteso=extended)
    return signed_receipt(gestore, "errore-consegna", original, at, to=original.sender, xml=xml,
                          text=_text("errore-consegna", original, at, consegna=recipient, errore=extended),
                          include_original=False)
