"""`correspondence demo`: the main job on embedded defaults, end to end."""
from __future__ import annotations

from correspondence.cli.app import main
from correspondence.sign import verify_pdf
from tests.pec.test_pec_simulator import daticert_time
from tests.textutil import docx_text, pdf_flat


def test_demo_renders_signs_stores_and_tracks(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRESPONDENCE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "demo-out"
    assert main(["demo", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    for lang in ("it", "es"):
        for kind in ("first_demand", "second_demand", "legal_notice", "uncollectability_report"):
            pdf, docx_ = out / lang / f"{kind}.pdf", out / lang / f"{kind}.docx"
            assert pdf_flat(pdf.read_bytes()) and docx_text(docx_.read_bytes())
        signed = (out / lang / "legal_notice.signed.pdf").read_bytes()
        report = verify_pdf(signed, [tmp_path / "home" / "demo-cert" / "demo-ca.pem"], allow_fetching=False)
        assert report.valid, report.all_problems()
    assert "Rossi Forniture S.r.l." in pdf_flat((out / "it" / "legal_notice.pdf").read_bytes())
    assert "Dispatches tracked" in printed
    # what the demo stored in the embedded SQLite store
    from sqlalchemy import select

    from correspondence.store import Store
    from correspondence.store.models import Dispatch

    store = Store.open()
    try:
        with store.session() as session:
            rows = {d.channel: d for d in session.scalars(select(Dispatch))}
    finally:
        store.close()
    assert str(store.settings.database_url).startswith("sqlite")
    # the Italian notice went by PEC through the provider simulator: delivered at the signed consegna
    pec = rows["pec"]
    processed = sorted((out / "pec-mailbox" / ".Processed" / "new").iterdir())
    assert len(processed) == 2  # accettazione + avvenuta consegna, collected from the demo's mailbox
    consegna = next(p.read_bytes() for p in processed if b"X-Ricevuta: avvenuta-consegna" in p.read_bytes())
    assert pec.state == "delivered" and pec.legal_effective_at == daticert_time(consegna)
    assert pec.deadline_at is not None and (pec.deadline_at - pec.legal_effective_at.date()).days >= 15
    assert not (tmp_path / "home" / "trust").exists()  # the simulator's CA was trusted for the demo only
    assert rows["burofax"].state == "delivered" and rows["burofax"].deadline_at.isoformat() == "2026-12-10"
