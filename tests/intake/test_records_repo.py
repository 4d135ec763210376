"""The store on a separate records repository, and each new branch pushed to a remote after the answer."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from tests.helpers import make_association_repo
from tests.intake.util import git, luhn_id, refs, valid_post
from tests.intake_server import running_intake


def test_separate_records_repository_and_push_to_remote(tmp_path: Path) -> None:
    assoc = make_association_repo(tmp_path / "site", "ajaa")       # the association's config and forms
    records = tmp_path / "records"                                  # records live elsewhere
    subprocess.run(["git", "init", "-q", "-b", "main", str(records)], check=True)
    subprocess.run(["git", "-C", str(records), "commit", "-q", "--allow-empty", "-m", "records"], check=True)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "-C", str(records), "remote", "add", "origin", str(remote)], check=True)
    assoc_refs = refs(assoc)
    with running_intake(assoc, records, None, extra_env={"MUSTAFID_REMOTE": "origin"}) as server:
        fields, files = valid_post("ajaa", national_id=luhn_id(301))
        r = httpx.post(server.url + "/submit/support-request", data=fields, files=files)
        assert r.status_code == 303
        rid = r.headers["location"].rsplit("=", 1)[1]
        branch = f"refs/heads/submission/{rid}"
        assert branch in refs(records)
        assert refs(assoc) == assoc_refs, "the association's own repository is not written"
        deadline = time.monotonic() + 20
        # the ref lands on the remote while git push runs; the server logs "published" once push has returned
        while (branch not in refs(remote) or "published" not in "".join(server.log_lines)) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert refs(remote).get(branch) == refs(records)[branch], "the branch reached the remote"
        assert "published" in "".join(server.log_lines)
    assert git(records, "ls-tree", "-r", "--name-only", branch).strip().endswith(f"/{rid}.yml")


def test_github_configured_opens_a_pull_request_after_the_answer(tmp_path: Path) -> None:
    """GitHub cannot be reached from here: its REST API is the loopback test double of the review tests
    (tests/review/forges/test_github.py), which records each request; the push is real git to a bare repo."""
    import threading
    from http.server import ThreadingHTTPServer

    from tests.review.forges.test_github import FakeGitHub
    from tests.review.test_kinds import SURVEY

    FakeGitHub.requests = []
    api = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        repo = make_association_repo(tmp_path, "kahatain")
        with (repo / "association.yml").open("a", encoding="utf-8") as fh:
            fh.write(f"github:\n  repository: kahatain/records\n  api_url: http://127.0.0.1:{api.server_address[1]}\n")
        remote = tmp_path / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", str(remote)], check=True)
        with running_intake(repo, repo, None, extra_env={"GITHUB_TOKEN": "test-token"}) as server:
            fields, files = valid_post("kahatain", national_id=luhn_id(302))
            r = httpx.post(server.url + "/submit/support-request", data=fields, files=files)
            assert r.status_code == 303
            rid = r.headers["location"].rsplit("=", 1)[1]
            deadline = time.monotonic() + 20
            while len(FakeGitHub.requests) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
            # a survey answer is shared but never reviewed: no pull request (file-surveys merges them)
            answered = httpx.post(server.url + "/submit/satisfaction-survey", data={**SURVEY, "_lang": "en"},
                                  headers={"Accept": "application/json"})
            assert answered.status_code == 201, answered.text
            survey = answered.json()["id"]
            assert f"refs/heads/submission/{survey}" in refs(remote)  # pushed before the answer
            time.sleep(1.0)  # what the publisher's thread would have sent by now
        heads = [q["body"].get("head") for q in FakeGitHub.requests if isinstance(q.get("body"), dict)]
        assert f"submission/{rid}" in heads and f"submission/{survey}" not in heads
        pr = FakeGitHub.requests[0]
        assert pr["path"] == "/repos/kahatain/records/pulls"
        assert pr["body"]["title"] == f"{rid} (support-request)" and pr["body"]["head"] == f"submission/{rid}"
        assert f"refs/heads/submission/{rid}" in refs(remote)
        sent = str([q["body"] for q in FakeGitHub.requests])
        assert fields["national_id"] not in sent and fields["first_name"] not in sent
    finally:
        api.shutdown()
        api.server_close()
