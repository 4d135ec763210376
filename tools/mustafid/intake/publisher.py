"""Publishing after the local write: each new branch pushed to the remote and, when the association names a
GitHub repository and a token is set, its pull request opened.

It runs after the answer: a request is acknowledged once it is durable locally, and a forge that is down must
not refuse beneficiaries. Failures are retried with backoff and logged by record id only.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Mapping
from typing import Any

from mustafid.config.association import Association
from mustafid.review.forges.github import GitHubForge
from mustafid.review.forges.local import LocalForge
from mustafid.store.git import PREFIX

log = logging.getLogger(__name__)


def github_configured(assoc: Association) -> bool:
    return bool(assoc.github_repository and os.environ.get("GITHUB_TOKEN"))


def remote_for(assoc: Association, remote: str) -> str:
    """The remote to publish to: the one named, else "origin" when GitHub is configured, else none ("")."""
    return remote or ("origin" if github_configured(assoc) else "")


class Publisher:
    RETRIES = (5, 30, 120, 600)  # seconds before each new attempt

    def __init__(self, assoc: Association, store: LocalForge, remote: str) -> None:
        self.assoc, self.store, self.remote = assoc, store, remote
        self.queue: queue.Queue[tuple[str, dict[str, Any], int]] = queue.Queue()
        self.forge: GitHubForge | None = None
        if github_configured(assoc):
            self.forge = GitHubForge(assoc, store, remote=remote)
        threading.Thread(target=self._run, name="mustafid-publish", daemon=True).start()

    def publish(self, record: Mapping[str, Any]) -> None:
        self.queue.put((str(record["id"]), dict(record), 0))

    def _push(self, rid: str, record: dict[str, Any]) -> None:
        if self.forge is not None:
            self.forge.open_review(rid, record)  # pushes the branch, then opens the pull request
        else:
            ref = f"refs/heads/{PREFIX}{rid}"
            self.store.git("push", "--quiet", self.remote, f"{ref}:{ref}")

    def _run(self) -> None:
        while True:
            rid, record, attempt = self.queue.get()
            try:
                self._push(rid, record)
                log.info("published %s to %s", rid, "github" if self.forge is not None else "the remote")
            except Exception as exc:
                if attempt < len(self.RETRIES):
                    log.warning("publishing %s failed (%s): retry in %d s", rid, type(exc).__name__,
                                self.RETRIES[attempt])
                    threading.Timer(self.RETRIES[attempt], self.queue.put, ((rid, record, attempt + 1),)).start()
                else:
                    log.error("publishing %s failed for good (%s): push the branch by hand", rid, type(exc).__name__)
