"""The team's vault, reached from any clone through the intake server (intake/web/vault.py), so that there is
one place that forgets: clones never keep a request's keys, they fetch the wrapped blob when they open a record
and decrypt it locally with their own private key. Every call is signed with the person's SSH key (SSHSIG,
namespace ``mustafid-vault``, over the method, path, time and the body's SHA-256) and the server accepts it from
a staff or committee member on the roster that day, within five minutes of its time. The server hands out only
wrapped blobs: what it sends is useless to anyone who is not a recipient.

Configured with ``git config mustafid.vault https://intake.example.org`` (or $MUSTAFID_VAULT)."""

from __future__ import annotations

import base64
import hashlib
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mustafid.core.errors import UserError
from mustafid.store.sshsig import Signer
from mustafid.store.vault import Vault, check_entry, check_id, configured

NAMESPACE = "mustafid-vault"


def signed_message(method: str, path: str, stamp: str, body: bytes) -> bytes:
    return f"{method} {path} {stamp} {hashlib.sha256(body).hexdigest()}".encode()


def open_vault(store: Any, fsync: bool = True) -> Vault:
    """The vault this clone uses: the team's on the intake server when ``mustafid.vault`` is an https address,
    else the folder (store/vault.Vault.beside)."""
    where = configured(store)
    if where.startswith(("http://", "https://")):
        return RemoteVault(where)
    return Vault.beside(store, fsync=fsync, where=where)


class RemoteVault(Vault):
    def __init__(self, url: str, key: str | None = None) -> None:
        super().__init__(Path("/nonexistent-remote-vault"), fsync=False)
        self.url = url.rstrip("/")
        self.key = key or os.environ.get("MUSTAFID_KEY", "")

    def _call(self, method: str, path: str, body: bytes = b"") -> Any:
        import httpx

        if not self.key:
            raise UserError("خزنة الفريق على خادم الاستقبال تحتاج مفتاحك: اضبط MUSTAFID_KEY",
                            "the team's vault on the intake server needs your key: set MUSTAFID_KEY")
        stamp = str(int(time.time()))
        armored = Signer(Path(self.key)).sign(signed_message(method, path, stamp, body), NAMESPACE)
        headers = {"Mustafid-Vault-Time": stamp, "Mustafid-Vault-Signature": base64.b64encode(
            armored.encode()).decode(), "Accept": "application/json"}
        try:
            r = httpx.request(method, self.url + path, content=body, headers=headers, timeout=30)
        except httpx.HTTPError as exc:
            raise UserError(f"تعذّر الوصول إلى خزنة الفريق {self.url}", f"could not reach the team's vault at "
                            f"{self.url}: {exc}") from exc
        if r.status_code == 404:
            return None
        if r.status_code >= 400:
            raise UserError(f"رفضت خزنة الفريق الطلب ({r.status_code})", f"the team's vault refused ({r.status_code}): "
                            f"{r.text[:200]}")
        return r

    # an entry is a request's id or ``<id>+add-<hex>`` (one of its addenda): the same routes carry both
    def store_blob(self, entry: str, blob: bytes, classes: Sequence[str]) -> None:
        self._call("PUT", f"/vault/keys/{check_entry(entry)}?classes={','.join(sorted(classes))}", blob)

    def load_blob(self, entry: str) -> bytes | None:
        r = self._call("GET", f"/vault/keys/{check_entry(entry)}")
        return None if r is None else bytes(r.content)

    def remove_blob(self, entry: str) -> bool:
        return self._call("DELETE", f"/vault/keys/{check_entry(entry)}") is not None

    def addenda(self, rid: str) -> list[str]:
        r = self._call("GET", f"/vault/addenda/{check_id(rid)}")
        return [] if r is None else list(r.json()["addenda"])

    def classes(self, rid: str) -> list[str]:
        r = self._call("GET", f"/vault/classes/{check_id(rid)}")
        return [] if r is None else list(r.json()["classes"])

    def ids(self) -> Iterator[str]:
        r = self._call("GET", "/vault/keys")
        yield from ([] if r is None else r.json()["ids"])

    def dedupe_secret(self) -> bytes:
        r = self._call("GET", "/vault/dedupe")
        if r is None:
            raise UserError("لم تعطِ خزنة الفريق سرّ كشف التكرار", "the team's vault gave no duplicate-detection secret")
        return bytes.fromhex(r.json()["secret"])
