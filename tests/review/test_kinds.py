"""Each form kind its own path, end to end for both associations, in real git repositories: a complaint is
answered (or escalated to the board when late), never approved; a survey is recorded and nothing else; the
receipt, the review list, the CI gate and the audit all follow the kind the form definition declares."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.core.errors import UserError
from mustafid.core.period import riyadh_day, riyadh_today
from mustafid.forms.load import load_forms
from mustafid.intake.service import Intake
from mustafid.review import actions
from mustafid.review.ci import check_range
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import find, late_feedback, list_open
from mustafid.site.pages import receipt_fragment
from mustafid.store.documents import DocumentStore
from tests.helpers import EXAMPLES, make_association_repo
from tests.review.util import submit

COMPLAINT = {"kind": "complaint", "subject": "تأخر الرد", "details": "لم يصلني رد على طلبي منذ شهر كامل.",
             "wants_reply": "yes", "name": "سارة عبد الله", "mobile": "0551234567", "email": "sara@example.com",
             "contact_preference": "sms", "_declaration": "yes", "_consent": "yes"}
SURVEY = {"service": "support", "channel": "website", "score_reception": "5", "score_clarity": "4",
          "score_speed": "3", "score_overall": "4", "would_recommend": "yes", "_declaration": "yes"}
STAFF = "staff.officer"


def TODAY() -> dt.date:
    return riyadh_day(dt.datetime.now(dt.UTC))


@pytest.fixture(params=sorted(EXAMPLES))
def world(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Any, LocalForge, Intake, Path]:
    repo = make_association_repo(tmp_path, request.param)
    assoc = load_association(repo)
    forge = LocalForge(repo)
    return assoc, forge, Intake(assoc, forge, DocumentStore(tmp_path / "docs")), repo


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def test_the_definitions_declare_their_kinds(world: tuple[Any, ...]) -> None:
    assoc = world[0]
    kinds = {f.id: f.kind for f in load_forms(assoc).values()}
    assert kinds == {"support-request": "request", "new-beneficiary": "request", "volunteering": "request",
                     "suggestion-or-complaint": "feedback", "satisfaction-survey": "survey"}


def test_a_complaint_is_answered_not_approved(world: tuple[Any, ...]) -> None:
    assoc, forge, intake, repo = world
    base = git(repo, "rev-parse", "main").strip()
    rid = intake.accept("suggestion-or-complaint", COMPLAINT).id
    assert find(forge, rid)[3]["status"] == "received"
    row = next(r for r in list_open(assoc, forge, TODAY()) if r["id"] == rid)
    assert row["kind"] == "feedback" and row["days_left"] == assoc.feedback_answer_days
    with pytest.raises(UserError) as refused:
        actions.verify(assoc, forge, rid, STAFF)
    assert "not allowed" in refused.value.problems[0].en or refused.value.problems
    chair = assoc.committee[0].id
    with pytest.raises(UserError) as decided:
        actions.decide(assoc, forge, rid, chair, "approve", "ok", [p.id for p in assoc.committee], "m1")
    assert "feedback-not-decided" in {p.code for p in decided.value.problems}
    done = actions.answer(assoc, forge, rid, STAFF, "شكراً لك، راجعنا طلبك وسيصلك الرد خلال أسبوع.")
    assert done["status"] == "answered" and done["answer"]["by"] == STAFF
    assert f"submission/{rid}" in git(repo, "branch", "--merged", "main")  # answered closes and reaches main
    assert check_range(assoc, forge, base, "main") == []
    with pytest.raises(UserError):
        actions.answer(assoc, forge, rid, STAFF, "again")


def test_a_late_complaint_goes_to_the_board(world: tuple[Any, ...]) -> None:
    assoc, forge, intake, repo = world
    rid = intake.accept("suggestion-or-complaint", COMPLAINT).id
    later = TODAY() + dt.timedelta(days=assoc.feedback_answer_days + 1)
    assert late_feedback(assoc, forge, TODAY()) == []
    assert late_feedback(assoc, forge, later) == [rid]
    assert actions.escalate_late(assoc, forge, STAFF, later) == [rid]
    record = find(forge, rid)[3]
    assert record["status"] == "escalated" and record["escalation"]["to"] == "board"
    assert late_feedback(assoc, forge, later) == []  # escalated once, not every day
    assert actions.answer(assoc, forge, rid, STAFF, "أجاب المجلس: نعتذر عن التأخير.")["status"] == "answered"
    log = git(repo, "log", "--format=%B", "main")
    assert "Mustafid-Status: escalated" in log and "Mustafid-Status: answered" in log


def test_a_survey_is_recorded_and_has_no_path(world: tuple[Any, ...]) -> None:
    assoc, forge, intake, repo = world
    base = git(repo, "rev-parse", "main").strip()
    rid = intake.accept("satisfaction-survey", SURVEY).id
    assert find(forge, rid)[3]["status"] == "recorded"
    assert rid not in {r["id"] for r in list_open(assoc, forge)}
    for act in (lambda: actions.verify(assoc, forge, rid, STAFF),
                lambda: actions.withdraw(assoc, forge, rid, STAFF, "no")):
        with pytest.raises(UserError) as refused:
            act()
        assert "survey" in refused.value.en
    assert check_range(assoc, forge, base, f"submission/{rid}") == []


def test_the_ci_gate_refuses_a_survey_given_a_path(world: tuple[Any, ...]) -> None:
    assoc, forge, intake, _repo = world
    rid = intake.accept("satisfaction-survey", SURVEY).id
    branch, tip, path, record = find(forge, rid)
    from mustafid.records.format import dump_record

    forged = dict(record, status="approved")
    forge.commit_on_branch(branch, {path: dump_record(forged, path=path).encode()}, "edit\n", expected_tip=tip)
    codes = {p.code for p in check_range(assoc, forge, "main", branch)}
    assert "survey-has-no-path" in codes


def test_the_receipt_follows_the_kind(world: tuple[Any, ...]) -> None:
    assoc, _forge, intake, _repo = world
    complaint = intake.accept("suggestion-or-complaint", COMPLAINT).record
    survey = intake.accept("satisfaction-survey", SURVEY).record
    quiet = intake.accept("suggestion-or-complaint", {**COMPLAINT, "wants_reply": "no"}).record
    for lang in ("ar", "en"):
        text = receipt_fragment(assoc, lang, complaint)
        assert "mf-due" in text and ("14" in text or "١٤" in text)
        assert ("approval or refusal" not in text) and ("بالقبول أو الرفض" not in text)
        s = receipt_fragment(assoc, lang, survey)
        assert "mf-due" not in s and ("anonymous" in s or "مجهولة" in s)
        assert "mf-due" not in receipt_fragment(assoc, lang, quiet)


def test_the_audit_follows_the_kind(world: tuple[Any, ...]) -> None:
    from mustafid.audit.report import audit

    assoc, forge, intake, repo = world
    answered = intake.accept("suggestion-or-complaint", COMPLAINT).id
    survey = intake.accept("satisfaction-survey", SURVEY).id
    request = submit(repo, assoc.id)
    actions.answer(assoc, forge, answered, STAFF, "تم")
    far = riyadh_today() + dt.timedelta(days=400)
    report = audit(assoc, forge, today=far)
    rows = {r["id"]: r for r in report["rows"]}
    assert report["anomalies"] == []
    assert rows[survey]["kind"] == "survey" and rows[survey]["overdue"] is False
    assert rows[survey]["promised_by"] is None and rows[survey]["status"] == "recorded"
    assert rows[answered]["outcome"] == "answered" and rows[answered]["kept"] is True
    assert rows[request]["overdue"] is True
    f = report["figures"]
    assert (f["surveys"], f["answered"], f["decided"], f["overdue"]) == (1, 1, 0, 1)


def test_the_review_summary_counts_the_kinds_own_period(world: tuple[Any, ...]) -> None:
    from mustafid.review.summary import summary

    assoc, _forge, intake, _repo = world
    complaint = intake.accept("suggestion-or-complaint", COMPLAINT).record
    survey = intake.accept("satisfaction-survey", SURVEY).record
    text = summary(assoc, complaint, "en", redact=True)
    assert f"Days left of the promised {assoc.feedback_answer_days} days" in text
    assert "sara@example.com" not in text and "0551234567" not in text
    assert "Days left of the promised — | —" in summary(assoc, survey, "en", redact=True)


def test_recorded_surveys_are_filed_on_main(world: tuple[Any, ...]) -> None:
    from mustafid.audit.report import audit
    from mustafid.review.queries import unfiled_surveys

    assoc, forge, intake, repo = world
    surveys = sorted(intake.accept("satisfaction-survey", SURVEY).id for _ in range(2))
    complaint = intake.accept("suggestion-or-complaint", COMPLAINT).id
    assert sorted(unfiled_surveys(assoc, forge)) == surveys
    for rid in surveys:
        actions.file_survey(assoc, forge, rid, STAFF)
    assert unfiled_surveys(assoc, forge) == []
    merged = git(repo, "branch", "--merged", "main")
    assert all(f"submission/{rid}" in merged for rid in surveys) and f"submission/{complaint}" not in merged
    with pytest.raises(UserError):
        actions.file_survey(assoc, forge, surveys[0], STAFF)
    with pytest.raises(UserError):
        actions.file_survey(assoc, forge, complaint, STAFF)
    report = audit(assoc, forge)
    assert report["anomalies"] == [] and report["figures"]["surveys"] == 2
