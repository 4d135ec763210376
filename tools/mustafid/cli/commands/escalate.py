"""`mustafid escalate ID --reason` or `mustafid escalate --late`: a complaint or suggestion raised to the board;
``--late`` raises every one left unanswered past the association's answer period (a scheduled job)."""

from __future__ import annotations

import argparse

from mustafid.cli.commands._review_common import add_target, done, open_team, tell


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)
    p.add_argument("id", nargs="?", help="the reference number, e.g. K7M3-9QXD (not with --late)")
    p.add_argument("--reason", default="", help="why it goes to the board")
    p.add_argument("--late", action="store_true", help="every one past the answer period (feedback.answer_period_days)")


def run(args: argparse.Namespace) -> int:
    from mustafid.core.errors import UserError
    from mustafid.review.actions import escalate
    from mustafid.review.queries import late_feedback

    if bool(args.late) == bool(args.id):
        raise UserError("اذكر رقم الطلب أو الخيار --late (واحدًا منهما)", "give a reference number or --late (one)")
    assoc, team = open_team(args, read=bool(args.late), writes=True)
    if args.late:
        late = late_feedback(assoc, team.forge)
        why = f"unanswered after {assoc.feedback_answer_days} days"
        for rid in late:
            team.act(rid, lambda rid=rid: escalate(assoc, team.forge, rid, args.actor, why))  # type: ignore[misc]
        tell(team)
        print(f"{len(late)} رُفعت إلى مجلس الإدارة / escalated to the board: {' '.join(late)}")
        return 0
    if not args.reason.strip():
        raise UserError("اكتب سبب رفعها إلى المجلس (--reason)", "give the reason for the escalation (--reason)")
    return done(team.act(args.id, lambda: escalate(assoc, team.forge, args.id, args.actor, args.reason)), team)
