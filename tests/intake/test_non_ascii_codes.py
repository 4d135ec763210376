"""Codes and signatures a client sends are compared in constant time as bytes: a non-ASCII character in a
stash token or a status code (or the receipt cookie, which this client cannot send) is refused like any wrong
one, never a 500 (hmac.compare_digest raises TypeError on such str; found by test_hostile_property.py). The app
in process."""

from __future__ import annotations

from pathlib import Path

from mustafid.config.association import load_association
from mustafid.core.text import same_secret
from mustafid.forms.load import load_forms
from mustafid.intake.web.app import create_app
from mustafid.intake.web.state import Settings
from mustafid.review.forges.local import LocalForge
from tests.helpers import make_association_repo
from tests.intake.test_app_inprocess import _test_client, built_shells


def test_same_secret() -> None:
    assert same_secret("123456", "123456") and not same_secret("123456", "123457")
    assert not same_secret("١٢٣٤٥٦", "123456") and not same_secret(".\x80", "ab")


def test_non_ascii_codes_are_refused_not_crashed(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path, "ajaa")
    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt", "status"])
    with _test_client(create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))) as client:
        stash = client.post("/submit/support-request", data={"_stash.id_copy": ".\x80"},
                            headers={"Accept": "application/json"})
        status = client.post("/status/", data={"ref": "ZZZZ-ZZZ0", "code": "١٢٣أب"})
    assert stash.status_code == 422, stash.text
    assert status.status_code == 200 and "mf-panel--error" in status.text
