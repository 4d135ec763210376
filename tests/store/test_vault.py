"""The vault folder with a request's addenda (keys of what arrived after intake), with real age keys: opened,
destroyed and re-wrapped with the request, never listed as one, never added to an erased request; entry names
that are not a request's or one of its addenda are refused (they name files)."""

from __future__ import annotations

from pathlib import Path

import pyrage
import pytest

from mustafid.core.errors import UserError
from mustafid.records.sealing import new_addendum
from mustafid.store.vault import Vault, check_entry

RID = "1234-5678-9012"


def test_addenda_live_and_die_with_their_request(tmp_path: Path) -> None:
    alice, bob = pyrage.x25519.Identity.generate(), pyrage.x25519.Identity.generate()
    vault = Vault(tmp_path / "vault", fsync=False)
    name, key = new_addendum()
    with pytest.raises(UserError):  # no request's keys here: nothing is added to it
        vault.add(RID, name, key, [alice.to_public()])
    assert vault.addenda(RID) == []
    vault.put(RID, {"main": b"m" * 32, "legal": b"l" * 32}, [alice.to_public()])
    vault.add(RID, name, key, [alice.to_public()])
    assert list(vault.ids()) == [RID] and vault.addenda(RID) == [name] and vault.classes(RID) == ["legal", "main"]
    assert vault.open(RID, [alice]) == {"main": b"m" * 32, "legal": b"l" * 32, name: key}
    # re-wrapped to bob alone: alice opens nothing, the addendum neither
    assert vault.rewrap([alice], [bob.to_public()]) == (1, [])
    with pytest.raises(UserError):
        vault.open(RID, [alice])
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(vault.load_blob(f"{RID}+{name}") or b"", [alice])
    assert (vault.open(RID, [bob]) or {})[name] == key
    # erased but for the legal class: the addendum goes with main
    assert vault.destroy(RID, keep=["legal"], identities=[bob], recipients=[bob.to_public()]) == ["main", name]
    assert vault.open(RID, [bob]) == {"legal": b"l" * 32} and vault.addenda(RID) == []
    with pytest.raises(UserError):  # the case is erased: nothing later is kept for it, the legal class alone left
        vault.add(RID, *new_addendum(), [bob.to_public()])
    assert vault.destroy(RID) == ["legal"] and not vault.has(RID)
    with pytest.raises(UserError):
        vault.add(RID, *new_addendum(), [bob.to_public()])
    assert not any((tmp_path / "vault" / "keys").iterdir())


def test_an_addendum_left_without_its_request_is_destroyed_with_it(tmp_path: Path) -> None:
    alice = pyrage.x25519.Identity.generate()
    vault = Vault(tmp_path / "vault", fsync=False)
    vault.put(RID, {"main": b"m" * 32}, [alice.to_public()])
    name, key = new_addendum()
    vault.add(RID, name, key, [alice.to_public()])
    vault.remove_blob(RID)  # as if an erasure ran between an addition's write and its check
    assert vault.open(RID, [alice]) is None
    assert vault.destroy(RID) == [name] and vault.addenda(RID) == []


@pytest.mark.parametrize("entry", [f"{RID}+", f"{RID}+add-", f"{RID}+../../x", f"{RID}+add-XYZ", "+add-0123456789ab",
                                   f"{RID}+add-0123456789ab+add-0123456789ab", f"{RID}/x"])
def test_entry_names_that_are_not_a_request_or_its_addendum_are_refused(entry: str) -> None:
    with pytest.raises(ValueError):
        check_entry(entry)
    assert check_entry(f"{RID}+add-0123456789ab") == f"{RID}+add-0123456789ab"
