"""The pull request's lifecycle gate (`review.ci.check_range`) on real git: a clean decision passes, and a merge
whose own result changes a record (a decided request flipped inside the merge) is refused."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from mustafid.review import actions
from mustafid.review.ci import check_range
from tests.review.util import setup, submit


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          input=input).stdout.decode().strip()


def test_a_merge_that_changes_a_record_itself_is_refused(tmp_path: Path) -> None:
    repo, assoc, forge = setup(tmp_path, "ajaa")
    base = git(repo, "rev-parse", "main")
    rid = submit(repo, "ajaa")
    actions.verify(assoc, forge, rid, "staff.officer")
    quorum = [p.id for p in assoc.committee[:assoc.committee_quorum]]
    actions.decide(assoc, forge, rid, assoc.committee[0].id, "approve", "ok", quorum, "2026-12/1")
    assert check_range(assoc, forge, base, "main") == []
    # the same merge made again by hand, its record flipped to rejected inside the merge commit
    merge = git(repo, "rev-parse", "main")
    first, second = git(repo, "rev-parse", f"{merge}^1"), git(repo, "rev-parse", f"{merge}^2")
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", merge).splitlines() if p.endswith(f"{rid}.yml"))
    flipped = git(repo, "show", f"{merge}:{path}").replace('status: "approved"', 'status: "rejected"')
    blob = git(repo, "hash-object", "-w", "--stdin", input=flipped.encode())
    env_index = tmp_path / "index"
    index_env = {**os.environ, "GIT_INDEX_FILE": str(env_index)}
    subprocess.run(["git", "-C", str(repo), "read-tree", merge], check=True, env=index_env)
    subprocess.run(["git", "-C", str(repo), "update-index", "--cacheinfo", f"100644,{blob},{path}"], check=True,
                   env=index_env)
    tree = subprocess.run(["git", "-C", str(repo), "write-tree"], check=True, capture_output=True, text=True,
                          env=index_env).stdout.strip()
    forged = git(repo, "commit-tree", tree, "-p", first, "-p", second, "-m", f"Merge approve {rid}")
    codes = {(p.file, p.code) for p in check_range(assoc, forge, base, forged)}
    assert (path, "merge-changed-record") in codes
