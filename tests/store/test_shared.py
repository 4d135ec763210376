"""The shared records repository at the store level, with a real bare remote and real clones (tmp_path): fetch
and integrate, an atomic push with leases, two writers at once, an unreachable remote, a diverged branch, a
checked-out branch kept consistent, `init`, and documents carried on their own ref."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from mustafid.core.errors import UserError
from mustafid.store.docrefs import export, held, publish, ref_of
from mustafid.store.documents import DocumentStore
from mustafid.store.git import GitStore
from mustafid.store.init import init_records_repo
from mustafid.store.sync import KEPT, PushOutcome, Remote, RemoteRefused, configured_remote, transact
from mustafid.store.worktree import move_ref
from tests.helpers import EXAMPLES


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A records repository made by `init`, pushed to a bare remote, and three clones of it."""
    bare = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    init_records_repo(tmp_path / "first", EXAMPLES["kahatain"], remote_url=str(bare))
    clones = []
    for who in ("staff1", "staff2", "chair"):
        subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / who)], check=True)
        clones.append(tmp_path / who)
    return bare, clones


def test_init_makes_one_first_commit_with_the_association(tmp_path: Path) -> None:
    head = init_records_repo(tmp_path / "records", EXAMPLES["ajaa"])
    repo = tmp_path / "records"
    assert git(repo, "rev-parse", "HEAD") == head
    files = set(git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    assert {"association.yml", "README.md", ".gitignore", "submissions/.gitkeep"} <= files
    assert any(f.startswith("forms/") and f.endswith(".yml") for f in files)
    assert "Mustafid-Init: ajaa" in git(repo, "log", "-1", "--format=%B")
    with pytest.raises(UserError, match="not empty"):
        init_records_repo(repo, EXAMPLES["ajaa"])


def test_init_refuses_a_remote_that_already_has_main(team: tuple[Path, list[Path]], tmp_path: Path) -> None:
    bare, _ = team
    with pytest.raises(UserError, match="already has a main branch"):
        init_records_repo(tmp_path / "again", EXAMPLES["ajaa"], remote_url=str(bare))
    assert not (tmp_path / "again").exists() or not any((tmp_path / "again").iterdir())


def _submit(store: GitStore, rid: str, body: bytes = b"status: received\n") -> str:
    return store.create_submission(rid, {f"submissions/f/2026/11/{rid}.yml": body}, f"Receive {rid}\n")


def test_a_write_in_one_clone_is_seen_in_another(team: tuple[Path, list[Path]]) -> None:
    _, (one, two, _) = team
    a, b = GitStore(one), GitStore(two)
    assert configured_remote(a) == "origin"
    tip = None

    def act(_attempt: int) -> str:
        return _submit(a, "AAAA-0001")

    tip, outcome = transact(a, Remote(a, "origin"), ["refs/heads/submission/AAAA-0001"], act)
    assert outcome is PushOutcome.SHARED
    remote_b = Remote(b, "origin")
    assert remote_b.fetch()
    report = remote_b.integrate()
    assert report.created == ["submission/AAAA-0001"]
    assert b.branch_tip("submission/AAAA-0001") == tip


def test_two_writers_on_one_request_one_wins_the_other_retries_on_fresh_state(team: tuple[Path, list[Path]]) -> None:
    _, (one, two, _) = team
    a, b = GitStore(one), GitStore(two)
    transact(a, Remote(a, "origin"), ["refs/heads/submission/AAAA-0002"], lambda _n: _submit(a, "AAAA-0002"))
    rb = Remote(b, "origin")
    rb.fetch()
    rb.integrate()
    branch, path = "submission/AAAA-0002", "submissions/f/2026/11/AAAA-0002.yml"
    seen: list[bytes] = []

    def act_b(attempt: int) -> str:
        if attempt == 0:  # a verifies and shares it while b is acting on what it read
            transact(a, Remote(a, "origin"), [f"refs/heads/{branch}"],
                     lambda _n: a.commit_on_branch(branch, {path: b"status: verified\n"}, "Verify\n"))
        seen.append(b.read_file(b.branch_tip(branch) or "", path))
        return b.commit_on_branch(branch, {path: seen[-1] + b"note: b\n"}, "Note\n")

    _tip, outcome = transact(b, rb, [f"refs/heads/{branch}"], act_b)
    assert outcome is PushOutcome.SHARED
    assert seen == [b"status: received\n", b"status: verified\n"]  # the retry worked on a's version
    assert git(team[0], "show", f"refs/heads/{branch}:{path}") == "status: verified\nnote: b"
    # a lease alone would let a push replace history it does not descend from: the store refuses that too
    first = git(two, "rev-parse", f"{branch}~2")
    stale = b.write_commit(git(two, "rev-parse", f"{first}^{{tree}}"), [first], "Old\n")
    ref = f"refs/heads/{branch}"
    assert rb.push({ref: (None, stale)}, {ref: git(team[0], "rev-parse", ref)}) is PushOutcome.STALE


def test_unreachable_remote_keeps_the_write_and_the_next_sync_sends_it(team: tuple[Path, list[Path]]) -> None:
    bare, (one, _, _) = team
    a = GitStore(one)
    away = bare.with_name("away.git")
    bare.rename(away)
    tip, outcome = transact(a, Remote(a, "origin"), ["refs/heads/submission/AAAA-0003"],
                            lambda _n: _submit(a, "AAAA-0003"))
    assert outcome is PushOutcome.OFFLINE
    assert a.branch_tip("submission/AAAA-0003") == tip  # kept, not dropped
    away.rename(bare)
    remote = Remote(a, "origin")
    assert remote.fetch()
    report = remote.integrate()
    assert report.unshared == ["submission/AAAA-0003"]
    assert remote.push_unshared(report) == ["submission/AAAA-0003"]
    assert git(bare, "rev-parse", "refs/heads/submission/AAAA-0003") == tip


def test_a_diverged_branch_takes_the_teams_version_and_keeps_ours(team: tuple[Path, list[Path]]) -> None:
    _, (one, two, _) = team
    a, b = GitStore(one), GitStore(two)
    transact(a, Remote(a, "origin"), ["refs/heads/submission/AAAA-0004"], lambda _n: _submit(a, "AAAA-0004"))
    rb = Remote(b, "origin")
    rb.fetch()
    rb.integrate()
    path = "submissions/f/2026/11/AAAA-0004.yml"
    ours = b.commit_on_branch("submission/AAAA-0004", {path: b"status: verified\n"}, "Verify (offline)\n")
    theirs, _ = transact(a, Remote(a, "origin"), ["refs/heads/submission/AAAA-0004"],
                         lambda _n: a.commit_on_branch("submission/AAAA-0004", {path: b"status: needs_info\n"},
                                                       "Ask\n"))
    rb.fetch()
    report = rb.integrate()
    assert report.diverged == ["submission/AAAA-0004"]
    assert b.branch_tip("submission/AAAA-0004") == theirs
    assert git(two, "rev-parse", f"{KEPT}submission/AAAA-0004/{ours[:12]}") == ours


def test_a_remote_that_refuses_says_so_and_pushes_nothing(team: tuple[Path, list[Path]]) -> None:
    bare, (one, _, _) = team
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'main is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    a = GitStore(one)
    tip = _submit(a, "AAAA-0005")
    remote = Remote(a, "origin")
    with pytest.raises(RemoteRefused, match="refused"):
        remote.push({"refs/heads/submission/AAAA-0005": (None, tip)}, {"refs/heads/submission/AAAA-0005": None})
    assert not git(bare, "for-each-ref", "refs/heads/submission/")


def test_moving_a_checked_out_branch_keeps_its_worktree_consistent(tmp_path: Path) -> None:
    repo = tmp_path / "records"
    init_records_repo(repo, EXAMPLES["ajaa"])
    store = GitStore(repo)
    old = store.branch_tip("main") or ""
    tree = store.tree_with(git(repo, "rev-parse", "main^{tree}"), {"submissions/f/2026/11/AAAA-0006.yml": b"x: 1\n"})
    new = store.write_commit(tree, [old], "Merge\n")
    assert move_ref(repo, "refs/heads/main", old, new, lambda: store.update_ref("refs/heads/main", new, old))
    assert git(repo, "status", "--porcelain") == ""  # index and files follow main
    assert (repo / "submissions/f/2026/11/AAAA-0006.yml").read_text() == "x: 1\n"
    (repo / "notes.txt").write_text("mine\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-a", "-m", "an ordinary commit")
    assert "submissions/f/2026/11/AAAA-0006.yml" in git(repo, "ls-tree", "-r", "--name-only", "HEAD")
    # a local change to a file the move would overwrite: refused before anything moved
    (repo / "submissions/f/2026/11/AAAA-0006.yml").write_text("edited by hand\n")
    head = store.branch_tip("main") or ""
    tree2 = store.tree_with(git(repo, "rev-parse", "main^{tree}"), {"submissions/f/2026/11/AAAA-0006.yml": b"x: 2\n"})
    newer = store.write_commit(tree2, [head], "Change\n")
    with pytest.raises(UserError, match="uncommitted changes"):
        move_ref(repo, "refs/heads/main", head, newer, lambda: store.update_ref("refs/heads/main", newer, head))
    assert store.branch_tip("main") == head


def test_documents_travel_on_their_own_ref_and_are_checked(team: tuple[Path, list[Path]], tmp_path: Path) -> None:
    bare, (one, two, _) = team
    a, b = GitStore(one), GitStore(two)
    docs_a, docs_b = DocumentStore(tmp_path / "docs-a"), DocumentStore(tmp_path / "docs-b")
    scan = b"%PDF-1.4 a scan\n"
    sha = docs_a.put(scan)
    rid = "AAAA-0007"
    _, outcome = transact(a, Remote(a, "origin"), [f"refs/heads/submission/{rid}", ref_of(rid)],
                          lambda _n: (_submit(a, rid), publish(a, docs_a, rid, [sha])))
    assert outcome is PushOutcome.SHARED
    assert publish(a, docs_a, rid, [sha]) is None  # already there: nothing new
    assert "refs/mustafid" not in git(two, "for-each-ref")  # a clone does not carry documents it never asked for
    record = {"id": rid, "documents": [{"field": "id_copy", "name": "scan.pdf", "type": "application/pdf",
                                        "size": len(scan), "sha256": sha}]}
    with pytest.raises(UserError, match="neither here nor"):
        export(b, docs_b, record, tmp_path / "out")
    Remote(b, "origin").fetch([f"+{ref_of(rid)}*:{ref_of(rid)}*"])
    assert held(b, rid) == {sha}
    (written,) = export(b, docs_b, record, tmp_path / "out")
    assert written.name == "id_copy-1-scan.pdf" and written.read_bytes() == scan
    assert docs_b.has(sha)
    assert hashlib.sha256(written.read_bytes()).hexdigest() == sha
    assert git(bare, "rev-parse", ref_of(rid))
