"""A branch the tools move may be checked out: in the embedded default the records repository is the project's
own folder with `main` checked out, and a reviewer may have a submission branch checked out to read it.

Moving such a branch with plumbing alone leaves that worktree's index and files at the old commit: git then sees
every record the move added as a staged deletion, and the next ordinary `git commit -a` deletes them from the
branch. So every ref move goes through `move_ref`: the worktrees that have the branch checked out are found
first, each is asked whether it can follow (`git read-tree -m -u --dry-run old new`: the two-tree merge that a
checkout does, which refuses when a local change would be overwritten), the ref moves by compare-and-swap, and
then each worktree's index and files follow it. A worktree that cannot follow refuses the move before anything
changed, saying which files are in the way.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from mustafid.core.errors import UserError
from mustafid.store.refs import ZERO


def checked_out(repo: Path, ref: str) -> list[Path]:
    """The worktrees of `repo` whose HEAD is the branch `ref` (refs/heads/...)."""
    proc = subprocess.run(["git", "-C", str(repo), "worktree", "list", "--porcelain"], capture_output=True,
                          text=True, check=False)
    found, path = [], None
    for line in proc.stdout.splitlines():
        if line.startswith("worktree "):
            path = Path(line[len("worktree "):])
        elif line == f"branch {ref}" and path is not None:
            found.append(path)
    return found


def _read_tree(worktree: Path, old: str, new: str, dry: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    return subprocess.run(["git", "-C", str(worktree), "read-tree", "-m", "-u", *(["-n"] if dry else []), old, new],
                          capture_output=True, text=True, env=env, check=False)


def _in_the_way(worktree: Path, ref: str, why: str) -> UserError:
    return UserError(
        f"في نسخة العمل {worktree} تعديلات غير محفوظة على ملفات سيغيّرها هذا الإجراء على الفرع {ref}: "
        "احفظها (git commit) أو ضعها جانبًا (git stash) ثم أعد الأمر. لم يتغير شيء",
        f"the working tree {worktree} has uncommitted changes to files this action changes on {ref}: commit or "
        f"stash them, then run the command again. Nothing was changed. ({why.strip()[-300:]})")


def move_ref(repo: Path, ref: str, old: str, new: str, cas: Callable[[], bool]) -> bool:
    """Move `ref` from `old` to `new` with `cas()`, keeping every worktree that has it checked out consistent.

    False when `cas()` finds the ref moved meanwhile (nothing changed). Raises UserError, before anything
    changed, when a checked-out worktree has local changes the move would overwrite."""
    if not ref.startswith("refs/heads/") or old == ZERO:
        return cas()
    trees = checked_out(repo, ref)
    for wt in trees:
        dry = _read_tree(wt, old, new, dry=True)
        if dry.returncode != 0:
            raise _in_the_way(wt, ref, dry.stderr)
    if not cas():
        return False
    for wt in trees:
        done = _read_tree(wt, old, new, dry=False)
        if done.returncode != 0:  # a file changed between the check and now: say so, the ref has moved
            raise _in_the_way(wt, ref, done.stderr)
    return True
