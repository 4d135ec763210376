"""`mustafid show ID`: one request's review summary, and with --documents its documents written to a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from mustafid.cli.commands._review_common import add_target, open_team, tell
from mustafid.core.text import LANGS


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--lang", choices=LANGS, default="ar")
    p.add_argument("--documents", type=Path, metavar="DIR",
                   help="also write every document of the request into DIR (fetched from the team's shared "
                        "repository when this machine does not hold it), each checked against its SHA-256")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.clear import identities, opened
    from mustafid.review.queries import find
    from mustafid.review.summary import summary
    from mustafid.store.vault import Vault

    assoc, team = open_team(args)
    vault, ids = Vault.beside(team.forge), identities(args.key)
    record = opened(find(team.forge, args.id)[3], vault, ids)
    print(summary(assoc, record, args.lang))
    if args.documents:
        from mustafid.records.sealing import MAIN, decrypt_bytes, is_sealed
        from mustafid.review.clear import keys_of
        from mustafid.store.docrefs import export
        from mustafid.store.documents import DocumentStore

        team.fetch_documents(str(record["id"]))
        tell(team)
        keys = keys_of(vault, str(record["id"]), ids) if is_sealed(record) else None
        for entry, path in zip(record.get("documents") or [], export(team.forge, DocumentStore.beside(team.forge),
                                                                    record, args.documents), strict=True):
            if keys and MAIN in keys:  # sealed: written in clear for the person who holds a key
                path.write_bytes(decrypt_bytes(keys[MAIN], path.read_bytes(), f"document|{entry['field']}"))
            elif is_sealed(record):
                print(f"(مشفّر | sealed) {path}")
                continue
            print(path)
    return 0
