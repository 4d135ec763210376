"""`mustafid remind`: open requests whose promised date is close or past (reference numbers, forms and days
only), as a Markdown table for GitHub's job summary. Exit 0: a reminder is not a failure."""

from __future__ import annotations

import argparse
import json

from mustafid.cli.commands.common import add_association, add_remote, add_repo


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    add_remote(p)
    p.add_argument("--within", type=int, default=3, metavar="DAYS",
                   help="requests due within this many days, and every late one (default: 3)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")


def run(args: argparse.Namespace) -> int:
    from mustafid.audit.reminders import due, markdown
    from mustafid.cli.commands._review_common import open_team
    from mustafid.core.errors import UserError

    if args.within < 0:
        raise UserError("عدد الأيام في --within لا يكون سالباً", "--within takes a number of days, 0 or more")
    assoc, team = open_team(args)
    rows = due(assoc, team.forge, args.within)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(markdown(rows, args.within), end="")
    return 0
