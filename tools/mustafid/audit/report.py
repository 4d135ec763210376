"""The audit from history: every request's timeline, its decision against the promised period, and anomalies,
rebuilt from one streamed `git log` (commits' trailers and the files they touched; no record is read).

Every change Mustafid makes to a record is one commit whose trailers say what happened (review.message):
``Mustafid-Record``, ``-Status``, ``-From``, ``-Actor``, and for a decision ``-Decision``, ``-Members``,
``-Meeting``. Auditors need nothing else, and no personal data: the report holds reference numbers, form ids,
channels, statuses, dates and roster ids only.

Anomalies reported: a record changed by a commit without Mustafid's trailers (an edit outside the tools), a
record deleted, a status change the lifecycle does not allow or that contradicts the history before it, a
decision by someone not on the committee, or with members below quorum or not on it, a change after the
decision (other than recording the service), and `main` rewritten since the last sealed audit
(``mustafid audit --seal`` keeps the audited tip in ``refs/mustafid/audited``).

The roster checked is the one in association.yml now (a member who has since left is reported): the report
says so.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mustafid.core.vocab import RIYADH
from mustafid.review import lifecycle
from mustafid.review.forges.local import LocalForge

ANCHOR = "refs/mustafid/audited"
_MERGED_BRANCH = re.compile(r"submission/([0-9A-Z]{4}-[0-9A-Z]{4})\b")
_RS, _US = "\x1e", "\x1f"


@dataclass
class Commit:
    sha: str
    parents: list[str]
    at: dt.datetime
    trailers: dict[str, str]
    touched: list[tuple[str, str]]  # (git status letter, path) under submissions/


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

    @property
    def received(self) -> dt.datetime | None:
        return self.events[0].at if self.events else None

    @property
    def status(self) -> str:
        return self.events[-1].status if self.events else "?"

    @property
    def decision(self) -> Event | None:
        return next((e for e in self.events if e.status in lifecycle.DECIDED), None)


@dataclass
class Anomaly:
    record: str
    commit: str
    code: str
    ar: str
    en: str


def _commits(forge: LocalForge, revs: list[str]) -> Iterator[Commit]:
    """Every commit reachable from ``revs``, parents first, read from one `git log` as it streams."""
    fmt = f"{_RS}%H{_US}%P{_US}%aI{_US}%s{_US}%(trailers:only=true,unfold=true){_US}"
    proc = subprocess.Popen(["git", "-C", str(forge.repo), "log", "--reverse", "--topo-order", f"--format={fmt}",
                             "--name-status", "--no-renames", *revs, "--"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    buf, complete = "", False
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode  # a character may straddle two reads
    try:
        for chunk in iter(lambda: proc.stdout.read(1 << 16), b""):  # type: ignore[union-attr]
            buf += decode(chunk)
            *whole, buf = buf.split(_RS)
            for part in whole:
                if part:
                    yield _parse(part)
        buf += decode(b"", final=True)
        if buf:
            yield _parse(buf)
        complete = True
    finally:
        proc.stdout.close()
        if proc.wait() != 0 and complete:  # (a reader that stopped early closed the pipe: git's failure is ours)
            from mustafid.core.errors import UserError

            raise UserError("تعذرت قراءة تاريخ git: تأكد أن --repo يشير إلى مستودع السجلات",
                            "git log failed: is --repo the records repository?")


def _parse(part: str) -> Commit:
    sha, parents, at, subject, trailers, files = (part.split(_US) + [""] * 6)[:6]
    tr: dict[str, str] = {}
    for line in trailers.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.startswith("Mustafid-"):
            tr[key[len("Mustafid-"):].lower()] = value.strip()
    touched = []
    for line in files.splitlines():
        status, _, path = line.partition("\t")
        if path.startswith("submissions/") and path.endswith(".yml"):
            touched.append((status[:1], path))
    if "record" not in tr and len(parents.split()) > 1:
        # A pull request merged on GitHub: "Merge pull request #12 from owner/submission/K7M3-9QXD".
        m = _MERGED_BRANCH.search(subject)
        if m:
            tr["record"] = m.group(1)
    return Commit(sha, parents.split(), dt.datetime.fromisoformat(at), tr, touched)


def _members(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def audit(assoc: Any, forge: LocalForge, today: dt.date | None = None) -> dict[str, Any]:
    """The report's data: rows (one per request), anomalies, and the figures the summary gives."""
    from mustafid.core.period import promised_date

    today = today or dt.date.today()
    main = forge.main
    # main, and every review branch: local ones (the local forge) and fetched ones (a clone of the GitHub
    # repository: `git fetch` brings them as origin/submission/...).
    heads = forge.git("for-each-ref", "--format=%(refname)", f"refs/heads/{main}", "refs/heads/submission/",
                      "refs/remotes/*/submission/*").decode().split()
    revs = sorted(set(heads))
    timelines: dict[str, Timeline] = {}
    anomalies: list[Anomaly] = []

    def flag(record: str, commit: str, code: str, ar: str, en: str) -> None:
        anomalies.append(Anomaly(record, commit[:10], code, ar, en))

    sealed = forge.git("rev-parse", "--verify", "-q", ANCHOR, check=False).decode().strip()
    kept = sealed and subprocess.run(["git", "-C", str(forge.repo), "merge-base", "--is-ancestor", sealed,
                                      f"refs/heads/{main}"], capture_output=True).returncode == 0
    if sealed and not kept:
        flag("-", sealed, "history-rewritten", f"أعيدت كتابة تاريخ {main} منذ آخر تدقيق مختوم: الإيداع {sealed[:10]} لم يعد فيه",
             f"{main} was rewritten since the last sealed audit: commit {sealed[:10]} is no longer in it")
    for c in (_commits(forge, revs) if revs else iter(())):
        rid = c.trailers.get("record")
        if len(c.parents) > 1:  # a merge: the request reached main (its changes were checked on the branch)
            if rid in timelines:
                timelines[rid].merged_at = timelines[rid].merged_at or c.at
            continue
        for status, path in c.touched:
            pid = PurePosixPath(path).stem
            if pid != rid:
                flag(pid, c.sha, "untraced-change", "تغيّر السجل بإيداع لم تسجّله أدوات النظام (تعديل من خارجها، بلا سطور الانتقال في رسالة الإيداع)",
                     "the record was changed by a commit without Mustafid's trailers (an edit outside the tools)")
            if status == "D":
                flag(pid, c.sha, "deleted", "حُذف السجل", "the record was deleted")
        if not rid or "status" not in c.trailers:
            continue
        t = timelines.setdefault(rid, Timeline(rid))
        t.form = t.form or c.trailers.get("form", "")
        t.channel = t.channel or c.trailers.get("channel", "")
        ev = Event(c.sha, c.at, c.trailers["status"], c.trailers.get("from"), c.trailers.get("actor", ""),
                   c.trailers.get("decision"), _members(c.trailers.get("members", "")), c.trailers.get("meeting"))
        _check_event(assoc, t, ev, flag)
        t.events.append(ev)

    def day(at: dt.datetime) -> dt.date:  # days as the receipt counts them: in Riyadh
        return at.astimezone(RIYADH).date()

    rows = []
    for rid in sorted(timelines, key=lambda r: (timelines[r].received or dt.datetime.min.replace(tzinfo=dt.UTC), r)):
        t = timelines[rid]
        received = t.received
        promised = promised_date(assoc, received.astimezone(RIYADH).isoformat()) if received else None
        d = t.decision
        row: dict[str, Any] = {
            "id": rid, "form": t.form, "channel": t.channel, "status": t.status,
            "received": received.isoformat() if received else None,
            "promised_by": promised.isoformat() if promised else None,
            "decided": d.at.isoformat() if d else None, "outcome": d.status if d else None,
            "decided_by": d.actor if d else None, "members": d.members if d else [], "meeting": d.meeting if d else None,
            "days_to_decision": (day(d.at) - day(received)).days if d and received else None,
            "kept": (day(d.at) <= promised) if d and promised else None,
            "overdue": bool(not d and t.status in lifecycle.OPEN and promised and today > promised),
            "merged": t.merged_at.isoformat() if t.merged_at else None,
            "timeline": [{"at": e.at.isoformat(), "status": e.status, "by": e.actor, "commit": e.commit[:10]} for e in t.events],
        }
        rows.append(row)
    decided = [r for r in rows if r["decided"]]
    figures = {
        "requests": len(rows), "decided": len(decided), "kept": sum(1 for r in decided if r["kept"]),
        "late": sum(1 for r in decided if r["kept"] is False),
        "open": sum(1 for r in rows if r["status"] in lifecycle.OPEN),
        "overdue": sum(1 for r in rows if r["overdue"]), "anomalies": len(anomalies),
        "period_days": assoc.decision_period_days,
    }
    return {"association": assoc.id, "today": today.isoformat(), "main": main,
            "head": forge.branch_tip(main), "sealed": sealed or None, "figures": figures, "rows": rows,
            "anomalies": [a.__dict__ for a in anomalies]}


def _check_event(assoc: Any, t: Timeline, ev: Event, flag: Any) -> None:
    prev = t.events[-1].status if t.events else None
    if prev is None:
        if ev.status != "received" or ev.before:
            flag(t.record, ev.commit, "bad-start", f"يبدأ تاريخ الطلب بالحالة «{ev.status}» لا بالاستلام «received»",
                 f"the request's history starts at '{ev.status}', not 'received'")
        return
    if ev.before != prev:
        flag(t.record, ev.commit, "history-mismatch", f"الإيداع يقول إن الحالة كانت «{ev.before}» والتاريخ يقول «{prev}»",
             f"the commit says the status was '{ev.before}', the history says '{prev}'")
    if t.decision is not None and not (prev == "approved" and ev.status == "served"):
        flag(t.record, ev.commit, "changed-after-decision", "تغيّر الطلب بعد القرار", "the request changed after its decision")
    elif lifecycle.transition(prev, ev.status) is None:
        flag(t.record, ev.commit, "illegal-transition", f"انتقال لا تسمح به الإجراءات: من «{prev}» إلى «{ev.status}»",
             f"a status change the procedure does not allow: '{prev}' to '{ev.status}'")
    if ev.status in lifecycle.DECIDED:
        if not assoc.is_committee_member(ev.actor):
            flag(t.record, ev.commit, "decided-by-non-member", f"سجّل القرار «{ev.actor}» وليس في لجنة البحث",
                 f"the decision was recorded by '{ev.actor}', who is not on the research committee")
        decision = {"outcome": ev.decision, "members": ev.members}
        for p in lifecycle.check_decision(assoc, t.record, ev.status, decision):
            flag(t.record, ev.commit, p.code, p.ar, p.en)


def seal(forge: LocalForge, head: str) -> None:
    """Remember ``head`` as audited: the next audit reports it if main no longer contains it."""
    forge.git("update-ref", ANCHOR, head)


def render(report: dict[str, Any]) -> str:
    """The report as Markdown (templates/audit.md.j2), Arabic and English."""
    import jinja2

    from mustafid.core.text import arabic_digits
    from mustafid.review.actions import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["ar"] = arabic_digits
    return env.get_template("audit.md.j2").render(r=report, f=report["figures"])
