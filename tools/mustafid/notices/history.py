"""The record's history notes each notice sent: one commit on the request's branch that changes no file, whose
trailers name the record, the notice's event and the sender, and the actor; never the address, the number or
the text (those stay in the outbox folder)."""

from __future__ import annotations

from mustafid.core.vocab import NOTICE_EVENTS, NOTICE_VIAS
from mustafid.notices.render import Notice
from mustafid.review.forges.local import PREFIX, LocalForge
from mustafid.review.trailers import PREFIX as TRAILER


def message(notice: Notice, via: str, actor: str) -> str:
    if notice.event not in NOTICE_EVENTS or via not in NOTICE_VIAS:
        raise ValueError(f"not a notice the history records: {notice.event}/{via}")
    return (f"Notice {notice.event} sent for {notice.record_id}\n\n{TRAILER}Record: {notice.record_id}\n"
            f"{TRAILER}Notice: {notice.event}\n{TRAILER}Via: {via}\n{TRAILER}Actor: {actor}\n")


def note_sent(forge: LocalForge, notice: Notice, via: str, actor: str = "intake") -> str | None:
    """The commit noting it, or None when the request has no branch here (then the outbox keeps it unnoted)."""
    branch = PREFIX + notice.record_id
    if forge.branch_tip(branch) is None:
        return None
    return forge.commit_on_branch(branch, {}, message(notice, via, actor))
