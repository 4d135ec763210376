"""`mustafid audit` on real git repositories: timelines and decision times rebuilt from one `git log`, and every
kind of anomaly an auditor must see (made with git itself, the way someone bypassing the tools would)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mustafid.audit.render import render
from mustafid.audit.report import audit
from mustafid.cli.main import main
from mustafid.review import actions as review
from mustafid.review.queries import parse_blob
from tests.review.util import setup, submit


def git(repo: Path, *args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, input=input,
                          env={**os.environ, **(env or {})}).stdout.decode()


def commit(repo: Path, ref: str, files: dict[str, bytes | None], message: str, when: dt.datetime | None = None) -> str:
    """One commit on `ref` changing `files` (None deletes), made with git plumbing and a temporary index."""
    env = {"GIT_INDEX_FILE": str(repo / ".git" / "audit-test-index")}
    if when:
        env |= {"GIT_AUTHOR_DATE": when.isoformat(), "GIT_COMMITTER_DATE": when.isoformat()}
    parent = git(repo, "rev-parse", ref).strip()
    git(repo, "read-tree", parent, env=env)
    for path, content in files.items():
        if content is None:
            git(repo, "update-index", "--remove", "--force-remove", path, env=env)
        else:
            blob = git(repo, "hash-object", "-w", "--stdin", input=content).strip()
            git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
    tree = git(repo, "write-tree", env=env).strip()
    sha = git(repo, "commit-tree", tree, "-p", parent, "-m", message, env=env).strip()
    git(repo, "update-ref", ref, sha, parent)
    return sha


def path_of(repo: Path, ref: str, rid: str) -> str:
    return next(p for p in git(repo, "ls-tree", "-r", "--name-only", ref).splitlines() if p.endswith(f"/{rid}.yml"))


def members(assoc: Any) -> list[str]:
    return [p.id for p in assoc.committee[: assoc.committee_quorum]]


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_timelines_and_the_promised_period(tmp_path: Path, name: str) -> None:
    repo, assoc, forge = setup(tmp_path, name)
    chair = assoc.committee[0].id
    on_time, rejected, still_open, withdrawn = (submit(repo, name) for _ in range(4))
    # A request that arrived long ago: its receipt commit dated before the promised period, as it would be.
    late = submit(repo, name)
    branch = f"refs/heads/submission/{late}"
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=assoc.decision_period_days + 5)
    git(repo, "update-ref", branch, git(repo, "rev-parse", "main").strip())
    record = git(repo, "show", f"submission/{on_time}:{path_of(repo, f'submission/{on_time}', on_time)}")
    record = record.replace(on_time, late)
    commit(repo, branch, {path_of(repo, f"submission/{on_time}", on_time).replace(on_time, late): record.encode()},
           f"Receive {late} (support-request)\n\nMustafid-Record: {late}\nMustafid-Form: support-request\n"
           f"Mustafid-Status: received\nMustafid-Actor: web\nMustafid-Channel: web\n", when=past)

    for rid, outcome in ((on_time, "approve"), (rejected, "reject"), (late, "approve")):
        review.verify(assoc, forge, rid, "staff.officer")
        review.decide(assoc, forge, rid, chair, outcome, "reason", members(assoc), "2026-11/3")
    review.serve(assoc, forge, on_time, "staff.officer", "food basket")
    review.withdraw(assoc, forge, withdrawn, "staff.officer", "asked by the applicant")

    report = audit(assoc, forge)
    rows = {r["id"]: r for r in report["rows"]}
    assert set(rows) == {on_time, rejected, still_open, withdrawn, late}
    assert report["anomalies"] == []
    assert [e["status"] for e in rows[on_time]["timeline"]] == ["received", "verified", "approved", "served"]
    assert rows[on_time]["outcome"] == "approved" and rows[on_time]["decided_by"] == chair
    assert rows[on_time]["members"] == members(assoc) and rows[on_time]["kept"] is True
    assert rows[on_time]["merged"] is not None and rows[on_time]["days_to_decision"] == 0
    assert rows[rejected]["outcome"] == "rejected" and rows[rejected]["kept"] is True
    assert rows[late]["kept"] is False and rows[late]["days_to_decision"] == assoc.decision_period_days + 5
    assert rows[still_open]["status"] == "received" and rows[still_open]["decided"] is None
    assert rows[still_open]["overdue"] is False and rows[withdrawn]["status"] == "withdrawn"
    assert report["figures"] == {"requests": 5, "decided": 3, "kept": 2, "late": 1, "open": 1, "overdue": 0,
                                 "anomalies": 0, "period_days": assoc.decision_period_days,
                                 "answered": 0, "answered_late": 0, "escalated": 0, "surveys": 0,
                                 "answer_period_days": assoc.feedback_answer_days}

    # A pull request merged on GitHub: a merge commit without trailers, its subject naming the branch.
    gh = submit(repo, name)
    review.verify(assoc, forge, gh, "staff.officer")
    review.decide(assoc, forge, gh, chair, "approve", "reason", members(assoc), "2026-11/4", merge=False)
    tip, base = git(repo, "rev-parse", f"submission/{gh}").strip(), git(repo, "rev-parse", "main").strip()
    merge = git(repo, "commit-tree", f"{tip}^{{tree}}", "-p", base, "-p", tip, "-m",
                f"Merge pull request #7 from association/submission/{gh}\n\nApproved by the committee").strip()
    git(repo, "update-ref", "refs/heads/main", merge, base)
    git(repo, "update-ref", "-d", f"refs/heads/submission/{gh}")
    merged = audit(assoc, forge)
    assert merged["anomalies"] == [] and {r["id"]: r for r in merged["rows"]}[gh]["merged"] is not None
    report = {**merged, "rows": [r for r in merged["rows"] if r["id"] != gh]}

    # A clone (as from GitHub): open requests' branches arrive as origin/submission/...; the report is the same.
    from mustafid.review.forges.local import LocalForge

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    assert audit(assoc, LocalForge(clone))["rows"] == merged["rows"]

    # The report holds no personal data: none of the applicant's answers appear in it.
    text = render(report) + json.dumps(report, ensure_ascii=False)
    data = parse_blob(forge.read_file("main", path_of(repo, "main", on_time)))["data"]
    for key in ("national_id", "mobile", "first_name", "family_name", "iban"):
        if data.get(key):
            assert str(data[key]) not in text
    assert "✗ late / متأخر" in render(report) and str(assoc.decision_period_days) in render(report)


def test_every_anomaly_is_reported(tmp_path: Path) -> None:
    repo, assoc, forge = setup(tmp_path, "ajaa")
    chair = assoc.committee[0].id
    edited, deleted, stranger, after = (submit(repo, "ajaa") for _ in range(4))
    for rid in (edited, deleted, after):
        review.verify(assoc, forge, rid, "staff.officer")
        review.decide(assoc, forge, rid, chair, "approve", "reason", members(assoc), "2026-11/3")
    assert audit(assoc, forge)["anomalies"] == []
    assert main(["audit", "--association", str(repo), "--repo", str(repo), "--seal"]) == 0
    sealed = git(repo, "rev-parse", "refs/mustafid/audited").strip()
    assert sealed == git(repo, "rev-parse", "main").strip()

    # An edit on main outside the tools, and a deletion.
    path = path_of(repo, "main", edited)
    text = git(repo, "show", f"main:{path}").replace("reason", "another reason")
    commit(repo, "refs/heads/main", {path: text.encode()}, "fix a typo")
    commit(repo, "refs/heads/main", {path_of(repo, "main", deleted): None}, "tidy up")
    # A decision recorded by hand, by a staff member, with members below quorum and not on the committee.
    review.verify(assoc, forge, stranger, "staff.officer")
    spath = path_of(repo, f"submission/{stranger}", stranger)
    stext = git(repo, "show", f"submission/{stranger}:{spath}").replace('status: "verified"', 'status: "approved"')
    commit(repo, f"refs/heads/submission/{stranger}", {spath: stext.encode()},
           f"Approve {stranger}\n\nMustafid-Record: {stranger}\nMustafid-Form: support-request\n"
           f"Mustafid-Status: approved\nMustafid-From: verified\nMustafid-Actor: staff.officer\n"
           f"Mustafid-Channel: web\nMustafid-Decision: approved\nMustafid-Members: staff.officer\n"
           f"Mustafid-Meeting: none\n")
    # A decided request taken back to 'verified' (with trailers, so it looks like the tools did it).
    apath = path_of(repo, "main", after)
    commit(repo, "refs/heads/main", {apath: git(repo, "show", f"main:{apath}").encode()},
           f"Verify {after}\n\nMustafid-Record: {after}\nMustafid-Form: support-request\nMustafid-Status: verified\n"
           f"Mustafid-From: received\nMustafid-Actor: staff.officer\nMustafid-Channel: web\n")

    found = {(a["record"], a["code"]) for a in audit(assoc, forge)["anomalies"]}
    assert {(edited, "untraced-change"), (deleted, "untraced-change"), (deleted, "deleted"),
            (stranger, "decided-by-non-member"), (stranger, "not-committee"), (stranger, "below-quorum"),
            (after, "changed-after-decision"), (after, "history-mismatch")} <= found, found

    # History rewritten after the seal: main moved back behind the audited tip.
    git(repo, "update-ref", "refs/heads/main", f"{sealed}~1")
    report = audit(assoc, forge)
    assert ("-", "history-rewritten") in {(a["record"], a["code"]) for a in report["anomalies"]}
    out = tmp_path / "audit.json"
    assert main(["audit", "--association", str(repo), "--repo", str(repo), "--format", "json", "-o", str(out)]) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["figures"]["anomalies"] == len(report["anomalies"])


def test_an_empty_repository_has_an_empty_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, assoc, forge = setup(tmp_path, "kahatain")
    report = audit(assoc, forge)
    assert report["rows"] == [] and report["anomalies"] == [] and report["figures"]["requests"] == 0
    assert main(["audit", "--association", str(repo), "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "تقرير التدقيق" in out and "Audit report" in out and "لا شيء" in out


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_a_squash_or_rebase_merge_is_reported(tmp_path: Path, name: str) -> None:
    """GitHub's squash and rebase merges (refused by the repository rules the README sets) made here with git:
    the request's commits, or one commit carrying their trailers, land on main without a merge commit."""
    repo, assoc, forge = setup(tmp_path, name)
    chair = assoc.committee[0].id
    merged, squashed, rebased = (submit(repo, name) for _ in range(3))
    for rid in (merged, squashed, rebased):
        review.verify(assoc, forge, rid, "staff.officer")
    review.decide(assoc, forge, merged, chair, "approve", "reason", members(assoc), "2026-12/1")
    assert audit(assoc, forge)["anomalies"] == []
    for rid in (squashed, rebased):
        review.decide(assoc, forge, rid, chair, "approve", "reason", members(assoc), "2026-12/1", merge=False)
    # squash: one commit on main with the branch's record and the last commit's message (its trailers)
    spath = path_of(repo, f"submission/{squashed}", squashed)
    last = git(repo, "log", "-1", "--format=%B", f"submission/{squashed}")
    commit(repo, "refs/heads/main", {spath: git(repo, "show", f"submission/{squashed}:{spath}").encode()},
           f"Approve {squashed} (#12)\n\n{last}")
    # rebase: each of the branch's commits replayed on main, one parent each
    rpath = path_of(repo, f"submission/{rebased}", rebased)
    for sha in git(repo, "rev-list", "--reverse", f"main..submission/{rebased}").split():
        if rpath in git(repo, "diff-tree", "--no-commit-id", "-r", "--name-only", sha):
            commit(repo, "refs/heads/main", {rpath: git(repo, "show", f"{sha}:{rpath}").encode()},
                   git(repo, "log", "-1", "--format=%B", sha))
    found = {(a["record"], a["code"]) for a in audit(assoc, forge)["anomalies"]}
    assert (squashed, "merged-without-merge-commit") in found
    assert (rebased, "merged-without-merge-commit") in found
    assert not {code for rid, code in found if rid == merged}
