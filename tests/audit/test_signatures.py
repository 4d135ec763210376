"""The signature worker (audit/signatures.py) gives, for real ssh-keygen keys and git's own signatures, the same
verdicts in a forked process as in process (the path taken where fork is not available): a commit the intake
signed verifies with its key, a plain-git commit is unsigned, and a signature moved onto other content does not
verify. The streamed object reads (audit/objects.Batch) answer in the order asked, missing objects included."""

from __future__ import annotations

import multiprocessing
import subprocess
from pathlib import Path

import pytest

from mustafid.audit import signatures
from mustafid.audit.history import heads
from mustafid.audit.objects import Batch
from mustafid.review.forges.local import LocalForge
from mustafid.store.sshsig import Signer
from tests.cli.test_signing import signed_submit, signing_repo


def git(repo: Path, *args: str, input: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          input=input).stdout.decode()


def test_the_worker_and_the_process_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, keys = signing_repo(tmp_path, "ajaa")
    signed = git(repo, "rev-parse", f"submission/{signed_submit(repo, 'ajaa', keys)}").strip()
    roster_commit = git(repo, "rev-parse", "main").strip()
    plain = git(repo, "commit-tree", f"{roster_commit}^{{tree}}", "-p", roster_commit, "-m", "by hand").strip()
    # the intake's signature carried over to a commit with another message: it must not verify
    raw = git(repo, "cat-file", "commit", signed).encode()
    moved = git(repo, "hash-object", "-t", "commit", "-w", "--stdin",
                input=raw.replace(b"Receive ", b"Received ", 1)).strip()
    for i, sha in enumerate((plain, moved)):
        git(repo, "update-ref", f"refs/heads/submission/X{i}", sha)
    shas = git(repo, "rev-list", "--stdin", input="\n".join(heads(LocalForge(repo))).encode()).split()

    forked = signatures.Pending(repo)
    assert forked._future is not None  # the worker really runs (fork is available here)
    for sha in shas:  # handed over one by one, as the walk does in batches
        forked.feed([sha])
    got = forked.result()
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    inline = signatures.Pending(repo)
    inline.feed(shas)
    assert inline._future is None and inline.result() == got == signatures.verdicts(repo, shas)
    assert set(got) == set(shas)
    assert got[signed] == (False, "ok", Signer(keys["intake"]).public)
    assert got[plain] == (False, "none", "")
    assert got[moved] == (False, "bad", "does not verify")


def test_the_batch_answers_in_the_order_asked(tmp_path: Path) -> None:
    repo, _keys = signing_repo(tmp_path, "kahatain")
    blob = git(repo, "hash-object", "-w", "--stdin", input=b"one\n").strip()
    tip = git(repo, "rev-parse", "main").strip()
    batch = Batch(repo)
    try:
        batch.ask([blob, "0" * 40])
        batch.ask([tip])
        assert batch.take() == (blob, b"one\n")
        assert batch.take() == ("", None)
        sha, body = batch.take()
        assert sha == tip and body is not None and body.startswith(b"tree ")
    finally:
        batch.close()


def test_a_signature_that_is_not_text_is_bad_not_a_crash(tmp_path: Path) -> None:
    """A commit made by hand whose gpgsig header holds bytes that are not UTF-8: the worker used to stop on it
    (and the audit with it); now it is a signature that does not verify, reported as such."""
    repo, _keys = signing_repo(tmp_path, "kahatain")
    tip = git(repo, "rev-parse", "main").strip()
    raw = git(repo, "cat-file", "commit", tip).encode()
    head, _, message = raw.partition(b"\n\n")
    forged = head + b"\ngpgsig -----BEGIN SSH SIGNATURE-----\n \xff\xfe\n -----END SSH SIGNATURE-----\n\n" + message
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=forged).strip()
    pending = signatures.Pending(repo)
    pending.feed([sha, tip])
    got = pending.result()
    assert got[sha][1] == "bad"
    assert got == signatures.verdicts(repo, [sha, tip])
