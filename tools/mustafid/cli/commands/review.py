"""`mustafid review`: open requests with status, age and days left — no personal data."""

from __future__ import annotations

import argparse
import json

from mustafid.cli.commands._review_common import add_target, open_team
from mustafid.core.plural import OPEN_REQUEST, count


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)
    p.add_argument("--overdue", action="store_true", help="only requests past the promised decision period")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.queries import list_open

    assoc, team = open_team(args)
    rows = list_open(assoc, team.forge)
    if args.overdue:
        rows = [r for r in rows if r["days_left"] is not None and r["days_left"] < 0]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'id':<10} {'form':<26} {'channel':<12} {'status':<11} {'age':>4} {'left':>5}  dup")
    for r in rows:
        print(f"{r['id']:<10} {r['form']:<26} {r['channel']:<12} {r['status']:<11} {r['age_days']:>4} "
              f"{r['days_left']:>5}  {'yes' if r['duplicate'] else ''}")
    print(f"{count(len(rows), OPEN_REQUEST, 'ar', digits=False)} / {count(len(rows), OPEN_REQUEST, 'en')}")
    return 0
