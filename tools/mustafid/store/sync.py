"""One shared records repository for the team, seen from a clone: read the remote's state before acting, share
every write before saying it is done, keep what cannot be shared yet, and never overwrite another's work.

The remote is the clone's own ``origin`` (or ``--remote`` / ``$MUSTAFID_REMOTE``); a repository without one is
the embedded default and nothing here runs. Reading: ``fetch`` brings ``main`` and every ``submission/*`` branch
into ``refs/remotes/<remote>/``, then ``integrate`` moves each local branch forward to the remote's (a branch
the clone has never seen is created, one it is ahead on is kept: that is a write not shared yet). Writing: the
action commits locally as before; ``push`` sends exactly the refs it moved in one atomic push, each with a lease
on the value the remote had when the action read it, so two people acting on one request at once cannot both
win: the second push is refused whole, the caller puts its refs back and tries again on the fresh state (the
action then re-checks, and says plainly when the request has moved on). A remote that cannot be reached keeps
the write as it is, on the local branch: the next command (or ``mustafid sync``) pushes it, and the person is
told it is not shared yet.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from mustafid.core.errors import UserError
from mustafid.core.text import T
from mustafid.store.refs import ZERO

if TYPE_CHECKING:
    from mustafid.store.git import GitStore

R = TypeVar("R")
SHARED = ("main", "submission/")        # the branches the team shares (prefix match for the second)
DOCUMENTS = "refs/mustafid/documents/"  # one ref per request; fetched one by one, never by default
INIT_TRAILER = "Mustafid-Init:"       # the first commit of a records repository (store/init.py)
KEPT = "refs/mustafid/kept/"            # a local write that lost to the team's: kept for a person to look at

# git's own words for "the other end could not be reached" (as opposed to "it answered no")
_UNREACHABLE = re.compile(r"Could not resolve host|Connection (refused|timed out|reset)|unable to access|"
                          r"Could not read from remote repository|does not appear to be a git repository|"
                          r"Network is unreachable|No route to host|Operation timed out|early EOF|"
                          r"the remote end hung up unexpectedly", re.IGNORECASE)

NOT_SHARED = T("حُفظ على هذا الجهاز ولم يُشارك بعد مع الفريق (تعذّر الوصول إلى المستودع المشترك {remote}): "
               "سيُرسل مع الأمر التالي أو بالأمر mustafid sync",
               "saved on this machine but not shared with the team yet ({remote} could not be reached): the next "
               "command, or `mustafid sync`, sends it")


class PushOutcome(Enum):
    SHARED = "shared"        # the remote has it
    STALE = "stale"          # someone else moved one of the refs first: nothing was pushed
    OFFLINE = "offline"      # the remote could not be reached: kept locally, to push later


class RemoteRefused(UserError):
    """The remote answered and refused (a protected branch, a hook, no permission): nothing was pushed."""


@dataclass
class SyncReport:
    offline: bool = False
    created: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    unshared: list[str] = field(default_factory=list)   # local branches ahead of the remote: writes to send
    diverged: list[str] = field(default_factory=list)   # both sides moved: ours kept aside, theirs taken


def configured_remote(store: GitStore, explicit: str | None = None) -> str | None:
    """The remote to share with: `explicit`, else $MUSTAFID_REMOTE, else git config `mustafid.remote`, else
    `origin` when this is a records repository (its first commit is `mustafid init`'s). The project's own
    repository (the embedded default) is never shared implicitly: its `origin` is the software's, and requests
    pushed there would put beneficiaries' data where it does not belong."""
    name = explicit or os.environ.get("MUSTAFID_REMOTE") or \
        store.git("config", "mustafid.remote", check=False).decode().strip()
    if name:
        if not store.git("remote", "get-url", name, check=False).strip():
            raise UserError(f"لا يوجد مستودع بعيد باسم «{name}» في {store.repo}: أضفه (git remote add {name} URL) "
                            "أو صحّح الاسم", f"no remote named '{name}' in {store.repo}: add it "
                            f"(git remote add {name} URL) or correct the name")
        return name
    if not store.git("remote", "get-url", "origin", check=False).strip():
        return None
    return "origin" if is_records_repository(store) else None


def is_records_repository(store: GitStore) -> bool:
    roots = store.git("rev-list", "--max-parents=0", store.main, check=False).decode().split()
    if len(roots) != 1:
        return False
    return INIT_TRAILER in store.git("log", "-1", "--format=%B", roots[0], check=False).decode()


def _shared(branch: str) -> bool:
    return branch == SHARED[0] or branch.startswith(SHARED[1])


class Remote:
    """The shared repository behind one clone: fetch, integrate, push with a lease."""

    def __init__(self, store: GitStore, name: str) -> None:
        self.store, self.name = store, name
        self.offline = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}  # a missing credential is an error, never a prompt
        return subprocess.run(["git", "-C", str(self.store.repo), *args], capture_output=True, text=True,
                              env=env, check=False)

    def tracking(self) -> dict[str, str]:
        """branch -> the remote's tip as last fetched (refs/remotes/<name>/...)."""
        prefix = f"refs/remotes/{self.name}/"
        out = self.store.git("for-each-ref", "--format=%(refname) %(objectname)", prefix + SHARED[0],
                             prefix + SHARED[1]).decode()
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return {ref[len(prefix):]: sha for ref, sha in pairs}

    def fetch(self, extra: Iterable[str] = ()) -> bool:
        """Bring the remote's shared branches (and `extra` refspecs); False when it cannot be reached."""
        # every branch (a glob: a remote with no main yet is not an error); only main and submission/* are used
        specs = [f"+refs/heads/*:refs/remotes/{self.name}/*", *extra]
        proc = self._run("fetch", "--quiet", "--no-tags", "--prune", self.name, *specs)
        if proc.returncode == 0:
            self.offline = False
            return True
        if _UNREACHABLE.search(proc.stderr):
            self.offline = True
            return False
        raise UserError("تعذّر جلب حالة المستودع المشترك: تحقق من العنوان والصلاحيات",
                        f"fetching from {self.name} failed: {proc.stderr.strip()[-300:]}")

    def integrate(self) -> SyncReport:
        """Move every local shared branch forward to the remote's: create, fast-forward, or leave and report."""
        report = SyncReport(offline=self.offline)
        theirs = self.tracking()
        mine = self.store.branches(SHARED[1])
        main_tip = self.store.branch_tip(SHARED[0])
        if main_tip:
            mine[SHARED[0]] = main_tip
        for branch, remote_tip in sorted(theirs.items()):
            local = mine.get(branch)
            if local == remote_tip:
                continue
            if local is None:
                if self.store.update_ref(f"refs/heads/{branch}", remote_tip, ZERO, "mustafid sync: new"):
                    report.created.append(branch)
            elif is_ancestor(self.store, local, remote_tip):
                if self.store.update_ref(f"refs/heads/{branch}", remote_tip, local, "mustafid sync: forward"):
                    report.forwarded.append(branch)
            elif is_ancestor(self.store, remote_tip, local):
                report.unshared.append(branch)
            else:
                # Both moved: the team's version wins (it is what others have seen and acted on); ours is kept
                # whole under refs/mustafid/kept/ and named in the report, never dropped.
                self.store.git("update-ref", f"{KEPT}{branch}/{local[:12]}", local)
                if self.store.update_ref(f"refs/heads/{branch}", remote_tip, local, "mustafid sync: diverged"):
                    report.diverged.append(branch)
        report.unshared += sorted(b for b in mine if b not in theirs and _shared(b) and b != SHARED[0])
        return report

    def push(self, moves: Mapping[str, tuple[str | None, str | None]], lease: Mapping[str, str | None]) -> PushOutcome:
        """Push `moves` (ref -> (old, new); new None deletes) in one atomic push. `lease`: ref -> the remote's
        value the action was based on (None: the ref must not exist there). Refused refs raise RemoteRefused."""
        if not moves:
            return PushOutcome.SHARED
        for ref, (_old, new) in moves.items():
            expect = lease.get(ref)
            if expect and new and not is_ancestor(self.store, expect, new):
                return PushOutcome.STALE  # a lease forces: only ever replace what the new commit descends from
        args = ["push", "--atomic", "--porcelain", "--quiet", self.name]
        for ref, (_old, new) in sorted(moves.items()):
            expect = lease.get(ref)
            args.append(f"--force-with-lease={ref}:{expect or ''}")
            args.append(f"{new}:{ref}" if new else f":{ref}")
        # The leases name full refs; pushes of refs/heads/* are also what fetch tracks.
        proc = self._run(*args)
        if proc.returncode == 0:
            self.offline = False
            self._track(moves)
            return PushOutcome.SHARED
        text = proc.stdout + proc.stderr
        if _UNREACHABLE.search(text) and "\n!" not in "\n" + proc.stdout:
            self.offline = True
            return PushOutcome.OFFLINE
        # another push to the same ref at the same moment: the remote's ref lock, or the lease, said no
        if re.search(r"stale info|fetch first|non-fast-forward|\[rejected\]|atomic push failed|cannot lock ref|"
                     r"failed to update ref|incorrect old value|reference already exists", text):
            return PushOutcome.STALE
        reason = next((ln for ln in text.splitlines() if "remote rejected" in ln or "error:" in ln), text.strip())
        raise RemoteRefused("رفض المستودع المشترك الحفظ: لم يُشارك شيء ولم يُحفظ الإجراء؛ راجع مسؤول المستودع",
                            f"the shared repository refused the push, so nothing was shared and the action was "
                            f"not kept: {reason.strip()[-300:]}")

    def _track(self, moves: Mapping[str, tuple[str | None, str | None]]) -> None:
        for ref, (_old, new) in moves.items():
            if ref.startswith("refs/heads/"):
                tracking = f"refs/remotes/{self.name}/{ref[len('refs/heads/'):]}"
                if new:
                    self.store.git("update-ref", tracking, new)
                else:
                    self.store.git("update-ref", "-d", tracking, check=False)

    def push_unshared(self, report: SyncReport) -> list[str]:
        """Send the writes this clone kept while the remote was away, in one atomic push; the branches sent."""
        if self.offline or not report.unshared:
            return []
        theirs = self.tracking()
        moves: dict[str, tuple[str | None, str | None]] = {}
        for branch in report.unshared:
            tip = self.store.branch_tip(branch)
            if tip is not None:
                moves[f"refs/heads/{branch}"] = (theirs.get(branch), tip)
        lease = {ref: old for ref, (old, _new) in moves.items()}
        if self.push(moves, lease) is not PushOutcome.SHARED:
            return []
        report.unshared = [b for b in report.unshared if f"refs/heads/{b}" not in moves]
        return sorted(ref[len("refs/heads/"):] for ref in moves)


def is_ancestor(store: GitStore, older: str, newer: str) -> bool:
    return subprocess.run(["git", "-C", str(store.repo), "merge-base", "--is-ancestor", older, newer],
                          capture_output=True, check=False).returncode == 0


class Stale(UserError):
    """Someone else kept moving the same refs: the action was tried again and lost every time."""


def snapshot(store: GitStore, refs: Iterable[str]) -> dict[str, str | None]:
    wanted = list(refs)
    out = store.git("for-each-ref", "--format=%(refname) %(objectname)", *wanted).decode()
    found = dict(line.split(" ", 1) for line in out.splitlines() if line)
    return {ref: found.get(ref) for ref in wanted}


def _undo(store: GitStore, moves: Mapping[str, tuple[str | None, str | None]]) -> None:
    """Put the local refs back where they were before a push the remote refused as stale."""
    for ref, (old, new) in moves.items():
        if old is None:
            store.git("update-ref", "-d", ref, new or "", check=False)
        else:
            store.update_ref(ref, old, new or ZERO, "mustafid: lost to a newer change on the remote")


def transact(store: GitStore, remote: Remote | None, refs: Iterable[str], act: Callable[[int], R],
             retries: int = 3) -> tuple[R, PushOutcome]:
    """Run `act(attempt)` (which writes locally through the store) on the remote's latest state and share what
    it moved among `refs` in one atomic push with leases. A stale push undoes the local moves and tries again
    from a fresh fetch (`act` re-reads and re-checks, and raises when the change no longer applies); an
    unreachable remote keeps the write locally (PushOutcome.OFFLINE: tell the person it is not shared yet)."""
    wanted = list(refs)
    if remote is None:
        return act(0), PushOutcome.SHARED
    for attempt in range(retries):
        online = remote.fetch([f"+{r}*:{r}*" for r in wanted if r.startswith(DOCUMENTS)])  # may not exist yet
        report = remote.integrate()
        remote.push_unshared(report)
        theirs = remote.tracking()
        lease: dict[str, str | None] = {}
        for ref in wanted:
            if ref.startswith("refs/heads/"):
                lease[ref] = theirs.get(ref[len("refs/heads/"):])
        before = snapshot(store, wanted)
        for ref in wanted:
            if not ref.startswith("refs/heads/"):
                lease[ref] = before[ref] if online else None
        result = act(attempt)
        after = snapshot(store, wanted)
        moves = {ref: (before[ref], after[ref]) for ref in wanted if before[ref] != after[ref]}
        if not online:
            return result, PushOutcome.OFFLINE
        try:
            outcome = remote.push(moves, lease)
        except RemoteRefused:
            _undo(store, moves)  # nothing half-written: the local refs are as they were before the action
            raise
        if outcome is not PushOutcome.STALE:
            return result, outcome
        _undo(store, moves)
    raise Stale("تغيّر الطلب على المستودع المشترك أثناء الحفظ مرات متتالية: لم يُحفظ إجراؤك؛ أعد المحاولة بعد قليل",
                "the request kept changing on the shared repository while saving: your action was not kept; "
                "try again in a moment")
