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
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_the_usual_signature_read_as_slices_is_the_one_read_field_by_field(key: Path, tmp_path: Path) -> None:
    """`parse` reads an ed25519 git signature by two fixed slices; the field-by-field reader agrees, for ours and
    for one ssh-keygen made, and a signature for another namespace is not taken for the usual one."""
    import base64

    (tmp_path / "msg").write_bytes(b"m\n")
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", str(key), str(tmp_path / "msg")], check=True)
    signer = sshsig.Signer(key)
    for armored in (signer.sign(b"m\n"), (tmp_path / "msg.sig").read_text(), signer.sign(b"m\n", namespace="gti")):
        body = armored.strip()
        blob = base64.b64decode("".join(body[len(sshsig.BEGIN):-len(sshsig.END)].split()))
        assert sshsig.parse(armored) == sshsig._fields(blob)
    assert sshsig.parse(signer.sign(b"m\n", namespace="gti")).namespace == "gti"


_HEADER = st.sampled_from([b"tree " + b"a" * 40, b"parent " + b"b" * 40, b"author A <a@x> 1 +0300",
                           b"encoding UTF-8", b"mergetag object x\n type commit", b"gpgsig-sha256 X\n Y"])


@settings(max_examples=300, deadline=None)
@given(before=st.lists(_HEADER, max_size=4), after=st.lists(_HEADER, max_size=3),
       sig=st.lists(st.binary(max_size=12).filter(lambda b: b"\n" not in b), max_size=5),
       signs=st.integers(0, 2), message=st.binary(max_size=30))
def test_a_commit_split_by_search_is_split_as_line_by_line(before: list[bytes], after: list[bytes],
                                                           sig: list[bytes], signs: int, message: bytes) -> None:
    """`split_commit`'s searches give what reading the header line by line gives, for any headers around none,
    one or two `gpgsig` headers (continuation lines included) and any message."""
    gpgsig = b"gpgsig " + b"\n ".join([b"-----BEGIN SSH SIGNATURE-----", *sig])
    head = b"\n".join([*before, *[gpgsig] * signs, *after]) or b"tree x"
    raw = head + b"\n\n" + message
    assert sshsig.split_commit(raw) == sshsig._split_lines(raw)
    assert sshsig.split_commit(raw.replace(b"\n\n", b"\n", 1)) == sshsig._split_lines(raw.replace(b"\n\n", b"\n", 1))
