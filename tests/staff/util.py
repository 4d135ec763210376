"""What the tests of staff entry share (`mustafid submit` from a file in tests/cli, the interview here): the
staff member's roster id, and the check that one run created exactly one well-formed submission."""

from __future__ import annotations

from pathlib import Path

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.records.check import check_record
from mustafid.records.format import parse_record
from tests.intake.util import git, refs

STAFF = "staff.officer"


def new_submission(repo: Path, before: dict[str, str]) -> tuple[str, dict[str, object], str]:
    """The one branch created since ``before``: (branch, record, commit message); asserts the shape."""
    after = refs(repo)
    assert after["refs/heads/main"] == before["refs/heads/main"], "main must not move"
    new = sorted(set(after) - set(before))
    assert len(new) == 1 and new[0].startswith("refs/heads/submission/"), new
    branch = new[0][len("refs/heads/"):]
    assert git(repo, "rev-list", "--count", f"main..{branch}").strip() == "1"
    changes = git(repo, "diff", "--name-status", "main", branch).splitlines()
    assert len(changes) == 1 and changes[0].startswith("A\tsubmissions/"), changes
    path = changes[0].split("\t", 1)[1]
    record = parse_record(git(repo, "show", f"{branch}:{path}"))
    assert branch == f"submission/{record['id']}"
    assoc = load_association(repo)
    assert check_record(record, load_forms(assoc), path, assoc.id, path) == []
    return branch, record, git(repo, "log", "-1", "--format=%B", branch)
