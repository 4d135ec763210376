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
    from mustafid.records.sealing import is_sealed, open_record
    from mustafid.review.addenda import open_document, with_answers
    from mustafid.review.clear import identities, keys_of
    from mustafid.review.queries import find
    from mustafid.review.summary import summary
    from mustafid.store import docrefs
    from mustafid.store.documents import DocumentStore
    from mustafid.store.vault_http import open_vault

    assoc, team = open_team(args)
    vault, ids, store = open_vault(team.forge), identities(args.key), DocumentStore.beside(team.forge)
    stored = find(team.forge, args.id)[3]
    keys = keys_of(vault, str(stored["id"]), ids) if is_sealed(stored) else None
    rid = str(stored["id"])
    answers = [str(q["answer_sha256"]) for q in stored.get("info_requests") or [] if q.get("answer_sha256")]
    if args.documents or any(not store.has(sha) for sha in answers):  # held on the team's documents ref
        team.fetch_documents(rid)
        tell(team)
    record = with_answers(open_record(stored, keys) if is_sealed(stored) else dict(stored),
                          lambda sha: docrefs.read(team.forge, store, rid, sha), keys)
    print(summary(assoc, record, args.lang))
    if args.documents:
        for entry, path in zip(stored.get("documents") or [], docrefs.export(team.forge, store, stored, args.documents),
                               strict=True):
            clear = open_document(stored, entry, path.read_bytes(), keys)
            if clear is None:  # sealed, and this person holds no key that opens it (or it was destroyed)
                print(f"(مشفّر | sealed) {path}")
                continue
            path.write_bytes(clear)
            print(path)
    return 0
