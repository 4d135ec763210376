"""Durable writes: fsync of folders, and write batches flushed once.

A file renamed or linked into a folder survives a crash only once the folder is synced; its content only once the
file is. Doing both for every file cost the benchmark's request 26-28 flushes (seven loose objects, six
documents, its vault keys: each file and its folder) before its ref's two. A write batch (``batch()``) defers
them: inside it the writers of this package (objects.py, documents.py, vault.py) rename their files into place
unsynced and only name them to the batch (``deferred()``), and ``Batch.flush`` makes all of them durable at
once, before the ref that publishes them is written (store/git.py), so the rule stays "everything a record
names is durable before the ref".

The flush is one ``syncfs(2)`` per file system touched: the kernel writes back every dirty file of it and commits
its journal once (concurrent requests' syncfs share a journal commit). Where syncfs is missing (not Linux, a
kernel before 5.8, which did not report write-back errors to it, or a sandbox that refuses the call), or turned
off (``MUSTAFID_SYNCFS=0``: a file system shared with heavy writers, whose dirty data every syncfs would wait
for), each file and folder named is fsync'd instead, as without a batch. A write-back error fails the flush
(OSError): the ref is then not written.

The batch is this thread's (a context variable: each request of the web intake runs in its own worker thread,
asyncio.to_thread copies the context), so concurrent requests never flush, or skip, each other's files.
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import errno
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path


def fsync_path(path: Path) -> None:
    """fsync one file or folder (open, sync, close)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


fsync_folder = fsync_file = fsync_path


class Folders:
    """fsync of the folders a store writes into again and again (``objects/xx``: 256 at most, the refs'
    folders): their descriptors are kept open, so a write costs one fsync and no open."""

    KEEP = 1024

    def __init__(self) -> None:
        self._fds: dict[str, int] = {}
        self._lock = threading.Lock()

    def sync(self, folder: Path) -> None:
        key = str(folder)
        fd = self._fds.get(key)
        if fd is not None:
            os.fsync(fd)
            return
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        keep = False
        with self._lock:
            if len(self._fds) < self.KEEP and key not in self._fds:
                self._fds[key] = fd
                keep = True
        try:
            os.fsync(fd)
        finally:
            if not keep:
                os.close(fd)

    def close(self) -> None:
        with self._lock:
            for fd in self._fds.values():
                os.close(fd)
            self._fds.clear()


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except ValueError:
        return None
    if (major, minor) < (5, 8):  # before 5.8 syncfs returned 0 whatever write-back had failed
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
    return fn


class SyncFs:
    """syncfs(2) through libc, for as long as the system allows it; ``enabled=False`` (or ``MUSTAFID_SYNCFS=0``)
    never: every file is fsync'd."""

    REFUSED = (errno.ENOSYS, errno.EPERM, errno.EINVAL, errno.EOPNOTSUPP)  # no syncfs here: fsync each instead

    def __init__(self, enabled: bool | None = None) -> None:
        if enabled is None:
            enabled = os.environ.get("MUSTAFID_SYNCFS", "1").strip().lower() not in ("0", "no", "false", "off")
        self.fn = _load_syncfs() if enabled else None

    def __call__(self, fd: int) -> bool:
        """True: the file system of ``fd`` is synced; False: no syncfs here (sync each file instead). OSError:
        write-back failed."""
        if self.fn is None:
            return False
        if self.fn(fd) == 0:
            return True
        err = ctypes.get_errno()
        if err not in self.REFUSED:
            raise OSError(err, f"syncfs: {os.strerror(err)}")
        self.fn = None
        return False


syncfs = SyncFs()  # this process's


class Batch:
    """Files written into place and not yet durable, by file system; see the module's docstring."""

    def __init__(self, sync: SyncFs = syncfs) -> None:
        self.sync = sync
        self.files: dict[int, set[Path]] = {}    # st_dev -> files renamed or linked into place
        self.folders: dict[int, set[Path]] = {}  # st_dev -> folders whose entries changed
        self._fds: dict[int, int] = {}           # st_dev -> a descriptor on it, opened before the first write

    def add(self, final: Path, created: bool = False) -> None:
        """``final`` is about to be written (through a temporary file renamed into place) into its folder, which
        exists; ``created``: the folder is new (its parent changed too). Called before the write: the
        descriptor syncfs is given then sees any write-back error of what follows."""
        folder = final.parent
        dev = folder.stat().st_dev
        if dev not in self._fds:
            self._fds[dev] = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        self.files.setdefault(dev, set()).add(final)
        self.folders.setdefault(dev, set()).update((folder, folder.parent) if created else (folder,))

    def flush(self) -> None:
        """Everything named since the last flush durable (one syncfs per file system, else fsync of each)."""
        fds, files, folders = self._fds, self.files, self.folders
        self._fds, self.files, self.folders = {}, {}, {}
        try:
            for dev, fd in fds.items():
                if self.sync(fd):
                    continue
                for path in sorted(files.get(dev, ())):
                    with contextlib.suppress(FileNotFoundError):  # removed since (a failed write's own)
                        fsync_file(path)
                for folder in sorted(folders.get(dev, ())):
                    fsync_folder(folder)
        finally:
            for fd in fds.values():
                os.close(fd)

    def close(self) -> None:
        """Forget what was named, unflushed (nothing will publish it)."""
        for fd in self._fds.values():
            os.close(fd)
        self._fds, self.files, self.folders = {}, {}, {}


_current: contextvars.ContextVar[Batch | None] = contextvars.ContextVar("mustafid_write_batch", default=None)


def deferred() -> Batch | None:
    """The write batch this thread's writes join, or None: each write is durable on its own."""
    return _current.get()


@contextlib.contextmanager
def batch(sync: SyncFs | None = None) -> Iterator[Batch]:
    """A write batch for the block (or the one already open around it, which it joins); flushed when the
    outermost block ends normally. On an exception what was written unflushed is left so: nothing published
    it, and a later write of the same content names it to its own batch again."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    mine = Batch(sync or syncfs)
    token = _current.set(mine)
    try:
        yield mine
        mine.flush()
    finally:
        _current.reset(token)
        mine.close()
