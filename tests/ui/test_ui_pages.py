"""The staff pages in a real browser: sign-in, a case's figures after a payment, a letter's preview, a PEC
receipt delivering a dispatch, the expired deadline on the board, CSRF, tenancy, languages, offline docs."""
from __future__ import annotations

import base64
import datetime as dt
import io
import re
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image

from tests.ui.conftest import Server, Tenant, sign_in

PEC = Path(__file__).parents[1] / "api" / "fixtures" / "pec"
CONSEGNA = "seedoo__conferma__avvenuta-consegna__aruba-2021.eml"
MANCATA = "seedoo__mancata_consegna__errore-consegna-no-dest__aruba-2021.eml"
SEEDOO_MSGID = "<R43XS7$8A2B712B1EC45527B69E94AB60B8CA07@pec.it>"
SEEDOO_RECIPIENT = "test01@pec.flosslab.it"


def euros(text: str) -> Decimal:
    """An English-locale amount as shown (€2,086.11)."""
    return Decimal(re.sub(r"[^0-9.]", "", text))


def test_sign_in_payment_changes_figures_and_letter_preview(context: Any, tenant: Tenant) -> None:
    case = tenant.case("it")
    page = context.new_page()
    sign_in(page, tenant.key)
    cookie = next(c for c in context.cookies() if c["name"] == "correspondence_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["secure"] is False  # plain HTTP

    page.get_by_role("link", name=case["debtor_name"]).click()
    page.wait_for_url(f"**/ui/cases/{case['id']}")
    before = euros(page.locator("[data-figure=total_due]").inner_text())
    assert before == Decimal(case["total_due"])

    page.get_by_label("Amount (EUR)").fill("250.00")
    page.get_by_role("button", name="Record payment").click()
    page.wait_for_url(f"**/ui/cases/{case['id']}#figures")
    assert euros(page.locator("[data-figure=total_due]").inner_text()) == before - Decimal("250.00")
    assert euros(page.locator("[data-figure=payments]").inner_text()) == Decimal(case["figures"]["payments"]) + 250
    assert "Payment of EUR 250.00" in page.locator("#timeline").inner_text()

    # a payment larger than what is owed is refused on the page, naming the field and the amount owed
    page.get_by_label("Amount (EUR)").fill("999999.00")
    page.get_by_role("button", name="Record payment").click()
    assert "amount" in page.get_by_role("alert").first.inner_text()
    assert "owed" in page.get_by_role("alert").first.inner_text()

    # a call, then the next document previewed as images before it is stored
    page.goto(f"/ui/cases/{case['id']}")
    page.get_by_label("What").select_option("phone_call")
    page.get_by_label("Outcome").fill("promised to pay")
    page.get_by_role("button", name="Record", exact=True).click()
    assert "promised to pay" in page.locator("#timeline").inner_text()
    page.get_by_label("Kind").select_option("second_demand")
    page.get_by_label("Tone").select_option("stern")
    page.get_by_role("button", name="Preview").click()
    image = page.get_by_role("img", name="Page 1 of the document")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 500")
    png = base64.b64decode(image.get_attribute("src").split(",", 1)[1])
    assert len(Image.open(io.BytesIO(png)).getcolors(1 << 20) or []) > 10  # a page with text, not blank
    assert tenant.http.get(f"/cases/{case['id']}/documents").json() == []  # nothing stored yet
    page.get_by_role("button", name="Store this document").click()
    page.wait_for_url(f"**/ui/cases/{case['id']}#documents")
    docs = tenant.http.get(f"/cases/{case['id']}/documents").json()
    assert [d["kind"] for d in docs] == ["second_demand"]
    assert docs[0]["filename"] in page.locator("#documents").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=docs[0]["filename"]).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # sign out: the pages ask to sign in again
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/ui/login")
    page.goto(f"/ui/cases/{case['id']}")
    assert page.url.endswith("/ui/login")


def test_receipt_upload_delivers_and_the_expired_deadline_shows(context: Any, tenant: Tenant) -> None:
    case = tenant.case("it")
    dispatch = tenant.dispatch(case["id"], channel="pec", recipient=SEEDOO_RECIPIENT, message_id=SEEDOO_MSGID,
                               submitted_at="2021-12-14T14:30:00+01:00")
    page = context.new_page()
    sign_in(page, tenant.key)
    page.goto("/ui/dispatches")
    row = page.locator(f"tr[data-dispatch='{dispatch['id']}']")
    assert row.get_attribute("data-state") == "draft"

    # through the plain file input, two files at once: a receipt altered after the gestore signed it (kept
    # as evidence, flagged, does not deliver) and one for a message no dispatch of this tenant has (refused)
    raw = (PEC / CONSEGNA).read_bytes()
    idx = raw.index(b"Il giorno")
    tampered = raw[:idx] + b"Il Giorno" + raw[idx + len(b"Il giorno"):]
    page.get_by_label(re.compile("Receipts")).set_input_files(
        [{"name": "altered.eml", "mimeType": "message/rfc822", "buffer": tampered},
         {"name": MANCATA, "mimeType": "message/rfc822", "buffer": (PEC / MANCATA).read_bytes()}])
    page.get_by_role("button", name="Upload").click()
    flagged, refused = page.locator(".result").all()
    assert flagged.get_attribute("data-outcome") == "flagged" and "not trusted" in flagged.inner_text()
    assert refused.get_attribute("data-outcome") == "refused"
    assert "no dispatch has the Message-ID" in refused.inner_text()
    assert page.locator(f"tr[data-dispatch='{dispatch['id']}']").get_attribute("data-state") == "draft"

    # drag and drop the genuine Aruba delivery receipt onto the upload zone
    data = base64.b64encode(raw).decode()
    transfer = page.evaluate_handle("""([data, name]) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, {type: "message/rfc822"}));
        return transfer; }""", [data, CONSEGNA])
    with page.expect_navigation():
        page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": transfer})
    result = page.locator(".result").first
    assert result.get_attribute("data-outcome") == "matched"
    assert "delivered" in result.inner_text()
    row = page.locator(f"tr[data-dispatch='{dispatch['id']}']")
    assert row.get_attribute("data-state") == "delivered"
    # delivered on 14 Dec 2021: the 15-day term expired long ago and the case still owes: first on the board
    assert "expired" in row.inner_text()
    assert page.locator("tbody tr").first.get_attribute("data-dispatch") == dispatch["id"]
    assert "art." in row.inner_text()  # the legal rule of the legal-effect date
    assert tenant.http.get(f"/dispatches/{dispatch['id']}").json()["state"] == "delivered"

    page.get_by_role("link", name="Deadlines").click()
    expired = page.locator("#expired")
    assert case["debtor_name"] in expired.inner_text()
    assert expired.locator("tr.overdue").count() == 1


def test_csrf_and_tenant_isolation(context: Any, browser: Any, server: Server, tenant: Tenant,
                                   other_tenant: Tenant) -> None:
    case = tenant.case("it")
    page = context.new_page()
    sign_in(page, tenant.key)
    # a signed-in browser posting a form without the token (as a forged request would) is refused
    refused = context.request.post(f"/ui/cases/{case['id']}/payments", form={"amount": "10.00"})
    assert refused.status == 403 and "CSRF" in refused.text()
    wrong = context.request.post(f"/ui/cases/{case['id']}/payments", form={"amount": "10.00", "csrf_token": "x"})
    assert wrong.status == 403
    assert tenant.http.get(f"/cases/{case['id']}").json()["figures"]["payments"] == case["figures"]["payments"]
    # the sign-in form itself carries a token too
    fresh = browser.new_context(base_url=server.url)
    try:
        assert fresh.request.post("/ui/login", form={"api_key": tenant.key}, max_redirects=0).status == 403
        # another tenant's case answers 404, like a missing one
        other_page = fresh.new_page()
        sign_in(other_page, other_tenant.key)
        response = other_page.goto(f"/ui/cases/{case['id']}")
        assert response is not None and response.status == 404
        assert response.headers["content-type"].startswith("text/html")  # a page, not problem JSON
        assert "no such case" in other_page.get_by_role("alert").inner_text()
        assert case["debtor_name"] not in other_page.content()
        assert other_page.goto("/ui/cases/00000000-0000-0000-0000-000000000000").status == 404
        other_page.goto("/ui/dispatches")
        assert case["debtor_name"] not in other_page.content()
    finally:
        fresh.close()
    # a wrong key does not sign in
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("API key of your office").fill("ck_000000000000_" + "A" * 43)
    page.locator("form:has(#api_key)").get_by_role("button", name="Sign in").click()
    assert "not valid" in page.get_by_role("alert").inner_text()


def test_italian_and_spanish_interface_keyboard_and_labels(browser: Any, server: Server, tenant: Tenant) -> None:
    case = tenant.case("it")
    for locale, heading, amount_pattern in (("it-IT", "Pratiche", r"\d\.\d{3},\d{2}\s€"),
                                            ("es-ES", "Expedientes", r"\d\.\d{3},\d{2}\s€")):
        ctx = browser.new_context(base_url=server.url, locale=locale)
        try:
            page = ctx.new_page()
            page.goto("/ui/login")
            # keyboard only: from the top of the page, Tab to the key field, type it, Enter submits
            page.evaluate("document.activeElement.blur()")
            for _ in range(15):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.name") == "api_key":
                    break
            assert page.evaluate("document.activeElement.name") == "api_key"
            page.keyboard.type(tenant.key)
            page.keyboard.press("Enter")
            page.wait_for_url("**/ui/cases")
            assert page.get_by_role("heading", level=1).inner_text() == heading
            page.goto(f"/ui/cases/{case['id']}")
            assert page.evaluate("document.documentElement.lang") == locale[:2]
            assert re.search(amount_pattern, page.locator("[data-figure=total_due]").inner_text())
            unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                .map(e => e.name)""")
            assert unlabelled == []
            today = dt.date.today()
            if locale == "it-IT":
                assert str(today.year) in page.locator(".meta").inner_text()
        finally:
            ctx.close()


def test_docs_render_offline(context: Any, tmp_path: Path) -> None:
    page = context.new_page()
    outside: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.goto("/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20
    shot = tmp_path / "docs.png"
    page.screenshot(path=str(shot), full_page=False)
    colours = Image.open(shot).convert("RGB").getcolors(1 << 24) or []
    assert len(colours) > 50  # text and coloured operation bars, not a blank page
    page.goto("/redoc")
    page.locator("h2").filter(has_text="Create Case").first.wait_for()
    page.screenshot(path=str(tmp_path / "redoc.png"))
    assert outside == []


def test_user_account_from_the_cli_signs_in_until_disabled(context: Any, server: Server, tenant: Tenant) -> None:
    case = tenant.case("es")
    username = f"maria.{uuid.uuid4().hex[:6]}"
    env = {**server.env, "CORRESPONDENCE_USER_PASSWORD": "correct horse battery"}
    cli = [sys.executable, "-m", "correspondence"]
    made = subprocess.run([*cli, "user", "create", username, "--tenant", tenant.name], env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    again = subprocess.run([*cli, "user", "create", username, "--tenant", tenant.name], env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "username" in again.stderr and "already taken" in again.stderr
    page = context.new_page()
    page.goto("/ui/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("wrong password!")
    page.get_by_label("Password").press("Enter")
    assert "not valid" in page.get_by_role("alert").inner_text()
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/ui/cases")
    assert case["debtor_name"] in page.locator("table").inner_text()
    off = subprocess.run([*cli, "user", "disable", username], env=env, capture_output=True, text=True, timeout=120)
    assert off.returncode == 0, off.stderr
    page.goto("/ui/cases")
    assert page.url.endswith("/ui/login")


def test_a_payment_plan_shows_its_instalments_on_the_case_page(context: Any, tenant: Tenant) -> None:
    """Issue 18's web face: the plan recorded through the API, its first instalment paid on time, is shown
    with each instalment's state and the balance under the plan (dates relative to today, so it stays true)."""
    import datetime as dt

    case = tenant.case("it")
    today = dt.date.today()
    plan = {"acknowledged": "1000.00", "signed_on": (today - dt.timedelta(days=40)).isoformat(), "grace_days": 5,
            "instalments": [{"due_date": (today - dt.timedelta(days=35)).isoformat(), "amount": "400.00"},
                            {"due_date": (today + dt.timedelta(days=30)).isoformat(), "amount": "600.00"}]}
    r = tenant.http.post(f"/cases/{case['id']}/plans", json=plan)
    assert r.status_code == 201, r.text
    r = tenant.http.post(f"/cases/{case['id']}/payments",
                         json={"paid_on": (today - dt.timedelta(days=36)).isoformat(), "amount": "400.00"})
    assert r.status_code == 201, r.text

    page = context.new_page()
    sign_in(page, tenant.key)
    page.goto(f"/ui/cases/{case['id']}")
    plans = page.locator("#plans")
    assert "Payment plans and promises" in plans.inner_text()
    assert page.locator("[data-instalment='1'] [data-status]").get_attribute("data-status") == "paid"
    assert page.locator("[data-instalment='2'] [data-status]").get_attribute("data-status") == "pending"
    assert euros(plans.locator("[data-figure=plan_balance]").inner_text()) == Decimal("600.00")
    assert euros(plans.locator("[data-figure=plan_due]").inner_text()) == Decimal("0.00")
    assert "running" in plans.inner_text()
