"""The applicant's own pages in Debian chromium on the real intake server, for both associations, with
JavaScript off and on: the status lookup (the receipt's code or the mobile's last four digits; one answer for
a wrong reference and a wrong code; rate-limited) and the completion link of a request for information (the
answer and a document sent from the page become a resubmission commit on the request's branch that the CI
gate accepts; forged and expired links get one generic page)."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mustafid.config.association import load_association
from mustafid.notices.links import make_token
from mustafid.notices.lookup import receipt_code
from mustafid.review import actions
from mustafid.review.ci import check_range
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import find
from tests.helpers import make_association_repo
from tests.review.util import submit
from tests.site.conftest import BuiltSite
from tests.site.test_browser_forms import PDF, browser, new_page, shot  # noqa: F401 - the browser fixture

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-forms")]
SECRET = "test-link-secret-not-for-production"
STAFF = "staff.officer"


@pytest.fixture(scope="module")
def worlds(sites: dict[str, BuiltSite], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Each association's intake server over its own repository, with a known link secret."""
    from tests.intake_server import running_intake

    out: dict[str, Any] = {}
    repos = {n: make_association_repo(tmp_path_factory.mktemp(n), n) for n in ("ajaa", "kahatain")}
    env = {"MUSTAFID_LINK_SECRET": SECRET}
    with running_intake(repos["ajaa"], repos["ajaa"], sites["ajaa"].root, rate_limit=0, extra_env=env) as a, \
            running_intake(repos["kahatain"], repos["kahatain"], sites["kahatain"].root, extra_env=env) as k:
        for name, server in (("ajaa", a), ("kahatain", k)):
            out[name] = {"url": server.url, "repo": repos[name], "assoc": load_association(repos[name])}
        yield out


def today() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).date()


@pytest.mark.parametrize("js", [False, True])
@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_status_lookup(browser: Any, worlds: dict[str, Any], name: str, js: bool) -> None:  # noqa: F811
    w = worlds[name]
    rid = submit(w["repo"], name)
    actions.verify(w["assoc"], LocalForge(w["repo"]), rid, STAFF)
    page = new_page(browser, js=js)
    answers = {}
    for lang, prefix in (("ar", ""), ("en", "/en")):
        for ref, code in ((rid, receipt_code(SECRET.encode(), rid)), (rid, "000000"), ("ZZZZ-ZZZ0", "123456")):
            page.goto(f"{w['url']}{prefix}/forms/status/")
            page.fill("#mf-ref-in", ref.lower())  # typed any case
            page.fill("#mf-code-in", code)
            page.click(".mf-status button.mf-button")
            page.wait_for_selector(".mf-status .mf-panel")
            answers[(lang, ref, code)] = page.locator(".mf-status .mf-panel").inner_text()
        shown = answers[(lang, rid, receipt_code(SECRET.encode(), rid))]
        assert ("اللجنة" in shown) if lang == "ar" else ("committee" in shown), shown
        assert rid in shown and ("هـ" in shown if lang == "ar" else "AH" in shown)  # the promised date, both calendars
        wrong_code, wrong_ref = answers[(lang, rid, "000000")], answers[(lang, "ZZZZ-ZZZ0", "123456")]
        assert wrong_code == wrong_ref and rid not in wrong_code  # one answer, nothing about the request
    shot(page, f"{name}-status-{'js' if js else 'nojs'}")
    page.context.close()


def _asked(w: dict[str, Any], name: str) -> tuple[str, str]:
    rid = submit(w["repo"], name)
    actions.request_info(w["assoc"], LocalForge(w["repo"]), rid, STAFF, "صورة أوضح من الهوية")
    token = make_token(SECRET.encode(), rid, 1, today() + dt.timedelta(days=14))
    return rid, token


@pytest.mark.parametrize("js", [False, True])
@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_the_completion_link(browser: Any, worlds: dict[str, Any], name: str, js: bool,  # noqa: F811
                             tmp_path: Path) -> None:
    w = worlds[name]
    forge = LocalForge(w["repo"])
    base = subprocess.run(["git", "-C", str(w["repo"]), "rev-parse", "main"], capture_output=True, text=True,
                          check=True).stdout.strip()
    rid, token = _asked(w, name)
    page = new_page(browser, js=js)
    page.goto(f"{w['url']}/complete/?t={token}")
    assert page.locator("#mf-asked").inner_text() == "صورة أوضح من الهوية"
    pdf = tmp_path / "id.pdf"
    pdf.write_bytes(PDF)
    page.set_input_files("#mf-f-id_copy", str(pdf))
    page.fill("#mf-answer", "أرفقت صورة أوضح")
    page.click(".mf-complete button.mf-button")
    page.wait_for_selector(".mf-message")
    assert "وصل ما أرسلته" in page.locator(".mf-message").inner_text()
    shot(page, f"{name}-complete-{'js' if js else 'nojs'}")
    record = find(forge, rid)[3]
    assert record["status"] == "received" and record["info_requests"][-1]["by"] == "applicant"
    assert record["info_requests"][-1]["answer_sha256"] and "أرفقت" not in str(record)  # the text stays outside git
    assert [d["name"] for d in record["documents"] if d["field"] == "id_copy"] == ["id.pdf"]
    assert check_range(w["assoc"], forge, base, f"submission/{rid}") == []
    # used once: the same link now opens the generic page
    page.goto(f"{w['url']}/complete/?t={token}")
    assert page.locator(".mf-message").count() == 1 and page.locator("#mf-asked").count() == 0
    page.context.close()


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_forged_and_expired_links_get_one_generic_page(worlds: dict[str, Any], name: str) -> None:
    w = worlds[name]
    rid, token = _asked(w, name)
    expired = make_token(SECRET.encode(), rid, 1, today() - dt.timedelta(days=1))
    forged = make_token(b"another secret", rid, 1, today() + dt.timedelta(days=14))
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    bodies = set()
    for t in (expired, forged, altered, "nonsense", ""):
        r = httpx.get(f"{w['url']}/complete/", params={"t": t})
        assert r.status_code == 404
        bodies.add(r.text)
    assert len(bodies) == 1 and rid not in bodies.pop()
    post = httpx.post(f"{w['url']}/complete/", data={"t": forged, "answer": "x"})
    assert post.status_code == 404 and find(LocalForge(w["repo"]), rid)[3]["status"] == "needs_info"
    assert httpx.get(f"{w['url']}/complete/", params={"t": token}).status_code == 200


def test_the_lookup_is_rate_limited(worlds: dict[str, Any]) -> None:
    from tests.intake_server import running_intake

    repo = worlds["ajaa"]["repo"]
    with running_intake(repo, repo, None, rate_limit=30) as server:  # the limits on, as `mustafid serve` runs
        codes = [httpx.post(f"{server.url}/status/", data={"ref": "ZZZZ-ZZZ0", "code": f"{i:06d}"}).status_code
                 for i in range(12)]
        assert codes[0] == 200 and 429 in codes
        assert httpx.get(f"{server.url}/healthz").status_code == 200


@pytest.mark.parametrize("js", [False, True])
@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_a_complaint_from_its_page_to_its_status(browser: Any, worlds: dict[str, Any], name: str,  # noqa: F811
                                                 js: bool) -> None:
    """A complaint sent from its own page: the receipt promises an answer within the association's answer
    period (no committee, no approval) and shows the lookup code to this browser, which then finds it."""
    from tests.site.test_browser_forms import fill

    w = worlds[name]
    page = new_page(browser, js=js)
    page.goto(f"{w['url']}/en/forms/suggestion-or-complaint/")
    fill(page, {"kind": "complaint", "subject": "Late answer", "details": "No answer to my request for a month.",
                "wants_reply": "yes", "name": "Sara", "mobile": "0551234567", "contact_preference": "sms"}, {})
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-check-title")
    page.click(".mf-check button.mf-button[value=confirm]")
    page.wait_for_selector("#mf-ref")
    ref = page.locator("#mf-ref").inner_text().strip()
    receipt = page.locator(".mf-receipt").inner_text()
    assert f"within {w['assoc'].feedback_answer_days} days" in receipt and "goes to the board" in receipt
    assert "approval or refusal" not in receipt and "committee" not in receipt.lower()
    code = page.locator("#mf-code").inner_text().strip()
    assert code == receipt_code(SECRET.encode(), ref)
    shot(page, f"{name}-complaint-receipt-{'js' if js else 'nojs'}")
    page.goto(f"{w['url']}/en/forms/status/")
    page.fill("#mf-ref-in", ref)
    page.fill("#mf-code-in", code)
    page.click(".mf-status button.mf-button")
    page.wait_for_selector("#mf-status")
    assert "Received" in page.locator("#mf-status").inner_text()
    page.context.close()


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_a_bad_document_on_the_completion_page_writes_nothing(worlds: dict[str, Any], name: str) -> None:
    w = worlds[name]
    rid, token = _asked(w, name)
    forge = LocalForge(w["repo"])
    tip = forge.branch_tip(f"submission/{rid}")
    fake = httpx.post(f"{w['url']}/en/complete/", data={"t": token, "answer": ""},
                      files={"id_copy": ("id.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert fake.status_code == 422 and "Nothing was saved" in fake.text
    stranger = httpx.post(f"{w['url']}/en/complete/", data={"t": token},
                          files={"no_such_field": ("a.pdf", PDF, "application/pdf")})
    assert stranger.status_code == 422 and "does not have" in stranger.text
    empty = httpx.post(f"{w['url']}/en/complete/", data={"t": token, "answer": "  "})
    assert empty.status_code == 422
    assert forge.branch_tip(f"submission/{rid}") == tip and find(forge, rid)[3]["status"] == "needs_info"
