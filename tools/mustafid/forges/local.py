"""The local forge: the branch `submission/<id>` is the review and a merge into main is the decision.

Writes use git plumbing with a private index file and compare-and-swap ref updates, so no work tree or shared
index is touched and a concurrent writer makes us fail instead of silently losing its commit. The write
methods have the signatures of the GitStore API in docs/architecture.md (gitstore.py had not landed when this
was written); once it has, they can delegate to it without changing any caller.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Mapping

from ..errors import UserError

PREFIX = "submission/"


class LocalForge:
    def __init__(self, repo: Path, main: str = "main") -> None:
        self.repo = Path(repo)
        self.main = main

    # -- plumbing -------------------------------------------------------------------------------------------
    def git(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> bytes:
        proc = subprocess.run(["git", "-C", str(self.repo), *args], input=input, capture_output=True,
                              env={**os.environ, **(env or {})})
        if check and proc.returncode != 0:
            raise UserError("فشل أمر git: تأكد أن --repo يشير إلى مستودع السجلات",
                            f"git {args[0]} failed ({proc.stderr.decode(errors='replace').strip()}); "
                            "is --repo the records repository?")
        return proc.stdout

    def branch_tip(self, branch: str) -> str | None:
        out = self.git("rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}", check=False).strip()
        return out.decode() or None

    def branches(self, prefix: str = PREFIX) -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(refname:short) %(objectname)", f"refs/heads/{prefix}")
        return dict(line.split(" ", 1) for line in out.decode().splitlines() if line)

    def read_file(self, rev: str, path: str) -> bytes:
        return self.git("cat-file", "blob", f"{rev}:{path}")

    def commit_on_branch(self, branch: str, files: Mapping[str, bytes | None], message: str,
                         expected_tip: str | None = None) -> str:
        tip = self.branch_tip(branch)
        if tip is None or (expected_tip and tip != expected_tip):
            raise UserError("تغيّر فرع الطلب أثناء العمل: أعد المحاولة", f"the branch {branch} moved meanwhile; try again")
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self.git("read-tree", tip, env=env)
            for path, content in files.items():
                if content is None:
                    self.git("update-index", "--force-remove", path, env=env)
                    continue
                blob = self.git("hash-object", "-w", "--stdin", input=content).decode().strip()
                self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = self.git("write-tree", env=env).decode().strip()
        new = self.git("commit-tree", tree, "-p", tip, "-F", "-", input=message.encode()).decode().strip()
        self.git("update-ref", f"refs/heads/{branch}", new, tip)  # CAS: fails if someone else moved it
        return new

    def merge_into_main(self, branch: str, message: str) -> str:
        """A merge commit of `branch` on main; main is only moved (CAS) once the merge commit exists, so a
        failure at any step leaves main exactly as it was."""
        main_tip = self.branch_tip(self.main)
        tip = self.branch_tip(branch)
        assert main_tip and tip
        proc = subprocess.run(["git", "-C", str(self.repo), "merge-tree", "--write-tree", main_tip, tip],
                              capture_output=True)
        if proc.returncode != 0:
            raise UserError("تعذّر دمج الطلب في الفرع الرئيسي لتعارض: لم يتغير الفرع الرئيسي",
                            f"{branch} cannot be merged into {self.main} (conflict); {self.main} is unchanged")
        tree = proc.stdout.decode().splitlines()[0].strip()
        new = self.git("commit-tree", tree, "-p", main_tip, "-p", tip, "-F", "-", input=message.encode()).decode().strip()
        self.git("update-ref", f"refs/heads/{self.main}", new, main_tip)
        return new

    # -- reading many records fast -------------------------------------------------------------------------
    def record_paths(self, tips: Mapping[str, str]) -> dict[str, str]:
        """branch -> record path, from one `git log --no-walk` over every tip: each commit on a submission
        branch touches its record, so the tip's changed .yml under submissions/ is the record."""
        if not tips:
            return {}
        # Tips go on stdin: ten thousand of them would not fit on a command line everywhere.
        out = self.git("log", "--stdin", "--no-walk=unsorted", "--name-only", "--format=%x00%H",
                       input=("\n".join(set(tips.values())) + "\n").encode()).decode()
        by_sha: dict[str, str] = {}
        for chunk in out.split("\0")[1:]:
            lines = [x for x in chunk.splitlines() if x]
            if not lines:
                continue
            paths = [p for p in lines[1:] if p.startswith("submissions/") and p.endswith(".yml")]
            if paths:
                by_sha[lines[0]] = paths[0]
        return {b: by_sha[sha] for b, sha in tips.items() if sha in by_sha}

    def read_many(self, revpaths: list[str]) -> list[bytes | None]:
        """`rev:path` blobs through one `git cat-file --batch`."""
        if not revpaths:
            return []
        out = self.git("cat-file", "--batch", input=("\n".join(revpaths) + "\n").encode())
        result: list[bytes | None] = []
        pos = 0
        for _ in revpaths:
            nl = out.index(b"\n", pos)
            header = out[pos:nl].split()
            pos = nl + 1
            if len(header) < 3 or header[1] == b"missing":
                result.append(None)
                continue
            size = int(header[2])
            result.append(out[pos:pos + size])
            pos += size + 1
        return result

    # -- the forge protocol ---------------------------------------------------------------------------------
    def open_review(self, record_id: str, record: Mapping[str, Any], form: Any) -> str:
        return PREFIX + record_id  # the branch already is the review
