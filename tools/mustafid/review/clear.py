"""A sealed record in clear for whoever holds a key (records/sealing.py, store/vault.py): `show`, the review
summary, the interview and `export` open it; everyone else reads placeholders. Opening needs a private key
that is one of the request's recipients: ``--key`` or $MUSTAFID_KEY (an ed25519 key file, the same one that
signs), or an age identity file ($MUSTAFID_AGE_KEY, e.g. CI's)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mustafid.records.sealing import Keys, is_sealed, open_record
from mustafid.store.vault import Vault, identity


def identities(key: str | None = None) -> list[Any]:
    """The private keys this person can open data with (none: they read placeholders)."""
    paths = (key or os.environ.get("MUSTAFID_KEY"), os.environ.get("MUSTAFID_AGE_KEY"))
    return [identity(p) for p in paths if p and Path(p).is_file() and not str(p).endswith(".pub")]


def keys_of(vault: Vault, rid: str, ids: list[Any]) -> Keys | None:
    """The request's keys ({} when destroyed), or None without an identity."""
    if not ids:
        return None
    return vault.open(rid, ids) or {}


def opened(record: Mapping[str, Any], vault: Vault, ids: list[Any]) -> dict[str, Any]:
    """The record with its sealed answers in clear (or placeholders); a record that is not sealed as it is."""
    if not is_sealed(record):
        return dict(record)
    return open_record(record, keys_of(vault, str(record["id"]), ids))
