"""The request lifecycle: one declared state machine, and the one check the CLI and CI both run.

The seeds' procedure (receive → verify data and documents → committee studies → accept or reject → complete
registration → provide the service) is the table TRANSITIONS below: the path of a form of kind ``request``.
A complaint or suggestion (kind ``feedback``) is answered (received → answered), and goes to the board when its
answer period passes unanswered (received → escalated → answered); a survey (kind ``survey``) is recorded and
has no path at all. The kind is the form definition's (forms/kinds.py). `check_transition` compares two versions
of one record (the base and the head of a review, or the record before and after a CLI action) and returns
every rule broken, so `mustafid decide` refuses exactly what CI would flag on a pull request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mustafid.config.association import Association
from mustafid.core.errors import Problem
from mustafid.core.vocab import ANSWERED, APPLICANT, CLOSED, DECIDED, INCOMPLETE, OPEN, STATUSES
from mustafid.forms.kinds import initial_status, kind_of


@dataclass(frozen=True)
class Transition:
    """One allowed status change: the record field it fills and the keys that field must hold."""

    before: str
    after: str
    field: str                      # the lifecycle field the transition writes
    required: tuple[str, ...]       # keys that must be non-empty in that field
    role: str                       # "staff", "committee" or "any" (who may perform it)
    verb: str                       # for commit subjects
    applicant: bool = False         # the applicant may take it too, through a signed link (notices/links.py)


_WHO_WHEN = ("by", "at")
TRANSITIONS: tuple[Transition, ...] = (
    Transition("received", "verified", "verification", _WHO_WHEN, "staff", "Verify"),
    Transition("received", "needs_info", "info_requests", (*_WHO_WHEN, "note"), "staff", "Request info on"),
    Transition("needs_info", "received", "info_requests", _WHO_WHEN, "staff", "Resubmit", applicant=True),
    Transition("verified", "approved", "decision",
               (*_WHO_WHEN, "outcome", "reason", "members", "meeting"), "committee", "Approve"),
    Transition("verified", "rejected", "decision",
               (*_WHO_WHEN, "outcome", "reason", "members", "meeting"), "committee", "Reject"),
    Transition("approved", "served", "service", (*_WHO_WHEN, "provided"), "staff", "Serve"),
    *(Transition(s, "withdrawn", "withdrawal", (*_WHO_WHEN, "reason"), "any", "Withdraw") for s in OPEN),
)
# Complaints and suggestions: answered by staff (for the board, once escalated); late ones go to the board.
FEEDBACK_TRANSITIONS: tuple[Transition, ...] = (
    Transition("received", "answered", "answer", (*_WHO_WHEN, "text"), "staff", "Answer"),
    Transition("received", "escalated", "escalation", (*_WHO_WHEN, "to", "reason"), "staff", "Escalate"),
    Transition("escalated", "answered", "answer", (*_WHO_WHEN, "text"), "staff", "Answer"),
    *(Transition(s, "withdrawn", "withdrawal", (*_WHO_WHEN, "reason"), "any", "Withdraw")
      for s in ("received", "escalated")),
)
PATHS: dict[str, tuple[Transition, ...]] = {"request": TRANSITIONS, "feedback": FEEDBACK_TRANSITIONS, "survey": ()}
_BY_PAIR = {kind: {(t.before, t.after): t for t in path} for kind, path in PATHS.items()}


def transition(before: str, after: str, kind: str = "request") -> Transition | None:
    return _BY_PAIR.get(kind, _BY_PAIR["request"]).get((before, after))


def allowed_from(status: str, kind: str = "request") -> tuple[str, ...]:
    return tuple(t.after for t in PATHS.get(kind, TRANSITIONS) if t.before == status)


def _p(file: str, path: str, code: str, ar: str, en: str) -> Problem:
    return Problem(file, path, ar, en, None, code)


def _empty(v: Any) -> bool:
    return v is None or v in ("", [], {})


def _last(field_value: Any) -> Any:
    """info_requests is a list (one entry per request/resubmission): the newest entry is the one checked."""
    if isinstance(field_value, list):
        return field_value[-1] if field_value else None
    return field_value


def check_transition(assoc: Association, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
                     file: str = "", kind: str | None = None) -> list[Problem]:
    """Every lifecycle rule the change from `before` to `after` breaks (empty list = legal).

    `before` is None for a new record (it must start as `received`); `after` None means the record was
    deleted, which is never legal once it exists (records leave only by the retention job, later). `kind`: the
    form's (forms/kinds.kind_of), when the caller already knows it."""
    file = file or str((after or before or {}).get("id", ""))
    if after is None:
        return [_p(file, "", "deleted",
                   "حُذف السجل: لا تُحذف السجلات، بل تُسحب بالأمر mustafid withdraw",
                   "the record was deleted: records are never deleted; withdraw it with `mustafid withdraw`")]
    status = str(after.get("status", ""))
    kind = kind or kind_of(assoc, (after.get("form") if after else None) or (before or {}).get("form"))
    if status not in STATUSES:
        return [_p(file, "status", "unknown-status",
                   f"حالة غير معروفة «{status}»: اختر إحدى {', '.join(STATUSES)}",
                   f"unknown status '{status}': use one of {', '.join(STATUSES)}")]
    if before is None:
        first = initial_status(kind)
        if status != first:
            return [_p(file, "status", "new-not-received",
                       f"السجل الجديد من نوع {kind} يبدأ بالحالة {first} لا «{status}»",
                       f"a new record of kind {kind} starts as '{first}', not '{status}'")]
        return []
    old = str(before.get("status", ""))
    problems = _edited_after_closing(file, old, before, after)
    if old == status:
        return problems
    t = transition(old, status, kind)
    if t is None:
        return [*problems, _not_allowed(file, old, status, kind)]
    return problems + _filled(assoc, file, t, before, after)


def _edited_after_closing(file: str, old: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Problem]:
    """Nothing about the applicant may change once the request is closed: the decision was taken on it."""
    if old not in CLOSED:
        return []
    problems = [_p(file, key, "edited-after-decision",
                   f"عُدّل «{key}» بعد إغلاق الطلب ({old}): أعد القيمة كما كانت، وقدّم طلبًا جديدًا إن لزم",
                   f"'{key}' was edited after the request was closed ({old}): restore it, "
                   "and file a new request if needed")
                for key in ("data", "documents", "form", "id", "submitted_at", "channel")
                if before.get(key) != after.get(key)]
    if old in DECIDED and before.get("decision") != after.get("decision"):
        problems.append(_p(file, "decision", "redecided",
                           "الطلب مقرَّر سابقًا: لا يُغيَّر القرار؛ أعد القرار الأصلي",
                           "the request was already decided: a decision is never changed; restore the original"))
    if old in ANSWERED and before.get("answer") != after.get("answer"):
        problems.append(_p(file, "answer", "reanswered", "أُجيب عن الملاحظة سابقًا: لا يُغيَّر الرد؛ أعد الرد الأصلي",
                           "it was already answered: an answer is never changed; restore the original"))
    return problems


def _not_allowed(file: str, old: str, status: str, kind: str = "request") -> Problem:
    """A status change no transition allows, worded for the likely mistake."""
    if kind == "survey":
        return _p(file, "status", "survey-has-no-path",
                  "الاستبانة تُسجَّل فقط ولا تتغير حالتها ولا يُقرَّر فيها",
                  "a survey is recorded only: its status never changes and nothing is decided on it")
    if kind == "feedback" and status in DECIDED:
        return _p(file, "status", "feedback-not-decided",
                  "الشكوى أو الاقتراح لا يُقبل ولا يُرفض، بل يُجاب عنه: استعمل mustafid answer",
                  "a complaint or suggestion is not approved or rejected but answered: use `mustafid answer`")
    if status in DECIDED and old in ("received", "needs_info"):
        return _p(file, "status", "decision-unverified",
                  f"لا يُقرَّر في طلب لم يُتحقق منه (الحالة {old}): يتحقق الموظف أولًا بالأمر mustafid verify",
                  f"a decision on an unverified request (status '{old}'): "
                  "staff verify it first with `mustafid verify`")
    if status in DECIDED and old in DECIDED:
        return _p(file, "status", "redecided", "الطلب مقرَّر سابقًا ولا يُقرَّر مرة أخرى",
                  "the request was already decided; it cannot be decided again")
    nxt = ", ".join(allowed_from(old, kind)) or "—"
    return _p(file, "status", "illegal-transition",
              f"الانتقال من {old} إلى {status} غير مسموح؛ المسموح من {old}: {nxt}",
              f"moving from '{old}' to '{status}' is not allowed; from '{old}' you may go to: {nxt}")


def _filled(assoc: Association, file: str, t: Transition, before: Mapping[str, Any],
            after: Mapping[str, Any]) -> list[Problem]:
    """An allowed transition: the field it writes is new, complete, and written by someone whose role it is."""
    problems: list[Problem] = []
    status = t.after
    value = _last(after.get(t.field))
    if t.field == "info_requests" and len(after.get(t.field) or []) <= len(before.get(t.field) or []):
        value = None  # the change must add an entry, not reuse an old one
    if t.field != "info_requests" and not _empty(before.get(t.field)):
        problems.append(_p(file, t.field, "field-already-set", f"الحقل {t.field} معبّأ سابقًا: لا يُكتب فوقه",
                           f"'{t.field}' was already filled: it is never overwritten"))
    if not isinstance(value, Mapping):
        return [*problems, _p(file, t.field, "missing-field",
                              f"الانتقال إلى {status} يتطلب تعبئة {t.field} ({', '.join(t.required)})",
                              f"moving to '{status}' requires '{t.field}' ({', '.join(t.required)})")]
    problems.extend(_missing(file, t, key) for key in t.required if _empty(value.get(key)))
    if status == "verified" and INCOMPLETE in (after.get("flags") or []):
        problems.append(_p(file, "missing_documents", "incomplete",
                           "الطلب ناقص: أُجّل مستند مطلوب عند الإدخال؛ أرفقه أولًا (mustafid resubmit --document)",
                           "the request is incomplete: a required document was left for later at intake; attach it "
                           "first (mustafid resubmit --document)"))
    if t.field == "decision":
        problems += check_decision(assoc, file, status, value)
    by = value.get("by")
    if by == APPLICANT and t.applicant:
        return problems  # the applicant's own answer through a signed link (the intake checked the link)
    if by and t.role == "staff" and not (assoc.is_staff(by) or assoc.is_committee_member(by)):
        problems.append(_p(file, f"{t.field}.by", "not-staff",
                           f"«{by}» ليس في قائمة الموظفين في association.yml: يقوم بهذه الخطوة موظف مسجّل",
                           f"'{by}' is not on the staff roster in association.yml: "
                           "a listed staff member does this step"))
    if by and t.role == "committee" and not assoc.is_committee_member(by):
        problems.append(_p(file, f"{t.field}.by", "not-committee",
                           f"«{by}» ليس عضوًا في لجنة البحث: يسجّل القرار عضو في اللجنة",
                           f"'{by}' is not on the research committee: a committee member records the decision"))
    return problems


def _missing(file: str, t: Transition, key: str) -> Problem:
    if t.field == "decision" and key == "reason":
        return _p(file, "decision.reason", "no-reason", "القرار بلا سبب: اكتب سبب القرار (--reason)",
                  "a decision without a reason: write the reason (--reason)")
    return _p(file, f"{t.field}.{key}", "missing-field",
              f"الانتقال إلى {t.after} يتطلب {t.field}.{key}: أضِف قيمته",
              f"moving to '{t.after}' requires {t.field}.{key}: add its value")


def check_decision(assoc: Association, file: str, status: str, d: Mapping[str, Any]) -> list[Problem]:
    """A decision's outcome against the status, and its members against the committee roster and quorum (the
    CLI and CI on a record; the audit on a commit's trailers)."""
    problems: list[Problem] = []
    outcome = d.get("outcome")
    if outcome and outcome != status:
        problems.append(_p(file, "decision.outcome", "outcome-mismatch",
                           f"نتيجة القرار «{outcome}» لا توافق الحالة «{status}»",
                           f"the decision outcome '{outcome}' does not match the status '{status}'"))
    members = [str(m) for m in (d.get("members") or [])]
    strangers = [m for m in members if not assoc.is_committee_member(m)]
    if strangers:
        problems.append(_p(file, "decision.members", "not-committee",
                           f"ليسوا أعضاء في لجنة البحث: {', '.join(strangers)} — "
                           "اذكر أعضاء اللجنة المسجلين في association.yml",
                           f"not on the research committee: {', '.join(strangers)} — "
                           "name members listed in association.yml"))
    present = {m for m in members if assoc.is_committee_member(m)}
    if len(present) < assoc.committee_quorum:
        problems.append(_p(file, "decision.members", "below-quorum",
                           f"النصاب غير مكتمل: {len(present)} من أعضاء اللجنة والنصاب {assoc.committee_quorum}",
                           f"below quorum: {len(present)} committee member(s), the quorum is {assoc.committee_quorum}"))
    return problems
