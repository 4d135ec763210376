"""`mustafid request-info ID --note`: ask the applicant for what is missing (received → needs_info)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._notices import queue_after
from mustafid.cli.commands._review_common import add_target, done, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--note", required=True, help="what is missing, as the applicant will be told")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import request_info

    assoc, team = open_team(args, read=False, writes=True)  # act() reads the team's state itself
    record = team.act(args.id, lambda: request_info(assoc, team.forge, args.id, args.actor, args.note))
    queue_after(assoc, team.forge, record, getattr(args, "key", None))
    return done(record, team)
