"""Sealing at intake, before anything is written (records/sealing.py, store/vault.py): a request's data keys are
drawn, its documents encrypted with them, the keys wrapped to the roster's recipients into the vault, and only
then is the record committed, its personal answers sealed. The intake holds public keys only.

The record keeps a keyed hash of the applicant's normalised national ID (``lookup.applicant``: HMAC-SHA256 with
the vault's secret) so duplicate detection (intake/duplicates.py) works without a clear ID in git, and one of
its id and mobile's last four digits (``lookup.mobile``, notices/lookup.py) for the status lookup. What arrives
later (the completion link's answer and documents) is sealed with keys of its own: review/addenda.py."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mustafid.config.association import Association
from mustafid.config.keys import encryption_recipients
from mustafid.forms.model import FormDef
from mustafid.records.sealing import MAIN, Keys, encrypt_bytes, new_keys, seal
from mustafid.review.addenda import plain_name
from mustafid.store.documents import DocumentStore
from mustafid.store.vault import Vault, recipient


def keyed_hash(secret: bytes, national_id: str) -> str:
    return hmac.new(secret, national_id.encode(), hashlib.sha256).hexdigest()


@dataclass
class Sealer:
    vault: Vault
    documents: DocumentStore
    recipients: list[Any]

    def keys(self, form: FormDef) -> Keys:
        return new_keys(form)

    def documents_sealed(self, keys: Keys, docs: Sequence[Mapping[str, Any]],
                         contents: Mapping[str, bytes]) -> list[dict[str, Any]]:
        """Each document encrypted with the request's key and stored (the clear copy of a stashed one removed);
        the record's entries name the ciphertext and a plain name (the applicant's file name may be personal)."""
        out: list[dict[str, Any]] = []
        clear_copies: list[str] = []
        for d in docs:
            clear = contents.get(str(d["sha256"]))
            stored = clear is None  # a document kept at the check step: its clear copy is in the store
            if clear is None:
                clear = self.documents.get(str(d["sha256"]))
            sha = self.documents.put(encrypt_bytes(keys[MAIN], clear, f"document|{d['field']}"))
            if stored and d["sha256"] != sha and self.documents.has(str(d["sha256"])):
                clear_copies.append(str(d["sha256"]))
            out.append({"field": d["field"], "name": plain_name(d), "type": d["type"], "size": d["size"],
                        "sha256": sha})
        for sha in clear_copies:  # once every ciphertext is kept (in a write batch: one flush before the first)
            self.documents.remove(sha)
        return out

    def record_sealed(self, form: FormDef, record: dict[str, Any], keys: Keys) -> dict[str, Any]:
        """The keys durable in the vault (before the record that needs them), then the record sealed."""
        self.vault.put(str(record["id"]), keys, self.recipients)
        return seal(form, record, keys)

    def forget(self, rid: str) -> None:
        """A record that was not written after all: its keys go too."""
        self.vault.destroy(rid)


def sealer_for(assoc: Association, documents: DocumentStore, vault: Vault) -> Sealer | None:
    lines = encryption_recipients(assoc)
    if not lines:
        return None
    return Sealer(vault, documents, [recipient(k) for _id, k in lines])
