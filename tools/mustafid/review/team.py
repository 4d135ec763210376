"""The review actions and reads on the team's shared repository (store/sync.py), as every command runs them.

`open_team(forge, remote)` finds the shared remote (the records repository's `origin`, or the one named); with
none, every call here is the plain local action (the embedded default). `read()` brings the team's state in
before a command shows anything; `act(record_id, action)` runs an action on that fresh state and shares its
commits (the request's branch, `main` when it merges, the documents' ref) before it returns. When two people act
on one request at once the second is told plainly that the request moved on, and nothing of theirs was written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from mustafid.core.errors import UserError
from mustafid.core.text import T
from mustafid.review.forges.local import PREFIX, LocalForge
from mustafid.store import docrefs
from mustafid.store.sync import KEPT, NOT_SHARED, PushOutcome, Remote, SyncReport, configured_remote, transact

R = TypeVar("R")

OFFLINE_READ = T("تعذّر الوصول إلى المستودع المشترك {remote}: المعروض نسخة هذا الجهاز وقد تكون متأخرة",
                 "the shared repository {remote} could not be reached: this is this machine's copy, which may be "
                 "behind")
DIVERGED = T("تعديل سابق لم يُشارك على {branch} سبقه تعديل آخر في المستودع المشترك: أُخذ تعديل الفريق، وحُفظ "
             "تعديلك في {kept}", "an earlier change to {branch} that was never shared lost to a newer one on the "
             "shared repository: the team's version is taken, and yours is kept at {kept}")
SENT = T("أُرسل إلى المستودع المشترك ما حُفظ سابقًا على هذا الجهاز: {branches}",
         "sent to the shared repository what this machine had kept: {branches}")


@dataclass
class Team:
    forge: LocalForge
    remote: Remote | None
    notes: list[str] = field(default_factory=list)  # what the person should be told, each line bilingual

    @property
    def shared(self) -> bool:
        return self.remote is not None

    def _say(self, text: T, **values: str) -> None:
        self.notes.append(f"{text.ar.format(**values)} | {text.en.format(**values)}")

    def tell_about(self, report: SyncReport, sent: list[str]) -> None:
        for branch in report.diverged:
            kept = self.forge.git("for-each-ref", "--format=%(refname)", f"{KEPT}{branch}/").decode().split()
            self._say(DIVERGED, branch=branch, kept=kept[-1] if kept else KEPT)
        if sent:
            self._say(SENT, branches=", ".join(sent))

    def read(self) -> None:
        """Bring the team's state in (fetch; local branches moved forward; kept writes sent)."""
        if self.remote is None:
            return
        if not self.remote.fetch():
            self._say(OFFLINE_READ, remote=self.remote.name)
            return
        report = self.remote.integrate()
        self.tell_about(report, self.remote.push_unshared(report))

    def fetch_documents(self, record_id: str) -> None:
        spec = f"+{docrefs.ref_of(record_id)}*:{docrefs.ref_of(record_id)}*"
        if self.remote is not None and not self.remote.fetch([spec]):
            self._say(OFFLINE_READ, remote=self.remote.name)

    def act(self, record_id: str, action: Callable[[], R]) -> R:
        """Run `action` on the team's latest state and share what it wrote before returning."""
        refs = [f"refs/heads/{self.forge.main}", f"refs/heads/{PREFIX}{record_id}", docrefs.ref_of(record_id)]
        before: dict[str, str] = {}

        def attempt(n: int) -> R:
            if n == 0:
                before["status"] = _status(self.forge, record_id)
            try:
                return action()
            except UserError as exc:
                now = _status(self.forge, record_id)
                if n == 0 or now == before.get("status"):
                    raise
                raise UserError(
                    f"غيّر شخص آخر الطلب {record_id} في أثناء ذلك (حالته الآن {now}): لم يُسجَّل إجراؤك ولم يُكتب "
                    "منه شيء؛ راجع الطلب (mustafid show) ثم أعد إن لزم",
                    f"someone else changed request {record_id} meanwhile (it is now {now}): your action was not "
                    "recorded and nothing of it was written; look at the request (`mustafid show`) and act again "
                    "if you still need to", exc.problems) from None

        result, outcome = transact(self.forge, self.remote, refs, attempt)
        if outcome is PushOutcome.OFFLINE and self.remote is not None:
            self._say(NOT_SHARED, remote=self.remote.name)
        return result


def _status(forge: LocalForge, record_id: str) -> str:
    from mustafid.review.queries import find

    try:
        return str(find(forge, record_id)[3].get("status"))
    except UserError:
        return "?"


def open_team(forge: LocalForge, remote: str | None = None) -> Team:
    name = configured_remote(forge, remote or None)
    return Team(forge, Remote(forge, name) if name else None)
