"""Every commit's signature verified once, in a second process while the history streams: Ed25519 verification
is the audit's largest single cost (about 70 µs a commit, the GIL held), and it needs nothing the walk finds, only
the commits, so a forked worker reads them (`git rev-list` of the same heads, one `git cat-file --batch`) and
verifies them (store/sshsig.py) while the main process reads `git log`. Who signed, and whether they might, is
judged afterwards against the roster of the commit's date (audit/checks.py). Where fork is not available the
same function runs in process. Commits this user's audits already found well signed are not verified again
(audit/sigcache.py: a commit id names its signature too)."""

from __future__ import annotations

import multiprocessing
import subprocess
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from mustafid.audit import sigcache
from mustafid.audit.objects import read_objects
from mustafid.store import sshsig

# sha -> (the signature as git stores it is PGP, the verdict, its detail):
#   ("none", "") unsigned, ("ok", "ssh-ed25519 <key>") verifies, ("bad", why) does not verify
Verdict = tuple[bool, str, str]


def verdicts(repo: Path, revs: list[str]) -> dict[str, Verdict]:
    """The verdict on every commit reachable from ``revs``: the good ones this user's audits already proved
    (audit/sigcache.py), the others verified here."""
    listed = subprocess.run(["git", "-C", str(repo), "rev-list", "--stdin"], input=("\n".join(revs) + "\n").encode(),
                            capture_output=True, check=False).stdout.decode().split()
    where = sigcache.path_for(repo)
    proven = sigcache.load(where)
    out: dict[str, Verdict] = {sha: (False, "ok", proven[sha]) for sha in listed if sha in proven}
    todo = [sha for sha in listed if sha not in out]
    for sha, raw in read_objects(repo, todo):
        if raw is None:
            continue
        payload, armored = sshsig.split_commit(raw)
        if armored is None:
            out[sha] = (False, "none", "")
            continue
        pgp = armored.startswith("-----BEGIN PGP")
        try:
            out[sha] = (pgp, "ok", sshsig.verify(armored, payload).openssh_key)
        except sshsig.BadSignature as exc:
            out[sha] = (pgp, "bad", str(exc))
    if todo:
        sigcache.save(where, {**proven, **{sha: v[2] for sha, v in out.items() if v[1] == "ok" and not v[0]}})
    return out


class Pending:
    """The verdicts being worked out in a forked process (or, without fork, when first asked for)."""

    def __init__(self, repo: Path, revs: list[str]) -> None:
        self.repo, self.revs = repo, revs
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[dict[str, Verdict]] | None = None
        self._done: dict[str, Verdict] | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(verdicts, repo, revs)

    def result(self) -> dict[str, Verdict]:
        if self._done is None:
            if self._future is not None and self._pool is not None:
                try:
                    self._done = self._future.result()
                except Exception:  # the worker died (killed, out of memory): the same work, here
                    self._done = verdicts(self.repo, self.revs)
                finally:
                    self._pool.shutdown()
            else:
                self._done = verdicts(self.repo, self.revs)
        return self._done
