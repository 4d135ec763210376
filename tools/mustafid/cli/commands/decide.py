"""`mustafid decide ID approve|reject`: the committee's decision, committed on the branch and merged into main."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._notices import queue_after
from mustafid.cli.commands._review_common import add_target, done, open_team
from mustafid.review.actions import OUTCOMES


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("outcome", choices=tuple(OUTCOMES))
    p.add_argument("--reason", required=True, help="why (the applicant is told)")
    p.add_argument("--members", default="",
                   help="comma-separated roster ids of the committee members who took the decision; with votes "
                        "(`mustafid vote`, required once the association signs) the members are those who voted "
                        "this outcome, and this option may be left out")
    p.add_argument("--meeting", required=True, help="the meeting's reference, e.g. 2026-11/3")
    p.add_argument("--no-merge", action="store_true",
                   help="commit the decision on the branch only (GitHub forge: push it, then merge the pull request)")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import decide

    assoc, team = open_team(args, read=False, writes=True)  # act() reads the team's state itself
    members = [m.strip() for m in args.members.split(",") if m.strip()]
    record = team.act(args.id, lambda: decide(assoc, team.forge, args.id, args.actor, args.outcome, args.reason,
                                           members, args.meeting, merge=not args.no_merge))
    queue_after(assoc, team.forge, record, getattr(args, "key", None))
    return done(record, team)
