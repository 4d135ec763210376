"""The local forge: the branch `submission/<id>` is the review and a merge into main is the decision.

Every write goes through the git store (store/git.py: plumbing, compare-and-swap ref updates, fsync), so no work
tree or index is touched and a concurrent writer makes us fail instead of silently losing its commit.
"""

from __future__ import annotations

from collections.abc import Mapping

from mustafid.store.git import PREFIX, GitStore

__all__ = ["PREFIX", "LocalForge"]


class LocalForge(GitStore):
    """The git store plus the reads the review needs."""

    # -- reading many records fast -------------------------------------------------------------------------
    def record_paths(self, tips: Mapping[str, str]) -> dict[str, str]:
        """branch -> record path, from one `git log --no-walk` over every tip: almost every commit on a
        submission branch touches its record, so the tip's changed .yml under submissions/ is the record; the
        few tips that touch none (a notice noted in the history, a document alone) are looked up in the tree."""
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
        found = {b: by_sha[sha] for b, sha in tips.items() if sha in by_sha}
        for b in set(tips) - set(found):  # a tip that touched no record (a notice noted, a document): its tree
            rid = b.rsplit("/", 1)[-1]
            names = self.git("ls-tree", "-r", "--name-only", tips[b], "--", "submissions/").decode().splitlines()
            path = next((n for n in names if n.endswith(f"/{rid}.yml")), None)
            if path is not None:
                found[b] = path
        return found

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
