"""The intake app in this process (Starlette's TestClient, no socket), writing a real git repository in a
temporary folder: the same outcomes as the real server's tests (test_server.py), read back from git."""

from __future__ import annotations

import hashlib
import html
import re
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.intake.messages import MSG
from mustafid.intake.web.app import create_app
from mustafid.intake.web.state import Settings
from mustafid.records.format import parse_record
from mustafid.review.forges.local import LocalForge
from mustafid.store.documents import DocumentStore
from mustafid.store.git import GitStore
from tests.helpers import make_association_repo
from tests.intake.util import git, luhn_id, refs, valid_post

if TYPE_CHECKING:
    from starlette.testclient import TestClient

HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')
SHELL = ("<!doctype html><html><head><title>{title}</title></head><body><main>"
         "<!--mustafid:form--><!--/mustafid:form--></main></body></html>")


def _test_client(app: Any) -> TestClient:
    with warnings.catch_warnings():
        # Starlette asks for httpx2 for its test client; httpx, which the project depends on, still drives it.
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    return TestClient(app, follow_redirects=False)


def built_shells(root: Path, pages: list[str]) -> Path:
    """The part of a built site the intake reads: each page's shell around the form markers."""
    for lang in ("", "en/"):
        for page in pages:
            target = root / f"{lang}forms/{page}/index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(SHELL.format(title=page), encoding="utf-8")
    (root / "index.html").write_text("<!doctype html><title>home</title>", encoding="utf-8")
    return root


@pytest.fixture(params=["ajaa", "kahatain"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path, TestClient]]:
    name = request.param
    repo = make_association_repo(tmp_path, name)
    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    app = create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))
    with _test_client(app) as client:
        yield name, repo, client


def record_of(repo: Path, rid: str) -> dict[str, Any]:
    """The record the branch ``submission/<rid>`` adds, with one commit off main."""
    branch = f"submission/{rid}"
    assert git(repo, "rev-parse", f"{branch}^").strip() == git(repo, "rev-parse", "main").strip()
    (path,) = git(repo, "diff-tree", "--no-commit-id", "-r", "--name-only", branch).split()
    assert path.startswith("submissions/support-request/") and path.endswith(f"/{rid}.yml")
    return parse_record(git(repo, "show", f"{branch}:{path}"))


def test_a_direct_submission_answered_in_json(served: tuple[str, Path, TestClient]) -> None:
    name, repo, client = served
    fields, files = valid_post(name, national_id=luhn_id(701))
    r = client.post("/submit/support-request", data=fields, files=files, headers={"Accept": "application/json"})
    assert r.status_code == 201, r.text[:300]
    answer = r.json()
    rid = answer["id"]
    assert answer["branch"] == f"submission/{rid}" and r.headers["location"] == answer["receipt"]
    assert answer["receipt"] == f"/forms/receipt/?ref={rid}"
    assert f"refs/heads/submission/{rid}" in refs(repo)
    rec = record_of(repo, rid)
    assert rec["id"] == rid and rec["channel"] == "web" and rec["status"] == "received"
    assert rec["data"]["national_id"] == fields["national_id"]
    docs = DocumentStore.beside(GitStore(repo))
    assert [d["sha256"] for d in rec["documents"]] == [hashlib.sha256(c).hexdigest() for _, (_, c, _) in files]
    assert all(docs.has(d["sha256"]) for d in rec["documents"])


def test_check_then_confirm_keeps_the_documents(served: tuple[str, Path, TestClient]) -> None:
    name, repo, client = served
    fields, files = valid_post(name, national_id=luhn_id(702), seed=702)
    before = refs(repo)
    checked = client.post("/submit/support-request", data={**fields, "_step": "check"}, files=files)
    assert checked.status_code == 200, checked.text[:300]
    assert refs(repo) == before, "the check step writes no branch"
    hidden: dict[str, list[str]] = {}
    for key, value in HIDDEN.findall(checked.text):
        hidden.setdefault(html.unescape(key), []).append(html.unescape(value))
    tokens = {k: v for k, v in hidden.items() if k.startswith("_stash.")}
    assert {k[len("_stash."):] for k in tokens} == {f for f, _ in files}, "each document is kept by a token"
    assert hidden["national_id"] == [fields["national_id"]]
    # confirm sends the answers and the tokens back, and no file again
    r = client.post("/submit/support-request", data={**hidden, "_step": "confirm"})
    assert r.status_code == 303, r.text[:300]
    rid = r.headers["location"].rsplit("=", 1)[1]
    rec = record_of(repo, rid)
    assert {d["field"]: d["sha256"] for d in rec["documents"]} == \
        {f: hashlib.sha256(c).hexdigest() for f, (_, c, _) in files}
    assert rec["data"]["national_id"] == fields["national_id"]
    receipt = client.get(r.headers["location"])
    assert receipt.status_code == 200 and rid in receipt.text
    # a token is good for this form only, and not once tampered with: the confirm step says so, writes nothing
    after = refs(repo)
    token = hidden["_stash.id_copy"][0]
    forged = {**hidden, "_stash.id_copy": [token[:-1] + ("1" if token.endswith("0") else "0")], "_step": "confirm"}
    bad = client.post("/submit/support-request", data=forged, headers={"Accept": "application/json"})
    assert bad.status_code == 422 and "stash_expired" in {p["code"] for p in bad.json()["problems"]}
    assert refs(repo) == after


@pytest.mark.parametrize("lang_path", ["", "/en"])
def test_refusals_in_both_languages_write_nothing(served: tuple[str, Path, TestClient], lang_path: str) -> None:
    """Every refusal is one bilingual page (or JSON with both texts), whichever language the client reads."""
    _, repo, client = served
    before = refs(repo)
    r = client.post("/submit/support-request", content=b'{"national_id": "1"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 415
    assert MSG["content_type"].ar in html.unescape(r.text) and MSG["content_type"].en in html.unescape(r.text)
    j = client.post("/submit/support-request", content=b"x", headers={"content-type": "text/plain",
                                                                        "Accept": "application/json"})
    assert j.status_code == 415
    assert j.json() == {"error": "content_type", "ar": MSG["content_type"].ar, "en": MSG["content_type"].en}
    unknown = client.post("/submit/no-such-form", data={"_lang": "en" if lang_path else "ar"})
    text = html.unescape(unknown.text)
    assert unknown.status_code == 404 and "«no-such-form»" in text and "no form called 'no-such-form'" in text
    page = client.get(f"{lang_path}/no/such/page/")
    assert page.status_code == 404
    assert MSG["not_found"].ar in page.text and MSG["not_found"].en in page.text
    receipt = client.get(f"{lang_path}/forms/receipt/?ref=AAAA-AAAA")
    assert receipt.status_code == 404
    assert MSG["no_receipt"].ar in html.unescape(receipt.text) and MSG["no_receipt"].en in html.unescape(receipt.text)
    assert refs(repo) == before


def test_healthz(served: tuple[str, Path, TestClient], tmp_path: Path) -> None:
    _, repo, client = served
    r = client.get("/healthz")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assoc = load_association(repo)
    assert r.json() == {"status": "ok", "association": assoc.id, "forms": sorted(load_forms(assoc)), "store": "ok"}
    # a records repository without its main branch cannot take requests: 503, and says why
    empty = tmp_path / "records"
    subprocess.run(["git", "init", "-q", "-b", "main", str(empty)], check=True)
    with _test_client(create_app(assoc, LocalForge(empty))) as other:
        down = other.get("/healthz")
    assert down.status_code == 503
    assert down.json()["status"] == "unavailable" and down.json()["store"] == "branch main not found"
