"""`mustafid validate` and `mustafid schema` as a user (and CI) runs them: real processes, real git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

EXAMPLE_DIR = ROOT / "tests" / "examples"

MUSTAFID = [sys.executable, "-m", "mustafid"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MUSTAFID_NO_TRACEBACK": "0"}
    return subprocess.run([*MUSTAFID, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _with_valid_records(repo: Path, assoc: str = "ajaa") -> None:
    shutil.copytree(EXAMPLE_DIR / "valid" / assoc / "submissions", repo / "submissions", dirs_exist_ok=True)
    _git(repo, "add", "submissions")
    _git(repo, "commit", "-q", "-m", "records")


def test_clean_repository_exits_0(ajaa_repo: Path) -> None:
    _with_valid_records(ajaa_repo)
    proc = _run("validate", cwd=ajaa_repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked 10 records" in proc.stderr and "السجلات المفحوصة: 10 سجلات" in proc.stderr


def test_problems_are_listed_file_line_path_in_both_languages(ajaa_repo: Path) -> None:
    _with_valid_records(ajaa_repo)
    bad = EXAMPLE_DIR / "invalid" / "ajaa"
    names = ("national-id-luhn.yml", "broken-yaml.yml", "python-tag.yml", "duplicate-key.yml")
    for name in names:
        shutil.copy2(bad / name, ajaa_repo / name)
    proc = _run("validate", *names, "submissions", cwd=ajaa_repo)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    luhn = next(line for line in lines if line.startswith("national-id-luhn.yml:"))
    _, line, path, message = luhn.split(":", 3)
    assert int(line) > 0 and path == " data.national_id" and "رقم الهوية" in message and "check digit" in message
    assert {ln.split(":")[0] for ln in lines} == set(names)


def test_json_format(ajaa_repo: Path) -> None:
    shutil.copy2(EXAMPLE_DIR / "invalid" / "ajaa" / "iban-checksum.yml", ajaa_repo / "x.yml")
    proc = _run("validate", "--format", "json", "x.yml", cwd=ajaa_repo)
    assert proc.returncode == 1
    (problem,) = json.loads(proc.stdout)
    assert problem["path"] == "data.iban" and problem["code"] == "iban_checksum" and problem["line"] > 0


def test_changed_since_checks_only_what_a_pull_request_changed(ajaa_repo: Path) -> None:
    _with_valid_records(ajaa_repo)
    old = min((ajaa_repo / "submissions").rglob("*.yml"))
    old.write_text(old.read_text(encoding="utf-8").replace('status: "received"', 'status: "lost"'), encoding="utf-8")
    _git(ajaa_repo, "commit", "-q", "-am", "a bad record already on main")
    _git(ajaa_repo, "branch", "base")
    new = EXAMPLE_DIR / "invalid" / "ajaa" / "submissions" / "support-request" / "2025" / "01"
    shutil.copytree(new, ajaa_repo / "submissions" / "support-request" / "2025" / "01")
    _git(ajaa_repo, "add", "submissions")
    _git(ajaa_repo, "commit", "-q", "-m", "a record at the wrong path")
    proc = _run("validate", "--changed-since", "base", cwd=ajaa_repo)
    assert proc.returncode == 1
    assert "wrong path" in proc.stdout and "lost" not in proc.stdout and old.name not in proc.stdout
    assert "checked 1 record," in proc.stderr and "السجلات المفحوصة: سجل واحد" in proc.stderr
    proc = _run("validate", "--changed-since", "no-such-rev", cwd=ajaa_repo)
    assert proc.returncode == 1 and "does the revision exist" in proc.stderr


def test_other_association_records_are_refused(kahatain_repo: Path) -> None:
    _with_valid_records(kahatain_repo, "ajaa")
    proc = _run("validate", cwd=kahatain_repo)
    assert proc.returncode == 1 and "another association" in proc.stdout


def test_schema_writes_and_checks(ajaa_repo: Path) -> None:
    assert _run("schema", "--check", cwd=ajaa_repo).returncode == 0
    target = ajaa_repo / "forms" / "schema" / "volunteering.schema.json"
    target.write_text("{}", encoding="utf-8")
    (ajaa_repo / "forms" / "schema" / "old-form.schema.json").write_text("{}", encoding="utf-8")
    proc = _run("schema", "--check", cwd=ajaa_repo)
    assert proc.returncode == 1 and "volunteering" in proc.stdout and "old-form" in proc.stdout
    assert _run("schema", cwd=ajaa_repo).returncode == 0
    assert _run("schema", "--check", cwd=ajaa_repo).returncode == 0
    assert not (ajaa_repo / "forms" / "schema" / "old-form.schema.json").exists()


def test_repository_without_records_is_clean(ajaa_repo: Path) -> None:
    proc = _run("validate", cwd=ajaa_repo)
    assert proc.returncode == 0 and "checked 0 records" in proc.stderr


def test_missing_path_is_a_user_error(ajaa_repo: Path) -> None:
    proc = _run("validate", "nowhere.yml", cwd=ajaa_repo)
    assert proc.returncode == 1 and "no such path" in proc.stderr and "Traceback" not in proc.stderr


def test_record_listing_is_sorted_like_paths(tmp_path: Path) -> None:
    """`mustafid validate` lists records with scandir, folder by folder; the order (the output's order) must be
    that of sorted Paths, also where a name sorts before or after "/" ("a-x" against "a/b"), and links to
    folders are not followed."""
    from mustafid.cli.commands.validate import records_under

    names = ["a/b.yml", "a-x.yml", "a.b/c.yml", "a/-.yml", "A/z.yaml", "a/b/c.yml", "b.yml", "a/b.txt", "x/.yml",
             "y/٢.yml", "a b/c.yml"]
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    want = [str(p) for p in sorted(p for p in tmp_path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())]
    assert records_under(tmp_path) == want
    assert len(want) == 9
