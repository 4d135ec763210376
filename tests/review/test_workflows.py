"""The workflows in .github/ parse and run mustafid, and CODEOWNERS gives the records to the committee. The
workflows' shell steps themselves run on fixtures in tests/test_workflows_security.py (base and head checkouts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def mustafid_commands(workflow: Path) -> list[str]:
    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert doc["jobs"] and (doc.get("on") or doc.get(True))  # PyYAML reads the bare key `on` as True
    runs = [step["run"] for job in doc["jobs"].values() for step in job["steps"] if "run" in step]
    return [line.split(">>")[0].strip() for run in runs for line in run.splitlines()
            if line.strip().startswith("mustafid ")]


def test_there_are_workflows_and_they_run_mustafid() -> None:
    names = {w.name for w in WORKFLOWS}
    assert {"pull-request.yml", "overdue.yml"} <= names
    assert all(mustafid_commands(w) for w in WORKFLOWS)


def test_codeowners_gives_submissions_to_the_committee() -> None:
    line = next(x for x in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines() if x.startswith("/submissions/"))
    assert line.split()[1].endswith("/research-committee")
