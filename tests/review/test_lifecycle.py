"""The state machine on its own: every legal transition passes, every illegal one is refused by its rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.core.period import days_left
from mustafid.review import lifecycle
from tests.helpers import EXAMPLES

AT = "2026-11-23T10:00:00+03:00"
FILLED = {
    "verification": {"by": "staff.officer", "at": AT, "note": ""},
    "service": {"by": "staff.officer", "at": AT, "provided": "food basket"},
    "withdrawal": {"by": "staff.officer", "at": AT, "reason": "asked by the applicant"},
}


@pytest.fixture(params=sorted(EXAMPLES))
def assoc(request: pytest.FixtureRequest) -> Any:
    return load_association(EXAMPLES[request.param])


def base(status: str = "received") -> dict[str, Any]:
    return {"id": "H6X7-Z1P8", "form": "support-request", "channel": "web", "status": status,
            "submitted_at": AT, "data": {"first_name": "x"}, "documents": [], "verification": None,
            "info_requests": [], "decision": None, "service": None, "withdrawal": None}


def decision(assoc: Any, outcome: str = "approved", **over: Any) -> dict[str, Any]:
    members = [p.id for p in assoc.committee][: assoc.committee_quorum]
    d = {"outcome": outcome, "reason": "meets the criteria", "members": members, "meeting": "2026-11/3",
         "at": AT, "by": members[0]}
    d.update(over)
    return d


def moved(before: dict[str, Any], status: str, **fields: Any) -> dict[str, Any]:
    after = copy.deepcopy(before)
    after["status"] = status
    after.update(fields)
    return after


def codes(problems: list[Any]) -> list[str]:
    return [p.code for p in problems]


def test_every_declared_transition_passes_with_its_fields(assoc: Any) -> None:
    for t in lifecycle.TRANSITIONS:
        before = base(t.before)
        if t.before == "approved":
            before["decision"] = decision(assoc)
        if t.field == "decision":
            fields = {"decision": decision(assoc, t.after)}
        elif t.field == "info_requests":
            fields = {"info_requests": [{"by": "staff.officer", "at": AT, "note": "ID copy unreadable"}]}
        else:
            fields = {t.field: FILLED[t.field]}
        assert lifecycle.check_transition(assoc, before, moved(before, t.after, **fields)) == [], t


def test_new_record_starts_received(assoc: Any) -> None:
    assert lifecycle.check_transition(assoc, None, base()) == []
    assert codes(lifecycle.check_transition(assoc, None, base("approved"))) == ["new-not-received"]


@pytest.mark.parametrize("case, code, en_words", [
    ("not-committee", "not-committee", "not on the research committee"),
    ("below-quorum", "below-quorum", "below quorum"),
    ("no-reason", "no-reason", "without a reason"),
    ("unverified", "decision-unverified", "unverified request"),
    ("redecide", "redecided", "already decided"),
    ("edited", "edited-after-decision", "edited after the request was closed"),
    ("skip", "illegal-transition", "is not allowed"),
    ("served-unapproved", "illegal-transition", "is not allowed"),
    ("reopen-withdrawn", "illegal-transition", "is not allowed"),
    ("deleted", "deleted", "never deleted"),
    ("no-service", "missing-field", "requires 'service'"),
    ("no-note", "missing-field", "requires info_requests"),
    ("no-meeting", "missing-field", "decision.meeting"),
    ("unknown", "unknown-status", "unknown status"),
])
def test_illegal_transitions_are_refused_naming_the_rule(assoc: Any, case: str, code: str, en_words: str) -> None:
    verified = moved(base(), "verified", verification=FILLED["verification"])
    approved = moved(verified, "approved", decision=decision(assoc))
    before, after = {
        "not-committee": (verified, moved(verified, "approved", decision=decision(
            assoc, members=["staff.officer", *[p.id for p in assoc.committee]]))),
        "below-quorum": (verified, moved(verified, "approved", decision=decision(
            assoc, members=[assoc.committee[0].id]))),
        "no-reason": (verified, moved(verified, "rejected", decision=decision(assoc, "rejected", reason=""))),
        "unverified": (base(), moved(base(), "approved", decision=decision(assoc))),
        "redecide": (approved, moved(approved, "rejected", decision=decision(assoc, "rejected"))),
        "edited": (approved, {**approved, "data": {"first_name": "y"}}),
        "skip": (base(), moved(base(), "served", service=FILLED["service"])),
        "served-unapproved": (verified, moved(verified, "served", service=FILLED["service"])),
        "reopen-withdrawn": (moved(base(), "withdrawn", withdrawal=FILLED["withdrawal"]),
                             moved(base(), "received", withdrawal=FILLED["withdrawal"])),
        "deleted": (base(), None),
        "no-service": (approved, moved(approved, "served")),
        "no-note": (base(), moved(base(), "needs_info", info_requests=[{"by": "staff.officer", "at": AT}])),
        "no-meeting": (verified, moved(verified, "approved", decision=decision(assoc, meeting=""))),
        "unknown": (base(), moved(base(), "accepted")),
    }[case]
    problems = lifecycle.check_transition(assoc, before, after)
    assert code in codes(problems)
    p = next(p for p in problems if p.code == code)
    assert en_words in p.en
    assert p.ar and any("\u0600" <= ch <= "\u06ff" for ch in p.ar)  # Arabic first, always present


def test_days_left_counts_the_promised_period(assoc: Any) -> None:
    import datetime as dt

    r = base()
    assert days_left(assoc, r, dt.date(2026, 11, 23)) == assoc.decision_period_days
    assert days_left(assoc, moved(r, "approved"), dt.date(2026, 11, 23)) is None
