"""The git store on real repositories: what git itself reads back, concurrent writers, compare-and-swap."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import threading
from pathlib import Path

import pytest

from mustafid.store.errors import RefExists, RefMoved
from mustafid.store.git import GitStore
from tests.helpers import make_association_repo
from tests.intake.util import git, refs


def test_a_submission_is_what_git_itself_would_have_written(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    store = GitStore(repo)
    main = git(repo, "rev-parse", "main").strip()
    sha = store.create_submission("AAAA-AAAA", {"submissions/f/2026/11/AAAA-AAAA.yml": b"id: x\n"},
                                  "Receive AAAA-AAAA (f)\n\nMustafid-Record: AAAA-AAAA\n")
    assert git(repo, "rev-parse", "submission/AAAA-AAAA").strip() == sha
    assert git(repo, "rev-parse", f"{sha}^").strip() == main
    assert git(repo, "show", f"{sha}:submissions/f/2026/11/AAAA-AAAA.yml") == "id: x\n"
    # the rest of main's tree is carried over unchanged
    assert git(repo, "ls-tree", "-r", "main").strip() in git(repo, "ls-tree", "-r", sha)
    assert git(repo, "log", "-1", "--format=%(trailers:key=Mustafid-Record,valueonly)", sha).strip() == "AAAA-AAAA"
    assert git(repo, "status", "--porcelain") == "", "no work tree or index was touched"
    fsck = subprocess.run(["git", "-C", str(repo), "fsck", "--strict"], capture_output=True, text=True,
                          check=False)
    assert fsck.returncode == 0 and "error" not in fsck.stderr


def test_an_existing_branch_is_never_overwritten(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    store = GitStore(repo)
    first = store.create_submission("BBBB-BBBB", {"submissions/f/b.yml": b"1\n"}, "one\n")
    with pytest.raises(RefExists):
        store.create_submission("BBBB-BBBB", {"submissions/f/b.yml": b"2\n"}, "two\n")
    assert refs(repo)["refs/heads/submission/BBBB-BBBB"] == first
    # also when the ref is packed (after git gc / pack-refs)
    git(repo, "pack-refs", "--all")
    with pytest.raises(RefExists):
        store.create_submission("BBBB-BBBB", {"submissions/f/b.yml": b"3\n"}, "three\n")
    assert refs(repo)["refs/heads/submission/BBBB-BBBB"] == first


def test_commit_on_branch_is_compare_and_swap(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    store = GitStore(repo)
    tip = store.create_submission("CCCC-CCCC", {"submissions/f/c.yml": b"1\n"}, "one\n")
    new = store.commit_on_branch("submission/CCCC-CCCC", {"submissions/f/c.yml": b"2\n"}, "two\n", expected_tip=tip)
    with pytest.raises(RefMoved):  # a writer that read the old tip loses, and says so
        store.commit_on_branch("submission/CCCC-CCCC", {"submissions/f/c.yml": b"3\n"}, "three\n", expected_tip=tip)
    assert store.branch_tip("submission/CCCC-CCCC") == new
    store.commit_on_branch("submission/CCCC-CCCC", {"submissions/f/c.yml": None}, "remove\n")
    assert "c.yml" not in git(repo, "ls-tree", "-r", "--name-only", "submission/CCCC-CCCC")


def _writer(repo: str, start: int, n: int) -> None:
    store = GitStore(Path(repo))
    for i in range(start, start + n):
        rid = f"P{i:03d}-XXXX"
        store.create_submission(rid, {f"submissions/f/2026/11/{rid}.yml": f"id: {rid}\n".encode()}, f"Receive {rid}\n")


def test_threads_and_processes_write_at_once(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(repo), k * 40, 40)) for k in range(3)]
    for p in procs:
        p.start()
    store = GitStore(repo)
    errors: list[BaseException] = []

    def thread_writer(k: int) -> None:
        try:
            for i in range(30):
                rid = f"T{k}{i:02d}-YYYY"
                store.create_submission(rid, {f"submissions/f/2026/11/{rid}.yml": b"x\n"}, f"Receive {rid}\n")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=thread_writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert errors == []
    branches = [r for r in refs(repo) if r.startswith("refs/heads/submission/")]
    assert len(branches) == 3 * 40 + 4 * 30
    fsck = subprocess.run(["git", "-C", str(repo), "fsck", "--strict"], capture_output=True, text=True,
                          check=False)
    assert fsck.returncode == 0, fsck.stderr
    # each branch: one commit off main adding its own record, nothing else
    one = git(repo, "diff-tree", "-r", "--name-only", "--no-commit-id", "submission/P041-XXXX").split()
    assert one == ["submissions/f/2026/11/P041-XXXX.yml"]
