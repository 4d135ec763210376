"""The workflows in .github/ are safe to run on a pull request: a workflow linter (zizmor, offline) finds nothing,
every action is pinned by commit, and the pull-request checks run the BASE branch's tools on the base's
association.yml and forms/, reading the head only as data. The workflows' own shell steps are also run here, on
a fixture laid out as the two checkouts: a record's pull request passes, one that also changes the roster (or
slips a form in as a rename) is refused, a head whose association.yml and code are broken is never read."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT
from tests.review.util import setup, submit

WORKFLOWS_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOWS_DIR.glob("*.yml"))
PULL_REQUEST = WORKFLOWS_DIR / "pull-request.yml"
OVERDUE = WORKFLOWS_DIR / "overdue.yml"
SHA = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def load(workflow: Path) -> dict[Any, Any]:
    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and doc.get("jobs"), workflow
    return doc


def triggers(doc: dict[Any, Any]) -> dict[str, Any]:
    on = doc.get("on", doc.get(True))  # PyYAML reads the bare key `on` as True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), on
    return on


def steps(doc: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def zizmor() -> str | None:
    beside = Path(sys.executable).parent / "zizmor"
    return str(beside) if beside.exists() else shutil.which("zizmor")


# --- the linter and the pins --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    exe = zizmor()
    if exe is None:
        pytest.skip("zizmor is not installed (pip install zizmor): the workflow linter cannot run")
    proc = subprocess.run([exe, "--offline", "--no-progress", "--format", "plain", "--persona", persona,
                           str(WORKFLOWS_DIR)], capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout, proc.stdout


def test_there_are_workflows() -> None:
    assert {PULL_REQUEST, OVERDUE} <= set(WORKFLOWS)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(workflow: Path) -> None:
    doc = load(workflow)
    used = [job["uses"] for job in doc["jobs"].values() if "uses" in job]  # reusable workflows
    used += [step["uses"] for step in steps(doc) if "uses" in step]
    assert used, f"{workflow.name} uses no action"
    for ref in used:
        assert ref.startswith("./") or SHA.match(ref), f"{workflow.name}: {ref} is not pinned to a commit SHA"
    # the version each SHA stands for, in a comment on the same line (what a person reads, what updaters bump)
    for line in workflow.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(-\s+)?uses:", line) and "./" not in line:
            assert re.search(r"@[0-9a-f]{40}\s+#\s*v\d", line), f"{workflow.name}: no version comment: {line}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_read_only_token_no_kept_credentials_no_expression_in_shell(workflow: Path) -> None:
    doc = load(workflow)
    assert "pull_request_target" not in triggers(doc) and "workflow_run" not in triggers(doc)
    assert doc.get("permissions") == {"contents": "read"}
    assert all("permissions" not in job for job in doc["jobs"].values())
    for step in steps(doc):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, step
        assert "${{" not in step.get("run", ""), f"an expression in a shell step (pass it by env): {step}"


# --- the pull request is judged by the base ------------------------------------------------------------------


def checkouts(doc: dict[Any, Any]) -> dict[str, str]:
    """ref expression -> the folder it is checked out into."""
    return {s["with"]["ref"]: s["with"].get("path", ".") for s in steps(doc)
            if s.get("uses", "").startswith("actions/checkout@")}


def mustafid_lines(doc: dict[Any, Any]) -> list[list[str]]:
    lines = [line.strip() for s in steps(doc) if "run" in s for line in s["run"].splitlines()]
    return [shlex.split(line.split(">>")[0]) for line in lines if line.startswith("mustafid ")]


def test_the_pull_request_is_checked_with_the_base_tools_and_association() -> None:
    doc = load(PULL_REQUEST)
    assert "pull_request" in triggers(doc)
    folders = checkouts(doc)
    base = folders.pop("${{ github.event.pull_request.base.sha }}")
    head = folders.pop("${{ github.event.pull_request.head.sha }}")
    assert not folders and base not in (".", head) and head != "."
    installs = [s["run"].strip() for s in steps(doc) if "pip install" in s.get("run", "")]
    assert installs == [f"pip install ./{base}"], installs
    commands = mustafid_lines(doc)
    assert {c[1] for c in commands} == {"lifecycle-check", "validate"}
    assert any("--privacy-only" in c for c in commands)
    assert any("--changed-since" in c for c in commands)
    assert any("--base" in c and "--privacy-only" not in c for c in commands)
    for argv in commands:
        assert argv[argv.index("--association") + 1] == base, argv
        assert argv[argv.index("--repo") + 1] == head, argv
    # mustafid runs from the workspace, never from inside the head's checkout
    assert all("working-directory" not in s for s in steps(doc))
    assert any("diff" in s.get("run", "") and "--name-only" in s.get("run", "") for s in steps(doc))


# --- the workflows' shell steps, run on a fixture ------------------------------------------------------------


def shim(tmp_path: Path) -> Path:
    """A `mustafid` on PATH that is this interpreter's (the editable install), as `pip install ./base` gives."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "mustafid").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mustafid "$@"\n', encoding="utf-8")
    (bindir / "mustafid").chmod(0o755)
    return bindir


def run_steps(workflow: Path, workspace: Path, values: dict[str, str], bindir: Path) -> tuple[str | None, str]:
    """Run the job's shell steps (the install skipped) as GitHub does; (the first failing step's name, output)."""
    doc = load(workflow)
    (job,) = doc["jobs"].values()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSTAFID_")}
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    env.update(PATH=f"{bindir}{os.pathsep}{env['PATH']}", RUNNER_TEMP=str(temp),
               GITHUB_STEP_SUMMARY=str(temp / "summary.md"))
    for name, value in job.get("env", {}).items():
        env[name] = EXPRESSION.sub(lambda m: values[m.group(1)], str(value))
    out = ""
    for step in job["steps"]:
        if "run" not in step or step["run"].strip().startswith("pip install"):
            continue
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=workspace, env=env, capture_output=True, text=True, check=False)
        out += proc.stdout + proc.stderr
        if proc.returncode != 0:
            return step.get("name", step["run"]), out
    return None, out


def pull_request(tmp_path: Path, change: Any = None, records: bool = True) -> tuple[Path, dict[str, str]]:
    """The fixture's repository checked out twice, as the workflow's two checkout steps leave it: base/ at main,
    head/ (full history) at the pull request's head. `change(repo)` edits the head's working tree."""
    repo, _, _ = setup(tmp_path, "ajaa")
    base_sha = git(repo, "rev-parse", "main")
    branch = f"submission/{submit(repo, 'ajaa')}" if records else "change/config"
    if not records:
        git(repo, "branch", branch, "main")
    if change is not None:
        work = tmp_path / "edit"
        git(repo, "worktree", "add", "-q", str(work), branch)
        change(work)
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "change")
    head_sha = git(repo, "rev-parse", branch)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    for folder, sha in (("base", base_sha), ("head", head_sha)):
        subprocess.run(["git", "clone", "-q", "--no-checkout", str(repo), str(workspace / folder)], check=True)
        git(workspace / folder, "checkout", "-q", "--detach", sha)
    return workspace, {"github.event.pull_request.base.sha": base_sha,
                       "github.event.pull_request.head.sha": head_sha,
                       "github.event.repository.visibility || 'public'": "private"}


def lower_quorum(work: Path) -> None:
    path = work / "association.yml"
    path.write_text(re.sub(r"quorum: \d+", "quorum: 1", path.read_text(encoding="utf-8")), encoding="utf-8")


def test_a_records_pull_request_passes(tmp_path: Path) -> None:
    workspace, values = pull_request(tmp_path)
    failed, out = run_steps(PULL_REQUEST, workspace, values, shim(tmp_path))
    assert failed is None, out
    assert "records changed: 1, other files changed: 0" in out and "lifecycle ok" in out


def test_a_public_repository_with_personal_data_in_clear_is_refused(tmp_path: Path) -> None:
    workspace, values = pull_request(tmp_path)
    values["github.event.repository.visibility || 'public'"] = "public"
    failed, out = run_steps(PULL_REQUEST, workspace, values, shim(tmp_path))
    assert failed is not None and failed.startswith("Privacy guard"), out


def test_a_record_with_a_lowered_quorum_in_the_same_pull_request_is_refused(tmp_path: Path) -> None:
    workspace, values = pull_request(tmp_path, lower_quorum)
    failed, out = run_steps(PULL_REQUEST, workspace, values, shim(tmp_path))
    assert failed is not None and failed.startswith("Records or the rest"), out
    assert "association.yml" in out


def test_a_form_moved_among_the_records_is_seen_on_both_sides(tmp_path: Path) -> None:
    def move(work: Path) -> None:
        form = next(p for p in sorted((work / "forms").glob("*.yml")))
        git(work, "mv", str(form), str(work / "submissions" / form.name))

    workspace, values = pull_request(tmp_path, move)
    failed, out = run_steps(PULL_REQUEST, workspace, values, shim(tmp_path))
    assert failed is not None and failed.startswith("Records or the rest"), out
    assert "forms/" in out


def test_the_heads_association_and_code_are_never_read(tmp_path: Path) -> None:
    def poison(work: Path) -> None:
        lower_quorum(work)
        with (work / "association.yml").open("a", encoding="utf-8") as f:
            f.write("\n: this is not YAML [\n")
        package = work / "tools" / "mustafid"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("raise SystemExit('the head code ran')\n", encoding="utf-8")
        (work / "sitecustomize.py").write_text("raise SystemExit('the head code ran')\n", encoding="utf-8")

    workspace, values = pull_request(tmp_path, poison, records=False)
    failed, out = run_steps(PULL_REQUEST, workspace, values, shim(tmp_path))
    assert failed is None, out
    assert "records changed: 0" in out and "head code ran" not in out


def test_the_overdue_workflow_reads_its_checkout_without_a_remote(tmp_path: Path) -> None:
    repo, _, _ = setup(tmp_path, "ajaa")
    rid = submit(repo, "ajaa")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(origin)], check=True)
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", str(origin), str(workspace)], check=True)  # actions/checkout, depth 0
    failed, out = run_steps(OVERDUE, workspace, {"github.event.repository.visibility || 'public'": "private"},
                            shim(tmp_path))
    assert failed is None, out
    assert git(workspace, "remote") == ""
    assert git(workspace, "rev-parse", f"refs/heads/submission/{rid}") == git(repo, "rev-parse", f"submission/{rid}")


def test_codeowners_sends_records_to_the_committee_and_the_rest_to_the_board() -> None:
    owners: list[tuple[str, str]] = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, owner = line.split()
            owners.append((pattern, owner))

    def owner_of(path: str) -> str:  # the last matching line wins; enough of CODEOWNERS' patterns for these
        found = ""
        for pattern, owner in owners:
            anchored = pattern.lstrip("/")
            if pattern == "*" or path == anchored or (anchored.endswith("/") and path.startswith(anchored)):
                found = owner
        return found

    assert owner_of("submissions/support-request/2026/05/A1DH-2769.yml").endswith("/research-committee")
    for path in ("association.yml", "forms/support-request.yml", ".github/workflows/pull-request.yml",
                 ".github/CODEOWNERS", "tools/mustafid/review/ci.py", "templates/x.html", "content/index.md",
                 "mkdocs.yml", "pyproject.toml", "Makefile"):
        assert owner_of(path).endswith("/board"), path
