"""Write batches (store/durable.py): a request's files named as they are written, flushed once before the ref
that publishes them; syncfs where the kernel has it, fsync of each file and folder where not."""

from __future__ import annotations

import errno
import os
import shutil
import threading
from pathlib import Path

import pytest

from mustafid.store.documents import DocumentStore
from mustafid.store.durable import Batch, SyncFs, batch, deferred
from mustafid.store.git import GitStore
from mustafid.store.vault import Vault
from tests.helpers import make_association_repo
from tests.intake.util import refs

SYNCS = [pytest.param(SyncFs(), id="syncfs"), pytest.param(SyncFs(enabled=False), id="fsync-each")]


def _named(b: Batch) -> set[Path]:
    return {p for files in b.files.values() for p in files}


@pytest.mark.parametrize("sync", SYNCS)
def test_what_a_record_names_is_flushed_before_its_ref(tmp_path: Path, sync: SyncFs) -> None:
    repo = make_association_repo(tmp_path)
    store, docs = GitStore(repo), DocumentStore(tmp_path / "docs")
    vault = Vault(tmp_path / "vault")
    with batch(sync) as writes:
        sha = docs.put(b"%PDF-1.4 scan")
        vault.store_blob("AAAA-AAAA", b"wrapped", ["main"])
        assert deferred() is writes
        assert {docs.path(sha), tmp_path / "vault" / "keys" / "AAAA-AAAA.age"} <= _named(writes)
        assert docs.path(sha).read_bytes() == b"%PDF-1.4 scan", "in place already, durable at the flush"
        commit = store.create_submission("AAAA-AAAA", {"submissions/f/2026/12/AAAA-AAAA.yml": b"id: x\n"}, "m\n")
        assert _named(writes) == set() and writes.folders == {}, "all of it flushed before the ref was written"
        assert refs(repo)["refs/heads/submission/AAAA-AAAA"] == commit
    assert deferred() is None
    store.close()


def test_a_flush_that_fails_publishes_nothing(tmp_path: Path) -> None:
    """Without syncfs, a folder the batch names that cannot be synced fails the flush: no branch."""
    repo = make_association_repo(tmp_path)
    store, docs = GitStore(repo), DocumentStore(tmp_path / "docs")
    with pytest.raises(FileNotFoundError), batch(SyncFs(enabled=False)):
        sha = docs.put(b"%PDF-1.4 scan")
        shutil.rmtree(docs.path(sha).parent)
        store.create_submission("BBBB-BBBB", {"submissions/f/2026/12/BBBB-BBBB.yml": b"id: x\n"}, "m\n")
    assert "refs/heads/submission/BBBB-BBBB" not in refs(repo)
    assert deferred() is None
    store.close()


@pytest.mark.skipif(SyncFs().fn is None, reason="no syncfs on this system")
def test_a_syncfs_error_is_raised_not_taken_for_a_missing_syncfs(tmp_path: Path) -> None:
    sync = SyncFs()
    fd = os.open(tmp_path, os.O_RDONLY)
    os.close(fd)
    with pytest.raises(OSError) as err:
        sync(fd)
    assert err.value.errno == errno.EBADF
    assert sync.fn is not None, "still used: only a refused call turns it off"
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        assert sync(fd) is True
    finally:
        os.close(fd)


def test_syncfs_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSTAFID_SYNCFS", "0")
    assert SyncFs().fn is None
    monkeypatch.setenv("MUSTAFID_SYNCFS", "1")
    assert (SyncFs().fn is None) == (SyncFs(enabled=True).fn is None)


def test_batches_nest_and_an_exception_flushes_nothing(tmp_path: Path) -> None:
    docs = DocumentStore(tmp_path / "docs")
    with pytest.raises(RuntimeError), batch() as outer:
        with batch() as inner:
            assert inner is outer
            docs.put(b"one")
        assert _named(outer), "the inner block ends without a flush: the outer one owns it"
        raise RuntimeError
    assert deferred() is None and _named(outer) == set() and outer._fds == {}, "forgotten, descriptors closed"


def test_stores_that_do_not_sync_name_nothing(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path)
    store, docs = GitStore(repo, fsync=False), DocumentStore(tmp_path / "docs", fsync=False)
    with batch() as writes:
        docs.put(b"x")
        Vault(tmp_path / "vault", fsync=False).store_blob("CCCC-CCCC", b"w", ["main"])
        store.create_submission("CCCC-CCCC", {"submissions/f/c.yml": b"1\n"}, "m\n")
        assert writes.files == {} and writes._fds == {}
    assert "refs/heads/submission/CCCC-CCCC" in refs(repo)
    store.close()


def test_a_removal_comes_after_what_was_written_before_it(tmp_path: Path) -> None:
    """A clear copy removed once its ciphertext is written: the batch is flushed before the removal."""
    docs = DocumentStore(tmp_path / "docs")
    clear = docs.put(b"clear")  # outside a batch: durable at once
    with batch() as writes:
        sealed = docs.put(b"ciphertext")
        assert docs.path(sealed) in _named(writes)
        assert docs.remove(clear)
        assert _named(writes) == set()
    assert docs.has(sealed) and not docs.has(clear)


def test_each_thread_has_its_own_batch(tmp_path: Path) -> None:
    docs = DocumentStore(tmp_path / "docs")
    seen: dict[int, set[Path]] = {}
    start = threading.Barrier(8)

    def writer(i: int) -> None:
        with batch() as writes:
            start.wait()
            mine = {docs.path(docs.put(f"document {i} part {k}".encode())) for k in range(5)}
            seen[i] = _named(writes) ^ mine

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {i: set() for i in range(8)}, "a batch names its own thread's writes, and only those"
