"""Loose objects written by the store are the very objects git would write, and nothing else is left."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mustafid.store.git import GitStore
from tests.helpers import make_association_repo
from tests.intake.util import git


def test_objects_written_are_what_git_reads(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    with GitStore(repo) as store:
        blob = store.write_object("blob", b"hello\n")
        by_git = subprocess.run(["git", "-C", str(repo), "hash-object", "--stdin"], input=b"hello\n",
                                capture_output=True, check=True).stdout.decode().strip()
        assert blob == by_git and git(repo, "cat-file", "-p", blob) == "hello\n"
        tree = store.tree_with(None, {"a/b.txt": b"hello\n", "c.txt": b"x"})
        assert git(repo, "ls-tree", "-r", "--name-only", tree).split() == ["a/b.txt", "c.txt"]
        assert store.tree_with(tree, {"a/b.txt": None}) == store.tree_with(None, {"c.txt": b"x"}), \
            "a folder left empty is dropped, as git does"
    assert not list((repo / ".git" / "objects").rglob("tmp_obj_*")), "no temporary file is left"
    fsck = subprocess.run(["git", "-C", str(repo), "fsck", "--strict"], capture_output=True, text=True, check=False)
    assert fsck.returncode == 0, fsck.stderr
