"""What a request receives after intake, sealed as intake seals: the applicant's answer to a request for
information and the documents sent through the completion link (intake/web/applicant.py), or brought to staff
(`mustafid resubmit --document`).

Where the request is sealed, each addition gets a key of its own (records/sealing.new_addendum), wrapped to the
roster's recipients into the vault beside the request's keys (store/vault.Vault.add) before anything names it:
the intake server holds public keys only, so it cannot open the request's main key to use it again. The answer
and every document are encrypted with it (AES-GCM, the associated data binding each to the request, the key and
what it is), stored by the SHA-256 of their ciphertext, and the record's entries name that key and a plain file
name (the applicant's own may be personal). Staff with a key read them (`show`, `export`); `erase` destroys the
key with the request's. A request that is not sealed keeps what it receives as it always did.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mustafid.config.association import Association
from mustafid.config.keys import encryption_recipients
from mustafid.records import sealing
from mustafid.store.documents import DocumentStore
from mustafid.store.vault import Vault, recipient


@dataclass(frozen=True)
class Addition:
    """What an addition's record entries name: the answer's blob, the documents' entries, the addendum key
    ("" when the request is not sealed)."""

    answer_sha256: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)
    key: str = ""


def recipients(assoc: Association) -> list[Any]:
    return [recipient(k) for _id, k in encryption_recipients(assoc)]


def plain_name(entry: Mapping[str, Any]) -> str:
    """A sealed document's name: its field and the extension of the name it came with (the form's check of
    the type reads it); the rest of that name may be personal and is not kept."""
    name = str(entry.get("name", ""))
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not (ext.isascii() and ext.isalnum() and len(ext) <= 8):
        import mimetypes

        ext = (mimetypes.guess_extension(str(entry.get("type", ""))) or ".bin").lstrip(".")
    return f"{entry['field']}.{ext}"


def seal_addition(assoc: Association, vault: Vault, documents: DocumentStore, record: Mapping[str, Any],
                  answer: str, docs: Sequence[tuple[Mapping[str, Any], bytes]]) -> Addition:
    """Store an addition to ``record`` (``docs``: each document's entry as received, with its bytes) durable
    before the record that will name it; what the record's entries are to say. UserError when the request's
    keys were destroyed (erased: nothing new is kept for it)."""
    if not sealing.is_sealed(record):
        for _entry, content in docs:
            documents.put(content)
        return Addition(documents.put(answer.encode()) if answer.strip() else "", [dict(d) for d, _c in docs])
    rid = str(record["id"])
    name, key = sealing.new_addendum()
    vault.add(rid, name, key, recipients(assoc))
    out = []
    for d, content in docs:
        entry: dict[str, Any] = {"field": d["field"], "name": plain_name(d), "type": d["type"], "size": d["size"],
                                 "sha256": "", "key": name}
        entry["sha256"] = documents.put(sealing.encrypt_bytes(key, content, sealing.document_label(rid, entry)))
        out.append(entry)
    sha = ""
    if answer.strip():
        sha = documents.put(sealing.encrypt_bytes(key, answer.encode(), sealing.answer_label(rid, name)))
    return Addition(sha, out, name)


def forget(vault: Vault, documents: DocumentStore, rid: str, addition: Addition) -> None:
    """An addition that was not recorded after all: its key and ciphertext go (a clear blob stays: another
    request may hold the same bytes)."""
    if not addition.key:
        return
    vault.remove_addendum(rid, addition.key)
    for sha in [addition.answer_sha256, *(str(d["sha256"]) for d in addition.documents)]:
        if sha:
            documents.remove(sha)


def published(addition: Addition) -> list[str]:
    """The blobs of a sealed addition that travel to the team on the request's documents ref (store/docrefs.py:
    ciphertext only), so staff on another clone read them with their key."""
    if not addition.key:
        return []
    return [str(d["sha256"]) for d in addition.documents] + ([addition.answer_sha256] if addition.answer_sha256
                                                              else [])


def sealed_blobs(record: Mapping[str, Any]) -> list[str]:
    """The SHA-256 of every addition's answer sealed with its own key (erasure removes them with the keys)."""
    return [str(q["answer_sha256"]) for q in record.get("info_requests") or []
            if q.get("answer_sha256") and q.get("key")]


def open_document(record: Mapping[str, Any], entry: Mapping[str, Any], blob: bytes,
                  keys: sealing.Keys | None) -> bytes | None:
    """A document's bytes in clear: as stored where the record is not sealed; opened with its key (the
    request's main, or its addition's) where given; None where that key is not given or was destroyed."""
    if not sealing.is_sealed(record):
        return blob
    key = (keys or {}).get(sealing.key_name(entry))
    if key is None:
        return None
    return sealing.decrypt_bytes(key, blob, sealing.document_label(str(record["id"]), entry))


def with_answers(record: Mapping[str, Any], read: Callable[[str], bytes | None],
                 keys: sealing.Keys | None) -> dict[str, Any]:
    """The record with each answer sent through a completion link under ``answer`` of its resubmission: in clear
    for whoever holds a key (or where it was never sealed), else the placeholders of sealed answers (``erased``
    once its key is destroyed). ``read``: a blob by its SHA-256 (store/docrefs.read), None when not held; an
    answer not held is left named by its SHA-256 alone."""
    out = copy.deepcopy(dict(record))
    rid = str(record.get("id"))
    for q in out.get("info_requests") or []:
        sha, name = str(q.get("answer_sha256") or ""), str(q.get("key") or "")
        if not sha:
            continue
        if name and (keys is None or name not in keys):
            q["answer"] = dict(sealing.PLACEHOLDER) if keys is None else dict(sealing.ERASED)
        elif (blob := read(sha)) is not None:
            if name and keys:
                blob = sealing.decrypt_bytes(keys[name], blob, sealing.answer_label(rid, name))
            q["answer"] = blob.decode("utf-8", errors="replace")
    return out
