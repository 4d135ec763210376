"""SSH signatures in git's own format (`gpg.format ssh`): made for the commits the tools write, and checked in
process so that an audit of 40,000 commits does not start 40,000 `ssh-keygen` processes.

The format is OpenSSH's SSHSIG (PROTOCOL.sshsig): an armored blob holding the signer's public key, the namespace
(`git` for commits), the hash algorithm and the signature over
``"SSHSIG" || string(namespace) || string(reserved) || string(hash) || string(H(message))``.
Signing uses the key file in process (`cryptography`, OpenSSH private key format) or, for a key held by
ssh-agent, `ssh-keygen -Y sign` with the public key (the agent does the signing). Checking decodes the blob and
verifies Ed25519 with libsodium (PyNaCl); `git verify-commit` with the allowed-signers file the tools write gives the
same verdicts (tests compare them).
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mustafid.core.errors import UserError

BEGIN, END = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
MAGIC = b"SSHSIG"
NAMESPACE = "git"


class BadSignature(Exception):
    """The signature is malformed, for another namespace, or does not verify."""


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _read(blob: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 4 > len(blob):
        raise BadSignature("truncated")
    (n,) = struct.unpack_from(">I", blob, pos)
    end = pos + 4 + n
    if end > len(blob):
        raise BadSignature("truncated")
    return blob[pos + 4:end], end


def public_key_blob(openssh_public: str) -> bytes:
    """The wire-format key of an `ssh-ed25519 AAAA… comment` line."""
    parts = openssh_public.split()
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        raise ValueError("only ssh-ed25519 keys are supported")
    return base64.b64decode(parts[1], validate=True)


def fingerprint(openssh_public: str) -> str:
    """SHA256:… as `ssh-keygen -l` prints it."""
    digest = hashlib.sha256(public_key_blob(openssh_public)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class Signature:
    key: bytes          # wire-format public key of the signer
    namespace: str
    hash_alg: str
    raw: bytes          # the 64-byte Ed25519 signature

    @property
    def openssh_key(self) -> str:
        return openssh_key(self.key)


def openssh_key(wire: bytes) -> str:
    """The `ssh-ed25519 AAAA…` line of a wire-format key."""
    return "ssh-ed25519 " + base64.b64encode(wire).decode()


# An ed25519 SSHSIG for git with SHA-512, the only kind the tools make: its blob is always these bytes around the
# 32-byte key and the 64-byte signature, so `parse` checks them as two slices before it reads field by field.
_KEY_HEAD = MAGIC + b"\0\0\0\1" + _string(_string(b"ssh-ed25519") + _string(bytes(32)))[:4 + 4 + 11 + 4]
_MIDDLE = _string(NAMESPACE.encode()) + _string(b"") + _string(b"sha512") + _string(
    _string(b"ssh-ed25519") + _string(bytes(64)))[:4 + 4 + 11 + 4]
_ED25519_LEN = len(_KEY_HEAD) + 32 + len(_MIDDLE) + 64


def parse(armored: str) -> Signature:
    body = armored.strip()
    if not (body.startswith(BEGIN) and body.endswith(END)):
        raise BadSignature("not an SSH signature")
    try:
        blob = base64.b64decode("".join(body[len(BEGIN):-len(END)].split()), validate=True)
    except ValueError as exc:
        raise BadSignature("not base64") from exc
    k, m = len(_KEY_HEAD), len(_KEY_HEAD) + 32
    if len(blob) == _ED25519_LEN and blob[:k] == _KEY_HEAD and blob[m:m + len(_MIDDLE)] == _MIDDLE:
        return Signature(blob[14:m], NAMESPACE, "sha512", blob[-64:])  # the usual one, read as two slices
    return _fields(blob)


def _fields(blob: bytes) -> Signature:
    """The SSHSIG blob read field by field (PROTOCOL.sshsig)."""
    if blob[:6] != MAGIC or blob[6:10] != b"\0\0\0\1":
        raise BadSignature("not SSHSIG version 1")
    key, pos = _read(blob, 10)
    namespace, pos = _read(blob, pos)
    _reserved, pos = _read(blob, pos)
    hash_alg, pos = _read(blob, pos)
    sig, pos = _read(blob, pos)
    kind, p2 = _read(sig, 0)
    raw, _ = _read(sig, p2)
    keykind, _ = _read(key, 0)
    if kind != b"ssh-ed25519" or keykind != b"ssh-ed25519" or len(raw) != 64:
        raise BadSignature("only ssh-ed25519 signatures are supported")
    return Signature(key, namespace.decode(), hash_alg.decode(), raw)


def _signed_data(message: bytes, namespace: str, hash_alg: str) -> bytes:
    h = hashlib.sha512(message).digest() if hash_alg == "sha512" else hashlib.sha256(message).digest()
    return MAGIC + _string(namespace.encode()) + _string(b"") + _string(hash_alg.encode()) + _string(h)


def verify(armored: str, message: bytes, namespace: str = NAMESPACE) -> Signature:
    """The signature if it verifies for `message` in `namespace`; BadSignature otherwise. Ed25519 is checked by
    libsodium (PyNaCl): 50 µs a signature here against OpenSSL's 75 µs through `cryptography`, and the audit
    checks one per commit. libsodium is also the stricter of the two (it refuses small-order keys and
    non-canonical encodings), so nothing OpenSSL refuses passes."""
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import BadSignatureError

    sig = parse(armored)
    if sig.namespace != namespace or sig.hash_alg not in ("sha512", "sha256"):
        raise BadSignature(f"namespace {sig.namespace!r} or hash {sig.hash_alg!r} not accepted")
    _kind, pos = _read(sig.key, 0)
    point, _ = _read(sig.key, pos)
    signed = _signed_data(message, namespace, sig.hash_alg)
    if _detached is not None and len(point) == 32:
        if _detached(sig.raw, signed, len(signed), point) != 0:
            raise BadSignature("does not verify")
        return sig
    try:
        crypto_sign_open(sig.raw + signed, point)
    except (BadSignatureError, ValueError, TypeError) as exc:
        raise BadSignature("does not verify") from exc
    return sig


def _libsodium_detached() -> Any:
    """libsodium's own `crypto_sign_verify_detached`, from the library PyNaCl loaded (its cffi bindings leave it
    out): the same check as `crypto_sign_open` without copying the signature and message into one buffer and
    back out, 8% of a verification. None where the symbol is not there (then `crypto_sign_open`)."""
    try:
        import ctypes

        import nacl._sodium  # type: ignore[import-not-found]

        fn = ctypes.CDLL(nacl._sodium.__file__).crypto_sign_verify_detached
    except (ImportError, OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong, ctypes.c_char_p]
    fn.restype = ctypes.c_int
    return fn


_detached = _libsodium_detached()


def _armor(blob: bytes) -> str:
    text = base64.b64encode(blob).decode()
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]
    return "\n".join([BEGIN, *lines, END])


class Signer:
    """Signs with one person's key: a private key file (in process) or a public key whose private half is in
    ssh-agent (`ssh-keygen -Y sign`). `public` is the `ssh-ed25519 AAAA…` line the roster lists."""

    def __init__(self, key_path: Path) -> None:
        self.path = Path(key_path).expanduser()
        self._private = None
        pub_path = self.path if self.path.suffix == ".pub" else self.path.with_name(self.path.name + ".pub")
        if self.path.suffix != ".pub" and self.path.is_file():
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
            from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_ssh_private_key

            try:
                key = load_ssh_private_key(self.path.read_bytes(), password=None)
            except (ValueError, TypeError) as exc:
                raise UserError(f"تعذّرت قراءة مفتاح التوقيع {self.path}: يلزم مفتاح ed25519 بلا عبارة مرور، أو "
                                "ضعه في ssh-agent وأشر إلى ملفه العام (.pub)",
                                f"cannot read the signing key {self.path}: an ed25519 key without passphrase is "
                                "needed, or load it into ssh-agent and point at its .pub file") from exc
            if not isinstance(key, Ed25519PrivateKey):
                raise UserError("مفتاح التوقيع يجب أن يكون ed25519", "the signing key must be ed25519")
            self._private = key
            self.public = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
        elif pub_path.is_file():
            self.public = " ".join(pub_path.read_text(encoding="utf-8").split()[:2])
        else:
            raise UserError(f"لا يوجد مفتاح توقيع في {self.path}: أنشئه بالأمر mustafid keys new",
                            f"no signing key at {self.path}: create one with `mustafid keys new`")
        self.pub_path = pub_path

    def sign(self, message: bytes, namespace: str = NAMESPACE) -> str:
        if self._private is not None:
            raw = self._private.sign(_signed_data(message, namespace, "sha512"))
            blob = (MAGIC + b"\0\0\0\1" + _string(public_key_blob(self.public)) + _string(namespace.encode())
                    + _string(b"") + _string(b"sha512") + _string(_string(b"ssh-ed25519") + _string(raw)))
            return _armor(blob)
        return self._sign_with_agent(message, namespace)

    def _sign_with_agent(self, message: bytes, namespace: str) -> str:
        if not os.environ.get("SSH_AUTH_SOCK"):
            raise UserError("المفتاح في ssh-agent لكن الوكيل غير متاح: شغّله (eval $(ssh-agent)) وأضف المفتاح (ssh-add)",
                            "the key is meant to be in ssh-agent but no agent runs: start it (eval $(ssh-agent)) "
                            "and add the key (ssh-add)")
        with tempfile.TemporaryDirectory() as tmp:
            payload = Path(tmp) / "payload"
            payload.write_bytes(message)
            proc = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(self.pub_path),
                                   str(payload)], capture_output=True, text=True, check=False)
            sig = payload.with_name("payload.sig")
            if proc.returncode != 0 or not sig.is_file():
                raise UserError("رفض ssh-agent التوقيع: هل أضيف المفتاح (ssh-add)؟",
                                f"ssh-agent did not sign: is the key added (ssh-add)? {proc.stderr.strip()[-200:]}")
            return sig.read_text(encoding="utf-8").strip()


def sign_commit(body: bytes, signer: Signer) -> bytes:
    """The commit object `body` (tree/parents/author/committer, blank line, message) with its gpgsig header."""
    head, sep, message = body.partition(b"\n\n")
    armored = signer.sign(body)
    header = b"gpgsig " + armored.encode().replace(b"\n", b"\n ")
    return head + b"\n" + header + sep + message


def split_commit(raw: bytes) -> tuple[bytes, str | None]:
    """(the signed payload, the armored signature or None) of a commit object as git stores it. One `gpgsig`
    header, as git writes it, is cut out with a few searches; anything else is read line by line."""
    end = raw.find(b"\n\n")
    if end < 0 or raw.startswith(b"gpgsig "):
        return _split_lines(raw)
    at = raw.find(b"\ngpgsig ", 0, end)
    if at < 0:
        return raw, None
    stop = raw.find(b"\n", at + 1)
    while 0 <= stop < end and raw[stop + 1:stop + 2] == b" ":
        stop = raw.find(b"\n", stop + 1)
    if 0 <= stop <= end and raw.find(b"\ngpgsig ", stop, end) < 0:
        armored = raw[at + 8:stop].replace(b"\n ", b"\n")
        return raw[:at] + raw[stop:], armored.decode("utf-8", "replace")  # (not UTF-8: cannot verify)
    return _split_lines(raw)


def _split_lines(raw: bytes) -> tuple[bytes, str | None]:
    head, sep, message = raw.partition(b"\n\n")
    lines = head.split(b"\n")
    kept, sig_lines, inside = [], [], False
    for line in lines:
        if line.startswith(b"gpgsig "):
            inside = True
            sig_lines.append(line[len(b"gpgsig "):])
        elif inside and line.startswith(b" "):
            sig_lines.append(line[1:])
        else:
            inside = False
            kept.append(line)
    payload = b"\n".join(kept) + sep + message
    return payload, (b"\n".join(sig_lines).decode("utf-8", "replace") if sig_lines else None)
