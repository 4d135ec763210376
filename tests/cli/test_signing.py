"""Signed actions with the real command, real ssh-keygen keys and git's own verification: once association.yml
lists keys, an action without the actor's key is refused (saying how to make one), another person's key is
refused, and every commit the tools write verifies with `git verify-commit` against the allowed-signers file
`mustafid keys allowed-signers` writes from the roster."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from mustafid.config.association import load_association
from tests.helpers import make_association_repo
from tests.review.util import submit as branch_submit
from tests.staff.util import STAFF


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def mustafid(repo: Path, *args: str, actor: str | None = None, key: Path | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("MUSTAFID_")} | (env or {})
    if actor:
        full["MUSTAFID_ACTOR"] = actor
    if key:
        full["MUSTAFID_KEY"] = str(key)
    return subprocess.run([sys.executable, "-m", "mustafid", *args], cwd=repo, env=full, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return " ".join(path.with_name(path.name + ".pub").read_text().split()[:2])


def signing_repo(tmp_path: Path, name: str) -> tuple[Path, dict[str, Path]]:
    """A seed association whose roster lists a key for every person and the intake, committed."""
    repo = make_association_repo(tmp_path, name)
    yaml = YAML()
    path = repo / "association.yml"
    doc = yaml.load(path.read_text(encoding="utf-8"))
    keys: dict[str, Path] = {}
    for person in [*doc["committee"]["members"], *doc["staff"]]:
        keys[person["id"]] = tmp_path / "keys" / person["id"]
        keys[person["id"]].parent.mkdir(exist_ok=True)
        person["keys"] = [{"ssh": keygen(keys[person["id"]]), "valid_after": "2026-01-01"}]
    keys["intake"] = tmp_path / "keys" / "intake"
    doc["intake"] = {"keys": [{"ssh": keygen(keys["intake"]), "valid_after": "2026-01-01"}]}
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)
    # the roster's change is itself signed (by a staff member: the admin's commit, as git signs it)
    staff_key = keys[doc["staff"][0]["id"]]
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={staff_key}", "commit", "-q", "-S", "-a", "-m",
        "roster keys")
    # Commit dates have one-second resolution and a roster change rules from the next second on (what was
    # committed in the same second is judged by the roster before it): the actions start after it.
    time.sleep(1.1)
    return repo, keys


def signed_submit(repo: Path, name: str, keys: dict[str, Path]) -> str:
    """A request's first commit as the intake writes it, signed with the intake's key."""
    from mustafid.store.sshsig import Signer

    return branch_submit(repo, name, signer=Signer(keys["intake"]))


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_actions_are_signed_and_git_verifies_them(tmp_path: Path, name: str) -> None:
    repo, keys = signing_repo(tmp_path, name)
    assoc = load_association(repo)
    chair, quorum = assoc.committee[0].id, ",".join(p.id for p in assoc.committee[:assoc.committee_quorum])
    rid = branch_submit(repo, name)

    refused = mustafid(repo, "verify", rid, actor=STAFF)
    assert refused.returncode == 1 and "mustafid keys new --as staff.officer" in refused.stderr
    wrong = mustafid(repo, "verify", rid, actor=STAFF, key=keys[chair])
    assert wrong.returncode == 1 and f"it is {chair}'s" in wrong.stderr
    ok = mustafid(repo, "verify", rid, actor=STAFF, key=keys[STAFF])
    assert ok.returncode == 0, ok.stderr
    for member in quorum.split(","):  # each member's own signed vote, then the decision
        voted = mustafid(repo, "vote", rid, "approve", "--reason", "meets the criteria", actor=member,
                         key=keys[member])
        assert voted.returncode == 0, voted.stderr
    out = mustafid(repo, "decide", rid, "approve", "--reason", "meets the criteria", "--members", quorum,
                   "--meeting", "2026-12/1", actor=chair, key=keys[chair])
    assert out.returncode == 0, out.stderr

    allowed = tmp_path / "allowed_signers"
    assert mustafid(repo, "keys", "allowed-signers", "-o", str(allowed)).returncode == 0
    verify = ["-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={allowed}"]
    # the verify, vote, decide and merge commits (the request's first commit was made by the test, unsigned)
    tool_commits = git(repo, "rev-list", "main", "--not", "main~1^1").split()
    signed = [c for c in tool_commits if git(repo, "log", "-1", "--format=%s", c).startswith(("Verify", "Approve",
                                                                                             "Merge approve", "Vote"))]
    assert len(signed) == 3 + assoc.committee_quorum
    for sha in signed:
        done = subprocess.run(["git", "-C", str(repo), *verify, "verify-commit", sha], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0 and "Good" in done.stderr, (sha, done.stderr)
    shown = subprocess.run(["git", "-C", str(repo), *verify, "log", "-1", "--show-signature", "main"],
                           capture_output=True, text=True, check=True).stdout
    assert f'Good "git" signature for {chair}' in shown


def test_a_staff_entry_is_signed_by_the_staff_member(tmp_path: Path) -> None:
    from tests.cli.test_submit import answers_file

    repo, keys = signing_repo(tmp_path, "ajaa")
    answers, docs = answers_file(tmp_path, "ajaa", "support-request")
    args = ("submit", "--form", "support-request", "--channel", "phone", "--file", str(answers), *docs)
    assert mustafid(repo, *args, actor=STAFF).returncode == 1
    out = mustafid(repo, *args, actor=STAFF, key=keys[STAFF])
    assert out.returncode == 0, out.stderr
    branch = next(b for b in git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/submission/").split())
    allowed = tmp_path / "allowed"
    mustafid(repo, "keys", "allowed-signers", "-o", str(allowed))
    done = subprocess.run(["git", "-C", str(repo), "-c", "gpg.format=ssh", "-c",
                           f"gpg.ssh.allowedSignersFile={allowed}", "verify-commit", branch],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and f'for {STAFF}' in done.stderr, done.stderr


def test_keys_new_makes_a_key_and_prints_the_roster_line(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path, "kahatain")
    target = tmp_path / "k" / "mine"
    out = mustafid(repo, "keys", "new", "--as", STAFF, "--file", str(target))
    assert out.returncode == 0, out.stderr
    public = " ".join(target.with_name("mine.pub").read_text().split()[:2])
    assert f'{{ssh: "{public}", valid_after: "' in out.stdout and f"MUSTAFID_KEY={target}" in out.stdout
    again = mustafid(repo, "keys", "new", "--as", STAFF, "--file", str(target))
    assert again.returncode == 1 and "a key exists" in again.stderr


def test_the_intake_signs_with_its_own_key_and_will_not_start_without_it(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from mustafid.core.errors import UserError
    from mustafid.forms.load import load_forms
    from mustafid.intake.web.app import create_app
    from mustafid.intake.web.state import Settings
    from mustafid.review.forges.local import LocalForge
    from tests.intake.test_app_inprocess import _test_client, built_shells
    from tests.intake.util import luhn_id, valid_post

    repo, keys = signing_repo(tmp_path, "ajaa")
    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    monkeypatch.delenv("MUSTAFID_INTAKE_KEY", raising=False)
    with pytest.raises(UserError, match="mustafid keys new --intake"):
        create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))
    monkeypatch.setenv("MUSTAFID_INTAKE_KEY", str(keys["intake"]))
    with _test_client(create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))) as client:
        fields, files = valid_post("ajaa", national_id=luhn_id(777))
        r = client.post("/submit/support-request", data=fields, files=files, headers={"Accept": "application/json"})
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
    allowed = tmp_path / "allowed"
    mustafid(repo, "keys", "allowed-signers", "-o", str(allowed))
    done = subprocess.run(["git", "-C", str(repo), "-c", "gpg.format=ssh", "-c",
                           f"gpg.ssh.allowedSignersFile={allowed}", "verify-commit", f"submission/{rid}"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and 'for intake' in done.stderr, done.stderr
