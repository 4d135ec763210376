"""SSH signatures in git's format, made and checked in process, compared with OpenSSH and git themselves: real
keys from ssh-keygen, a real ssh-agent, `ssh-keygen -Y verify` and `git verify-commit`."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mustafid.store import sshsig


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return keygen(tmp_path / "staff_officer")


def test_a_signature_made_here_is_good_for_openssh_and_one_made_by_openssh_is_good_here(key: Path,
                                                                                        tmp_path: Path) -> None:
    signer = sshsig.Signer(key)
    message = "قرار: موافقة\n".encode()
    armored = signer.sign(message)
    assert sshsig.verify(armored, message).openssh_key == signer.public
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "msg.sig").write_text(armored + "\n")
    allowed = tmp_path / "allowed"
    allowed.write_text(f'staff.officer namespaces="git" {signer.public}\n')
    ok = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", "staff.officer", "-n", "git", "-s",
                         str(tmp_path / "msg.sig")], input=message, capture_output=True, check=False)
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "msg.sig").unlink()
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", str(key), str(tmp_path / "msg")], check=True)
    theirs = (tmp_path / "msg.sig").read_text()
    assert sshsig.verify(theirs, message).openssh_key == signer.public


@pytest.mark.parametrize("tamper", ["message", "namespace", "signature", "garbage"])
def test_a_forged_or_foreign_signature_is_refused(key: Path, tamper: str) -> None:
    signer = sshsig.Signer(key)
    message = b"Mustafid-Status: approved\n"
    armored = signer.sign(message, namespace="file" if tamper == "namespace" else "git")
    if tamper == "message":
        message = b"Mustafid-Status: rejected\n"
    elif tamper == "signature":
        lines = armored.splitlines()
        lines[3] = lines[3][:10] + ("A" if lines[3][10] != "A" else "B") + lines[3][11:]
        armored = "\n".join(lines)
    elif tamper == "garbage":
        armored = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----"
    with pytest.raises(sshsig.BadSignature):
        sshsig.verify(armored, message)


def test_a_signed_commit_is_good_for_git_verify_commit(key: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    empty = subprocess.run(["git", "-C", str(repo), "hash-object", "-t", "tree", "-w", "--stdin"], input=b"",
                           capture_output=True, check=True).stdout.decode().strip()
    stamp = int(time.time())
    body = (f"tree {empty}\nauthor M <m@x.invalid> {stamp} +0300\ncommitter M <m@x.invalid> {stamp} +0300\n\n"
            "Verify K7M3-9QXD\n").encode()
    signer = sshsig.Signer(key)
    signed = sshsig.sign_commit(body, signer)
    sha = subprocess.run(["git", "-C", str(repo), "hash-object", "-t", "commit", "-w", "--stdin"], input=signed,
                         capture_output=True, check=True).stdout.decode().strip()
    allowed = tmp_path / "allowed"
    allowed.write_text(f'm@x.invalid namespaces="git" {signer.public}\n')
    done = subprocess.run(["git", "-C", str(repo), "-c", "gpg.format=ssh", "-c",
                           f"gpg.ssh.allowedSignersFile={allowed}", "verify-commit", sha],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Good" in done.stderr, done.stderr
    raw = subprocess.run(["git", "-C", str(repo), "cat-file", "commit", sha], capture_output=True, check=True).stdout
    payload, armored = sshsig.split_commit(raw)
    assert payload == body and armored is not None
    assert sshsig.verify(armored, payload).openssh_key == signer.public


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[dict[str, str]]:
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.02)
    yield {"SSH_AUTH_SOCK": str(sock)}
    proc.send_signal(signal.SIGTERM)
    proc.wait()


def test_a_key_held_by_ssh_agent_signs_through_it(key: Path, agent: dict[str, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_AUTH_SOCK", agent["SSH_AUTH_SOCK"])
    subprocess.run(["ssh-add", "-q", str(key)], check=True, env={**os.environ, **agent}, capture_output=True)
    public_only = key.with_name(key.name + ".pub")
    key.unlink()  # the private half now lives only in the agent
    signer = sshsig.Signer(public_only)
    armored = signer.sign(b"vote\n")
    assert sshsig.verify(armored, b"vote\n").openssh_key == signer.public


def test_no_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="mustafid keys new"):
        sshsig.Signer(tmp_path / "missing")
