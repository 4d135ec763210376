"""`mustafid erase|export|retention|rewrap`: the data subject's rights and the retention rule on sealed records
(review/privacy.py). The key that opens a request's data is your ed25519 key file (--key / $MUSTAFID_KEY)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mustafid.cli.commands._review_common import add_target, open_team


def add_erase(p: argparse.ArgumentParser) -> None:
    add_target(p)
    from mustafid.review.privacy import REASONS

    p.add_argument("--reason", required=True, choices=REASONS, help="why (a code, never free text)")


def add_export(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--output", "-o", type=Path, required=True, help="a folder for the copy (created)")


def add_retention(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)
    p.add_argument("--apply", action="store_true", help="erase what is due (default: only list it)")


def add_rewrap(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)


def run_erase(args: argparse.Namespace) -> int:
    from mustafid.review.actions import require_actor
    from mustafid.review.clear import identities
    from mustafid.review.privacy import erase

    assoc, team = open_team(args, read=False, writes=True)
    actor = require_actor(assoc, args.actor, "staff")
    entry = erase(assoc, team.forge, args.id, actor, args.reason, identities(args.key))
    print(json.dumps(entry, ensure_ascii=False, indent=2))
    return share_erasure(team, args.id)


def share_erasure(team: Any, rid: str) -> int:
    """On a team: the erasure log sent and the request's documents ref deleted on the shared repository."""
    from mustafid.review.privacy import LOG

    if team.remote is None:
        return 0
    remote = team.remote.name
    team.forge.git("push", "-q", remote, f"refs/heads/{LOG}:refs/heads/{LOG}", f":refs/mustafid/documents/{rid}",
                   check=False)
    listed = team.forge.git("ls-remote", remote, f"refs/mustafid/documents/{rid}", check=False).strip()
    if listed:
        print(f"أُتلفت المفاتيح، وتعذّر حذف مستندات {rid} المشفّرة من المستودع المشترك: أعد `mustafid erase` | the keys "
              f"are destroyed, but {rid}'s sealed documents are still on the shared repository: run the command "
              "again when it is reachable", file=sys.stderr)
        return 1
    return 0


def run_export(args: argparse.Namespace) -> int:
    from mustafid.review.clear import identities
    from mustafid.review.privacy import export

    _assoc, team = open_team(args)
    text, files = export(team.forge, args.id, identities(args.key))
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / f"{args.id}.yml").write_text(text, encoding="utf-8")
    for name, content in files.items():
        (args.output / Path(name).name).write_bytes(content)
    print(f"نسخة صاحب البيانات في {args.output} | the data subject's copy is in {args.output} "
          f"({1 + len(files)} files)")
    return 0


def run_retention(args: argparse.Namespace) -> int:
    from mustafid.review.actions import require_actor
    from mustafid.review.clear import identities
    from mustafid.review.privacy import due, erase

    assoc, team = open_team(args, read=False, writes=args.apply)
    items = due(assoc, team.forge)
    for rid, what in items:
        print(f"{rid}\t{what}")
    if args.apply and items:
        actor = require_actor(assoc, args.actor, "staff")
        for rid, _what in items:
            erase(assoc, team.forge, rid, actor, "retention", identities(args.key))
        print(f"أُتلفت بيانات {len(items)} | erased {len(items)}", file=sys.stderr)
    return 0


def run_rewrap(args: argparse.Namespace) -> int:
    from mustafid.review.clear import identities
    from mustafid.review.privacy import rewrap

    assoc, team = open_team(args, read=False)
    done, skipped = rewrap(assoc, team.forge, identities(args.key))
    print(f"أعيد تغليف مفاتيح {done} | re-wrapped {done}; not opened by your key: {len(skipped)}")
    return 1 if skipped else 0
