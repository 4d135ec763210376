"""Votes with the real command and real keys: each member signs their own vote on a verified request, and the
decision's members are the agreeing voters, held to the quorum; nobody votes twice, staff do not vote, a vote is
cast on a verified request only, and a decision with no signed votes is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mustafid.config.association import load_association
from tests.cli.test_signing import git, mustafid, signed_submit, signing_repo
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
    rid = signed_submit(repo, name, keys)
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
    wrong = mustafid(repo, "decide", rid, "approve", "--reason", "r", "--members", quorum[0], "--meeting",
                     "2026-12/1", actor=quorum[0], key=keys[quorum[0]])  # members other than those who voted
    assert wrong.returncode == 1 and "do not match" in wrong.stderr
    out = mustafid(repo, "decide", rid, "approve", "--reason", "meets the criteria", "--meeting", "2026-12/1",
                   actor=quorum[0], key=keys[quorum[0]])
    assert out.returncode == 0, out.stderr
    decided = record_on(repo, "main", rid)
    assert decided["status"] == "approved"
    assert decided["decision"]["members"] == quorum  # type: ignore[index]
    assert [v["by"] for v in decided["votes"]] == quorum  # type: ignore[union-attr]
    audit = mustafid(repo, "audit", "--format", "json")
    assert audit.returncode == 0, audit.stdout[-3000:]


def test_the_audit_reports_an_unsigned_and_a_foreign_signed_commit(tmp_path: Path) -> None:
    """A signed history the tools wrote reports nothing; a commit made with plain git, and one signed with a key
    that is on no roster, are each reported for what they are."""
    import json
    import subprocess

    from mustafid.store.git import GitStore
    from mustafid.store.sshsig import Signer

    repo, keys = signing_repo(tmp_path, "kahatain")
    rid = signed_submit(repo, "kahatain", keys)
    assert mustafid(repo, "verify", rid, actor=STAFF, key=keys[STAFF]).returncode == 0
    branch = f"submission/{rid}"
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", branch).splitlines() if p.endswith(f"{rid}.yml"))
    text = git(repo, "show", f"{branch}:{path}")
    trailers = (f"Note {rid}\n\nMustafid-Record: {rid}\nMustafid-Form: support-request\nMustafid-Status: verified\n"
                f"Mustafid-From: verified\nMustafid-Actor: {STAFF}\nMustafid-Channel: web\n")
    # one commit by plain git (no signature), one signed with a stranger's key
    unsigned = GitStore(repo).commit_on_branch(branch, {path: (text + "# a\n").encode()}, trailers)
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    foreign = GitStore(repo, signer=Signer(stranger)).commit_on_branch(branch, {path: (text + "# b\n").encode()},
                                                                        trailers)
    report = json.loads(mustafid(repo, "audit", "--format", "json").stdout)
    found = {(a["commit"], a["code"]) for a in report["anomalies"]}
    assert (unsigned[:10], "unsigned") in found, found
    assert (foreign[:10], "unknown-signer") in found, found
    assert {c for c, _ in found} == {unsigned[:10], foreign[:10]}, found  # the tools' own commits: nothing
