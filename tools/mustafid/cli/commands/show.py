"""`mustafid show ID`: one request's review summary."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, open_forge
from mustafid.core.text import LANGS


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--lang", choices=LANGS, default="ar")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.queries import find
    from mustafid.review.summary import summary

    assoc, forge = open_forge(args)
    print(summary(assoc, find(forge, args.id)[3], args.lang))
    return 0
