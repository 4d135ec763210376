"""The trailer format is written and read in one module: what `message` writes, `parse` reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.core.errors import UserError
from mustafid.review import actions, trailers
from tests.review.util import setup, submit

RECORD = {"id": "K7M3-9QXD", "form": "support-request", "status": "approved", "channel": "phone"}
DECISION = {"outcome": "approved", "members": ["committee.chair", "committee.member1"], "meeting": "2026-11/3"}


def _trailer_block(msg: str) -> str:
    return msg.split("\n\n", 1)[1]


def test_a_decision_reads_back_as_written() -> None:
    msg = trailers.message("Approve", RECORD, "verified", "committee.chair", DECISION)
    assert msg.splitlines()[0] == "Approve K7M3-9QXD (support-request)"
    got = trailers.parse(_trailer_block(msg))
    assert got == {"record": "K7M3-9QXD", "form": "support-request", "status": "approved", "from": "verified",
                   "actor": "committee.chair", "channel": "phone", "decision": "approved",
                   "members": "committee.chair, committee.member1", "meeting": "2026-11/3"}
    assert trailers.members(got["members"]) == DECISION["members"]


def test_the_first_commit_has_no_from() -> None:
    msg = trailers.message("Receive", dict(RECORD, status="received"), None, "web")
    assert "from" not in trailers.parse(_trailer_block(msg))


def test_the_merge_message_keeps_the_trailers() -> None:
    msg = trailers.message("Approve", RECORD, "verified", "committee.chair", DECISION)
    merged = trailers.merge_message("Approve", msg)
    assert merged.splitlines()[0] == "Merge approve K7M3-9QXD (support-request)"
    assert _trailer_block(merged) == _trailer_block(msg)


def test_a_pull_request_merged_on_github_names_its_record() -> None:
    subject = "Merge pull request #12 from ajaa/submission/K7M3-9QXD"
    assert trailers.parse("", subject, merge=True) == {"record": "K7M3-9QXD"}
    assert trailers.parse("", subject, merge=False) == {}
    assert trailers.parse("Signed-off-by: someone\n", "edit") == {}


@pytest.mark.parametrize("meeting", ["2026-11/3\nMustafid-Status: rejected", "2026\r11", "a\u2028b", "x\x00"])
def test_a_value_that_could_smuggle_a_trailer_is_refused_and_nothing_is_written(tmp_path: Path, meeting: str) -> None:
    repo, assoc, forge = setup(tmp_path, "ajaa")
    rid = submit(repo, "ajaa")
    actions.verify(assoc, forge, rid, "staff.officer")
    tip = forge.branch_tip(f"submission/{rid}")
    quorum = [p.id for p in assoc.committee[:assoc.committee_quorum]]
    with pytest.raises(UserError, match="one short line"):
        actions.decide(assoc, forge, rid, assoc.committee[0].id, "approve", "reason", quorum, meeting)
    assert forge.branch_tip(f"submission/{rid}") == tip
