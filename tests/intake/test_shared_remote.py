"""The intake in a clone of the team's records repository: each request (branch and documents' ref) reaches the
shared remote before the answer; with the remote away it is answered all the same, kept, and sent when the
server starts again. Real bare remote and clone (tmp_path), the app in process (Starlette's TestClient)."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.core.period import riyadh_today
from mustafid.forms.load import load_forms
from mustafid.intake.web.app import create_app
from mustafid.intake.web.state import Settings
from mustafid.review.forges.local import LocalForge
from mustafid.store.init import init_records_repo
from tests.helpers import EXAMPLES
from tests.intake.test_app_inprocess import _test_client, built_shells
from tests.intake.util import git, luhn_id, valid_post


def clone_of_new_records_repo(tmp_path: Path, name: str) -> tuple[Path, Path]:
    bare = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    init_records_repo(tmp_path / "first", EXAMPLES[name], remote_url=str(bare))
    subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / "intake")], check=True)
    return bare, tmp_path / "intake"


def _post(client: object, name: str, n: int) -> str:
    fields, files = valid_post(name, national_id=luhn_id(900 + n))
    r = client.post("/submit/support-request", data=fields, files=files,  # type: ignore[attr-defined]
                    headers={"Accept": "application/json"})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_each_request_reaches_the_shared_remote_before_the_answer(tmp_path: Path, name: str) -> None:
    bare, clone = clone_of_new_records_repo(tmp_path, name)
    assoc = load_association(clone)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    with _test_client(create_app(assoc, LocalForge(clone), site, settings=Settings(rate_per_minute=0))) as client:
        rid = _post(client, name, 1)
        # no waiting: the answer came after the push
        assert git(bare, "rev-parse", f"refs/heads/submission/{rid}").strip() == \
            git(clone, "rev-parse", f"refs/heads/submission/{rid}").strip()
        docs = git(bare, "ls-tree", "--name-only", f"refs/mustafid/documents/{rid}").split()
        record = git(clone, "show", f"submission/{rid}:" + git(clone, "diff-tree", "--no-commit-id", "-r",
                                                              "--name-only", f"submission/{rid}").strip())
        assert docs and all(sha in record for sha in docs)  # every listed document is on the remote


def test_with_the_remote_away_requests_are_kept_and_sent_at_the_next_start(tmp_path: Path) -> None:
    bare, clone = clone_of_new_records_repo(tmp_path, "ajaa")
    assoc = load_association(clone)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    away = bare.with_name("away.git")
    bare.rename(away)
    with _test_client(create_app(assoc, LocalForge(clone), site, settings=Settings(rate_per_minute=0))) as client:
        kept = [_post(client, "ajaa", n) for n in (2, 3)]  # answered: durable here, queued for the remote
    for rid in kept:
        assert git(clone, "rev-parse", f"refs/heads/submission/{rid}").strip()
    away.rename(bare)
    with _test_client(create_app(assoc, LocalForge(clone), site, settings=Settings(rate_per_minute=0))):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            have = git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/submission/").split()
            if all(f"refs/heads/submission/{rid}" in have for rid in kept):
                break
            time.sleep(0.1)
    have = git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/submission/", "refs/mustafid/").split()
    for rid in kept:
        assert f"refs/heads/submission/{rid}" in have
        assert f"refs/mustafid/documents/{rid}" in have


def test_an_answer_through_the_completion_link_reaches_the_team(tmp_path: Path) -> None:
    """Staff ask for information from their own clone; the intake (whose copy is behind) opens the link on the
    team's state, and the applicant's answer is on the shared remote before the thank-you page."""
    from mustafid.notices.links import link_secret, make_token
    from tests.cli.test_team import STAFF, mustafid

    bare, clone = clone_of_new_records_repo(tmp_path, "ajaa")
    assoc = load_association(clone)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt", "complete"])
    with _test_client(create_app(assoc, LocalForge(clone), site, settings=Settings(rate_per_minute=0))) as client:
        rid = _post(client, "ajaa", 4)
        staff = tmp_path / "staff"
        subprocess.run(["git", "clone", "-q", str(bare), str(staff)], check=True)
        asked = mustafid(staff, "request-info", rid, "--note", "صورة أوضح من الهوية", actor=STAFF)
        assert asked.returncode == 0, asked.stderr
        assert "needs_info" in git(bare, "show", f"refs/heads/submission/{rid}:" + _path(clone, rid))
        token = make_token(link_secret(clone / ".git"), rid, 1, riyadh_today() + dt.timedelta(days=7))
        r = client.post("/en/complete/", data={"t": token, "answer": "the clearer copy is at the office"})
        assert r.status_code == 200, r.text[-400:]
    shared = git(bare, "show", f"refs/heads/submission/{rid}:" + _path(clone, rid))
    assert 'status: "received"' in shared and '"applicant"' in shared
    assert git(bare, "rev-parse", f"refs/heads/submission/{rid}").strip() == \
        git(clone, "rev-parse", f"refs/heads/submission/{rid}").strip()


def _path(repo: Path, rid: str) -> str:
    return next(p for p in git(repo, "ls-tree", "-r", "--name-only", f"submission/{rid}").split()
                if p.endswith(f"{rid}.yml"))
