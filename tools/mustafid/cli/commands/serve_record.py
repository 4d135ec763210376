"""`mustafid serve-record ID --provided TEXT`: the service was provided (approved → served)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._notices import queue_after
from mustafid.cli.commands._review_common import add_target, done, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--provided", required=True, help="what was provided")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import serve

    assoc, team = open_team(args, read=False, writes=True)  # act() reads the team's state itself
    record = team.act(args.id, lambda: serve(assoc, team.forge, args.id, args.actor, args.provided))
    queue_after(assoc, team.forge, record, getattr(args, "key", None))
    return done(record, team)
