"""The audit from history: every request's timeline, its decision against the promised period, and anomalies,
rebuilt from the commits audit/history.py streams (their trailers and the files they touched; no record is read).

Every change Mustafid makes to a record is one commit whose trailers (review/trailers.py) say what happened:
``Mustafid-Record``, ``-Status``, ``-From``, ``-Actor``, and for a decision ``-Decision``, ``-Members``,
``-Meeting``. Auditors need nothing else, and no personal data: the report holds reference numbers, form ids,
channels, statuses, dates and roster ids only.

Anomalies reported: a record changed by a commit without Mustafid's trailers (an edit outside the tools), a
record deleted, a status change the lifecycle does not allow or that contradicts the history before it, a
decision by someone not on the committee, or with members below quorum or not on it, a change after the
decision (other than recording the service), a decision dated before the state it decides on, and history
rewritten since a sealed audit (audit/seal.py: signed tags, and the older ``refs/mustafid/audited``).
audit/checks.py adds what the content and the signatures show: each commit's signature and its signer's role,
the record's blobs against the claimed transition, the trailer block against what the tools write, and merges.

Each commit is judged by the roster of its date: the association.yml committed on main at or before it
(audit/roster.py), so a member who has since left is not reported for what they did while on the committee.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from typing import Any

from mustafid.audit import seal as checkpoints
from mustafid.audit.ballots import Ballots
from mustafid.audit.checks import Checker
from mustafid.audit.history import Commit, commits, heads, stem
from mustafid.audit.roster import Roster
from mustafid.config.association import Association
from mustafid.config.keys import signing_required
from mustafid.core.period import period_days, promised_date, riyadh_day, riyadh_today
from mustafid.core.vocab import ANSWERED, DECIDED, INITIAL, OPEN
from mustafid.forms.kinds import kind_of
from mustafid.review import lifecycle
from mustafid.review.forges.local import LocalForge
from mustafid.review.trailers import members

ANCHOR = checkpoints.ANCHOR
RosterAt = Callable[[dt.datetime], Association]
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class Event:
    commit: str
    at: dt.datetime
    status: str
    before: str | None
    actor: str
    decision: str | None = None
    members: list[str] = field(default_factory=list)
    meeting: str | None = None


@dataclass
class Timeline:
    record: str
    form: str = ""
    channel: str = ""
    events: list[Event] = field(default_factory=list)
    merged_at: dt.datetime | None = None
    kind: str = "request"  # the form's (forms/kinds.py): a request is decided, feedback answered, a survey neither

    @property
    def received(self) -> dt.datetime | None:
        return self.events[0].at if self.events else None

    @property
    def status(self) -> str:
        return self.events[-1].status if self.events else "?"

    @property
    def decision(self) -> Event | None:
        """The request's decision, or the answer to a complaint or suggestion (what the period promises)."""
        ends = ANSWERED if self.kind == "feedback" else DECIDED
        return next((e for e in self.events if e.status in ends), None)


@dataclass
class Anomaly:
    record: str
    commit: str
    code: str
    ar: str
    en: str


Flag = Callable[[str, str, str, str, str], None]  # (record, commit, code, ar, en): one anomaly found


def audit(assoc: Association, forge: LocalForge, today: dt.date | None = None) -> dict[str, Any]:
    """The report's data: rows (one per request), anomalies, and the figures the summary gives. The cyclic
    garbage collector is paused meanwhile: the walk builds hundreds of thousands of small acyclic objects that it
    keeps, and the collector's passes over them cost 15% of the audit and free nothing. (The command keeps it
    paused to the end, cli/commands/audit.py: the first pass after would scan all the report holds.)"""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _audit(assoc, forge, today)
    finally:
        if paused:
            gc.enable()


def _audit(assoc: Association, forge: LocalForge, today: dt.date | None) -> dict[str, Any]:
    today = today or riyadh_today()
    main = forge.main
    anomalies: list[Anomaly] = []

    def flag(record: str, commit: str, code: str, ar: str, en: str) -> None:
        anomalies.append(Anomaly(record, commit[:10], code, ar, en))

    revs = heads(forge)
    # the signatures are verified beside the walk (audit/checks.py starts the worker), only where a roster on main
    # lists keys: keys in an association.yml not yet committed judge nothing
    roster = Roster(forge, assoc)
    on_main = set(forge.git("rev-list", "--first-parent", f"refs/heads/{main}", check=False).decode().split())
    checker = Checker(forge, roster)
    built = _Timelines(assoc, on_main, roster.at, roster.signs)
    checker.then = built.add  # each request's timeline built as the walk checks its commits
    history = checker.run(commits(forge, revs))  # checked as it streams; its findings reported after the seals'
    sealed = checkpoints.check(forge, roster, {c.sha for c in history}, flag)
    checker.report(flag)
    timelines = built.replay(flag, checker.signed)
    order = sorted(timelines, key=lambda r: (timelines[r].received or _EPOCH, r))
    rows = [_row(assoc, timelines[rid], today) for rid in order]
    decided = [r for r in rows if r["decided"] and r["kind"] == "request"]
    answered = [r for r in rows if r["decided"] and r["kind"] == "feedback"]
    figures = {
        "requests": len(rows), "decided": len(decided), "kept": sum(1 for r in decided if r["kept"]),
        "answered": len(answered), "answered_late": sum(1 for r in answered if r["kept"] is False),
        "escalated": sum(1 for r in rows if any(e["status"] == "escalated" for e in r["timeline"])),
        "surveys": sum(1 for r in rows if r["kind"] == "survey"),
        "answer_period_days": assoc.feedback_answer_days,
        "late": sum(1 for r in decided if r["kept"] is False),
        "open": sum(1 for r in rows if r["status"] in OPEN),
        "overdue": sum(1 for r in rows if r["overdue"]), "anomalies": len(anomalies),
        "period_days": assoc.decision_period_days,
    }
    return {"association": assoc.id, "today": today.isoformat(), "main": main,
            "head": forge.branch_tip(main), "sealed": sealed or None, "figures": figures, "rows": rows,
            "anomalies": [asdict(a) for a in anomalies]}


class _Timelines:
    """Each request's events from the commits (parents first, each as soon as audit/checks.py has checked it,
    while the history still streams), flagging what the tools would not have done. `on_main`: main's
    first-parent line, where the tools only ever write merge commits; `roster_at`: the association as it stood on
    a commit's date (today's when not given); `signs`: whether the association signs, so that a decision's members
    must each have signed their vote. The signatures are known only after the walk, so the findings and the
    ballots are kept in order and played back then (`replay`)."""

    def __init__(self, today: Association, on_main: AbstractSet[str] = frozenset(),
                 roster_at: RosterAt | None = None, signs: bool = False) -> None:
        self.today, self.on_main, self.roster_at, self.signs = today, on_main, roster_at, signs
        self.timelines: dict[str, Timeline] = {}
        self.events: list[tuple[str, tuple[Any, ...]]] = []  # ("flag" | a Ballots method, its arguments)

    def flag(self, record: str, commit: str, code: str, ar: str, en: str) -> None:
        self.events.append(("flag", (record, commit, code, ar, en)))

    def replay(self, flag: Flag, signed: Mapping[str, str]) -> dict[str, Timeline]:
        ballots = Ballots(signed)
        for what, args in self.events:
            if what == "flag":
                flag(*args)
            elif what == "verified":
                ballots.verified(*args)
            else:
                getattr(ballots, what)(*args, flag)
        self.events.clear()
        return self.timelines

    def add(self, c: Commit) -> None:
        timelines, flag = self.timelines, self.flag
        assoc = self.roster_at(c.committed or c.at) if self.roster_at else self.today
        rid = c.trailers.get("record")
        if len(c.parents) > 1:  # a merge: the request reached main (its changes were checked on the branch)
            if rid in timelines:
                timelines[rid].merged_at = timelines[rid].merged_at or c.at
            return
        if rid and c.sha in self.on_main:
            flag(rid, c.sha, "merged-without-merge-commit",
                 "وصل الطلب إلى الفرع الرئيسي بلا إيداع دمج (دمج بالضغط squash أو بإعادة التأسيس rebase، أو دفع "
                 "مباشر): يجب أن يُدمج كل طلب بإيداع دمج، كما تفرضه قواعد المستودع في README",
                 "the request reached main without a merge commit (a squash or rebase merge, or a direct push): "
                 "every request must be merged with a merge commit, as the repository rules in the README require")
        for status, path in c.touched:
            pid = stem(path)
            if pid != rid:
                flag(pid, c.sha, "untraced-change",
                     "تغيّر السجل بإيداع لم تسجّله أدوات النظام (تعديل من خارجها، بلا سطور الانتقال في رسالة الإيداع)",
                     "the record was changed by a commit without Mustafid's trailers (an edit outside the tools)")
            if status == "D":
                flag(pid, c.sha, "deleted", "حُذف السجل", "the record was deleted")
        if not rid or "status" not in c.trailers:
            return
        if "vote" in c.trailers:  # a member's vote: no change of status (review/votes.py)
            _check_vote(assoc, timelines.get(rid), rid, c, flag)
            if self.signs:
                self.events.append(("vote", (rid, c.sha, c.trailers.get("actor", ""), c.trailers.get("vote", ""))))
            return
        t = timelines.setdefault(rid, Timeline(rid))
        if not t.form:
            t.kind = kind_of(assoc, c.trailers.get("form", ""))
        t.form = t.form or c.trailers.get("form", "")
        t.channel = t.channel or c.trailers.get("channel", "")
        ev = Event(c.sha, c.at, c.trailers["status"], c.trailers.get("from"), c.trailers.get("actor", ""),
                   c.trailers.get("decision"), members(c.trailers.get("members", "")), c.trailers.get("meeting"))
        _check_event(assoc, t, ev, flag)
        if self.signs and ev.status == "verified" and ev.before != "verified":
            self.events.append(("verified", (rid,)))
        elif self.signs and ev.status in DECIDED and ev.before not in DECIDED and signing_required(assoc):
            self.events.append(("decision", (rid, c.sha, ev.status, ev.members)))
        t.events.append(ev)


def _check_vote(assoc: Association, t: Timeline | None, rid: str, c: Commit, flag: Flag) -> None:
    voter, status = c.trailers.get("actor", ""), c.trailers.get("status")
    if not assoc.is_committee_member(voter):
        flag(rid, c.sha, "vote-by-non-member", f"صوّت «{voter}» وليس في لجنة البحث",
             f"a vote was cast by '{voter}', who is not on the research committee")
    if status != "verified" or c.trailers.get("from") != "verified" or (t is not None and t.status != "verified"):
        flag(rid, c.sha, "vote-on-unverified", "صوت على طلب غير متحقَّق منه", "a vote on a request that is not verified")


def _row(assoc: Association, t: Timeline, today: dt.date) -> dict[str, Any]:
    """One request's row: received, promised by (as the receipt counts it: in Riyadh), decided, kept or late."""
    received = t.received
    promised = promised_date(assoc, received, t.kind) if received and period_days(assoc, t.kind) else None
    d = t.decision
    return {
        "id": t.record, "form": t.form, "kind": t.kind, "channel": t.channel, "status": t.status,
        "received": received.isoformat() if received else None,
        "promised_by": promised.isoformat() if promised else None,
        "decided": d.at.isoformat() if d else None, "outcome": d.status if d else None,
        "decided_by": d.actor if d else None, "members": d.members if d else [],
        "meeting": d.meeting if d else None,
        "days_to_decision": (riyadh_day(d.at) - riyadh_day(received)).days if d and received else None,
        "kept": (riyadh_day(d.at) <= promised) if d and promised else None,
        "overdue": bool(not d and t.status in OPEN and promised and today > promised),
        "merged": t.merged_at.isoformat() if t.merged_at else None,
        "timeline": [{"at": e.at.isoformat(), "status": e.status, "by": e.actor, "commit": e.commit[:10]}
                     for e in t.events],
    }


def _check_event(assoc: Association, t: Timeline, ev: Event, flag: Flag) -> None:
    prev = t.events[-1].status if t.events else None
    if prev is None:
        first = INITIAL.get(t.kind, "received")
        if ev.status != first or ev.before:
            flag(t.record, ev.commit, "bad-start", f"يبدأ تاريخ الطلب بالحالة «{ev.status}» لا بالحالة «{first}»",
                 f"the request's history starts at '{ev.status}', not '{first}'")
        return
    if ev.before != prev:
        flag(t.record, ev.commit, "history-mismatch",
             f"الإيداع يقول إن الحالة كانت «{ev.before}» والتاريخ يقول «{prev}»",
             f"the commit says the status was '{ev.before}', the history says '{prev}'")
    if t.decision is not None and not (prev == "approved" and ev.status == "served"):
        flag(t.record, ev.commit, "changed-after-decision", "تغيّر الطلب بعد القرار",
             "the request changed after its decision")
    elif lifecycle.transition(prev, ev.status, t.kind) is None:
        flag(t.record, ev.commit, "illegal-transition", f"انتقال لا تسمح به الإجراءات: من «{prev}» إلى «{ev.status}»",
             f"a status change the procedure does not allow: '{prev}' to '{ev.status}'")
    if ev.status in DECIDED and ev.at < t.events[-1].at:
        flag(t.record, ev.commit, "decided-before-state",
             f"القرار مؤرَّخ {ev.at:%Y-%m-%d %H:%M} قبل الحالة التي يقرّر فيها ({t.events[-1].at:%Y-%m-%d %H:%M})",
             f"the decision is dated {ev.at:%Y-%m-%d %H:%M}, before the state it decides on "
             f"({t.events[-1].at:%Y-%m-%d %H:%M})")
    if ev.status in DECIDED:
        if not assoc.is_committee_member(ev.actor):
            flag(t.record, ev.commit, "decided-by-non-member", f"سجّل القرار «{ev.actor}» وليس في لجنة البحث",
                 f"the decision was recorded by '{ev.actor}', who is not on the research committee")
        decision = {"outcome": ev.decision, "members": ev.members}
        for p in lifecycle.check_decision(assoc, t.record, ev.status, decision):
            flag(t.record, ev.commit, p.code, p.ar, p.en)


def seal(forge: LocalForge, head: str, report: dict[str, Any] | None = None, key: str | None = None) -> str:
    """A signed checkpoint of ``head`` (audit/seal.py); refused over a rewrite the audit found."""
    return checkpoints.seal(forge, head, report, key)
