"""The git store: every write of a record is one commit built with plumbing, published by a compare-and-swap.

How a submission is written (``create_submission``):

1. main's tip and its tree are read through one long-lived ``git cat-file --batch`` (trees are cached by id:
   they never change).
2. The record's blob, the trees on its path (``submissions/<form>/<yyyy>/<mm>/``) and the commit are written
   by this module as loose objects, exactly as git writes them (zlib, a temporary file, fsync, link into
   place, fsync of the folder). No work tree, no index, no lock shared between writers.
3. The branch ``submission/<id>`` is created with ``git update-ref <ref> <new> <zero>``: git refuses when the
   ref already exists, so two writers can never both own an id, and the ref file is fsync'd
   (``core.fsync=reference``) before we return.

Only after step 3 has returned is a submission acknowledged, so an acknowledged request is on disk, and a
writer killed at any point leaves at most unreachable objects (``git gc`` prunes them), never a branch that
points at a partial record. Any number of threads and processes may write at once.

Documents (uploads) are not put in git: see ``DocumentStore``.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mustafid.core.errors import UserError

ZERO = "0" * 40
PREFIX = "submission/"
_FSYNC = ("-c", "core.fsync=reference,objects", "-c", "core.fsyncMethod=fsync")
TMP_PREFIX = "tmp_obj_mustafid_"


class StoreError(UserError):
    """The repository could not be written; nothing was acknowledged."""

    def __init__(self, detail: str) -> None:
        super().__init__("تعذّر حفظ الطلب في المستودع، ولم يُحفظ منه شيء: أعد المحاولة بعد قليل",
                         f"the request could not be saved in the repository and nothing of it was kept: "
                         f"try again shortly ({detail})")


class RefExists(StoreError):
    """The branch to create already exists (an id collision or a repeated write)."""


class RefMoved(UserError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"تغيّر الفرع {ref} أثناء العمل: أعد المحاولة", f"the branch {ref} moved meanwhile; try again")


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def signature(self, when: float | None = None) -> str:
        t = time.time() if when is None else when
        off = time.localtime(t).tm_gmtoff
        sign = "+" if off >= 0 else "-"
        off = abs(off)
        return f"{self.name} <{self.email}> {int(t)} {sign}{off // 3600:02d}{off % 3600 // 60:02d}"


def _tree_sort_key(entry: tuple[str, str, str]) -> bytes:
    mode, name, _ = entry
    # git orders a tree's entries by name, as if directories' names ended with '/'.
    return name.encode() + (b"/" if mode == "40000" else b"")


class _CatFile:
    """One ``git cat-file --batch`` for the store's life (restarted if it dies); callers hold the lock."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(["git", "-C", str(self.repo), "cat-file", "--batch"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self.proc

    def get(self, name: str) -> tuple[str, str, bytes] | None:
        """(sha, type, content) of an object name (sha, ``refs/heads/main``, ``rev:path``), or None."""
        with self.lock:
            for attempt in (0, 1):
                proc = self._start()
                assert proc.stdin and proc.stdout
                try:
                    proc.stdin.write(name.encode() + b"\n")
                    proc.stdin.flush()
                    header = proc.stdout.readline()
                    if not header:
                        raise BrokenPipeError
                    parts = header.split()
                    if len(parts) < 3 or parts[1] == b"missing":
                        return None
                    size = int(parts[2])
                    content = proc.stdout.read(size + 1)[:-1]
                    return parts[0].decode(), parts[1].decode(), content
                except (BrokenPipeError, OSError, ValueError):
                    self.close()
                    if attempt:
                        raise StoreError("git cat-file stopped") from None
            return None

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is not None:
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream and stream.close()
                except OSError:
                    pass
            self.proc.kill()
            self.proc.wait()
            self.proc = None


class GitStore:
    """Writes and reads of records in one git repository (the project's own, or a separate records repo)."""

    def __init__(self, repo: Path, main: str = "main", remote: str | None = None,
                 identity: Identity | None = None, fsync: bool = True) -> None:
        self.repo = Path(repo).resolve()
        self.main = main
        self.remote = remote
        self.fsync = fsync
        out = subprocess.run(["git", "-C", str(self.repo), "rev-parse", "--absolute-git-dir",
                              "--git-path", "objects", "--git-common-dir"], capture_output=True, text=True)
        if out.returncode != 0:
            raise UserError(f"{self.repo} ليس مستودع git: أنشئه (git init) أو صحّح المسار",
                            f"{self.repo} is not a git repository: create it (git init) or correct the path")
        git_dir, objects, common = out.stdout.splitlines()
        self.git_dir = Path(git_dir)
        self.objects = (self.repo / objects) if not os.path.isabs(objects) else Path(objects)
        self.common_dir = (self.repo / common) if not os.path.isabs(common) else Path(common)
        backend = subprocess.run(["git", "-C", str(self.repo), "config", "extensions.refstorage"],
                                 capture_output=True, text=True).stdout.strip()
        self.files_refs = backend in ("", "files")  # reftable repositories go through git update-ref
        self.identity = identity or self._identity()
        self._cat = _CatFile(self.repo)
        self._trees: dict[str, list[tuple[str, str, str]]] = {}
        self._trees_lock = threading.Lock()
        self._dirs: set[str] = set()          # objects/xx folders known to exist
        self._dir_fds: dict[str, int] = {}    # open descriptors of folders we fsync

    # -- plumbing ---------------------------------------------------------------------------------------------
    def git(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> bytes:
        proc = subprocess.run(["git", "-C", str(self.repo), *args], input=input, capture_output=True,
                              env={**os.environ, **(env or {})})
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
        for fd in self._dir_fds.values():
            os.close(fd)
        self._dir_fds.clear()

    def __enter__(self) -> GitStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- objects ----------------------------------------------------------------------------------------------
    def write_object(self, kind: str, body: bytes) -> str:
        """A loose object, durable before its id is returned (a concurrent writer of the same object is fine)."""
        header = f"{kind} {len(body)}\0".encode()
        sha = hashlib.sha1(header + body).hexdigest()
        folder = self.objects / sha[:2]
        final = folder / sha[2:]
        if final.exists():
            return sha
        if sha[:2] not in self._dirs:
            folder.mkdir(exist_ok=True)
            self._dirs.add(sha[:2])
        tmp = folder / f"{TMP_PREFIX}{os.getpid()}_{threading.get_ident()}_{sha[2:10]}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o444)
        try:
            os.write(fd, zlib.compress(header + body, 1))
            if self.fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, final)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        if self.fsync:
            self._fsync_dir(folder)
        return sha

    def _fsync_dir(self, folder: Path) -> None:
        """fsync a folder, so the names created in it survive a crash (the folders' descriptors are kept)."""
        key = str(folder)
        fd = self._dir_fds.get(key)
        if fd is not None:
            os.fsync(fd)
            return
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        keep = False
        with self._trees_lock:
            if len(self._dir_fds) < 1024 and key not in self._dir_fds:  # objects/xx: 256 at most
                self._dir_fds[key] = fd
                keep = True
        try:
            os.fsync(fd)
        finally:
            if not keep:
                os.close(fd)

    def _tree_entries(self, sha: str) -> list[tuple[str, str, str]]:
        with self._trees_lock:
            hit = self._trees.get(sha)
        if hit is not None:
            return hit
        got = self._cat.get(sha)
        if got is None or got[1] != "tree":
            raise StoreError(f"tree {sha} is missing")
        entries: list[tuple[str, str, str]] = []
        data, pos = got[2], 0
        while pos < len(data):
            sp = data.index(b" ", pos)
            nul = data.index(b"\0", sp)
            entries.append((data[pos:sp].decode(), data[sp + 1:nul].decode(), data[nul + 1:nul + 21].hex()))
            pos = nul + 21
        self._remember(sha, entries)
        return entries

    def _remember(self, sha: str, entries: list[tuple[str, str, str]]) -> None:
        with self._trees_lock:
            if len(self._trees) > 20_000:
                self._trees.clear()
            self._trees[sha] = entries

    def _write_tree(self, entries: Iterable[tuple[str, str, str]]) -> str:
        ordered = sorted(entries, key=_tree_sort_key)
        body = b"".join(f"{m} {n}".encode() + b"\0" + bytes.fromhex(s) for m, n, s in ordered)
        sha = self.write_object("tree", body)
        self._remember(sha, ordered)
        return sha

    def tree_with(self, base: str | None, files: Mapping[str, bytes | None]) -> str:
        """The tree ``base`` with ``files`` written (``None`` removes a file); only the changed folders are new."""
        entries = {n: (m, s) for m, n, s in (self._tree_entries(base) if base else [])}
        here: dict[str, bytes | None] = {}
        below: dict[str, dict[str, bytes | None]] = {}
        for path, content in files.items():
            head, _, rest = path.partition("/")
            if not head or head in (".", "..", ".git") or "\0" in path:
                raise StoreError(f"bad path {path!r}")
            (below.setdefault(head, {}).__setitem__(rest, content) if rest else here.__setitem__(head, content))
        for name, content in here.items():
            if content is None:
                entries.pop(name, None)
            else:
                entries[name] = ("100644", self.write_object("blob", content))
        for name, sub in below.items():
            old = entries.get(name)
            child = self.tree_with(old[1] if old and old[0] == "40000" else None, sub)
            if self._tree_entries(child):
                entries[name] = ("40000", child)
            else:
                entries.pop(name, None)  # git keeps no empty folders
        return self._write_tree((m, n, s) for n, (m, s) in entries.items())

    def write_commit(self, tree: str, parents: Iterable[str], message: str) -> str:
        sig = self.identity.signature()
        lines = [f"tree {tree}", *(f"parent {p}" for p in parents), f"author {sig}", f"committer {sig}"]
        return self.write_object("commit", ("\n".join(lines) + "\n\n" + message).encode())

    def _commit_info(self, name: str) -> tuple[str, str] | None:
        """(commit sha, tree sha) of a ref or commit, or None when it does not exist."""
        got = self._cat.get(name)
        if got is None or got[1] != "commit":
            return None
        first = got[2].split(b"\n", 1)[0]
        return got[0], first[5:].decode()

    def update_ref(self, ref: str, new: str, old: str, reason: str = "mustafid") -> bool:
        """Compare-and-swap: move ``ref`` from ``old`` (ZERO: must not exist) to ``new``. False if it moved."""
        proc = subprocess.run(["git", *(_FSYNC if self.fsync else ()), "-C", str(self.repo), "update-ref",
                               "-m", reason, ref, new, old], capture_output=True)
        return proc.returncode == 0

    def create_ref(self, ref: str, new: str) -> bool:
        """Create ``ref`` at ``new`` only if it does not exist; False if it does. Durable when it returns.

        On the files ref backend this follows git's own protocol (create ``<ref>.lock`` exclusively, check the
        ref exists neither loose nor packed, write and fsync, rename into place, fsync the folder), so it is
        safe against git and against other writers, without a git process per submission."""
        if not self.files_refs or not re.fullmatch(r"refs/heads/[A-Za-z0-9/_.-]+", ref) or ".." in ref \
                or ref.endswith((".lock", "/", ".")):
            return self.update_ref(ref, new, ZERO)
        path = self.common_dir / ref
        lock = path.with_name(path.name + ".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False  # another writer holds it right now: it will exist, or we collided anyway
        except NotADirectoryError:
            return False  # a ref named like the folder exists (D/F conflict)
        done = False
        try:
            if path.exists() or self._packed(ref):
                return False
            os.write(fd, (new + "\n").encode())
            if self.fsync:
                os.fsync(fd)
            os.close(fd)
            fd = -1
            os.rename(lock, path)
            done = True
            if self.fsync:
                self._fsync_dir(path.parent)
            return True
        finally:
            if fd >= 0:
                os.close(fd)
            if not done:
                try:
                    os.unlink(lock)
                except FileNotFoundError:
                    pass

    def _packed(self, ref: str) -> bool:
        try:
            data = (self.common_dir / "packed-refs").read_bytes()
        except FileNotFoundError:
            return False
        return (" " + ref + "\n").encode() in data

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
        commit = self.write_commit(self.tree_with(tree, dict(files)), [tip], message)
        if not self.create_ref(f"refs/heads/{PREFIX}{record_id}", commit):
            raise RefExists(f"branch {PREFIX}{record_id} exists")
        return commit

    def commit_on_branch(self, branch: str, files: Mapping[str, bytes | None], message: str,
                         expected_tip: str | None = None) -> str:
        info = self._commit_info(f"refs/heads/{branch}")
        if info is None or (expected_tip and info[0] != expected_tip):
            raise RefMoved(branch)
        tip, tree = info
        new = self.write_commit(self.tree_with(tree, files), [tip], message)
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
                              capture_output=True)
        if proc.returncode != 0:
            raise UserError("تعذّر دمج الطلب في الفرع الرئيسي لتعارض: لم يتغير الفرع الرئيسي",
                            f"{branch} cannot be merged into {self.main} (conflict); {self.main} is unchanged")
        tree = proc.stdout.decode().splitlines()[0].strip()
        new = self.write_commit(tree, [main_tip, tip], message)
        if not self.update_ref(f"refs/heads/{self.main}", new, main_tip, f"mustafid: merge {branch}"):
            raise RefMoved(self.main)
        return new

    def push(self, branch: str) -> None:
        """Push ``branch`` to the configured remote (never forced: a remote that moved is an error)."""
        if not self.remote:
            raise UserError("لا يوجد مستودع بعيد مهيأ للدفع", "no remote is configured to push to")
        self.git("push", "--quiet", self.remote, f"refs/heads/{branch}:refs/heads/{branch}")


class DocumentStore:
    """Uploaded documents, content-addressed beside the repository: ``<root>/<sha256[:2]>/<sha256>``.

    Why not in the commit: an ID scan or a lease is personal data with its own retention (the form says how
    long); in git history it could never be erased without rewriting every later commit and breaking the audit
    trail, and every clone would carry every scan. The record keeps each document's name, type, size and
    SHA-256, so the history still proves which file was submitted, and erasing a document is deleting one file.
    """

    def __init__(self, root: Path, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync

    @classmethod
    def beside(cls, store: GitStore) -> DocumentStore:
        return cls(Path(os.environ.get("MUSTAFID_DOCUMENTS") or store.git_dir / "mustafid" / "documents"),
                   fsync=store.fsync)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        sha = hashlib.sha256(content).hexdigest()
        final = self.path(sha)
        if final.exists():
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".tmp-{os.getpid()}-{threading.get_ident()}-{sha[:8]}"
        with open(tmp, "wb") as fh:
            fh.write(content)
            if self.fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, final)
        if self.fsync:
            fd = os.open(final.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return sha

    def has(self, sha256: str) -> bool:
        try:
            return self.path(sha256).is_file()
        except ValueError:
            return False

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()
