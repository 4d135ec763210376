"""The team's vault served by the real intake server on loopback: a staff member's clone holds no key, opens a
sealed request through signed calls (what the applicant sent later through the completion link too: its
addendum key through the vault's routes, its ciphertext on the request's documents ref), and erases it there;
an unsigned call, a stranger's key and a stale signature are refused."""

from __future__ import annotations

import base64
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from mustafid.core.errors import UserError
from mustafid.store.sshsig import Signer
from mustafid.store.vault_http import NAMESPACE, signed_message
from tests.cli.test_signing import git, keygen, mustafid
from tests.intake.util import fake_pdf, luhn_id, valid_post
from tests.intake_server import running_intake
from tests.review.test_privacy import ANSWER, LATER_NAME, complete_by_link, sealed_repo
from tests.staff.util import STAFF


def signed_get(url: str, path: str, key: Path, stamp: int | None = None) -> httpx.Response:
    when = str(stamp if stamp is not None else int(time.time()))
    armored = Signer(key).sign(signed_message("GET", path, when, b""), NAMESPACE)
    return httpx.get(url + path, headers={"Mustafid-Vault-Time": when,
                                          "Mustafid-Vault-Signature": base64.b64encode(armored.encode()).decode()})


@pytest.mark.parametrize("name", ["kahatain"])
def test_a_clone_opens_and_erases_through_the_intake(tmp_path: Path, name: str) -> None:
    repo, keys = sealed_repo(tmp_path, name)
    with running_intake(repo, repo, None, extra_env={"MUSTAFID_INTAKE_KEY": str(keys["intake"])}) as server:
        fields, files = valid_post(name, national_id=luhn_id(97531))
        r = httpx.post(server.url + "/submit/support-request", data=fields, files=files,
                       headers={"Accept": "application/json"}, timeout=30)
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        later = fake_pdf(7301)
        completed = complete_by_link(server.url, repo, keys, rid, ANSWER,
                                     {"id_copy": (LATER_NAME, later, "application/pdf")})
        clone = tmp_path / "clone"
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        git(clone, "fetch", "-q", "--update-head-ok", "origin", "refs/heads/*:refs/heads/*")
        git(clone, "config", "mustafid.vault", server.url)
        env = {"MUSTAFID_ASSOCIATION": str(repo)}
        shown = mustafid(clone, "show", rid, "--lang", "en", "--association", str(repo), "--remote", "origin",
                         key=keys[STAFF], env=env)
        assert shown.returncode == 0, shown.stderr
        assert fields["first_name"] in shown.stdout and f"answer: {ANSWER}" in shown.stdout
        # the answer's and the document's ciphertext came on the request's documents ref, nothing else in clear
        sealed = [d["sha256"] for d in completed["documents"] if d.get("key")]
        held = git(clone, "ls-tree", "--name-only", f"refs/mustafid/documents/{rid}").split()
        assert sorted(held) == sorted([*sealed, completed["info_requests"][-1]["answer_sha256"]])
        blob = subprocess.run(["git", "-C", str(clone), "cat-file", "blob",
                               f"refs/mustafid/documents/{rid}:{sealed[0]}"], capture_output=True, check=True).stdout
        assert blob.startswith(b"MUSTAFID-ENC1") and later[:40] not in blob
        assert not (clone / ".git" / "mustafid" / "vault").exists()  # the clone keeps no key
        addenda = signed_get(server.url, f"/vault/addenda/{rid}", keys[STAFF]).json()["addenda"]
        assert len(addenda) == 1 and rid not in addenda[0]
        assert signed_get(server.url, f"/vault/keys/{rid}+{addenda[0]}", keys[STAFF]).content.startswith(
            b"age-encryption.org/v1")
        assert signed_get(server.url, "/vault/keys", keys[STAFF]).json()["ids"] == [rid]
        # an addition from a clone (staff bring a document) is wrapped into the team's vault the same way
        from mustafid.config.association import load_association
        from mustafid.records.sealing import new_addendum
        from mustafid.review.addenda import recipients
        from mustafid.store.vault import identity
        from mustafid.store.vault_http import RemoteVault

        remote = RemoteVault(server.url, key=str(keys[STAFF]))
        name_, key_ = new_addendum()
        remote.add(rid, name_, key_, recipients(load_association(repo)))
        assert remote.addenda(rid) == sorted([addenda[0], name_])
        opened = remote.open(rid, [identity(keys[STAFF])]) or {}
        assert opened[name_] == key_ and {"main", "legal", addenda[0]} <= set(opened)
        # refusals: unsigned, a stranger's key, a stale signature
        assert httpx.get(server.url + f"/vault/keys/{rid}").status_code == 401
        stranger = tmp_path / "stranger"
        keygen(stranger)
        assert signed_get(server.url, f"/vault/keys/{rid}", stranger).status_code == 403
        assert signed_get(server.url, f"/vault/keys/{rid}", keys[STAFF], int(time.time()) - 3600).status_code == 401
        ok = signed_get(server.url, f"/vault/keys/{rid}", keys[STAFF])
        assert ok.status_code == 200 and ok.content.startswith(b"age-encryption.org/v1")
        # erased from the clone: gone from the server's vault
        out = mustafid(clone, "erase", rid, "--reason", "subject-request", "--association", str(repo), "--remote",
                       "origin", actor=STAFF, key=keys[STAFF], env=env)
        assert out.returncode == 0, out.stderr
        logged = git(repo, "show", f"mustafid-erasures:erasures/{rid}.yml")  # the erasure reached the team
        assert "subject-request" in logged and fields["first_name"] not in logged
        # the case's key destroyed on the server; the payment account's (kept 10 years) wrapped again alone
        left = signed_get(server.url, f"/vault/classes/{rid}", keys[STAFF])
        assert left.status_code == 200 and left.json()["classes"] == ["legal"], left.text
        assert signed_get(server.url, f"/vault/addenda/{rid}", keys[STAFF]).json()["addenda"] == []
        with pytest.raises(UserError):  # nothing is added to an erased request
            remote.add(rid, *new_addendum(), recipients(load_association(repo)))
        assert signed_get(server.url, f"/vault/keys/{rid}+{addenda[0]}", keys[STAFF]).status_code == 404
        vault_file = (repo / ".git" / "mustafid" / "vault" / "keys" / f"{rid}.age").read_bytes()
        assert vault_file.startswith(b"mustafid-vault-1 classes=legal\n")
