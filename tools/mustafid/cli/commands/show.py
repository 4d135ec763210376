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
    record = opened(find(team.forge, args.id)[3], Vault.beside(team.forge), identities(args.key))
    print(summary(assoc, record, args.lang))
    if args.documents:
        from mustafid.store.docrefs import export
        from mustafid.store.documents import DocumentStore

        team.fetch_documents(str(record["id"]))
        tell(team)
        for path in export(team.forge, DocumentStore.beside(team.forge), record, args.documents):
            print(path)
    return 0
