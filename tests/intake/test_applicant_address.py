"""The applicant's own routes (the status lookup, the completion link) speak in the association's address, as the
built pages do: Ajaa's in the feminine, Kahatain's in the masculine. The app in process, on a real repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.intake.web.app import create_app
from mustafid.intake.web.state import Settings
from mustafid.review.forges.local import LocalForge
from tests.helpers import make_association_repo
from tests.intake.test_app_inprocess import _test_client, built_shells

SAID = {"ajaa": ("اعرضي حالة الطلب", "تأكدي منهما وأعيدي المحاولة، أو تواصلي مع الجمعية",
                 "تواصلي مع الجمعية واذكري رقم طلبك"),
        "kahatain": ("اعرض حالة الطلب", "تأكد منهما وأعد المحاولة، أو تواصل مع الجمعية",
                     "تواصل مع الجمعية واذكر رقم طلبك")}


@pytest.mark.parametrize(("name", "other"), [("ajaa", "kahatain"), ("kahatain", "ajaa")])
def test_the_status_and_completion_routes(tmp_path: Path, name: str, other: str) -> None:
    repo = make_association_repo(tmp_path, name)
    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt", "status", "complete"])
    look, no_match, bad_link = SAID[name]
    with _test_client(create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))) as client:
        form = client.get("/status/").text
        missing = client.post("/status/", data={"ref": "ZZZZ-ZZZ0", "code": "123456"}).text
        broken = client.get("/complete/", params={"t": "forged"})
        english = client.get("/en/status/").text
    assert look in form and look in missing and no_match in missing
    assert broken.status_code == 404 and bad_link in broken.text
    assert not any(words in form + missing + broken.text for words in SAID[other])
    assert "Show the request&#x27;s status" in english
