"""A required document left for later at staff entry (`mustafid submit --later FIELD`), for both associations in
real repositories: the request is kept, flagged incomplete and asked for the document (needs_info, with the
applicant's notice carrying the completion link); it cannot be verified until `resubmit --document` brings
it, which makes it complete; `mustafid validate` and the CI gate accept it all along."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mustafid.cli.main import main
from mustafid.config.association import load_association
from mustafid.core.errors import UserError
from mustafid.forms.load import load_forms
from mustafid.notices.outbox import Outbox
from mustafid.records.check import check_record
from mustafid.review.actions import verify
from mustafid.review.ci import check_range
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import find
from tests.cli.test_submit import answers_file, submit
from tests.intake.util import fake_pdf
from tests.staff.util import STAFF


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def test_a_document_left_for_later_marks_the_request_incomplete(repo: Path, name: str, tmp_path: Path) -> None:
    assoc = load_association(repo)
    form = load_forms(assoc)["support-request"]
    answers, docs = answers_file(tmp_path, name, "support-request")
    required = [d.field for d in form.documents if d.required and d.relevant is None]
    later = required[0]
    kept = [a for i, a in enumerate(docs) if not (docs[i - 1] == "--document" and a.startswith(f"{later}="))
            and not (a == "--document" and i + 1 < len(docs) and docs[i + 1].startswith(f"{later}="))]
    base = git(repo, "rev-parse", "main").strip()

    refused = submit(repo, "--form", "support-request", "--channel", "interview", "--file", str(answers), *kept)
    assert refused.returncode == 1  # without --later the missing document is refused, nothing written

    out = submit(repo, "--form", "support-request", "--channel", "interview", "--file", str(answers), *kept,
                 "--later", later)
    assert out.returncode == 0, out.stderr
    forge = LocalForge(repo)
    rid = next(b.removeprefix("submission/") for b in forge.branches())
    _branch, _tip, path, record = find(forge, rid)
    assert record["status"] == "needs_info" and "incomplete" in record["flags"]
    assert record["missing_documents"] == [later]
    assert check_record(record, load_forms(assoc), path, assoc.id, path) == []
    outbox = Outbox(repo / ".git" / "mustafid" / "outbox")
    assert outbox.keys("pending") == sorted([f"{rid}.receipt.1", f"{rid}.info_request.1"])
    assert "/complete/?t=" in outbox.read("pending", f"{rid}.info_request.1").notice.body

    def cli(*args: str) -> int:
        return main([args[0], "--association", str(repo), "--repo", str(repo), "--as", STAFF, *args[1:]])

    pdf = tmp_path / "later.pdf"
    pdf.write_bytes(fake_pdf(9))
    assert cli("resubmit", rid) == 0  # back to received, still without the document
    record = find(forge, rid)[3]
    assert record["status"] == "received" and "incomplete" in record["flags"]
    with pytest.raises(UserError) as refused:
        verify(assoc, forge, rid, STAFF)
    assert [p.code for p in refused.value.problems] == ["incomplete"]
    assert cli("verify", rid) == 1
    assert cli("request-info", rid, "--note", "أحضري المستند") == 0
    assert cli("resubmit", rid, "--document", f"{later}={pdf}") == 0
    record = find(forge, rid)[3]
    assert "incomplete" not in record["flags"] and "missing_documents" not in record
    assert cli("verify", rid) == 0
    assert check_range(assoc, forge, base, f"submission/{rid}") == []
