"""One PEC message, several recipients: dispatches share the Message-ID only as recipients of one
document, and a per-recipient receipt joins only the dispatch of the recipient daticert names."""
from __future__ import annotations

import pytest

from correspondence.errors import ConfigurationError
from correspondence.store.secretbox import seal, unseal
from tests.api.conftest import ACCETTAZIONE, CONSEGNA, SEEDOO_MSGID, Api, pec_bytes


def test_shared_message_id_needs_the_same_document(api: Api) -> None:
    first = api.dispatch("pec", recipient="a@pec.example.it")
    other_doc = api.document(first["case_id"])
    r = api.post("/v1/dispatches", json={"case_id": first["case_id"], "document_id": other_doc["id"],
                                         "channel": "pec", "recipient": "b@pec.example.it",
                                         "message_id": first["message_id"]})
    assert r.status_code == 409 and r.json()["field"] == "message_id" and "one message carries one document" \
        in r.json()["detail"]


def test_consegna_for_a_recipient_without_dispatch_is_refused(api: Api) -> None:
    d = api.dispatch("pec", recipient="flosslabtest@legalmail.it", message_id=SEEDOO_MSGID,
                     submitted_at="2021-01-01T09:00:00+01:00")
    r = api.receipt(None, pec_bytes(CONSEGNA))  # it certifies delivery to test01@pec.flosslab.it only
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert "concerns recipient test01@pec.flosslab.it" in r.json()["detail"]
    assert api.receipt(None, pec_bytes(ACCETTAZIONE)).status_code == 201  # the accettazione covers it
    assert api.get(f"/v1/dispatches/{d['id']}").json()["state"] == "accepted"


def test_sealed_passwords_need_the_same_server_key() -> None:
    env = {"CORRESPONDENCE_SECRET_KEY": "k" * 32}
    token = seal("pec-password", env)
    assert "pec-password" not in token and unseal(token, env) == "pec-password"
    with pytest.raises(ConfigurationError, match="changed"):
        unseal(token, {"CORRESPONDENCE_SECRET_KEY": "other" * 8})
    with pytest.raises(ConfigurationError, match="changed"):
        unseal(token[:-4] + "AAAA", env)  # tampered
    with pytest.raises(ConfigurationError, match="at least 16"):
        seal("x", {"CORRESPONDENCE_SECRET_KEY": "short"})
