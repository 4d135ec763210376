"""Sharing each new request with the team: its branch and its documents' ref pushed to the shared repository in
one atomic push before the answer, and, when the association names a GitHub repository and a token is set, its
pull request opened after it.

A request is acknowledged once it is durable locally: a remote that cannot be reached must not refuse
beneficiaries. So a push that fails is queued and retried with backoff, and the local branch is the queue: when
the server starts (after a crash, a kill or a restart), it sends every local request branch the remote does not
have. Log lines carry record ids only.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Mapping
from typing import Any

from mustafid.config.association import Association
from mustafid.forms.kinds import kind_of
from mustafid.review.forges.github import GitHubForge
from mustafid.review.forges.local import LocalForge
from mustafid.store import docrefs
from mustafid.store.documents import DocumentStore
from mustafid.store.git import PREFIX
from mustafid.store.sync import PushOutcome, Remote, configured_remote, is_ancestor

log = logging.getLogger(__name__)

SWEEP = "*"  # the queue item that sends every local request branch the remote lacks


def github_configured(assoc: Association) -> bool:
    return bool(assoc.github_repository and os.environ.get("GITHUB_TOKEN"))


def remote_for(assoc: Association, remote: str, store: LocalForge | None = None) -> str:
    """The remote to share with: the one named, else "origin" when GitHub is configured, else the records
    repository's own remote (store/sync.configured_remote), else none ("")."""
    if remote or github_configured(assoc):
        return remote or "origin"
    return (configured_remote(store) or "") if store is not None else ""


def share_request(store: LocalForge, remote: Remote, documents: DocumentStore, rid: str,
                  record: Mapping[str, Any]) -> PushOutcome:
    """Push a new request's branch and its documents' ref in one atomic push (the remote must have neither).

    SHARED also when the remote already has this very branch (a retry after a lost answer); a remote branch of the
    same id with other commits is logged and left for a person, never overwritten."""
    ref = f"refs/heads/{PREFIX}{rid}"
    tip = store.branch_tip(PREFIX + rid)
    if tip is None:
        log.error("sharing %s: no local branch", rid)
        return PushOutcome.SHARED  # nothing to send, and retrying cannot help
    moves: dict[str, tuple[str | None, str | None]] = {ref: (None, tip)}
    lease: dict[str, str | None] = {ref: None}
    shas = [str(d.get("sha256")) for d in record.get("documents") or [] if d.get("sha256")]
    if shas:
        docs_tip = docrefs.publish(store, documents, rid, shas) or \
            store.git("rev-parse", docrefs.ref_of(rid)).decode().strip()
        moves[docrefs.ref_of(rid)] = (None, docs_tip)
        lease[docrefs.ref_of(rid)] = None
    outcome = remote.push(moves, lease)
    if outcome is PushOutcome.STALE:
        remote.fetch()
        theirs = remote.tracking().get(PREFIX + rid)
        if not (theirs and is_ancestor(store, tip, theirs)):
            log.error("sharing %s: the remote already has another branch of that id: push it by hand", rid)
        return PushOutcome.SHARED
    return outcome


class Publisher:
    RETRIES = (5, 30, 120, 600)  # seconds before each new attempt

    def __init__(self, assoc: Association, store: LocalForge, remote: str,
                 documents: DocumentStore | None = None) -> None:
        self.assoc, self.store, self.remote = assoc, store, remote
        self.documents = documents or DocumentStore.beside(store)
        self.shared = Remote(store, remote)
        self.queue: queue.Queue[tuple[str, dict[str, Any], int]] = queue.Queue()
        self.forge: GitHubForge | None = None
        if github_configured(assoc):
            self.forge = GitHubForge(assoc, store, remote=remote)
        self._lock = threading.Lock()  # git push of one clone, one at a time (the refs' lock files)
        threading.Thread(target=self._run, name="mustafid-publish", daemon=True).start()
        self.queue.put((SWEEP, {}, 0))

    def share(self, record: Mapping[str, Any]) -> bool:
        """Push the request now (True: the team has it); on failure it is queued and retried (False)."""
        rid = str(record["id"])
        try:
            ok = self._push(rid, record)
        except Exception as exc:
            log.warning("sharing %s failed (%s): queued", rid, type(exc).__name__)
            ok = False
        if not ok:
            self.queue.put((rid, dict(record), 0))
        elif self.forge is None or kind_of(self.assoc, record.get("form")) == "survey":
            # (a survey answer is recorded, never reviewed: `mustafid file-surveys` merges them, no pull request)
            log.info("published %s to the remote", rid)
        else:
            self.queue.put((rid, dict(record), 0))  # the pull request, off the answer's path
        return ok

    def _push(self, rid: str, record: Mapping[str, Any]) -> bool:
        with self._lock:
            outcome = share_request(self.store, self.shared, self.documents, rid, record)
        return outcome is PushOutcome.SHARED

    def _sweep(self) -> None:
        """Send every local request branch the remote does not have (what a previous run kept)."""
        if not self.shared.fetch():
            raise ConnectionError("the remote cannot be reached")
        theirs = self.shared.tracking()
        for branch, tip in sorted(self.store.branches(PREFIX).items()):
            if branch in theirs:
                continue
            rid = branch[len(PREFIX):]
            record = {"id": rid, "documents": self._documents_of(tip)}
            if self._push(rid, record):
                log.info("published %s to the remote (kept from before)", rid)

    def _documents_of(self, tip: str) -> list[dict[str, Any]]:
        import yaml

        paths = self.store.record_paths({"b": tip})
        if "b" not in paths:
            return []
        record = yaml.load(self.store.read_file(tip, paths["b"]), Loader=yaml.CSafeLoader)
        return list(record.get("documents") or []) if isinstance(record, dict) else []

    def _run(self) -> None:
        while True:
            rid, record, attempt = self.queue.get()
            try:
                if rid == SWEEP:
                    self._sweep()
                elif self.forge is not None:
                    self.forge.open_review(rid, record)  # pushes the branch (again: a no-op), opens the pull request
                    log.info("published %s to github", rid)
                elif self._push(rid, record):
                    log.info("published %s to the remote", rid)
                else:
                    raise ConnectionError("the remote cannot be reached")
            except Exception as exc:
                if attempt < len(self.RETRIES):
                    log.warning("publishing %s failed (%s): retry in %d s", rid, type(exc).__name__,
                                self.RETRIES[attempt])
                    threading.Timer(self.RETRIES[attempt], self.queue.put, ((rid, record, attempt + 1),)).start()
                else:
                    log.error("publishing %s failed for good (%s): push the branch by hand", rid, type(exc).__name__)
