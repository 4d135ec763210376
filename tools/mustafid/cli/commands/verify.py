"""`mustafid verify ID`: staff confirm the data and documents (received → verified)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, done, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--note", default="", help="what was checked (no personal data)")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import verify

    assoc, team = open_team(args, read=False, writes=True)  # act() reads the team's state itself
    return done(team.act(args.id, lambda: verify(assoc, team.forge, args.id, args.actor, args.note)), team)
