"""`mustafid vote ID approve|reject --reason R`: a committee member's own signed vote on a verified request."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, done, open_team
from mustafid.review.actions import OUTCOMES


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("outcome", choices=tuple(OUTCOMES))
    p.add_argument("--reason", required=True, help="why you vote so (kept in the record, signed with your vote)")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import vote

    assoc, team = open_team(args, read=False, writes=True)  # act() reads the team's state itself
    return done(team.act(args.id, lambda: vote(assoc, team.forge, args.id, args.actor, args.outcome, args.reason)),
                team)
