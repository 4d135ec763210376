"""From a review command to the applicant and into the history, in real git repositories for both associations:
`mustafid request-info` queues the notice with its completion link, `mustafid notices send` delivers it (the
outbox folder, the embedded default) and the request's branch gains one commit that changes no file and names
no one; the audit finds nothing wrong with it; the decision and the answer to a complaint follow the same way."""

from __future__ import annotations

import email
import email.policy
import subprocess
from pathlib import Path

import pytest

from mustafid.audit.report import audit
from mustafid.cli.main import main
from mustafid.config.association import load_association
from mustafid.notices.outbox import Outbox
from mustafid.review.forges.local import LocalForge
from tests.helpers import EXAMPLES, make_association_repo
from tests.review.util import submit


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def eml(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return f"{msg['Subject']}\n{msg.get_body().get_content()}"  # type: ignore[union-attr]


def cli(repo: Path, *args: str, actor: str = "staff.officer") -> int:
    return main([args[0], "--association", str(repo), "--repo", str(repo), "--as", actor, *args[1:]])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_notices_reach_the_outbox_and_the_history_without_personal_data(name: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSTAFID_OUTBOX", str(tmp_path / "outbox"))
    repo = make_association_repo(tmp_path, name)
    assoc = load_association(repo)
    rid = submit(repo, name)
    record = LocalForge(repo).read_file(f"submission/{rid}", git(repo, "ls-tree", "-r", "--name-only",
                                                                  f"submission/{rid}", "--", "submissions/").strip())
    personal = [b"+9665", b"@example.com", b"first_name"]
    assert all(p in record for p in personal[:2])

    assert cli(repo, "request-info", rid, "--note", "صورة أوضح من عقد الإيجار") == 0
    outbox = Outbox(tmp_path / "outbox")
    assert outbox.keys("pending") == [f"{rid}.info_request.1"]
    assert cli(repo, "notices", "send", actor="staff.officer") == 0
    assert outbox.keys("sent") == [f"{rid}.info_request.1"] and outbox.keys("pending") == []
    delivered = eml(tmp_path / "outbox" / "delivered" / f"{rid}.info_request.1.eml")
    assert "/complete/?t=" in delivered and rid in delivered and "صورة أوضح من عقد الإيجار" in delivered

    log = git(repo, "log", "-1", "--format=%B", f"submission/{rid}")
    assert f"Mustafid-Record: {rid}" in log and "Mustafid-Notice: info_request" in log and "Mustafid-Via: outbox" in log
    assert git(repo, "show", "--format=", "--stat", f"submission/{rid}").strip() == ""  # no file changed
    assert not any(p.decode() in log for p in personal)
    assert cli(repo, "notices", "send") == 0  # sent once: nothing again, no second history commit
    assert git(repo, "log", "-1", "--format=%B", f"submission/{rid}") == log

    assert cli(repo, "resubmit", rid) == 0
    assert cli(repo, "verify", rid) == 0
    members = ",".join(p.id for p in assoc.committee[: assoc.committee_quorum])
    assert cli(repo, "decide", rid, "reject", "--reason", "الدخل أعلى من الحد", "--members", members,
               "--meeting", "2026-11/3", actor=assoc.committee[0].id) == 0
    assert cli(repo, "notices", "send", actor="intake") == 0
    assert outbox.keys("sent") == sorted([f"{rid}.info_request.1", f"{rid}.decision.1"])
    decision = eml(tmp_path / "outbox" / "delivered" / f"{rid}.decision.1.eml")
    assert "الدخل أعلى من الحد" in decision and "عدم قبول الطلب" in decision
    report = audit(assoc, LocalForge(repo))
    assert report["anomalies"] == []
