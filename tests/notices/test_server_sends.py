"""`mustafid serve --send-notices`: the real intake server on 127.0.0.1 queues the receipt of a complaint sent
through its form and its background sender delivers it to the outbox folder (the embedded default) and notes
it in the request's history, for both associations; the receipt page shows the status lookup's code only to
the link that carries it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from mustafid.notices.lookup import receipt_code
from tests.helpers import make_association_repo
from tests.review.test_kinds import COMPLAINT

SECRET = "test-link-secret-not-for-production"


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_the_server_queues_and_sends_the_receipt(name: str, tmp_path: Path) -> None:
    from tests.intake_server import running_intake

    repo = make_association_repo(tmp_path, name)
    outbox = tmp_path / "outbox"
    env = {"MUSTAFID_SEND_NOTICES": "0.2", "MUSTAFID_OUTBOX": str(outbox), "MUSTAFID_LINK_SECRET": SECRET}
    with running_intake(repo, repo, None, extra_env=env) as server:
        r = httpx.post(f"{server.url}/submit/suggestion-or-complaint", data={**COMPLAINT, "_lang": "en"},
                       headers={"Accept": "application/json"})
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        code = receipt_code(SECRET.encode(), rid)
        assert r.json()["receipt"].endswith(f"?ref={rid}") and r.cookies["mf_receipt"] == f"{rid}.{code}"
        page = httpx.get(f"{server.url}{r.json()['receipt']}", cookies={"mf_receipt": f"{rid}.{code}"}).text
        assert code in page
        assert code not in httpx.get(f"{server.url}/en/forms/receipt/", params={"ref": rid}).text
        forged = {"mf_receipt": f"{rid}.000000"}
        assert code not in httpx.get(f"{server.url}/en/forms/receipt/", params={"ref": rid}, cookies=forged).text
        delivered = outbox / "delivered" / f"{rid}.receipt.1.eml"
        deadline = time.monotonic() + 20
        log = ""
        while time.monotonic() < deadline:
            log = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%B", f"submission/{rid}"],
                                 capture_output=True, text=True, check=True).stdout
            if delivered.exists() and "Mustafid-Notice: receipt" in log:
                break
            time.sleep(0.1)
        assert delivered.exists() and "Mustafid-Notice: receipt" in log and "Mustafid-Actor: intake" in log
        text = delivered.read_bytes()
        assert b"Content-Language: en" in text
        assert "sara" not in log.lower() and "0551234567" not in log


def test_the_servers_notes_reach_the_shared_repository(tmp_path: Path) -> None:
    """The intake in a clone of the team's repository: the receipt's history commit is shared, not kept here."""
    from tests.intake.test_shared_remote import clone_of_new_records_repo
    from tests.intake_server import running_intake

    bare, clone = clone_of_new_records_repo(tmp_path, "kahatain")
    env = {"MUSTAFID_SEND_NOTICES": "0.2", "MUSTAFID_OUTBOX": str(tmp_path / "outbox"),
           "MUSTAFID_LINK_SECRET": SECRET}
    with running_intake(clone, clone, None, extra_env=env) as server:
        r = httpx.post(f"{server.url}/submit/suggestion-or-complaint", data={**COMPLAINT, "_lang": "en"},
                       headers={"Accept": "application/json"})
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        deadline, log = time.monotonic() + 20, ""
        while time.monotonic() < deadline:
            log = subprocess.run(["git", "-C", str(bare), "log", "-1", "--format=%B", f"submission/{rid}"],
                                 capture_output=True, text=True, check=False).stdout
            if "Mustafid-Notice: receipt" in log:
                break
            time.sleep(0.1)
    assert "Mustafid-Notice: receipt" in log and "Mustafid-Actor: intake" in log
