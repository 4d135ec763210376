"""`mustafid sync`: bring the team's state in and send what this machine kept while the shared repository was
away. Every other command does this first; this one does only that, and says what happened."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)


def run(args: argparse.Namespace) -> int:
    from mustafid.core.errors import UserError

    _assoc, team = open_team(args, read=False)
    if team.remote is None:
        raise UserError("لا مستودع مشترك لهذا المستودع: هذا هو الوضع المدمج، أو حدّد --remote",
                        "this repository has no shared repository (the embedded default): give --remote, or run "
                        "this in a clone of the team's records repository")
    remote = team.remote
    if not remote.fetch():
        print(f"تعذّر الوصول إلى {remote.name}: لم يتغير شيء | {remote.name} could not be reached: nothing changed")
        return 1
    report = remote.integrate()
    sent = remote.push_unshared(report)
    team.tell_about(report, sent)  # the notes (diverged, sent) in the person's words
    for line, branches in (("new from the team", report.created), ("brought up to date", report.forwarded),
                           ("sent", sent), ("still not shared", report.unshared),
                           ("lost to the team's newer change (kept under refs/mustafid/kept/)", report.diverged)):
        if branches:
            print(f"{line}: {', '.join(branches)}")
    for note in team.notes:
        print(note)
    return 0
