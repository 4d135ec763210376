"""`mustafid answer ID --text`: a complaint or suggestion answered (it closes and reaches main)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._notices import queue_after
from mustafid.cli.commands._review_common import add_target, done, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--text", required=True, help="the association's answer, as the applicant will read it")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import answer

    assoc, team = open_team(args, read=False, writes=True)
    record = team.act(args.id, lambda: answer(assoc, team.forge, args.id, args.actor, args.text))
    queue_after(assoc, team.forge, record, getattr(args, "key", None))
    return done(record, team)
