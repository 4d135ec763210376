"""Votes with the real command and real keys: each member signs their own vote on a verified request, and the
decision's members are the agreeing voters, held to the quorum; nobody votes twice, staff do not vote, a vote is
cast on a verified request only, and a decision with no signed votes is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mustafid.config.association import load_association
from tests.cli.test_signing import git, mustafid, signing_repo
from tests.review.util import submit as branch_submit
from tests.staff.util import STAFF


def record_on(repo: Path, rev: str, rid: str) -> dict[str, object]:
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", rev).splitlines() if p.endswith(f"/{rid}.yml"))
    loaded = yaml.safe_load(git(repo, "show", f"{rev}:{path}"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_a_quorum_of_signed_votes_makes_the_decision(tmp_path: Path, name: str) -> None:
    repo, keys = signing_repo(tmp_path, name)
    assoc = load_association(repo)
    members = [p.id for p in assoc.committee]
    rid = branch_submit(repo, name)
    early = mustafid(repo, "vote", rid, "approve", "--reason", "x", actor=members[0], key=keys[members[0]])
    assert early.returncode == 1 and "votes are cast on a verified request" in early.stderr
    assert mustafid(repo, "verify", rid, actor=STAFF, key=keys[STAFF]).returncode == 0
    nobody = mustafid(repo, "decide", rid, "approve", "--reason", "r", "--meeting", "2026-12/1", actor=members[0],
                      key=keys[members[0]])
    assert nobody.returncode == 1 and "no signed votes" in nobody.stderr
    staff = mustafid(repo, "vote", rid, "approve", "--reason", "x", actor=STAFF, key=keys[STAFF])
    assert staff.returncode == 1 and "research committee" in staff.stderr
    quorum = members[:assoc.committee_quorum]
    for m in quorum:
        out = mustafid(repo, "vote", rid, "approve", "--reason", f"meets the criteria ({m})", actor=m, key=keys[m])
        assert out.returncode == 0, out.stderr
        msg = git(repo, "log", "-1", "--format=%B", f"submission/{rid}")
        assert "Mustafid-Vote: approved" in msg and f"Mustafid-Actor: {m}" in msg and "Mustafid-State: " in msg
    twice = mustafid(repo, "vote", rid, "approve", "--reason", "again", actor=quorum[0], key=keys[quorum[0]])
    assert twice.returncode == 1 and "already voted" in twice.stderr
    wrong = mustafid(repo, "decide", rid, "approve", "--reason", "r", "--members", ",".join(members), "--meeting",
                     "2026-12/1", actor=quorum[0], key=keys[quorum[0]])
    assert len(members) == len(quorum) or (wrong.returncode == 1 and "do not match" in wrong.stderr)
    out = mustafid(repo, "decide", rid, "approve", "--reason", "meets the criteria", "--meeting", "2026-12/1",
                   actor=quorum[0], key=keys[quorum[0]])
    assert out.returncode == 0, out.stderr
    decided = record_on(repo, "main", rid)
    assert decided["status"] == "approved"
    assert decided["decision"]["members"] == quorum  # type: ignore[index]
    assert [v["by"] for v in decided["votes"]] == quorum  # type: ignore[union-attr]
    audit = mustafid(repo, "audit", "--format", "json")
    assert audit.returncode == 0, audit.stdout[-3000:]
