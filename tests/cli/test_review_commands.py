"""Requests walked through every path with the real `mustafid` CLI on real git repos, for both seeds."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mustafid.cli.main import main
from tests.review.util import setup, submit


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def cli(repo: Path, *args: str, actor: str | None = None) -> int:
    who = ["--as", actor] if actor else []
    return main([args[0], "--association", str(repo), "--repo", str(repo), *who, *args[1:]])


def members(assoc: Any, n: int | None = None) -> str:
    return ",".join(p.id for p in assoc.committee[: n or assoc.committee_quorum])


def record_on(repo: Path, rev: str, rid: str) -> dict[str, Any]:
    import yaml

    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", rev).splitlines() if p.endswith(f"{rid}.yml"))
    return yaml.safe_load(git(repo, "show", f"{rev}:{path}"))


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_every_path(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo, assoc, _ = setup(tmp_path, name)
    chair = assoc.committee[0].id
    approve, reject, info, withdraw = (submit(repo, name) for _ in range(4))

    assert cli(repo, "review", "--format", "json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in listed) == sorted([approve, reject, info, withdraw])
    assert all(set(r) == {"id", "form", "kind", "channel", "status", "age_days", "days_left", "duplicate",
                                 "incomplete"} for r in listed)
    assert cli(repo, "show", approve, "--lang", "en") == 0
    assert approve in capsys.readouterr().out

    # approve → serve
    assert cli(repo, "verify", approve, "--note", "documents match", actor="staff.officer") == 0
    assert cli(repo, "decide", approve, "approve", "--reason", "meets the criteria", "--members", members(assoc),
               "--meeting", "2026-11/3", actor=chair) == 0
    assert record_on(repo, "main", approve)["status"] == "approved"
    msg = git(repo, "log", "-1", "--format=%B", "main")
    assert f"Mustafid-Record: {approve}" in msg and "Mustafid-Decision: approved" in msg
    assert f"Mustafid-Members: {members(assoc).replace(',', ', ')}" in msg
    assert git(repo, "log", "-1", "--format=%P", "main").count(" ") == 1  # a merge commit
    assert cli(repo, "serve-record", approve, "--provided", "food basket", actor="staff.officer") == 0
    assert record_on(repo, "main", approve)["service"]["provided"] == "food basket"

    # reject
    assert cli(repo, "verify", reject, actor="staff.officer") == 0
    assert cli(repo, "decide", reject, "reject", "--reason", "income above the threshold",
               "--members", members(assoc), "--meeting", "2026-11/3", actor=chair) == 0
    assert record_on(repo, "main", reject)["decision"]["outcome"] == "rejected"

    # needs info and back, then verified
    assert cli(repo, "request-info", info, "--note", "the ID copy is unreadable", actor="staff.officer") == 0
    assert cli(repo, "resubmit", info, actor="staff.officer") == 0
    assert cli(repo, "verify", info, actor="staff.officer") == 0
    rec = record_on(repo, f"submission/{info}", info)
    assert rec["status"] == "verified" and len(rec["info_requests"]) == 2

    # withdraw
    assert cli(repo, "withdraw", withdraw, "--reason", "asked by the applicant", actor="staff.officer") == 0
    assert record_on(repo, "main", withdraw)["status"] == "withdrawn"

    capsys.readouterr()
    assert cli(repo, "review", "--format", "json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [info]

    # No personal data in any commit message or branch name.
    log = git(repo, "log", "--all", "--format=%B")
    rec = record_on(repo, "main", approve)
    for value in (rec["data"].get("national_id"), rec["data"].get("mobile"), rec["data"].get("first_name")):
        assert value and str(value) not in log

    # The same check CI runs passes over the whole history.
    root = git(repo, "rev-list", "--max-parents=0", "main").strip()
    assert cli(repo, "lifecycle-check", "--base", root, "--head", "main") == 0


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_refusals_leave_main_as_it_was(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo, assoc, _ = setup(tmp_path, name)
    chair = assoc.committee[0].id
    rid = submit(repo, name)
    main_before = git(repo, "rev-parse", "main")
    decide = ["decide", rid, "approve", "--reason", "ok", "--meeting", "M-1", "--members"]

    def refused(*args: str, actor: str | None, words: str) -> None:
        tip = git(repo, "rev-parse", f"submission/{rid}")
        assert cli(repo, *args, actor=actor) == 1
        assert words in capsys.readouterr().err
        assert git(repo, "rev-parse", "main") == main_before
        assert git(repo, "rev-parse", f"submission/{rid}") == tip

    refused(*decide, members(assoc), actor=chair, words="unverified request")
    refused("verify", rid, actor=None, words="--as")
    refused("verify", rid, actor="someone.else", words="not on the staff")
    assert cli(repo, "verify", rid, actor="staff.officer") == 0
    refused(*decide, members(assoc), actor="staff.officer", words="not on the research committee")
    refused(*decide, members(assoc, 1), actor=chair, words="below quorum")
    refused(*decide, f"{members(assoc)},staff.officer", actor=chair, words="not on the research committee")
    refused("decide", rid, "approve", "--reason", "", "--meeting", "M-1", "--members", members(assoc), actor=chair,
            words="without a reason")
    refused("serve-record", rid, "--provided", "x", actor="staff.officer", words="is not allowed")
    assert cli(repo, "decide", rid, "reject", "--reason", "no", "--members", members(assoc), "--meeting", "M-1",
               actor=chair) == 0
    main_before = git(repo, "rev-parse", "main")
    refused(*decide, members(assoc), actor=chair, words="already decided")
    refused("withdraw", rid, "--reason", "x", actor="staff.officer", words="is not allowed")
    refused("verify", "0000-0000", actor="staff.officer", words="no request")


def test_edit_after_decision_is_flagged_by_the_ci_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mustafid.records.format import dump_record
    from mustafid.review.forges.local import LocalForge

    repo, assoc, _ = setup(tmp_path, "ajaa")
    rid = submit(repo, "ajaa")
    assert cli(repo, "verify", rid, actor="staff.officer") == 0
    assert cli(repo, "decide", rid, "approve", "--reason", "ok", "--members", members(assoc), "--meeting", "M-1",
               actor=assoc.committee[0].id) == 0
    decided = git(repo, "rev-parse", "main").strip()
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", "main").splitlines() if rid in p)
    rec = record_on(repo, "main", rid)
    rec["data"]["description"] = "changed afterwards"
    LocalForge(repo).commit_on_branch(f"submission/{rid}", {path: dump_record(rec, path=path).encode()}, "edit")
    capsys.readouterr()
    assert cli(repo, "lifecycle-check", "--base", decided, "--head", f"submission/{rid}") == 1
    out = capsys.readouterr().out
    assert "edited after the request was closed" in out and path in out


def test_a_decide_that_cannot_merge_leaves_main_and_the_branch_as_they_were(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mustafid.review.forges.local import LocalForge

    repo, assoc, _ = setup(tmp_path, "ajaa")
    rid = submit(repo, "ajaa")
    assert cli(repo, "verify", rid, actor="staff.officer") == 0
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", f"submission/{rid}").splitlines() if rid in p)
    # Someone put another file at the record's path on main: the merge must conflict.
    git(repo, "branch", "other", "main")
    LocalForge(repo).commit_on_branch("other", {path: b"id: clash\n"}, "clash")
    git(repo, "update-ref", "refs/heads/main", git(repo, "rev-parse", "other").strip())
    main_before = git(repo, "rev-parse", "main")
    tip_before = git(repo, "rev-parse", f"submission/{rid}")
    assert cli(repo, "decide", rid, "approve", "--reason", "ok", "--members", members(assoc), "--meeting", "M-1",
               actor=assoc.committee[0].id) == 1
    assert "cannot be merged" in capsys.readouterr().err
    assert git(repo, "rev-parse", "main") == main_before
    assert git(repo, "rev-parse", f"submission/{rid}") == tip_before


def test_decide_no_merge_commits_on_the_branch_for_a_forge_ui_merge(tmp_path: Path) -> None:
    repo, assoc, _ = setup(tmp_path, "kahatain")
    rid = submit(repo, "kahatain")
    main_before = git(repo, "rev-parse", "main")
    assert cli(repo, "verify", rid, actor="staff.officer") == 0
    assert cli(repo, "decide", rid, "approve", "--reason", "ok", "--members", members(assoc), "--meeting", "M-1",
               "--no-merge", actor=assoc.committee[0].id) == 0
    assert git(repo, "rev-parse", "main") == main_before
    assert record_on(repo, f"submission/{rid}", rid)["status"] == "approved"
    # What CI sees on the pull request: every commit of the branch is a legal step.
    assert cli(repo, "lifecycle-check", "--base", "main", "--head", f"submission/{rid}") == 0


def test_list_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mustafid.forms.load import load_forms

    repo, assoc, _ = setup(tmp_path, "ajaa")
    old = submit(repo, "ajaa", submitted_at="2020-01-05T10:00:00+03:00")
    capsys.readouterr()
    assert cli(repo, "review") == 0
    listing = capsys.readouterr().out
    rec = record_on(repo, f"submission/{old}", old)
    assert old in listing and "support-request" in listing
    for key in ("first_name", "national_id", "mobile", "iban"):
        assert str(rec["data"][key]) not in listing
    assert cli(repo, "review", "--overdue", "--format", "json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == old and row["days_left"] < 0
    assert cli(repo, "show", old) == 0
    shown = capsys.readouterr().out
    form = load_forms(assoc)["support-request"]
    assert form.field("national_id").label("ar") in shown and str(rec["data"]["national_id"]) in shown
    assert "الحالة" in shown
