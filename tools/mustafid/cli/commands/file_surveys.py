"""`mustafid file-surveys`: every recorded survey merged into main as it is (a scheduled job's step), so open
branches are only the requests and complaints that wait for someone."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, open_team, tell


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import file_survey
    from mustafid.review.queries import unfiled_surveys

    assoc, team = open_team(args, read=True, writes=True)
    ids = unfiled_surveys(assoc, team.forge)
    for rid in ids:
        team.act(rid, lambda rid=rid: file_survey(assoc, team.forge, rid, args.actor))  # type: ignore[misc]
    tell(team)
    print(f"{len(ids)} استبانة في الفرع الرئيسي / survey(s) filed on main")
    return 0
