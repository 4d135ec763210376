"""`mustafid resubmit ID`: the missing information arrived (needs_info → received)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, done, open_forge


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--note", default="", help="what was received")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import resubmit

    assoc, forge = open_forge(args)
    return done(resubmit(assoc, forge, args.id, args.actor, args.note))
