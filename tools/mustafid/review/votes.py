"""Votes: each committee member signs their own vote, and a decision is the agreement of a quorum of them.

`review.actions.vote` adds `{by, at, outcome, reason}` to the record's `votes` in one commit of the member's
own (signed with their key once the association signs: store/git.py), on a verified request. The commit's
trailers name the vote (`Mustafid-Vote`) and the record's state voted on (`Mustafid-State`: the blob id of the
record as verified, so a vote cannot be moved to another request or another version of it). `decided_by` gives
the members whose votes, cast since the request was last verified, agree with an outcome: `decide` records those
as the decision's members, and the lifecycle check holds them to the quorum and the roster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.core.errors import UserError
from mustafid.core.vocab import DECIDED


def current_votes(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The votes cast since the request was last verified (older ones were on another version of it)."""
    since = str((record.get("verification") or {}).get("at") or "")
    return [v for v in record.get("votes") or [] if str(v.get("at", "")) >= since]


def decided_by(record: Mapping[str, Any], outcome: str) -> list[str]:
    """The members whose current votes are `outcome`, in the order they voted (each member once)."""
    seen: list[str] = []
    for v in current_votes(record):
        if v.get("outcome") == outcome and str(v.get("by")) not in seen:
            seen.append(str(v.get("by")))
    return seen


def tally(record: Mapping[str, Any]) -> dict[str, list[str]]:
    return {outcome: decided_by(record, outcome) for outcome in DECIDED}


def members_for(record: Mapping[str, Any], outcome: str, given: list[str], required: bool) -> list[str]:
    """The decision's members: the agreeing voters when votes were cast (or required), else those given."""
    voters = decided_by(record, outcome)
    if not voters and not required:
        return given
    if not voters:
        raise UserError("لا أصوات موقّعة بهذا القرار بعد: يصوّت كل عضو بالأمر "
                        f"mustafid vote {record.get('id')} ثم يُسجَّل القرار",
                        f"no signed votes for this outcome yet: each member votes with `mustafid vote "
                        f"{record.get('id')}`, then the decision is recorded")
    if given and sorted(given) != sorted(voters):
        raise UserError("الأعضاء المذكورون لا يطابقون من صوّتوا بهذا القرار: اترك --members أو صحّحه",
                        f"the members given do not match those who voted {outcome}: leave out --members or "
                        f"correct it (voted {outcome}: {', '.join(voters) or 'nobody'})")
    return voters


