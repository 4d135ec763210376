"""The GitHub forge against a test double of the GitHub REST API.

The real GitHub cannot be reached from here (no network), so this is a real HTTP server on 127.0.0.1 that
implements only the three endpoints the forge uses (create a pull request, add labels to its issue, request
reviewers) and records every request, so the test checks the exact method, path, headers and JSON body — and
that no personal answer reaches GitHub in a title, label or body. The branch push is real git, to a bare repo.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from mustafid.forms.load import load_forms
from mustafid.review.forges.github import GitHubForge
from mustafid.review.queries import find
from tests.review.util import setup, submit


class FakeGitHub(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *args: Any) -> None:  # keep pytest output quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
        if re.fullmatch(r"/repos/[^/]+/[^/]+/pulls", self.path):
            status, answer = 201, {"number": 7, "html_url": "https://github.invalid/ajaa/records/pull/7"}
        elif re.fullmatch(r"/repos/[^/]+/[^/]+/issues/\d+/labels", self.path):
            status, answer = 200, [{"name": n} for n in body["labels"]]
        elif re.fullmatch(r"/repos/[^/]+/[^/]+/pulls/\d+/requested_reviewers", self.path):
            status, answer = 201, {"number": 7}
        else:
            status, answer = 404, {"message": "Not Found"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def github() -> Iterator[str]:
    FakeGitHub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_open_review_pushes_and_opens_a_pull_request_without_personal_data(
        tmp_path: Path, github: str, name: str) -> None:
    repo, assoc, forge = setup(tmp_path, name)
    assoc = dataclasses.replace(assoc, github_repository=f"{name}/records")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    rid = submit(repo, name)
    record = find(forge, rid)[3]

    url = GitHubForge(assoc, forge, token="test-token", remote=str(remote), api_url=github).open_review(rid, record)

    assert url.endswith("/pull/7")
    pushed = subprocess.run(["git", "-C", str(remote), "rev-parse", f"submission/{rid}"], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert pushed == forge.branch_tip(f"submission/{rid}")
    pr, labels, reviewers = FakeGitHub.requests
    assert pr["path"] == f"/repos/{name}/records/pulls"
    assert pr["body"]["title"] == f"{rid} (support-request)"
    assert (pr["body"]["head"], pr["body"]["base"]) == (f"submission/{rid}", "main")
    assert pr["headers"]["Authorization"] == "Bearer test-token"
    assert pr["headers"]["Accept"] == "application/vnd.github+json"
    assert pr["headers"]["X-GitHub-Api-Version"] == "2022-11-28"
    assert labels == {"path": f"/repos/{name}/records/issues/7/labels", "headers": labels["headers"],
                      "body": {"labels": ["form:support-request", f"channel:{record['channel']}", "status:received"]}}
    assert reviewers["path"] == f"/repos/{name}/records/pulls/7/requested_reviewers"
    assert reviewers["body"] == {"reviewers": [], "team_reviewers": ["research-committee"]}

    # Not one personal or sensitive answer anywhere in what was sent.
    form = load_forms(assoc)["support-request"]
    sent = json.dumps([r["body"] for r in FakeGitHub.requests], ensure_ascii=False)
    personal = {p.split(".")[0] for p in form.personal_fields}
    values = [v for k, v in record["data"].items() if k in personal]
    assert values
    for v in values:
        for leaf in (yaml.safe_dump(v, allow_unicode=True).split() if not isinstance(v, str) else [v]):
            if isinstance(v, str) or len(leaf) > 6:
                assert leaf not in sent, leaf


def test_refused_call_is_a_user_error(tmp_path: Path, github: str) -> None:
    from mustafid.core.errors import UserError

    repo, assoc, forge = setup(tmp_path, "ajaa")
    assoc = dataclasses.replace(assoc, github_repository="nobody/nothing")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    rid = submit(repo, "ajaa")
    forge_gh = GitHubForge(assoc, forge, token="t", remote=str(remote), api_url=github + "/broken")
    with pytest.raises(UserError, match="GitHub refused"):
        forge_gh.open_review(rid, find(forge, rid)[3])
