"""Creating a branch by git's lock-file protocol: only if it exists neither loose nor packed nor locked."""

from __future__ import annotations

from pathlib import Path

from mustafid.store.durable import Folders
from mustafid.store.refs import ZERO, Refs
from tests.helpers import make_association_repo
from tests.intake.util import git, refs


def _refs(repo: Path) -> Refs:
    return Refs(repo, repo / ".git", Folders())


def test_create_only_when_absent(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    main = git(repo, "rev-parse", "main").strip()
    r = _refs(repo)
    assert r.create("refs/heads/submission/A", main)
    assert refs(repo)["refs/heads/submission/A"] == main
    assert not r.create("refs/heads/submission/A", main), "an existing branch is never overwritten"
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / "refs" / "heads" / "submission" / "A").exists()
    assert not r.create("refs/heads/submission/A", main), "nor a packed one"
    assert not list((repo / ".git" / "refs" / "heads").rglob("*.lock")), "no lock file is left behind"


def test_a_held_lock_or_a_folder_of_that_name_refuses(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    main = git(repo, "rev-parse", "main").strip()
    r = _refs(repo)
    lock = repo / ".git" / "refs" / "heads" / "submission" / "B.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("")
    assert not r.create("refs/heads/submission/B", main), "another writer holds the lock"
    assert lock.exists(), "and its lock is left to it"
    assert r.create("refs/heads/submission/C", main)
    assert not r.create("refs/heads/submission/C/D", main), "a branch named like the folder exists"


def test_update_is_compare_and_swap(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    main = git(repo, "rev-parse", "main").strip()
    r = _refs(repo)
    assert r.update("refs/heads/x", main, ZERO)
    assert not r.update("refs/heads/x", main, ZERO), "ZERO: only if it does not exist"
    assert not r.update("refs/heads/x", main, "1" * 40), "not from a tip it is not at"
