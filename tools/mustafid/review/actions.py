"""The review actions on a submission branch: verify, request info, resubmit, decide, serve, withdraw; for
complaints and suggestions, answer and escalate (review/lifecycle.py: each form kind its own path).

Every action reads the record at its branch tip, builds the next version, runs lifecycle.check_transition on
(before, after) — the same check CI runs on a pull request — and only then writes one commit whose trailers
(review/trailers.py) carry the change. Closing actions (decide, withdraw, serve) also merge into main.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mustafid.config.association import Association
from mustafid.config.keys import signing_required
from mustafid.core.errors import UserError
from mustafid.core.vocab import APPLICANT, CLOSED, DECIDED, INCOMPLETE
from mustafid.review import lifecycle
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import find
from mustafid.review.trailers import merge_message, message, vote_message
from mustafid.review.votes import current_votes, members_for

OUTCOMES = {"approve": "approved", "reject": "rejected"}  # `mustafid decide`'s word -> the status it records
Change = Callable[[dict[str, Any], str, str], None]  # (the record's next version, actor, time) -> fills it in


def _now() -> str:
    from mustafid.records.format import now

    return now().isoformat()


def require_actor(assoc: Association, actor: str | None, role: str) -> str:
    """The actor, if the roster lets them take a step of ``role`` ("staff", "committee" or "any")."""
    if not actor:
        raise UserError("من أنت؟ حدّد معرّفك في القائمة بالخيار --as أو المتغير MUSTAFID_ACTOR",
                        "who are you? give your roster id with --as or $MUSTAFID_ACTOR")
    ok = assoc.is_committee_member(actor) if role == "committee" else \
        assoc.is_staff(actor) or assoc.is_committee_member(actor)
    if not ok:
        who = "لجنة البحث" if role == "committee" else "الموظفين أو اللجنة"
        roster = "research committee" if role == "committee" else "staff or committee"
        raise UserError(f"«{actor}» ليس في قائمة {who} في association.yml: هذه الخطوة لأعضائها فقط",
                        f"'{actor}' is not on the {roster} roster in association.yml; only they may take this step")
    return actor


def _apply(assoc: Association, forge: LocalForge, record_id: str, actor: str | None, new_status: str,
           change: Change, merge: bool = True) -> dict[str, Any]:
    from mustafid.forms.kinds import kind_of
    from mustafid.records.format import dump_record

    branch, tip, path, before = find(forge, record_id)
    old = str(before.get("status"))
    kind = kind_of(assoc, before.get("form"))
    t = lifecycle.transition(old, new_status, kind)
    if t is None and old == new_status:  # done already (by someone else, or twice): never a silent overwrite
        raise UserError(f"الطلب {before.get('id')} حالته {old} من قبل: لا شيء يُفعل",
                        f"request {before.get('id')} is already {old}: there is nothing to do")
    if kind == "survey":
        raise UserError(f"{before.get('id')} استبانة: تُسجَّل فقط، فلا يُتحقق منها ولا يُقرَّر فيها ولا تُسحب",
                        f"{before.get('id')} is a survey: it is recorded only, never verified, decided or withdrawn")
    if not (actor == APPLICANT and t is not None and t.applicant):  # the applicant's own link: checked by the caller
        actor = require_actor(assoc, actor, t.role if t else "any")
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
    if merge and new_status in CLOSED:
        try:
            forge.merge_into_main(branch, merge_message(verb, msg))
        except Exception:
            # Nothing half-done: the branch goes back to where it was, main was never moved.
            forge.git("update-ref", f"refs/heads/{branch}", tip, new_tip)
            raise
    return after


def verify(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
           note: str = "") -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["verification"] = {"by": by, "at": at, "note": note}
    return _apply(assoc, forge, record_id, actor, "verified", change)


def request_info(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
                 note: str) -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["info_requests"] = [*(r.get("info_requests") or []), {"by": by, "at": at, "note": note}]
    return _apply(assoc, forge, record_id, actor, "needs_info", change)


def resubmit(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
             note: str = "", documents: Sequence[Mapping[str, Any]] = (), answer_sha256: str = "",
             answer_key: str = "") -> dict[str, Any]:
    """needs_info -> received; `documents`: what the applicant brought, already in the document store, as the
    record's entries. One for a single-document field replaces the one it had (history keeps the old entry);
    for a field of several documents it is added. Checked against the form like any record's documents.
    ``answer_key``: the addendum key the answer is sealed with (review/addenda.py), where the request is sealed."""
    def change(r: dict[str, Any], by: str, at: str) -> None:
        entry = {"by": by, "at": at, "note": note or "resubmitted", "resubmitted": True}
        if answer_sha256:
            entry["answer_sha256"] = answer_sha256
            if answer_key:
                entry["key"] = answer_key
        r["info_requests"] = [*(r.get("info_requests") or []), entry]
        if documents:
            r["documents"] = _with_documents(assoc, r, documents)
            _still_missing(r)
    return _apply(assoc, forge, record_id, actor, "received", change)


def _still_missing(r: dict[str, Any]) -> None:
    """A request left incomplete at intake is complete once every document left for later is attached."""
    have = {str(d.get("field")) for d in r.get("documents") or []}
    missing = [f for f in r.get("missing_documents") or [] if f not in have]
    if missing:
        r["missing_documents"] = missing
        return
    r.pop("missing_documents", None)
    r["flags"] = [f for f in r.get("flags") or [] if f != INCOMPLETE]


def _with_documents(assoc: Association, record: Mapping[str, Any],
                    new: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    from mustafid.forms.load import load_forms
    from mustafid.forms.validation import check_documents

    form = load_forms(assoc)[str(record.get("form"))]
    multiple = {path for path, f in form.walk() if f.type == "file" and f.multiple}
    replaced = {str(d["field"]) for d in new if str(d["field"]) not in multiple}
    kept = [dict(d) for d in record.get("documents") or [] if str(d.get("field")) not in replaced]
    merged = kept + [dict(d) for d in new]
    later = set(record.get("missing_documents") or [])
    problems = [p for p in check_documents(form, record.get("data") or {}, merged)
                if not (p.code == "file_required" and p.path in later)]
    if problems:
        raise UserError("المستندات المرفقة لا تصلح لهذا النموذج: صحّح ما يلي", "the documents attached do not "
                        "fit the form: fix the following", problems)
    return merged


def complete_by_applicant(assoc: Association, forge: LocalForge, record_id: str, n: int, answer_sha256: str = "",
                          documents: Sequence[Mapping[str, Any]] = (), answer_key: str = "") -> dict[str, Any]:
    """The applicant's answer to the n-th request for information, through the signed link of its notice: the
    same resubmission staff record (needs_info -> received, the documents checked against the form), by
    ``applicant``. What they typed is kept in the document store beside the repository (it may be personal;
    sealed with an addendum key where the request is: review/addenda.py), the record naming it by its SHA-256
    only. Refused when that request is no longer the open one."""
    record = find(forge, record_id)[3]
    asks = [r for r in record.get("info_requests") or [] if not r.get("resubmitted")]
    if record.get("status") != "needs_info" or len(asks) != n:
        raise UserError("هذا الرابط لم يعد صالحًا: أُجيب عن الطلب أو تغيّر", "this link no longer applies: the "
                        "request for information was answered or has changed")
    if not answer_sha256 and not documents:
        raise UserError("اكتب ما طُلب منك أو أرفق المستندات", "write what was asked or attach the documents")
    note = "answered through the link" if answer_sha256 else "documents sent through the link"
    return resubmit(assoc, forge, record_id, APPLICANT, note, documents, answer_sha256, answer_key)


def decide(assoc: Association, forge: LocalForge, record_id: str, actor: str | None, outcome: str, reason: str,
           members: list[str], meeting: str, merge: bool = True) -> dict[str, Any]:
    status = OUTCOMES.get(outcome, outcome)
    if status not in DECIDED:
        raise UserError("القرار إما approve أو reject", "the decision is approve or reject")

    def change(r: dict[str, Any], by: str, at: str) -> None:
        agreed = members_for(r, status, list(members), signing_required(assoc))
        r["decision"] = {"outcome": status, "reason": reason, "members": agreed, "meeting": meeting,
                         "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, status, change, merge)


def serve(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
          provided: str) -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["service"] = {"provided": provided, "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, "served", change)


def withdraw(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
             reason: str) -> dict[str, Any]:
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["withdrawal"] = {"reason": reason, "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, "withdrawn", change)


def answer(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
           text: str) -> dict[str, Any]:
    """A complaint or suggestion answered (received or escalated -> answered); closes it and merges."""
    if not text.strip():
        raise UserError("اكتب الرد على الشكوى أو الاقتراح (--text)", "write the answer (--text)")

    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["answer"] = {"text": text.strip(), "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, "answered", change)


def escalate(assoc: Association, forge: LocalForge, record_id: str, actor: str | None,
             reason: str) -> dict[str, Any]:
    """A complaint or suggestion raised to the board (received -> escalated), e.g. unanswered in its period."""
    def change(r: dict[str, Any], by: str, at: str) -> None:
        r["escalation"] = {"to": "board", "reason": reason, "at": at, "by": by}
    return _apply(assoc, forge, record_id, actor, "escalated", change, merge=False)


def escalate_late(assoc: Association, forge: LocalForge, actor: str | None,
                  today: dt.date | None = None) -> list[str]:
    """Every complaint or suggestion past its answer period, escalated to the board (a scheduled job's step)."""
    from mustafid.review.queries import late_feedback

    late = late_feedback(assoc, forge, today)
    days = assoc.feedback_answer_days
    for rid in late:
        escalate(assoc, forge, rid, actor, f"unanswered after {days} days")
    return late


def file_survey(assoc: Association, forge: LocalForge, record_id: str, actor: str | None) -> dict[str, Any]:
    """A recorded survey merged into main as it is (its branch is then done with): a survey has no path, so
    nothing about it changes; this only keeps open branches (and pull requests) for what waits for someone."""
    from mustafid.forms.kinds import kind_of

    who = require_actor(assoc, actor, "staff")
    branch, tip, _path, record = find(forge, record_id)
    if kind_of(assoc, record.get("form")) != "survey" or record.get("status") != "recorded":
        raise UserError(f"{record_id} ليس استبانة مسجّلة", f"{record_id} is not a recorded survey")
    main_tip = forge.branch_tip(forge.main) or ""
    if forge.git("rev-list", "--count", f"{main_tip}..{tip}").strip() == b"0":
        raise UserError(f"الاستبانة {record_id} في الفرع الرئيسي من قبل", f"the survey {record_id} is already on main")
    forge.merge_into_main(branch, merge_message("File", message("File", record, "recorded", who)))
    return record


def vote(assoc: Association, forge: LocalForge, record_id: str, actor: str | None, outcome: str,
         reason: str) -> dict[str, Any]:
    """One member's vote on a verified request, one commit."""
    from mustafid.records.format import dump_record, now

    status = OUTCOMES.get(outcome, outcome)
    if status not in DECIDED:
        raise UserError("التصويت إما approve أو reject", "a vote is approve or reject")
    member = require_actor(assoc, actor, "committee")
    if not reason.strip():
        raise UserError("اكتب سبب صوتك (--reason)", "give the reason for your vote (--reason)")
    branch, tip, path, before = find(forge, record_id)
    if before.get("status") != "verified":
        raise UserError(f"يُصوَّت على طلب متحقَّق منه فقط، وحالة {record_id} الآن {before.get('status')}",
                        f"votes are cast on a verified request; {record_id} is {before.get('status')}")
    if member in {str(v.get("by")) for v in current_votes(before)}:
        raise UserError(f"صوّت «{member}» على {record_id} من قبل: لكل عضو صوت واحد",
                        f"'{member}' has already voted on {record_id}: one vote per member")
    after = copy.deepcopy(before)
    after["votes"] = [*(before.get("votes") or []),
                      {"by": member, "at": now().isoformat(), "outcome": status, "reason": reason}]
    state = forge.git("rev-parse", f"{tip}:{path}").decode().strip()
    msg = vote_message(after, member, status, state)
    forge.commit_on_branch(branch, {path: dump_record(after, path=path).encode()}, msg, expected_tip=tip)
    return after
