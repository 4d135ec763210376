"""Personal answers sealed in the record, field by field, with the request's own data keys.

A sealed record keeps its structure: the lifecycle fields, dates, statuses and the non-personal answers stay in
clear (so structure validation, the lifecycle check and the audit run with no key), and each answer the form
seals (forms/model.Field.sealed: tagged personal or sensitive, and free text unless tagged public) becomes one
string ``enc:v1:<class>:<base64 nonce + AES-256-GCM ciphertext>`` in its place. The associated data binds the
ciphertext to the record id and the field's path, so a value cannot be moved to another request or field.

Keys: one random 256-bit key per retention class of the request (``main``: the form's retention; ``legal``:
fields whose own retention_days is longer, kept for their legal period after the rest is shredded). The keys
live outside git, wrapped to the roster's recipients (store/vault.py); destroying them erases every copy of
the ciphertext at once, in history, clones and backups of git ("crypto-shredding"). Why AES-GCM from
``cryptography`` for values and documents, and age (pyrage) only to wrap the keys: a value is small and many,
age's header per message would triple each field; the key is one per request and must open for several
recipients, which is what age does well (X25519 and ssh-ed25519 recipients, an audited format).
"""

from __future__ import annotations

import base64
import copy
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

from mustafid.forms.model import FormDef

PREFIX = "enc:v1:"
MAIN, LEGAL = "main", "legal"
PLACEHOLDER = {"ar": "🔒 مشفّر", "en": "🔒 encrypted"}
ERASED = {"ar": "⌀ أُتلف", "en": "⌀ erased"}
Keys = dict[str, bytes]


class SealError(ValueError):
    """A value that does not open with the key given (tampered, or another request's)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


def is_sealed_value(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def is_sealed(record: Mapping[str, Any]) -> bool:
    return bool(record.get("sealed"))


def new_keys(form: FormDef) -> Keys:
    keys = {MAIN: os.urandom(32)}
    if LEGAL in _classes(form).values():
        keys[LEGAL] = os.urandom(32)
    return keys


_CLASSES: dict[int, tuple[FormDef, dict[str, str]]] = {}


def _classes(form: FormDef) -> dict[str, str]:
    """Each sealed pattern's retention class, worked out once per form definition (the intake's hot path)."""
    got = _CLASSES.get(id(form))
    if got is None or got[0] is not form:
        fields = dict(form.walk())
        out = {}
        for p in form.sealed_fields:
            own = fields[p].retention_days if p in fields else None
            out[p] = LEGAL if own is not None and own > form.retention_days else MAIN
        got = _CLASSES[id(form)] = (form, out)
    return got[1]


def _class(form: FormDef, pattern: str) -> str:
    return _classes(form).get(pattern, MAIN)


def _aead(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _walk(data: Any, sealed: frozenset[str], prefix: str = "", pattern: str = "") -> Iterator[tuple[Any, Any, str,
                                                                                                   str]]:
    """(container, key, concrete path, pattern) of every sealed answer present in ``data``."""
    if isinstance(data, dict):
        for k, v in data.items():
            pat = f"{pattern}{k}"
            path = f"{prefix}{k}"
            if pat in sealed:
                yield data, k, path, pat
            elif isinstance(v, list):
                for i, item in enumerate(v):
                    yield from _walk(item, sealed, f"{path}.{i}.", f"{pat}.*.")


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # made once: json.dumps makes one a call


def _copied(node: Any) -> Any:
    """A copy of a record's plain structure (its dicts and lists; the scalars are immutable and shared): what
    copy.deepcopy gives for it, at a tenth of its cost on the intake's hot path."""
    if isinstance(node, dict):
        return {k: _copied(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copied(v) for v in node]
    return node


def seal(form: FormDef, record: dict[str, Any], keys: Keys) -> dict[str, Any]:
    """The record with its sealed answers encrypted (a copy; the clear one is untouched)."""
    out: dict[str, Any] = _copied(record)
    rid = str(record["id"])
    classes = _classes(form)
    aead = {cls: _aead(key) for cls, key in keys.items()}
    found = list(_walk(out.get("data") or {}, frozenset(classes)))
    nonces = os.urandom(12 * len(found))  # one read of the system's random source for all the request's values
    for i, (container, k, path, pat) in enumerate(found):
        cls = classes[pat]
        nonce = nonces[12 * i:12 * i + 12]
        ct = aead[cls].encrypt(nonce, _JSON(container[k]).encode(), f"{rid}|{path}".encode())
        container[k] = f"{PREFIX}{cls}:{base64.b64encode(nonce + ct).decode()}"
    out["sealed"] = True
    return out


def open_record(record: Mapping[str, Any], keys: Keys | None) -> dict[str, Any]:
    """The record with its answers in clear where a key opens them; an answer whose class's key is gone
    (erased) or not given reads as a placeholder dict ({"ar", "en"})."""
    out = copy.deepcopy(dict(record))
    rid = str(record.get("id"))

    def visit(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {k: visit(v, f"{path}{k}") if not isinstance(v, list) else
                    [visit(x, f"{path}{k}.{i}.") if isinstance(x, dict) else _open(x, rid, f"{path}{k}.{i}", keys)
                     for i, x in enumerate(v)] for k, v in node.items()}
        return _open(node, rid, path, keys)

    if isinstance(out.get("data"), dict):
        out["data"] = visit(out["data"], "")
    return out


def _open(value: Any, rid: str, path: str, keys: Keys | None) -> Any:
    if not is_sealed_value(value):
        return value
    cls, _, b64 = value[len(PREFIX):].partition(":")
    key = (keys or {}).get(cls)
    if key is None:
        return dict(ERASED) if keys is not None else dict(PLACEHOLDER)
    raw = base64.b64decode(b64)
    try:
        clear = _aead(key).decrypt(raw[:12], raw[12:], f"{rid}|{path}".encode())
    except Exception as exc:
        raise SealError(f"the sealed answer {path} of {rid} does not open with its key (tampered?)",
                        f"data.{path}") from exc
    return json.loads(clear)


def sealed_paths(record: Mapping[str, Any]) -> list[str]:
    """The concrete paths of the answers still sealed (or placeholders) in a record."""
    found: list[str] = []

    def visit(node: Any, path: str) -> None:
        if isinstance(node, dict) and not (set(node) == {"ar", "en"} and node in (PLACEHOLDER, ERASED)):
            for k, v in node.items():
                visit(v, f"{path}.{k}" if path else str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, f"{path}.{i}")
        elif is_sealed_value(node) or node in (PLACEHOLDER, ERASED):
            found.append(path)

    visit(record.get("data"), "")
    return found


def encrypt_bytes(key: bytes, content: bytes, label: str) -> bytes:
    nonce = os.urandom(12)
    sealed: bytes = _aead(key).encrypt(nonce, content, label.encode())
    return b"MUSTAFID-ENC1" + nonce + sealed


# What arrives after intake (the completion link's answer and documents, a staff resubmission's documents) is
# sealed with a key of its own, an "addendum" of the request: the intake holds public keys only, so it cannot
# open the request's main key to use it again. The record names the addendum key on each entry it seals.
ADDENDUM = "add-"


def new_addendum() -> tuple[str, bytes]:
    """A fresh addendum key and its name (``add-`` and 12 hex digits: random, so two additions racing on one
    request never share a name)."""
    import secrets

    return f"{ADDENDUM}{secrets.token_hex(6)}", os.urandom(32)


def is_addendum(name: str) -> bool:
    return name.startswith(ADDENDUM) and len(name) == len(ADDENDUM) + 12 and all(
        c in "0123456789abcdef" for c in name[len(ADDENDUM):])


def key_name(entry: Mapping[str, Any]) -> str:
    """The key a document entry (or a resubmission's answer) is sealed with: its own addendum, else ``main``."""
    return str(entry.get("key") or MAIN)


def document_label(rid: str, entry: Mapping[str, Any]) -> str:
    """The associated data of a sealed document: at intake its field; in an addendum also the request and the
    key, so a document cannot be moved to another request or addition."""
    name = key_name(entry)
    return f"document|{entry['field']}" if name == MAIN else f"{rid}|{name}|document|{entry['field']}"


def answer_label(rid: str, name: str) -> str:
    return f"{rid}|{name}|answer"


def decrypt_bytes(key: bytes, blob: bytes, label: str) -> bytes:
    if not blob.startswith(b"MUSTAFID-ENC1"):
        return blob
    body = blob[len(b"MUSTAFID-ENC1"):]
    clear: bytes = _aead(key).decrypt(body[:12], body[12:], label.encode())
    return clear


_DEPENDENT: dict[int, tuple[FormDef, frozenset[str]]] = {}


def key_dependent(form: FormDef) -> frozenset[str]:
    """Patterns of the answers whose check needs the key: the sealed ones, and those whose relevance or
    constraints refer to a sealed answer (without the key they cannot be judged). Once per form definition."""
    got = _DEPENDENT.get(id(form))
    if got is None or got[0] is not form:
        got = _DEPENDENT[id(form)] = (form, _key_dependent(form))
    return got[1]


def _key_dependent(form: FormDef) -> frozenset[str]:
    sealed = set(form.sealed_fields)
    names = {p.rsplit(".", 1)[-1] for p in sealed}
    out = set(sealed)
    for p, f in form.walk():
        refs = json.dumps([f.relevant, list(f.constraints), f.calc], default=str)
        if any(f'"{n}"' in refs for n in names):
            out.add(p)
    return frozenset(out)
