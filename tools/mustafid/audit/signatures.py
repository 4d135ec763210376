"""Every commit's signature verified once, in a second process while the history streams: Ed25519 verification
is the audit's largest single cost (about 100 µs a commit on a slow core, the GIL held), and it needs nothing the
walk finds but the commits' ids, so a forked worker is handed them as `git log` gives them (`feed`, through a
pipe that is the worker's `git cat-file --batch`'s own input) and verifies each commit object it reads
(store/sshsig.py) while the main process goes on with the walk. Who signed, and whether they might, is judged
afterwards against the roster of the commit's date (audit/checks.py). Where fork is not available, or the worker
died, the same function runs in process on the ids fed. Commits this user's audits already found well signed are
not verified again (audit/sigcache.py: a commit id names its signature too)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import IO

from mustafid.audit import sigcache
from mustafid.audit.objects import read_objects, widen
from mustafid.store import sshsig

# sha -> (the signature as git stores it is PGP, the verdict, its detail):
#   ("none", "") unsigned, ("ok", "ssh-ed25519 <key>") verifies, ("bad", why) does not verify
Verdict = tuple[bool, str, str]


def verdicts(repo: Path, shas: Iterable[str]) -> dict[str, Verdict]:
    """The verdict on each commit of ``shas``: the good ones this user's audits already proved
    (audit/sigcache.py), the others verified here."""
    where = sigcache.path_for(repo)
    proven = sigcache.load(where)
    listed = list(dict.fromkeys(shas))
    out: dict[str, Verdict] = {sha: (False, "ok", proven[sha]) for sha in listed if sha in proven}
    _judge(read_objects(repo, [sha for sha in listed if sha not in out]), proven, out)
    _remember(where, proven, out)
    return out


def _judge(objects: Iterator[tuple[str, bytes | None]], proven: dict[str, str], out: dict[str, Verdict]) -> None:
    """Each commit object's verdict into ``out`` (those proven before taken as they are)."""
    keys: dict[bytes, str] = {}  # each signer's key once, as one str: the verdicts sent back share it
    for sha, raw in objects:
        if raw is None or sha in out:
            continue
        if sha in proven:
            out[sha] = (False, "ok", proven[sha])
            continue
        payload, armored = sshsig.split_commit(raw)
        if armored is None:
            out[sha] = (False, "none", "")
            continue
        pgp = armored.startswith("-----BEGIN PGP")
        try:
            wire = sshsig.verify(armored, payload).key
            key = keys.get(wire)
            if key is None:
                key = keys[wire] = sshsig.openssh_key(wire)
            out[sha] = (pgp, "ok", key)
        except sshsig.BadSignature as exc:
            out[sha] = (pgp, "bad", str(exc))


def _remember(where: Path | None, proven: dict[str, str], out: dict[str, Verdict]) -> None:
    new = {sha: v[2] for sha, v in out.items() if v[1] == "ok" and not v[0] and sha not in proven}
    if new:
        sigcache.save(where, {**proven, **new})


def _worker(repo: Path, ids: int, ours: int) -> dict[str, Verdict]:
    """In the forked process: `git cat-file --batch` reads the commit ids straight from the pipe the main process
    writes (``ids``; ``ours``, its write end, closed here so that the main process's close is the end), and
    every commit it gives is judged."""
    os.close(ours)
    proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=ids, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    os.close(ids)
    assert proc.stdout is not None
    widen(proc.stdout)
    where = sigcache.path_for(repo)
    proven = sigcache.load(where)
    out: dict[str, Verdict] = {}
    try:
        _judge(_answers(proc.stdout), proven, out)
    finally:
        proc.stdout.close()
        proc.wait()
    _remember(where, proven, out)
    return out


def _answers(out: IO[bytes]) -> Iterator[tuple[str, bytes | None]]:
    """`git cat-file --batch`'s answers until it ends (its input closed)."""
    while header := out.readline():
        parts = header.split()
        if len(parts) < 3 or parts[1] == b"missing":
            continue
        content = out.read(int(parts[2]) + 1)[:-1]
        yield parts[0].decode(), content


class Pending:
    """The verdicts being worked out in a forked process (or, without fork, when first asked for) on the commit
    ids `feed` gives it as the walk reads them; `result` ends the feed and waits for them."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.fed: list[str] = []
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[dict[str, Verdict]] | None = None
        self._pipe: IO[bytes] | None = None
        self._done: dict[str, Verdict] | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            ids, ours = os.pipe()
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(_worker, repo, ids, ours)  # forked here: it holds both ends
            os.close(ids)
            self._pipe = os.fdopen(ours, "wb")
            widen(self._pipe)

    def feed(self, shas: list[str]) -> None:
        self.fed += shas
        if self._pipe is not None and shas:
            try:
                self._pipe.write(("\n".join(shas) + "\n").encode())
            except OSError:  # the worker is gone: its work is done here at `result`
                self.close()

    def close(self) -> None:
        if self._pipe is not None:
            with contextlib.suppress(OSError):
                self._pipe.close()
            self._pipe = None

    def result(self) -> dict[str, Verdict]:
        if self._done is None:
            self.close()
            if self._future is not None and self._pool is not None:
                try:
                    self._done = self._future.result()
                    if len(self._done) < len(set(self.fed)):  # the worker stopped reading early
                        self._done = {**self._done, **verdicts(self.repo, (s for s in self.fed
                                                                           if s not in self._done))}
                except Exception:  # the worker died (killed, out of memory): the same work, here
                    self._done = verdicts(self.repo, self.fed)
                finally:
                    self._pool.shutdown()
            else:
                self._done = verdicts(self.repo, self.fed)
        return self._done
