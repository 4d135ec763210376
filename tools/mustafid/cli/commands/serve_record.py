"""`mustafid serve-record ID --provided TEXT`: the service was provided (approved → served)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, done, open_forge


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--provided", required=True, help="what was provided")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import serve

    assoc, forge = open_forge(args)
    return done(serve(assoc, forge, args.id, args.actor, args.provided))
