"""What the review subcommands share: loading the association and the local forge, printing the result."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from mustafid.cli.commands.common import add_actor, add_association, add_repo

if TYPE_CHECKING:
    from mustafid.config.association import Association
    from mustafid.review.forges.local import LocalForge


def add_target(p: argparse.ArgumentParser, with_id: bool = True) -> None:
    add_association(p)
    add_repo(p)
    add_actor(p)
    if with_id:
        p.add_argument("id", help="the request's reference number, e.g. K7M3-9QXD")


def open_forge(args: argparse.Namespace) -> tuple[Association, LocalForge]:
    from mustafid.config.association import load_association
    from mustafid.review.forges.local import LocalForge

    return load_association(args.association), LocalForge(args.repo)


def done(record: dict[str, Any]) -> int:
    print(f"{record['id']}: {record['status']}")
    return 0
