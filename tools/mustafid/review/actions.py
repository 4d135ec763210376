"""Review actions on a submission branch: list, summary, verify, request info, resubmit, decide, serve, withdraw.

Every action reads the record at its branch tip, builds the next version, runs lifecycle.check_transition on
(before, after) — the same check CI runs on a pull request — and only then writes one commit whose trailers
(docs/architecture.md) carry the change. Closing actions (decide, withdraw, serve) also merge into main.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mustafid.core.errors import NotFound, UserError
from mustafid.core.period import days_left
from mustafid.review import lifecycle
from mustafid.review.forges.local import PREFIX, LocalForge

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _now() -> str:
    from mustafid.records.format import now

    return now().isoformat()


def _parse(text: bytes) -> dict[str, Any]:
    import yaml

    data = yaml.load(text, Loader=yaml.CSafeLoader)  # C loader: review lists many records
    if not isinstance(data, dict):
        raise UserError("السجل ليس خريطة YAML: شغّل mustafid validate عليه", "the record is not a YAML mapping; "
                        "run `mustafid validate` on it")
    return data


_LISTED = ("id", "form", "channel", "submitted_at", "status", "flags", "duplicate_of")


def _head(blob: bytes) -> dict[str, Any]:
    """The lifecycle keys the list shows. dump_record writes them before `declaration:` and `data:`, so only
    that head is parsed (about 10x faster on large records); a hand-edited record missing one is read whole."""
    cut = blob.find(b"\ndeclaration:")
    if cut > 0:
        head = _parse(blob[:cut])
        if all(k in head for k in _LISTED):
            return head
    return _parse(blob)


def find(forge: LocalForge, record_id: str) -> tuple[str, str, str, dict[str, Any]]:
    """(branch, tip, path, record) for one id, or NotFound naming what to check."""
    from mustafid.records.format import parse_record_id

    rid = parse_record_id(record_id) or record_id
    branch = PREFIX + rid
    tip = forge.branch_tip(branch)
    if tip is None:
        raise NotFound(f"لا يوجد طلب برقم {record_id}: تحقق من الرقم (mustafid review يعرض الطلبات المفتوحة)",
                       f"no request {record_id}: check the number (`mustafid review` lists open requests)")
    path = forge.record_paths({branch: tip}).get(branch)
    if path is None:  # the tip touched only a document: look the record up in the tree
        names = forge.git("ls-tree", "-r", "--name-only", tip, "--", "submissions/").decode().splitlines()
        path = next((n for n in names if n.endswith(f"/{rid}.yml")), None)
    if path is None:
        raise NotFound(f"فرع {branch} لا يحوي سجلًا", f"the branch {branch} holds no record")
    return branch, tip, path, _parse(forge.read_file(tip, path))


def list_open(assoc: Any, forge: LocalForge, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open requests without personal data: two git processes whatever the number of branches."""
    tips = forge.branches()
    paths = forge.record_paths(tips)
    order = sorted(paths)
    blobs = forge.read_many([f"{tips[b]}:{paths[b]}" for b in order])
    today = today or dt.date.today()
    rows = []
    for branch, blob in zip(order, blobs):
        if blob is None:
            continue
        r = _head(blob)
        if r.get("status") not in lifecycle.OPEN:
            continue
        start = dt.datetime.fromisoformat(str(r["submitted_at"])).date()
        rows.append({"id": r.get("id"), "form": r.get("form"), "channel": r.get("channel"),
                     "status": r.get("status"), "age_days": (today - start).days,
                     "days_left": days_left(assoc, r, today),
                     "duplicate": bool(r.get("duplicate_of")) or "possible_duplicate" in (r.get("flags") or [])})
    rows.sort(key=lambda row: (row["days_left"], row["id"]))
    return rows


def summary(assoc: Any, record: Mapping[str, Any], lang: str = "ar", redact: bool = False) -> str:
    """The review summary (templates/review_summary.md.j2) with the form's labels. `redact` hides every field
    the form tags personal/sensitive: what leaves the association (a GitHub pull request) never holds them."""
    import jinja2

    from mustafid.forms.load import load_forms

    forms = load_forms(assoc)
    form = forms.get(str(record.get("form")))
    data = dict(record.get("data") or {})
    if form is None:
        answers = [(k, str(v)) for k, v in data.items()]
        title = str(record.get("form"))
    else:
        if redact:
            hidden = {p.split(".")[0] for p in form.personal_fields}
            data = {k: v for k, v in data.items() if k not in hidden}
        answers = form.summary(data, lang)
        title = form.title(lang)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template("review_summary.md.j2").render(
        r=record, lang=lang, title=title, answers=answers, redacted=redact,
        days_left=days_left(assoc, record), period=assoc.decision_period_days,
        referral=assoc.referral_to_social_research)


def message(verb: str, record: Mapping[str, Any], before: str | None, actor: str,
            decision: Mapping[str, Any] | None = None) -> str:
    """A commit message with the architecture's trailers; ids and roster ids only, no personal data."""
    lines = [f"{verb} {record['id']} ({record['form']})", "", f"Mustafid-Record: {record['id']}",
             f"Mustafid-Form: {record['form']}", f"Mustafid-Status: {record['status']}"]
    if before:
        lines.append(f"Mustafid-From: {before}")
    lines += [f"Mustafid-Actor: {actor}", f"Mustafid-Channel: {record.get('channel')}"]
    if decision:
        lines += [f"Mustafid-Decision: {decision['outcome']}",
                  f"Mustafid-Members: {', '.join(decision['members'])}",
                  f"Mustafid-Meeting: {decision['meeting']}"]
    return "\n".join(lines) + "\n"


def _require_actor(assoc: Any, actor: str | None, role: str) -> str:
    if not actor:
        raise UserError("من أنت؟ حدّد معرّفك في القائمة بالخيار --as أو المتغير MUSTAFID_ACTOR",
                        "who are you? give your roster id with --as or $MUSTAFID_ACTOR")
    ok = {"staff": assoc.is_staff(actor) or assoc.is_committee_member(actor),
          "committee": assoc.is_committee_member(actor),
          "any": assoc.is_staff(actor) or assoc.is_committee_member(actor)}[role]
    if not ok:
        who = "لجنة البحث" if role == "committee" else "الموظفين أو اللجنة"
        raise UserError(f"«{actor}» ليس في قائمة {who} في association.yml: هذه الخطوة لأعضائها فقط",
                        f"'{actor}' is not on the {'research committee' if role == 'committee' else 'staff or committee'}"
                        " roster in association.yml; only they may take this step")
    return actor


def _apply(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, new_status: str,
           change: Callable[[dict[str, Any], str, str], None], merge: bool = True) -> dict[str, Any]:
    from mustafid.records.format import dump_record

    branch, tip, path, before = find(forge, record_id)
    old = str(before.get("status"))
    t = lifecycle.transition(old, new_status)
    actor = _require_actor(assoc, actor, t.role if t else "any")
    after = copy.deepcopy(before)
    after["status"] = new_status
    change(after, actor, _now())
    problems = lifecycle.check_transition(assoc, before, after, file=path)
    if problems:
        raise UserError(f"رُفض الإجراء على {before.get('id')}: صحّح ما يلي", f"refused on {before.get('id')}: fix the "
                        "following", problems)
    verb = t.verb if t else new_status
    decision = after["decision"] if t and t.field == "decision" else None
    msg = message(verb, after, old, actor, decision)
    new_tip = forge.commit_on_branch(branch, {path: dump_record(after, path=path).encode()}, msg, expected_tip=tip)
    # merge=False: on the GitHub forge the merge is done in the pull request's UI, after CI re-checks this commit.
    if merge and new_status in lifecycle.CLOSED:
        try:
            forge.merge_into_main(branch, msg.replace(f"{verb} ", f"Merge {verb.lower()} ", 1))
        except Exception:
            # Nothing half-done: the branch goes back to where it was, main was never moved.
            forge.git("update-ref", f"refs/heads/{branch}", tip, new_tip)
            raise
    return after


def verify(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, note: str = "") -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["verification"] = {"by": by, "at": at, "note": note}
    return _apply(assoc, forge, record_id, actor, "verified", change)


def request_info(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, note: str) -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["info_requests"] = [*(r.get("info_requests") or []), {"by": by, "at": at, "note": note}]
    return _apply(assoc, forge, record_id, actor, "needs_info", change)


def resubmit(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, note: str = "") -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["info_requests"] = [*(r.get("info_requests") or []),
                              {"by": by, "at": at, "note": note or "resubmitted", "resubmitted": True}]
    return _apply(assoc, forge, record_id, actor, "received", change)


def decide(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, outcome: str, reason: str,
           members: list[str], meeting: str, merge: bool = True) -> dict[str, Any]:
    status = {"approve": "approved", "reject": "rejected"}.get(outcome, outcome)
    if status not in lifecycle.DECIDED:
        raise UserError("القرار إما approve أو reject", "the decision is approve or reject")

    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["decision"] = {"outcome": status, "reason": reason, "members": list(members), "meeting": meeting,
                         "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, status, change, merge)


def serve(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, provided: str) -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["service"] = {"provided": provided, "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, "served", change)


def withdraw(assoc: Any, forge: LocalForge, record_id: str, actor: str | None, reason: str) -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["withdrawal"] = {"reason": reason, "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, "withdrawn", change)


def check_range(assoc: Any, forge: LocalForge, base: str, head: str) -> list[Any]:
    """Every lifecycle problem in the commits base..head (oldest first; merges add nothing of their own),
    each record change checked against its previous version: the CI gate of a pull request, and the same check_transition
    `decide` runs. A record edited after its decision, a decision below quorum, a deleted record… all show."""
    from mustafid.core.errors import Problem

    if not forge.git("rev-parse", "--verify", "-q", f"{base}^{{commit}}", check=False).strip():
        raise UserError(f"المرجع {base} غير موجود: هل جُلب الفرع الأساسي (git fetch)؟",
                        f"no revision {base}: was the base branch fetched (git fetch)?")
    out = forge.git("log", "--reverse", "--format=%x00%H %P", "--name-status",
                    f"{base}..{head}", "--", "submissions/").decode()
    changes: list[tuple[str, str, str]] = []  # (parent, commit, path)
    for chunk in out.split("\0")[1:]:
        lines = [x for x in chunk.splitlines() if x.strip()]
        shas = lines[0].split()
        commit, parent = shas[0], (shas[1] if len(shas) > 1 else "")
        if len(shas) > 2:
            continue  # a merge: its changes were checked on the branch's own commits
        for line in lines[1:]:
            status, *paths = line.split("\t")
            path = paths[-1]
            if path.endswith(".yml"):
                changes.append((parent, commit, path))
    wanted = []
    for parent, commit, path in changes:
        wanted += [f"{parent}:{path}" if parent else "0" * 40 + ":x", f"{commit}:{path}"]
    blobs = forge.read_many(wanted)
    problems: list[Problem] = []
    for i, (parent, commit, path) in enumerate(changes):
        try:
            before = _parse(blobs[2 * i]) if blobs[2 * i] is not None else None
            after = _parse(blobs[2 * i + 1]) if blobs[2 * i + 1] is not None else None
        except Exception:
            continue
        for p in lifecycle.check_transition(assoc, before, after, file=path):
            problems.append(Problem(p.file, p.path, p.ar, f"{p.en} (commit {commit[:10]})", p.line, p.code))
    return problems
