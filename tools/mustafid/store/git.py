"""The git store: every write of a record is one commit built with plumbing, published by a compare-and-swap.

How a submission is written (``create_submission``):

1. main's tip and its tree are read through one long-lived ``git cat-file --batch`` (catfile.py; trees are
   cached by id: they never change, trees.py).
2. The record's blob, the trees on its path (``submissions/<form>/<yyyy>/<mm>/``) and the commit are written
   as loose objects, exactly as git writes them (objects.py: zlib, a temporary file, link into place), in one
   write batch with what the caller wrote for the record (its documents, its vault keys: durable.py), made
   durable by one flush of the file system (syncfs; fsync of each file and folder where it is missing). No
   work tree, no index, no lock shared between writers.
3. The branch ``submission/<id>`` is created only if it does not exist (refs.py: git's lock-file protocol, or
   ``git update-ref <ref> <new> <zero>``), so two writers can never both own an id, and the ref file is
   fsync'd before we return.

Only after step 3 has returned is a submission acknowledged, so an acknowledged request is on disk, and a
writer killed at any point leaves at most unreachable objects (``git gc`` prunes them), never a branch that
points at a partial record. Any number of threads and processes may write at once.

Documents (uploads) are not put in git: see documents.py.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from mustafid.core.errors import UserError
from mustafid.store.catfile import CatFile
from mustafid.store.durable import Folders, batch
from mustafid.store.errors import RefExists, RefMoved, StoreError
from mustafid.store.objects import Identity, LooseObjects, commit_body
from mustafid.store.refs import Refs
from mustafid.store.sshsig import Signer, sign_commit
from mustafid.store.trees import Trees
from mustafid.store.worktree import move_ref

PREFIX = "submission/"


def _git_paths(repo: Path) -> tuple[Path, Path, Path]:
    """(git dir, objects folder, common dir) of a repository; a UserError when it is none."""
    out = subprocess.run(["git", "-C", str(repo), "rev-parse", "--absolute-git-dir",
                          "--git-path", "objects", "--git-common-dir"], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise UserError(f"{repo} ليس مستودع git: أنشئه (git init) أو صحّح المسار",
                        f"{repo} is not a git repository: create it (git init) or correct the path")
    git_dir, objects, common = (Path(p) for p in out.stdout.splitlines())
    return git_dir, (objects if objects.is_absolute() else repo / objects), \
        (common if common.is_absolute() else repo / common)


class GitStore:
    """Writes and reads of records in one git repository (the project's own, or a separate records repo)."""

    def __init__(self, repo: Path, main: str = "main", remote: str | None = None,
                 identity: Identity | None = None, fsync: bool = True, signer: Signer | None = None) -> None:
        self.repo = Path(repo).resolve()
        self.signer = signer  # set: every commit written is signed in git's SSH format (store/sshsig.py)
        self.main = main
        self.remote = remote
        self.fsync = fsync
        self.git_dir, self.objects, self.common_dir = _git_paths(self.repo)
        backend = subprocess.run(["git", "-C", str(self.repo), "config", "extensions.refstorage"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        self.identity = identity or self._identity()
        self._cat = CatFile(self.repo)
        self._folders = Folders()
        self._loose = LooseObjects(self.objects, self._folders, fsync)
        self._trees = Trees(self._cat, self._loose)
        # reftable repositories go through git update-ref
        self._refs = Refs(self.repo, self.common_dir, self._folders, files_backend=backend in ("", "files"),
                          fsync=fsync)

    # -- plumbing ---------------------------------------------------------------------------------------------
    def git(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> bytes:
        proc = subprocess.run(["git", "-C", str(self.repo), *args], input=input, capture_output=True,
                              env={**os.environ, **(env or {})}, check=False)
        if check and proc.returncode != 0:
            raise UserError("فشل أمر git: تأكد أن --repo يشير إلى مستودع السجلات",
                            f"git {args[0]} failed ({proc.stderr.decode(errors='replace').strip()}); "
                            "is --repo the records repository?")
        return proc.stdout

    def _identity(self) -> Identity:
        name = os.environ.get("GIT_COMMITTER_NAME") or self.git("config", "user.name", check=False).decode().strip()
        email = os.environ.get("GIT_COMMITTER_EMAIL") or self.git("config", "user.email", check=False).decode().strip()
        return Identity(name or "Mustafid", email or "mustafid@localhost.invalid")

    def close(self) -> None:
        self._cat.close()
        self._folders.close()

    def __enter__(self) -> GitStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- objects and refs -------------------------------------------------------------------------------------
    def write_object(self, kind: str, body: bytes) -> str:
        """A loose object, durable before its id is returned (a concurrent writer of the same object is fine)."""
        return self._loose.write(kind, body)

    def tree_with(self, base: str | None, files: Mapping[str, bytes | None]) -> str:
        """The tree ``base`` with ``files`` written (``None`` removes a file); only the changed folders are new."""
        return self._trees.with_files(base, files)

    def write_commit(self, tree: str, parents: Iterable[str], message: str) -> str:
        body = commit_body(tree, parents, self.identity, message)
        if self.signer is not None:
            body = sign_commit(body, self.signer)
        return self._loose.write("commit", body)

    def _commit_info(self, name: str) -> tuple[str, str] | None:
        """(commit sha, tree sha) of a ref or commit, or None when it does not exist."""
        got = self._cat.get(name)
        if got is None or got[1] != "commit":
            return None
        first = got[2].split(b"\n", 1)[0]
        return got[0], first[5:].decode()

    def update_ref(self, ref: str, new: str, old: str, reason: str = "mustafid") -> bool:
        """Compare-and-swap: move ``ref`` from ``old`` (ZERO: must not exist) to ``new``. False if it moved.

        A branch checked out in a worktree (the embedded default's `main`) is moved with its index and files
        (worktree.py), or not at all when local changes are in the way: a later ordinary commit can then never
        delete what the tools added."""
        return move_ref(self.repo, ref, old, new, lambda: self._refs.update(ref, new, old, reason))

    def create_ref(self, ref: str, new: str) -> bool:
        """Create ``ref`` at ``new`` only if it does not exist; False if it does. Durable when it returns."""
        return self._refs.create(ref, new)

    # -- the API of docs/architecture.md ------------------------------------------------------------------------
    def branch_tip(self, branch: str) -> str | None:
        info = self._commit_info(f"refs/heads/{branch}")
        return info[0] if info else None

    def branches(self, prefix: str = PREFIX) -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(refname:short) %(objectname)", f"refs/heads/{prefix}")
        return dict(line.split(" ", 1) for line in out.decode().splitlines() if line)

    def read_file(self, rev: str, path: str) -> bytes:
        got = self._cat.get(f"{rev}:{path}")
        if got is None or got[1] != "blob":
            raise UserError(f"الملف {path} غير موجود في {rev}", f"{path} does not exist at {rev}")
        return got[2]

    def create_submission(self, record_id: str, files: Mapping[str, bytes], message: str) -> str:
        """One commit adding ``files`` on a new branch ``submission/<id>`` off main; durable when it returns.

        Raises RefExists when the branch exists (nothing is changed), StoreError when main is missing."""
        main = self._commit_info(f"refs/heads/{self.main}")
        if main is None:
            raise StoreError(f"the branch {self.main} does not exist in {self.repo}")
        tip, tree = main
        with batch() as writes:  # joins the caller's: the documents and vault keys the record names
            commit = self.write_commit(self.tree_with(tree, dict(files)), [tip], message)
            writes.flush()  # all of it durable, in one flush, before the ref that publishes it
        if not self.create_ref(f"refs/heads/{PREFIX}{record_id}", commit):
            raise RefExists(f"branch {PREFIX}{record_id} exists")
        return commit

    def commit_on_branch(self, branch: str, files: Mapping[str, bytes | None], message: str,
                         expected_tip: str | None = None) -> str:
        info = self._commit_info(f"refs/heads/{branch}")
        if info is None or (expected_tip and info[0] != expected_tip):
            raise RefMoved(branch)
        tip, tree = info
        with batch() as writes:
            new = self.write_commit(self.tree_with(tree, files), [tip], message)
            writes.flush()
        if not self.update_ref(f"refs/heads/{branch}", new, tip, f"mustafid: {message.splitlines()[0]}"):
            raise RefMoved(branch)
        return new

    def merge_into_main(self, branch: str, message: str) -> str:
        """A merge commit of ``branch`` on main; main moves (CAS) only once the merge commit exists, so a
        failure at any step leaves main exactly as it was."""
        main_tip, tip = self.branch_tip(self.main), self.branch_tip(branch)
        if not main_tip or not tip:
            raise RefMoved(branch if not tip else self.main)
        proc = subprocess.run(["git", "-C", str(self.repo), "merge-tree", "--write-tree", main_tip, tip],
                              capture_output=True, check=False)
        if proc.returncode != 0:
            raise UserError("تعذّر دمج الطلب في الفرع الرئيسي لتعارض: لم يتغير الفرع الرئيسي",
                            f"{branch} cannot be merged into {self.main} (conflict); {self.main} is unchanged")
        tree = proc.stdout.decode().splitlines()[0].strip()
        with batch() as writes:
            new = self.write_commit(tree, [main_tip, tip], message)
            writes.flush()
        if not self.update_ref(f"refs/heads/{self.main}", new, main_tip, f"mustafid: merge {branch}"):
            raise RefMoved(self.main)
        return new

    def push(self, branch: str) -> None:
        """Push ``branch`` to the configured remote (never forced: a remote that moved is an error)."""
        if not self.remote:
            raise UserError("لا يوجد مستودع بعيد مهيأ للدفع", "no remote is configured to push to")
        self.git("push", "--quiet", self.remote, f"refs/heads/{branch}:refs/heads/{branch}")
