"""One shared records repository for the team, tried as a new team would: `mustafid init` with a real bare remote,
two staff members and the committee chair each in their own clone (tmp_path), the real `mustafid` command. A
request walks from submission to service across the three clones for both associations; two people act on one
request at once; a clone offline keeps its write and shares it later; a remote that refuses keeps nothing half
written; and in the embedded default an ordinary `git commit -a` after a decision deletes nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from mustafid.config.association import load_association
from tests.cli.test_submit import answers_file
from tests.helpers import EXAMPLES, make_association_repo
from tests.review.util import submit as branch_submit
from tests.staff.util import STAFF


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def mustafid(clone: Path, *args: str, actor: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSTAFID_")}
    if actor:
        env["MUSTAFID_ACTOR"] = actor
    return subprocess.run([sys.executable, "-m", "mustafid", *args], cwd=clone, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def record_at(repo: Path, rev: str, rid: str) -> dict[str, object]:
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", rev).splitlines() if p.endswith(f"/{rid}.yml"))
    loaded = yaml.safe_load(git(repo, "show", f"{rev}:{path}"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(params=["ajaa", "kahatain"])
def team(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path, dict[str, Path]]:
    name = str(request.param)
    bare = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    made = mustafid(tmp_path, "init", "--association", str(EXAMPLES[name]), str(tmp_path / "first"),
                    "--remote-url", str(bare))
    assert made.returncode == 0, made.stderr
    clones = {}
    for who in ("staff1", "staff2", "chair"):
        subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / who)], check=True)
        clones[who] = tmp_path / who
    return name, bare, clones


def submit_in(clone: Path, name: str, tmp_path: Path) -> str:
    answers, docs = answers_file(tmp_path, name, "support-request")
    out = mustafid(clone, "submit", "--form", "support-request", "--channel", "phone", "--file", str(answers), *docs,
                   actor=STAFF)
    assert out.returncode == 0, out.stderr
    return next(line.rsplit(" ", 1)[1] for line in out.stdout.splitlines() if "reference" in line)


def test_a_request_walks_from_submission_to_service_across_three_clones(
        team: tuple[str, Path, dict[str, Path]], tmp_path: Path) -> None:
    name, bare, c = team
    assoc = load_association(c["chair"])
    chair, quorum = assoc.committee[0].id, ",".join(p.id for p in assoc.committee[:assoc.committee_quorum])
    rid = submit_in(c["staff1"], name, tmp_path)
    assert git(bare, "rev-parse", f"refs/heads/submission/{rid}").strip()  # shared before `submit` said so

    listed = mustafid(c["staff2"], "review", "--format", "json")
    assert listed.returncode == 0 and rid in listed.stdout, listed.stderr
    out = mustafid(c["staff2"], "verify", rid, "--note", "documents match", actor=STAFF)
    assert out.returncode == 0, out.stderr
    assert record_at(bare, f"submission/{rid}", rid)["status"] == "verified"

    folder = tmp_path / "docs-for-chair"
    shown = mustafid(c["chair"], "show", rid, "--lang", "en", "--documents", str(folder))
    assert shown.returncode == 0, shown.stderr
    listed_docs = record_at(bare, f"submission/{rid}", rid)["documents"]
    assert isinstance(listed_docs, list) and listed_docs
    got = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir())
    assert got == sorted(str(d["sha256"]) for d in listed_docs)

    out = mustafid(c["chair"], "decide", rid, "approve", "--reason", "meets the criteria", "--members", quorum,
                   "--meeting", "2026-12/1", actor=chair)
    assert out.returncode == 0, out.stderr
    assert record_at(bare, "main", rid)["status"] == "approved"
    assert git(c["chair"], "status", "--porcelain") == ""  # the clone's checked-out main followed

    out = mustafid(c["staff1"], "serve-record", rid, "--provided", "food basket", actor=STAFF)
    assert out.returncode == 0, out.stderr
    served = record_at(bare, "main", rid)
    assert served["status"] == "served"
    for who in c.values():  # every clone sees the same history, and the audit finds nothing wrong in it
        audit = mustafid(who, "audit", "--format", "json")
        assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr
    assert git(c["staff2"], "rev-parse", "main") == git(bare, "rev-parse", "main")


def test_two_people_verify_one_request_at_once_one_wins_the_other_is_told(
        team: tuple[str, Path, dict[str, Path]], tmp_path: Path) -> None:
    name, bare, c = team
    rid = submit_in(c["staff1"], name, tmp_path)
    for who in ("staff1", "staff2"):
        assert mustafid(c[who], "sync").returncode == 0
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda who: mustafid(c[who], "verify", rid, "--note", who, actor=STAFF),
                             ("staff1", "staff2")))
    codes = sorted(r.returncode for r in runs)
    assert codes == [0, 1], [r.stderr for r in runs]
    loser = next(r for r in runs if r.returncode == 1)
    # told plainly, whichever way the race went: it was done already, or it changed under them
    assert "is already verified" in loser.stderr or "someone else changed request" in loser.stderr, loser.stderr
    log = git(bare, "log", "--format=%s", f"submission/{rid}")
    assert log.count("Verify") == 1
    for who in ("staff1", "staff2"):  # both clones end on the remote's version: nothing kept aside, nothing lost
        mustafid(c[who], "sync")
        assert git(c[who], "rev-parse", f"submission/{rid}") == git(bare, "rev-parse", f"submission/{rid}")


def test_offline_the_write_is_kept_and_shared_later(team: tuple[str, Path, dict[str, Path]], tmp_path: Path) -> None:
    name, bare, c = team
    rid = submit_in(c["staff1"], name, tmp_path)
    assert mustafid(c["staff2"], "sync").returncode == 0
    away = bare.with_name("away.git")
    bare.rename(away)
    out = mustafid(c["staff2"], "verify", rid, actor=STAFF)
    assert out.returncode == 0, out.stderr
    assert "not shared with the team yet" in out.stderr
    assert record_at(c["staff2"], f"submission/{rid}", rid)["status"] == "verified"
    away.rename(bare)
    assert record_at(bare, f"submission/{rid}", rid)["status"] == "received"
    synced = mustafid(c["staff2"], "sync")
    assert synced.returncode == 0 and f"submission/{rid}" in synced.stdout, synced.stdout + synced.stderr
    assert record_at(bare, f"submission/{rid}", rid)["status"] == "verified"


def test_a_remote_that_refuses_leaves_nothing_half_written(team: tuple[str, Path, dict[str, Path]],
                                                           tmp_path: Path) -> None:
    name, bare, c = team
    rid = submit_in(c["staff1"], name, tmp_path)
    mustafid(c["staff2"], "sync")
    before = git(c["staff2"], "rev-parse", f"submission/{rid}")
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed for the audit' >&2\nexit 1\n")
    hook.chmod(0o755)
    out = mustafid(c["staff2"], "verify", rid, actor=STAFF)
    assert out.returncode == 1
    assert "refused" in out.stderr and "رفض" in out.stderr
    assert git(c["staff2"], "rev-parse", f"submission/{rid}") == before  # the local branch is as it was


def test_a_clone_with_no_remote_says_so_when_asked_to_sync(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path, "ajaa")
    out = mustafid(repo, "sync")
    assert out.returncode == 1 and "embedded default" in out.stderr


def test_embedded_default_then_an_ordinary_commit_deletes_nothing(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path, "kahatain")
    assoc = load_association(repo)
    chair, quorum = assoc.committee[0].id, ",".join(p.id for p in assoc.committee[:assoc.committee_quorum])
    decided, withdrawn = branch_submit(repo, "kahatain"), branch_submit(repo, "kahatain")
    assert mustafid(repo, "verify", decided, actor=STAFF).returncode == 0
    out = mustafid(repo, "decide", decided, "reject", "--reason", "outside the criteria", "--members", quorum,
                   "--meeting", "2026-12/1", actor=chair)
    assert out.returncode == 0, out.stderr
    assert mustafid(repo, "withdraw", withdrawn, "--reason", "asked by the applicant", actor=STAFF).returncode == 0
    assert git(repo, "status", "--porcelain") == ""  # index and files follow main
    (repo / "NOTES.md").write_text("meeting notes\n", encoding="utf-8")
    git(repo, "add", "NOTES.md")
    git(repo, "commit", "-q", "-a", "-m", "an ordinary commit")
    tree = git(repo, "ls-tree", "-r", "--name-only", "HEAD")
    assert f"{decided}.yml" in tree and f"{withdrawn}.yml" in tree
    assert git(repo, "diff", "--name-status", "HEAD~1", "HEAD").split() == ["A", "NOTES.md"]


def test_resubmit_takes_the_documents_the_applicant_brought(team: tuple[str, Path, dict[str, Path]],
                                                            tmp_path: Path) -> None:
    name, bare, c = team
    rid = submit_in(c["staff1"], name, tmp_path)
    assert mustafid(c["staff2"], "request-info", rid, "--note", "a clearer ID copy", actor=STAFF).returncode == 0
    before = record_at(bare, f"submission/{rid}", rid)["documents"]
    assert isinstance(before, list) and before
    field = str(before[0]["field"])
    clearer = tmp_path / "clearer.pdf"
    clearer.write_bytes(b"%PDF-1.4\n% a clearer scan\n%%EOF\n")
    bad = tmp_path / "note.txt"
    bad.write_text("not a document", encoding="utf-8")
    refused = mustafid(c["staff1"], "resubmit", rid, "--document", f"{field}={bad}", actor=STAFF)
    assert refused.returncode == 1 and record_at(bare, f"submission/{rid}", rid)["status"] == "needs_info"
    out = mustafid(c["staff1"], "resubmit", rid, "--note", "brought in person", "--document", f"{field}={clearer}",
                   actor=STAFF)
    assert out.returncode == 0, out.stderr
    after = record_at(bare, f"submission/{rid}", rid)
    assert after["status"] == "received"
    docs = after["documents"]
    assert isinstance(docs, list)
    new_sha = hashlib.sha256(clearer.read_bytes()).hexdigest()
    assert [d["sha256"] for d in docs if d["field"] == field] == [new_sha]  # the clearer copy replaced the old
    assert new_sha in git(bare, "ls-tree", "--name-only", f"refs/mustafid/documents/{rid}").split()
    folder = tmp_path / "out"
    assert mustafid(c["chair"], "show", rid, "--documents", str(folder)).returncode == 0
    assert new_sha in {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_notices_are_noted_on_the_teams_repository(team: tuple[str, Path, dict[str, Path]], tmp_path: Path) -> None:
    """`request-info` in one clone queues the notice there; `notices send` delivers it and the history commit
    reaches the shared repository (fetched first, pushed after), where another clone sees it."""
    name, bare, c = team
    rid = submit_in(c["staff1"], name, tmp_path)
    assert mustafid(c["staff1"], "request-info", rid, "--note", "صورة أوضح", actor=STAFF).returncode == 0
    out = mustafid(c["staff1"], "notices", "send", actor=STAFF)
    assert out.returncode == 0, out.stderr
    log = git(bare, "log", "-2", "--format=%B", f"submission/{rid}")
    assert "Mustafid-Notice: info_request" in log and "Mustafid-Notice: receipt" in log
    assert mustafid(c["chair"], "sync").returncode == 0
    assert git(c["chair"], "log", "-2", "--format=%B", f"submission/{rid}") == log
