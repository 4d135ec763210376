"""Personal data sealed at rest, on real repositories with real keys, for both associations: submitted through the
web form and `mustafid submit`, then completed through the applicant's link on the real intake server (an answer
and a document) and by staff (`mustafid resubmit --document`), no submitted value, answer, document or file name
is found in clear in any object of the repository or its remote, nor in the document store or the vault; staff
with a key read it, others read placeholders; the status lookup finds a sealed request by the mobile's last four
digits; erase, export and re-wrapping after a roster change work without rewriting history, what came later
included."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from ruamel.yaml import YAML

from mustafid.config.association import load_association
from mustafid.core.period import riyadh_today
from tests.cli.test_signing import git, mustafid, signing_repo
from tests.intake.util import fake_pdf
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


@contextlib.contextmanager
def intake_server(repo: Path, keys: dict[str, Path], tmp_path: Path) -> Iterator[str]:
    """The real intake server (`mustafid serve`) on loopback over the repository, signing with the intake's key
    (its link secret the repository's own, as every command here reads it)."""
    from mustafid.forms.load import load_forms
    from tests.intake.test_app_inprocess import built_shells
    from tests.intake_server import running_intake

    site = built_shells(tmp_path / "served-site", [*load_forms(load_association(repo)), "receipt"])
    with running_intake(repo, repo, site, extra_env={"MUSTAFID_INTAKE_KEY": str(keys["intake"])}) as server:
        yield server.url


def complete_by_link(url: str, repo: Path, keys: dict[str, Path], rid: str, answer: str,
                     files: dict[str, tuple[str, bytes, str]]) -> dict[str, Any]:
    """Staff ask for information; the applicant answers through the completion link; the record after it."""
    from mustafid.notices.links import link_secret, make_token
    from mustafid.review.forges.local import LocalForge
    from mustafid.review.queries import find

    asked = mustafid(repo, "request-info", rid, "--note", "صورة أوضح من الهوية", actor=STAFF, key=keys[STAFF])
    assert asked.returncode == 0, asked.stderr
    n = len([q for q in find(LocalForge(repo), rid)[3]["info_requests"] if not q.get("resubmitted")])
    token = make_token(link_secret(repo / ".git"), rid, n, riyadh_today() + dt.timedelta(days=7))
    r = httpx.post(f"{url}/en/complete/", data={"t": token, "answer": answer}, files=files, timeout=60)
    assert r.status_code == 200, r.text[-500:]
    record = find(LocalForge(repo), rid)[3]
    assert record["status"] == "received" and record["info_requests"][-1]["by"] == "applicant"
    return record


def status_found(url: str, rid: str, code: str) -> bool:
    page = httpx.post(f"{url}/en/status/", data={"ref": rid, "code": code}, timeout=30)
    assert page.status_code == 200
    assert ('id="mf-status"' in page.text) != ("mf-panel--error" in page.text), page.text[-400:]
    return 'id="mf-status"' in page.text


def last_four(mobile: str) -> str:
    from mustafid.core.normalize import normalize_digits

    return "".join(c for c in normalize_digits(str(mobile)) if c.isdigit())[-4:]


ANSWER = "أرفقت صورة أوضح، والمالك سعيد الحربي يطالب بإيجار شهرين"
LATER_NAME = "هوية-سارة-العتيبي.pdf"  # the applicant's own file name: personal, never kept


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
    staff_id = next(x.rsplit(" ", 1)[-1] for x in out.stdout.splitlines() if "reference:" in x)
    # what comes later: the applicant's answer and a document through the completion link on the real server,
    # a document brought to staff; and the status lookup by the mobile's last four digits
    later_doc, staff_later = fake_pdf(7101), tmp_path / "خالد-هوية-جديدة.pdf"
    staff_later.write_bytes(fake_pdf(7102))
    with intake_server(repo, keys, tmp_path) as url:
        completed = complete_by_link(url, repo, keys, web_id, ANSWER,
                                     {"id_copy": (LATER_NAME, later_doc, "application/pdf")})
        mobile = last_four(fields["mobile"])
        assert status_found(url, web_id, mobile)
        assert not status_found(url, web_id, f"{(int(mobile) + 1) % 10000:04d}")
        staff_mobile = last_four(yaml.safe_load(answers.read_text(encoding="utf-8"))["mobile"])
        assert status_found(url, staff_id, staff_mobile)
    assert mustafid(repo, "request-info", staff_id, "--note", "الهوية", actor=STAFF, key=keys[STAFF]).returncode == 0
    out = mustafid(repo, "resubmit", staff_id, "--document", f"id_copy={staff_later}", actor=STAFF, key=keys[STAFF])
    assert out.returncode == 0, out.stderr
    later = [d for d in completed["documents"] if d.get("key")]
    assert [d["name"] for d in later] == ["id_copy.pdf"] and completed["info_requests"][-1]["key"] == later[0]["key"]
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
    from mustafid.notices.links import link_secret
    from mustafid.notices.lookup import mobile_hash

    assert raw_record["lookup"]["mobile"] == mobile_hash(link_secret(repo / ".git"), web_id, mobile)
    # a remote the team pushes to
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--mirror", str(repo), str(remote)], check=True)
    haystacks = {"repository": all_objects(repo), "remote": all_objects(remote),
                 "documents": files_under(repo / ".git" / "mustafid" / "documents"),
                 "vault": files_under(repo / ".git" / "mustafid" / "vault")}
    for where, hay in haystacks.items():
        found = [v for v in personal if v.encode() in hay]
        assert not found, (where, found[:5])
        for doc in [web_doc, *staff_docs, later_doc, staff_later.read_bytes()]:
            assert doc and doc[:200] not in hay, where
        for text in (ANSWER, ANSWER[:12], LATER_NAME, Path(LATER_NAME).stem, staff_later.stem):
            assert text.encode() not in hay, (where, text)
    # staff with a key read the answers; without one, placeholders
    shown = mustafid(repo, "show", web_id, "--lang", "en", key=keys[STAFF])
    assert shown.returncode == 0, shown.stderr
    assert fields["first_name"] in shown.stdout and f"answer: {ANSWER}" in shown.stdout
    blind = mustafid(repo, "show", web_id, "--lang", "en", env={"MUSTAFID_KEY": ""})
    assert blind.returncode == 0 and fields["first_name"] not in blind.stdout and "🔒 encrypted" in blind.stdout
    assert ANSWER not in blind.stdout and "answer: 🔒 encrypted" in blind.stdout
    folder = tmp_path / "docs"
    shown = mustafid(repo, "show", web_id, "--documents", str(folder), key=keys[STAFF])
    assert shown.returncode == 0, shown.stderr
    assert {web_doc, later_doc} <= {p.read_bytes() for p in folder.iterdir()}
    shown = mustafid(repo, "show", staff_id, "--documents", str(tmp_path / "staff-docs"), key=keys[STAFF])
    assert shown.returncode == 0, shown.stderr
    assert staff_later.read_bytes() in [p.read_bytes() for p in (tmp_path / "staff-docs").iterdir()]
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
    import pyrage

    from mustafid.core.errors import UserError
    from mustafid.store.vault import Vault, identity
    from tests.cli.test_signing import keygen

    repo, keys = sealed_repo(tmp_path, name)
    rid, fields, doc = web_submit(repo, name, keys, tmp_path, monkeypatch)
    other, _f, _d = web_submit(repo, name, keys, tmp_path / "2", monkeypatch)
    later_doc = fake_pdf(7201)
    with intake_server(repo, keys, tmp_path) as url:  # an answer and a document sent later, through the link
        completed = complete_by_link(url, repo, keys, rid, ANSWER, {"id_copy": (LATER_NAME, later_doc,
                                                                                 "application/pdf")})
    addendum = completed["info_requests"][-1]["key"]
    vault = Vault.beside(type("R", (), {"git_dir": repo / ".git"})())
    assert vault.addenda(rid) == [addendum] and sorted(vault.ids()) == sorted([rid, other])  # no request of its own
    assert vault.classes(rid) == ["legal", "main"]

    def exported_by(key: Path, folder: Path) -> tuple[dict[str, Any], list[bytes]]:
        out = mustafid(repo, "export", rid, "-o", str(folder), key=key)
        assert out.returncode == 0, out.stderr
        record = yaml.safe_load((folder / f"{rid}.yml").read_text(encoding="utf-8"))
        return record, [p.read_bytes() for p in folder.iterdir() if p.suffix != ".yml"]

    exported, files = exported_by(keys[STAFF], tmp_path / "copy")
    assert exported["data"]["first_name"] == fields["first_name"] and "lookup" not in exported
    assert doc in files and later_doc in files and exported["info_requests"][-1]["answer"] == ANSWER
    # a member removed from the roster and one added: after re-wrapping, the removed member's key opens nothing
    # (what came later neither), the new member's opens it all
    assoc = load_association(repo)
    gone = assoc.committee[-1].id
    ry = YAML()
    d = ry.load((repo / "association.yml").read_text(encoding="utf-8"))
    d["committee"]["members"] = [m for m in d["committee"]["members"] if m["id"] != gone]
    d["committee"]["quorum"] = min(d["committee"]["quorum"], len(d["committee"]["members"]))
    keys["new.officer"] = tmp_path / "keys" / "new.officer"
    d["staff"].append({**dict(d["staff"][0]), "id": "new.officer", "email": "new.officer@example.invalid",
                       "keys": [{"ssh": keygen(keys["new.officer"]), "valid_after": "2026-01-01"}]})
    with (repo / "association.yml").open("w", encoding="utf-8") as fh:
        ry.dump(d, fh)
    git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys[STAFF]}", "commit", "-q", "-S", "-a", "-m",
        "member leaves")
    assert addendum in (vault.open(rid, [identity(keys[gone])]) or {})  # wrapped to them while they were on it
    with pytest.raises(UserError):
        vault.open(rid, [identity(keys["new.officer"])])
    head = git(repo, "rev-parse", "HEAD")
    out = mustafid(repo, "rewrap", key=keys[STAFF])
    assert out.returncode == 0, out.stdout + out.stderr
    with pytest.raises(UserError):
        vault.open(rid, [identity(keys[gone])])
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(vault.load_blob(f"{rid}+{addendum}") or b"", [identity(keys[gone])])
    assert addendum in (vault.open(rid, [identity(keys[STAFF])]) or {})
    exported, files = exported_by(keys["new.officer"], tmp_path / "copy-new")
    assert later_doc in files and exported["info_requests"][-1]["answer"] == ANSWER
    assert git(repo, "rev-parse", "HEAD") == head  # no history rewritten
    # erase: keys and documents destroyed, the erasure recorded, history and the audit intact
    refused = mustafid(repo, "erase", rid, "--reason", "because I said so", actor=STAFF, key=keys[STAFF])
    assert refused.returncode != 0
    out = mustafid(repo, "erase", rid, "--reason", "subject-request", actor=STAFF, key=keys[STAFF])
    assert out.returncode == 0, out.stderr
    # the payment account is financial evidence, kept under its own key for its legal period; the rest is gone,
    # what came later with it
    assert vault.classes(rid) == ["legal"] and vault.classes(other) == ["legal", "main"]
    erased = json_of(out.stdout)
    assert erased["kept_until"] and addendum in erased["destroyed"] and erased["answers_removed"] == 1
    assert vault.addenda(rid) == [] and not (repo / ".git" / "mustafid" / "vault" / "keys" / f"{rid}+{addendum}.age"
                                            ).exists()
    gone_blobs = [d["sha256"] for d in completed["documents"]] + [completed["info_requests"][-1]["answer_sha256"]]
    assert not any((repo / ".git" / "mustafid" / "documents" / s[:2] / s).exists() for s in gone_blobs)
    exported, files = exported_by(keys[STAFF], tmp_path / "copy-after")
    assert exported["info_requests"][-1]["answer"] == {"ar": "⌀ أُتلف", "en": "⌀ erased"} and files == []
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


def test_documents_kept_between_check_and_confirm_wait_sealed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the check step a sealed association's documents wait encrypted, each with a key only its token (the
    applicant's page) carries; confirm opens them with it and seals them with the request's key."""
    import html
    import re

    from mustafid.forms.load import load_forms
    from mustafid.intake.web.app import create_app
    from mustafid.intake.web.state import Settings
    from mustafid.review.forges.local import LocalForge
    from tests.intake.test_app_inprocess import _test_client, built_shells
    from tests.intake.util import luhn_id, valid_post

    repo, keys = sealed_repo(tmp_path, "ajaa")
    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    monkeypatch.setenv("MUSTAFID_INTAKE_KEY", str(keys["intake"]))
    fields, files = valid_post("ajaa", national_id=luhn_id(8642), seed=8642)
    from tests.intake.test_app_inprocess import HIDDEN as hidden_re
    with _test_client(create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))) as client:
        checked = client.post("/submit/support-request", data={**fields, "_step": "check"}, files=files)
        assert checked.status_code == 200, checked.text[:300]
        waiting = files_under(repo / ".git" / "mustafid" / "stash")
        assert waiting, "the documents wait in the stash"
        for _f, (_n, content, _t) in files:
            assert content[:200] not in waiting
        hidden: dict[str, list[str]] = {}
        for key, value in hidden_re.findall(checked.text):
            hidden.setdefault(html.unescape(key), []).append(html.unescape(value))
        r = client.post("/submit/support-request", data={**hidden, "_step": "confirm"})
        assert r.status_code == 303, re.findall(r'<a href="#[^"]*">([^<]*)</a>', r.text)[:5]
    rid = r.headers["location"].rsplit("=", 1)[1]
    copy = tmp_path / "copy"
    assert mustafid(repo, "export", rid, "-o", str(copy), key=keys[STAFF]).returncode == 0
    got = sorted(p.read_bytes() for p in copy.iterdir() if p.suffix != ".yml")
    assert got == sorted(c for _f, (_n, c, _t) in files)
    assert not any(c[:200] in files_under(repo / ".git" / "mustafid") for _f, (_n, c, _t) in files)
