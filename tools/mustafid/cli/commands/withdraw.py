"""`mustafid withdraw ID --reason`: an open request is withdrawn (at the applicant's wish, or a duplicate)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, done, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--reason", required=True)


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import withdraw

    assoc, team = open_team(args, read=False, writes=True)  # act() reads the team's state itself
    return done(team.act(args.id, lambda: withdraw(assoc, team.forge, args.id, args.actor, args.reason)), team)
