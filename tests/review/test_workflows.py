"""The workflows in .github/ parse, and every `mustafid ...` command they run exists and passes on a fixture
repository laid out as a pull-request checkout (GitHub's expressions replaced by the fixture's values)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mustafid.cli.main import COMMANDS, main
from tests.helpers import ROOT
from tests.review.util import setup, submit

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


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_command_exists_and_passes_on_a_fixture_repo(tmp_path: Path, workflow: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _, _ = setup(tmp_path, "ajaa")
    rid = submit(repo, "ajaa")
    assert main(["verify", rid, "--association", str(repo), "--repo", str(repo), "--as", "staff.officer"]) == 0
    base = git(repo, "rev-parse", "main")
    git(repo, "update-ref", "refs/remotes/origin/main", base)
    git(repo, "checkout", "-q", f"submission/{rid}")  # what actions/checkout leaves for the pull request
    head = git(repo, "rev-parse", "HEAD")
    values: dict[str, Any] = {
        "github.base_ref": "main", "github.event.pull_request.base.sha": base,
        "github.event.pull_request.head.sha": head, "github.event.repository.visibility": "private",
    }
    monkeypatch.chdir(repo)
    for command in mustafid_commands(workflow):
        line = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: str(values[m.group(1)]), command)
        argv = shlex.split(line)[1:]
        assert argv[0] in COMMANDS, f"{workflow.name} runs an unknown command: {command}"
        assert main(argv) == 0, line

    # The guard refuses a public repository holding personal data in clear.
    values["github.event.repository.visibility"] = "public"
    guard = next(c for c in mustafid_commands(workflow) if "--privacy-only" in c)
    argv = shlex.split(re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: str(values[m.group(1)]), guard))[1:]
    assert main(argv) == 1
