"""The vault: the one small store beside git that can forget. Each request's data keys (records/sealing.py),
wrapped with age (pyrage) to the roster's encryption recipients, one file ``keys/<id>.age``; the keys of what
arrived after intake (the completion link's answer and documents: one addendum key per addition, drawn by a
server that cannot open the request's own) beside it, ``keys/<id>+add-<hex>.age``, part of the same request:
opened, re-wrapped and destroyed with it, never listed as a request of their own; and the keyed-hash secret
of duplicate detection. Destroying a request's files erases its personal answers and documents everywhere git
has copied their ciphertext; nothing in git changes.

Where it lives: ``$MUSTAFID_VAULT``, else ``<git-dir>/mustafid/vault`` — never inside the work tree, never
pushed. Only the keys are here, not the records, so a vault backup holds nothing readable without a roster
member's private key, and an erased request's key is gone from the vault the moment `erase` returns (a backup
of the vault older than that still holds it: SDAIA does not count backups as destruction, so the vault's
backups must follow the retention rule — README, "Personal data"). The intake server writes here with public
keys only: it can seal and wrap, never open.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from mustafid.core.errors import UserError
from mustafid.records.sealing import MAIN, is_addendum
from mustafid.store.durable import Folders, deferred, fsync_folder


class _Repository(Protocol):
    @property
    def git_dir(self) -> Path: ...


def recipient(line: str) -> Any:
    """An age recipient from a roster line: ``age1...`` (X25519) or an OpenSSH public key."""
    import pyrage

    text = line.strip()
    try:
        if text.startswith("age1"):
            return pyrage.x25519.Recipient.from_str(text)
        return pyrage.ssh.Recipient.from_str(" ".join(text.split()[:2]))
    except Exception as exc:
        raise UserError(f"مفتاح تشفير غير صالح في association.yml: {text[:40]}",
                        f"an encryption recipient in association.yml is not valid: {text[:40]}") from exc


def identity(path: str | os.PathLike[str]) -> Any:
    """A private key that opens wrapped keys: an unencrypted OpenSSH key file, or an age identity file."""
    import pyrage

    raw = Path(path).read_bytes()
    try:
        if raw.lstrip().startswith(b"AGE-SECRET-KEY-") or b"\nAGE-SECRET-KEY-" in raw:
            line = next(x for x in raw.decode().splitlines() if x.startswith("AGE-SECRET-KEY-"))
            return pyrage.x25519.Identity.from_str(line.strip())
        return pyrage.ssh.Identity.from_buffer(raw)
    except Exception as exc:
        raise UserError(f"المفتاح {path} لا يفتح البيانات المشفّرة: استعمل ملف مفتاح ed25519 غير محمي بعبارة مرور أو "
                        "ملف هوية age", f"the key {path} cannot open sealed data: use an ed25519 OpenSSH key file "
                        "without a passphrase, or an age identity file") from exc


_HEAD = "mustafid-vault-1 classes="


class Vault:
    """The vault as a folder (the embedded default; the intake server's own). store/vault_http.py is the same
    vault reached from a clone, through the intake server."""

    def __init__(self, root: Path, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync
        self._lock = threading.Lock()
        self._folders = Folders()  # the keys folder's descriptor kept open: a write costs one fsync of it

    @classmethod
    def beside(cls, store: _Repository, fsync: bool = True, where: str | None = None) -> Vault:
        """The folder: ``$MUSTAFID_VAULT`` or git config ``mustafid.vault`` when a folder, else
        ``<git-dir>/mustafid/vault``. (store/vault_http.open_vault also knows the team's, on the intake server.)"""
        where = configured(store) if where is None else where
        if where.startswith(("http://", "https://")):
            where = ""
        return cls(Path(where) if where else store.git_dir / "mustafid" / "vault", fsync=fsync)

    # -- the storage: one wrapped blob per entry (a request, or one of its addenda), and the names of its keys --
    def _key_path(self, entry: str) -> Path:
        check_entry(entry)
        return self.root / "keys" / f"{entry}.age"

    def _write(self, final: Path, data: bytes) -> None:
        """Atomically; durable when it returns, or inside a write batch (durable.py) once the batch is flushed,
        before the record that needs it is published."""
        created = not final.parent.is_dir()
        final.parent.mkdir(parents=True, exist_ok=True)
        later = deferred() if self.fsync else None
        if later is not None:
            later.add(final, created)
        tmp = final.parent / f".tmp-{os.getpid()}-{threading.get_ident()}-{final.name}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if self.fsync and later is None:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(final)
        if self.fsync and later is None:
            self._folders.sync(final.parent)

    # one file an entry: a first line naming its keys (not secret), then the age blob; one write, one fsync
    def store_blob(self, entry: str, blob: bytes, classes: Sequence[str]) -> None:
        self._write(self._key_path(entry), f"{_HEAD}{','.join(sorted(classes))}\n".encode() + blob)

    def _read(self, entry: str) -> tuple[list[str], bytes] | None:
        try:
            raw = self._key_path(entry).read_bytes()
        except FileNotFoundError:
            return None
        head, _, blob = raw.partition(b"\n")
        if not head.startswith(_HEAD.encode()):
            return ["main"], raw
        return head[len(_HEAD):].decode().split(","), blob

    def load_blob(self, entry: str) -> bytes | None:
        got = self._read(entry)
        return got[1] if got else None

    def remove_blob(self, entry: str) -> bool:
        path = self._key_path(entry)
        if not path.exists():
            return False
        path.unlink()
        if self.fsync:
            fsync_folder(path.parent)
        return True

    def classes(self, rid: str) -> list[str]:
        """The retention classes whose keys remain (readable without a key: names only). Addenda belong to
        ``main``: they are not classes of their own."""
        got = self._read(check_id(rid))
        return got[0] if got else []

    def ids(self) -> Iterator[str]:
        """The requests whose keys are here (an addendum is part of its request, not one of its own)."""
        folder = self.root / "keys"
        if folder.is_dir():
            for p in sorted(folder.glob("*.age")):
                if "+" not in p.stem:
                    yield p.stem

    def addenda(self, rid: str) -> list[str]:
        """The names of the request's addendum keys (``add-…``)."""
        folder = self.root / "keys"
        if not folder.is_dir():
            return []
        return sorted(p.stem.partition("+")[2] for p in folder.glob(f"{check_id(rid)}+*.age"))

    # -- what the tools do with it ---------------------------------------------------------------------------
    def _wrap(self, entry: str, keys: dict[str, bytes], recipients: Sequence[Any]) -> None:
        import pyrage

        if not recipients:
            raise UserError("لا مستلمين للتشفير في association.yml", "no encryption recipients in association.yml")
        body = json.dumps({k: base64.b64encode(v).decode() for k, v in keys.items()}).encode()
        self.store_blob(entry, pyrage.encrypt(body, list(recipients)), list(keys))

    def _unwrap(self, entry: str, identities: Sequence[Any]) -> dict[str, bytes] | None:
        import pyrage

        blob = self.load_blob(entry)
        if blob is None:
            return None
        try:
            body = pyrage.decrypt(blob, list(identities))
        except Exception as exc:
            rid = entry.partition("+")[0]
            raise UserError(f"مفتاحك لا يفتح بيانات الطلب {rid}: لست من مستلميه (أو أزيل مفتاحك من القائمة)",
                            f"your key does not open {rid}'s data: you are not one of its recipients (or your "
                            "key was removed from the roster)") from exc
        return {k: base64.b64decode(v) for k, v in json.loads(body).items()}

    def put(self, rid: str, keys: dict[str, bytes], recipients: Sequence[Any]) -> None:
        """The request's keys wrapped to every recipient, durable before the record that needs them."""
        self._wrap(check_id(rid), keys, recipients)

    def add(self, rid: str, name: str, key: bytes, recipients: Sequence[Any]) -> None:
        """An addendum key of the request (records/sealing.new_addendum) wrapped to every recipient, durable
        before the record that names it. Refused when the request's keys are gone: nothing new is sealed for an
        erased request, even one whose legal class is kept (an addendum follows ``main``); checked again after the
        write, so an erasure running meanwhile never leaves it behind."""
        gone = UserError(f"بيانات الطلب {rid} أُتلفت: لا يُضاف إليه شيء", f"{rid}'s data was erased: nothing can "
                         "be added to it")
        entry = check_entry(f"{rid}+{name}")
        if MAIN not in self.classes(rid):
            raise gone
        self._wrap(entry, {name: key}, recipients)
        if MAIN not in self.classes(rid):  # an erasure that listed the addenda before this one was written
            self.remove_blob(entry)
            raise gone

    def remove_addendum(self, rid: str, name: str) -> bool:
        """One addendum key destroyed (an addition that was not recorded after all)."""
        return self.remove_blob(check_entry(f"{rid}+{name}"))

    def has(self, rid: str) -> bool:
        return bool(self.classes(rid))

    def open(self, rid: str, identities: Sequence[Any]) -> dict[str, bytes] | None:
        """The request's keys, its addenda's among them, or None when they were destroyed (or never written
        here). UserError when none of the identities is a recipient (a key removed from the roster opens nothing
        wrapped since)."""
        keys = self._unwrap(check_id(rid), identities)
        if keys is None:
            return None
        for name in self.addenda(rid):
            keys.update(self._unwrap(f"{rid}+{name}", identities) or {})
        return keys

    def destroy(self, rid: str, keep: Iterable[str] = (), identities: Sequence[Any] = (),
                recipients: Sequence[Any] = ()) -> list[str]:
        """Destroy the request's keys except the classes in ``keep`` (re-wrapped alone; needs an identity), and
        its addenda with ``main`` (what arrived later follows the request's own retention); the names of the
        keys destroyed. The main entry goes first: an addendum written meanwhile sees it gone (``add``)."""
        keep = set(keep)
        present = self.classes(rid)
        gone: list[str] = []
        if keep & set(present):
            keys = self._unwrap(rid, identities) or {}
            kept = {k: v for k, v in keys.items() if k in keep}
            self.put(rid, kept, recipients)
            gone = sorted(set(keys) - set(kept))
        elif present:
            self.remove_blob(rid)
            gone = sorted(present)
        if MAIN not in keep:
            for name in self.addenda(rid):
                if self.remove_blob(f"{rid}+{name}"):
                    gone.append(name)
        return gone

    def rewrap(self, identities: Sequence[Any], recipients: Sequence[Any]) -> tuple[int, list[str]]:
        """Every request's keys, addenda included, wrapped again to today's recipients (a member added or
        removed): (rewrapped, ids the identities could not open)."""
        done, skipped = 0, []
        for rid in list(self.ids()):
            try:
                keys = self._unwrap(rid, identities)
                more = {n: self._unwrap(f"{rid}+{n}", identities) for n in self.addenda(rid)} if keys else {}
            except UserError:
                skipped.append(rid)
                continue
            if keys is not None:
                self.put(rid, keys, recipients)
                for name, extra in more.items():
                    if extra is not None:
                        self._wrap(f"{rid}+{name}", extra, recipients)
                done += 1
        return done, skipped

    def dedupe_secret(self) -> bytes:
        """The secret of the keyed hash of national IDs (duplicate detection without clear IDs):
        ``$MUSTAFID_DEDUPE_KEY`` (hex, for several intake servers), else made once in the vault."""
        env = os.environ.get("MUSTAFID_DEDUPE_KEY")
        if env:
            return bytes.fromhex(env)
        path = self.root / "dedupe.key"
        with self._lock:
            try:
                return bytes.fromhex(path.read_text().strip())
            except FileNotFoundError:
                secret = os.urandom(32)
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    return bytes.fromhex(path.read_text().strip())
                with os.fdopen(fd, "w") as fh:
                    fh.write(secret.hex())
                return secret


def check_id(rid: str) -> str:
    if not rid or len(rid) > 20 or any(c not in "0123456789ABCDEFGHJKMNPQRSTVWXYZ-" for c in rid):
        raise ValueError("not a record id")
    return rid


def check_entry(entry: str) -> str:
    """A request's id, or ``<id>+<addendum name>``: the names the vault stores blobs under."""
    rid, plus, name = entry.partition("+")
    check_id(rid)
    if plus and not is_addendum(name):
        raise ValueError("not a vault entry")
    return entry


def configured(store: _Repository) -> str:
    """Where the vault is said to be: $MUSTAFID_VAULT, else git config mustafid.vault ("" when neither)."""
    return os.environ.get("MUSTAFID_VAULT") or _git_config(store.git_dir, "mustafid.vault")


def _git_config(git_dir: Path, name: str) -> str:
    import subprocess

    out = subprocess.run(["git", f"--git-dir={git_dir}", "config", "--get", name], capture_output=True, text=True,
                         check=False)
    return out.stdout.strip()
