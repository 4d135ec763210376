"""Personal data sealed at rest, on real repositories with real keys, for both associations: submitted through the
web form and `mustafid submit`, no submitted value or document is found in clear in any object of the repository
or its remote, nor in the document store or the vault; staff with a key read it, others read placeholders; erase,
export and re-wrapping after a roster change work without rewriting history."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml import YAML

from mustafid.config.association import load_association
from tests.cli.test_signing import git, mustafid, signing_repo
from tests.staff.util import STAFF

SCALARS = (str, int)


def sealed_repo(tmp_path: Path, name: str) -> tuple[Path, dict[str, Path]]:
    """A seed association that signs and seals: the roster's keys are the recipients."""
    repo, keys = signing_repo(tmp_path, name)
    ry = YAML()
    doc = ry.load((repo / "association.yml").read_text(encoding="utf-8"))
    doc["encryption"] = {"roster": True}
    with (repo / "association.yml").open("w", encoding="utf-8") as fh:
        ry.dump(doc, fh)
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys[STAFF]}", "commit", "-q", "-S", "-a", "-m",
        "seal personal data")
    import time

    time.sleep(1.1)
    return repo, keys


def values(node: Any) -> set[str]:
    """Every submitted answer worth searching for (text of 4+ characters, numbers of 4+ digits)."""
    out: set[str] = set()
    if isinstance(node, dict):
        for v in node.values():
            out |= values(v)
    elif isinstance(node, list):
        for v in node:
            out |= values(v)
    elif isinstance(node, SCALARS) and not isinstance(node, bool) and len(str(node)) >= 4:
        out.add(str(node))
    return out


def json_of(text: str) -> Any:
    import json

    return json.loads(text)


def sealed_values(node: Any, sealed: frozenset[str], pattern: str = "") -> set[str]:
    """The answers at the paths the form seals (``family.*.name``), as text."""
    out: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            pat = f"{pattern}{k}"
            if pat in sealed:
                out |= values(v) | ({str(v)} if isinstance(v, SCALARS) and not isinstance(v, bool) else set())
            elif isinstance(v, list):
                for item in v:
                    out |= sealed_values(item, sealed, f"{pat}.*.")
    return out


def all_objects(repo: Path) -> bytes:
    out = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch"], capture_output=True,
                         check=True).stdout
    return out


def files_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file()) if folder.exists() else b""


def web_submit(repo: Path, name: str, keys: dict[str, Path], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any], bytes]:
    from mustafid.forms.load import load_forms
    from mustafid.intake.web.app import create_app
    from mustafid.intake.web.state import Settings
    from mustafid.review.forges.local import LocalForge
    from tests.intake.test_app_inprocess import _test_client, built_shells
    from tests.intake.util import luhn_id, valid_post

    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    monkeypatch.setenv("MUSTAFID_INTAKE_KEY", str(keys["intake"]))
    fields, files = valid_post(name, national_id=luhn_id(4321))
    with _test_client(create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))) as client:
        r = client.post("/submit/support-request", data=fields, files=files, headers={"Accept": "application/json"})
        assert r.status_code == 201, r.text
    return r.json()["id"], fields, files[0][1][1] if files else b""


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_nothing_personal_in_clear_anywhere(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli.test_submit import answers_file

    repo, keys = sealed_repo(tmp_path, name)
    web_id, fields, web_doc = web_submit(repo, name, keys, tmp_path, monkeypatch)
    answers, docs = answers_file(tmp_path, name, "support-request")
    out = mustafid(repo, "submit", "--form", "support-request", "--channel", "phone", "--file", str(answers), *docs,
                   actor=STAFF, key=keys[STAFF])
    assert out.returncode == 0, out.stderr
    staff_docs = [Path(a.split("=", 1)[1]).read_bytes() for a in docs if "=" in a]
    from mustafid.forms.load import load_forms

    form = load_forms(load_association(repo))["support-request"]
    sealed = form.sealed_fields
    staff_answers = yaml.safe_load(answers.read_text(encoding="utf-8"))
    personal = sealed_values(staff_answers, sealed) | {str(v) for k, v in fields.items() if k in sealed}
    # a choice's code (saudi, widowed) is in the form definition itself: search the answers only it cannot explain
    public = b"".join(p.read_bytes() for p in [repo / "association.yml", *(repo / "forms").rglob("*")] if p.is_file())
    personal = {v for v in personal if len(v) >= 5 and v.encode() not in public}
    assert len(personal) > 10, personal
    raw_record = yaml.safe_load(git(repo, "show", f"submission/{web_id}:" + next(
        p for p in git(repo, "ls-tree", "-r", "--name-only", f"submission/{web_id}").splitlines()
        if p.endswith(f"{web_id}.yml"))))
    assert raw_record["sealed"] is True and raw_record["data"]["national_id"].startswith("enc:v1:")
    # a remote the team pushes to
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(repo), str(remote)], check=True)
    haystacks = {"repository": all_objects(repo), "remote": all_objects(remote),
                 "documents": files_under(repo / ".git" / "mustafid" / "documents"),
                 "vault": files_under(repo / ".git" / "mustafid" / "vault")}
    for where, hay in haystacks.items():
        found = [v for v in personal if v.encode() in hay]
        assert not found, (where, found[:5])
        for doc in [web_doc, *staff_docs]:
            assert doc and doc[:200] not in hay, where
    # staff with a key read the answers; without one, placeholders
    shown = mustafid(repo, "show", web_id, "--lang", "en", key=keys[STAFF])
    assert shown.returncode == 0, shown.stderr
    assert fields["first_name"] in shown.stdout
    blind = mustafid(repo, "show", web_id, "--lang", "en", env={"MUSTAFID_KEY": ""})
    assert blind.returncode == 0 and fields["first_name"] not in blind.stdout and "🔒 encrypted" in blind.stdout
    folder = tmp_path / "docs"
    shown = mustafid(repo, "show", web_id, "--documents", str(folder), key=keys[STAFF])
    assert shown.returncode == 0, shown.stderr
    assert web_doc in [p.read_bytes() for p in folder.iterdir()]
    # structure validation and the audit run with no key
    assert mustafid(repo, "audit").returncode == 0
    git(repo, "checkout", "-q", f"submission/{web_id}")
    checked = mustafid(repo, "validate", "--repo", str(repo), env={"MUSTAFID_CI_KEY": ""})
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "checked for form only" in checked.stderr
    checked = mustafid(repo, "validate", "--repo", str(repo), "--key", str(keys[STAFF]))
    assert checked.returncode == 0 and "opened 1 sealed records" in checked.stderr, checked.stderr
    # a sealed answer tampered with (another request's ciphertext pasted in) does not open: refused
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines() if p.endswith(".yml")
                and p.startswith("submissions/"))
    text = (repo / path).read_text(encoding="utf-8")
    first = raw_record["data"]["first_name"]
    (repo / path).write_text(text.replace(first, raw_record["data"]["family_name"], 1), encoding="utf-8")
    tampered = mustafid(repo, "validate", "--repo", str(repo), "--key", str(keys[STAFF]))
    assert tampered.returncode == 1 and "data.first_name" in tampered.stdout, tampered.stdout + tampered.stderr
    assert "altered or moved" in tampered.stdout and "Traceback" not in tampered.stderr


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_erase_export_and_rewrap(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from mustafid.store.vault import Vault, identity

    repo, keys = sealed_repo(tmp_path, name)
    rid, fields, doc = web_submit(repo, name, keys, tmp_path, monkeypatch)
    other, _f, _d = web_submit(repo, name, keys, tmp_path / "2", monkeypatch)
    copy = tmp_path / "copy"
    out = mustafid(repo, "export", rid, "-o", str(copy), key=keys[STAFF])
    assert out.returncode == 0, out.stderr
    exported = yaml.safe_load((copy / f"{rid}.yml").read_text(encoding="utf-8"))
    assert exported["data"]["first_name"] == fields["first_name"] and "lookup" not in exported
    assert doc in [p.read_bytes() for p in copy.iterdir() if p.suffix != ".yml"]
    # a member removed from the roster: after re-wrapping, their key opens nothing
    assoc = load_association(repo)
    gone = assoc.committee[-1].id
    ry = YAML()
    d = ry.load((repo / "association.yml").read_text(encoding="utf-8"))
    d["committee"]["members"] = [m for m in d["committee"]["members"] if m["id"] != gone]
    d["committee"]["quorum"] = min(d["committee"]["quorum"], len(d["committee"]["members"]))
    with (repo / "association.yml").open("w", encoding="utf-8") as fh:
        ry.dump(d, fh)
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys[STAFF]}", "commit", "-q", "-S", "-a", "-m",
        "member leaves")
    vault = Vault.beside(type("R", (), {"git_dir": repo / ".git"})())
    assert vault.open(rid, [identity(keys[gone])]) is not None  # wrapped to them while they were on it
    head = git(repo, "rev-parse", "HEAD")
    out = mustafid(repo, "rewrap", key=keys[STAFF])
    assert out.returncode == 0, out.stdout + out.stderr
    from mustafid.core.errors import UserError

    with pytest.raises(UserError):
        vault.open(rid, [identity(keys[gone])])
    assert vault.open(rid, [identity(keys[STAFF])])
    assert git(repo, "rev-parse", "HEAD") == head  # no history rewritten
    # erase: keys and documents destroyed, the erasure recorded, history and the audit intact
    refused = mustafid(repo, "erase", rid, "--reason", "because I said so", actor=STAFF, key=keys[STAFF])
    assert refused.returncode != 0
    out = mustafid(repo, "erase", rid, "--reason", "subject-request", actor=STAFF, key=keys[STAFF])
    assert out.returncode == 0, out.stderr
    # the payment account is financial evidence, kept under its own key for its legal period; the rest is gone
    assert vault.classes(rid) == ["legal"] and vault.classes(other) == ["legal", "main"]
    assert json_of(out.stdout)["kept_until"]
    log = git(repo, "show", f"mustafid-erasures:erasures/{rid}.yml")
    assert "subject-request" in log and STAFF in log and fields["first_name"] not in log
    assert subprocess.run(["git", "-C", str(repo), "fsck", "--strict"], capture_output=True,
                          check=False).returncode == 0
    assert mustafid(repo, "audit").returncode == 0
    shown = mustafid(repo, "show", rid, "--lang", "en", key=keys[STAFF])
    assert shown.returncode == 0 and fields["first_name"] not in shown.stdout and "erased" in shown.stdout
    assert fields["first_name"] in mustafid(repo, "show", other, "--lang", "en", key=keys[STAFF]).stdout


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_retention_erases_the_case_and_keeps_the_payment_account_its_legal_period(
        tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from mustafid.forms.load import load_forms
    from mustafid.review.clear import identities, opened
    from mustafid.review.forges.local import LocalForge
    from mustafid.review.privacy import due, erase, locate
    from mustafid.store.vault import Vault

    repo, keys = sealed_repo(tmp_path, name)
    rid, fields, _doc = web_submit(repo, name, keys, tmp_path, monkeypatch)
    assoc = load_association(repo)
    chair = assoc.committee[0].id
    assert mustafid(repo, "verify", rid, actor=STAFF, key=keys[STAFF]).returncode == 0
    for m in [p.id for p in assoc.committee[:assoc.committee_quorum]]:
        assert mustafid(repo, "vote", rid, "approve", "--reason", "ok", actor=m, key=keys[m]).returncode == 0
    out = mustafid(repo, "decide", rid, "approve", "--reason", "ok", "--meeting", "2026-12/1", actor=chair,
                   key=keys[chair])
    assert out.returncode == 0, out.stderr
    form = load_forms(assoc)["support-request"]
    forge = LocalForge(repo)
    submitted = dt.date.fromisoformat(str(locate(forge, rid)[1]["submitted_at"])[:10])
    assert due(assoc, forge, submitted) == []
    later = submitted + dt.timedelta(days=form.retention_days + 1)
    assert due(assoc, forge, later) == [(rid, "main")]
    ids = identities(str(keys[STAFF]))
    entry = erase(assoc, forge, rid, STAFF, "retention", ids, today=later)
    assert entry["destroyed"] == ["main"] and entry["kept_until"]
    record = opened(locate(forge, rid)[1], Vault.beside(forge), ids)
    assert record["data"]["iban"] == fields["iban"].replace(" ", "")  # the payment account, kept by law
    assert record["data"]["first_name"] != fields["first_name"] and "erased" in str(record["data"]["first_name"])
    assert due(assoc, forge, later) == []
    end = submitted + dt.timedelta(days=3651)
    assert due(assoc, forge, end) == [(rid, "legal")]
    assert erase(assoc, forge, rid, STAFF, "retention", ids, today=end)["destroyed"] == ["legal"]
    assert not Vault.beside(forge).has(rid) and due(assoc, forge, end) == []
    assert mustafid(repo, "audit").returncode == 0


def test_duplicates_are_found_by_the_keyed_hash_without_a_clear_id(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A second open request from the same applicant is flagged, by a server that knows the first only from git
    (its sealed record's keyed hash): no clear national ID is read or kept."""
    from mustafid.intake.service import Intake
    from mustafid.review.forges.local import LocalForge
    from mustafid.store.documents import DocumentStore
    from mustafid.store.sshsig import Signer

    repo, keys = sealed_repo(tmp_path, "ajaa")
    first, fields, _doc = web_submit(repo, "ajaa", keys, tmp_path, monkeypatch)
    forge = LocalForge(repo, signer=Signer(keys["intake"]))
    intake = Intake(load_association(repo), forge, DocumentStore.beside(forge))  # a fresh index, from git
    from mustafid.intake.uploads import Upload
    from tests.intake.util import valid_post

    again, files = valid_post("ajaa", national_id=fields["national_id"], seed=7)
    uploads = [Upload(f, name, typ, content) for f, (name, content, typ) in files]
    second = intake.accept("support-request", again, uploads=uploads)
    assert second.record["duplicate_of"] == [first]
    text = git(repo, "show", f"submission/{second.id}:{second.path}")
    assert fields["national_id"] not in text and "lookup:" in text
    assert "applicant:" in text and len(yaml.safe_load(text)["lookup"]["applicant"]) == 64


def test_a_ci_recipient_opens_sealed_records_for_validation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mustafid keys recipient` makes an age identity; listed under encryption.recipients it opens what is
    sealed after, and validate checks those answers in full with it."""
    repo, keys = sealed_repo(tmp_path, "kahatain")
    ci = tmp_path / "ci.age"
    out = mustafid(repo, "keys", "recipient", "--as", "ci", "--file", str(ci))
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if "key:" in x)
    ry = YAML()
    doc = ry.load((repo / "association.yml").read_text(encoding="utf-8"))
    doc["encryption"]["recipients"] = [{"id": "ci", "key": line.split('"')[1]}]
    with (repo / "association.yml").open("w", encoding="utf-8") as fh:
        ry.dump(doc, fh)
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys[STAFF]}", "commit", "-q", "-S", "-a", "-m", "ci")
    rid, _fields, _doc = web_submit(repo, "kahatain", keys, tmp_path, monkeypatch)
    git(repo, "checkout", "-q", f"submission/{rid}")
    checked = mustafid(repo, "validate", "--repo", str(repo), env={"MUSTAFID_CI_KEY": str(ci)})
    assert checked.returncode == 0 and "opened 1 sealed records" in checked.stderr, checked.stderr
