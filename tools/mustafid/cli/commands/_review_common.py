"""What the review subcommands share: the association, the local forge on the team's shared repository, and
printing the result with anything the person must be told (not shared yet, a change that lost to a newer one)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from mustafid.cli.commands.common import add_actor, add_association, add_remote, add_repo

if TYPE_CHECKING:
    from mustafid.config.association import Association
    from mustafid.review.forges.local import LocalForge
    from mustafid.review.team import Team


def add_target(p: argparse.ArgumentParser, with_id: bool = True) -> None:
    add_association(p)
    add_repo(p)
    add_remote(p)
    add_actor(p)
    if with_id:
        p.add_argument("id", help="the request's reference number, e.g. 4821-3390-7552")


def open_team(args: argparse.Namespace, read: bool = True, writes: bool = False) -> tuple[Association, Team]:
    """The association and the team's repository; `read`: the team's state fetched first; `writes`: commits are
    signed with the actor's key (refused without one when the association signs)."""
    from mustafid.config.association import load_association
    from mustafid.review.forges.local import LocalForge
    from mustafid.review.signing import signer_for
    from mustafid.review.team import open_team as team_of

    assoc = load_association(args.association)
    signer = signer_for(assoc, args.actor, getattr(args, "key", None), args.repo) if writes else None
    forge = LocalForge(args.repo, signer=signer)
    team = team_of(forge, getattr(args, "remote", None))
    if read:
        team.read()
        tell(team)
    return assoc, team


def open_forge(args: argparse.Namespace) -> tuple[Association, LocalForge]:
    """The association and the local forge only, as CI's checks read them (the revisions are given)."""
    from mustafid.config.association import load_association
    from mustafid.review.forges.local import LocalForge

    return load_association(args.association), LocalForge(args.repo)


def tell(team: Team) -> None:
    for note in team.notes:
        print(note, file=sys.stderr)
    team.notes.clear()


def done(record: dict[str, Any], team: Team | None = None) -> int:
    if team is not None:
        tell(team)
    print(f"{record['id']}: {record['status']}")
    return 0
