"""`mustafid notices send|list|resend`: the outbox of notices to applicants.

``send`` delivers every due notice once (the outbox folder by default; SMTP and SMS where association.yml's
``notices`` names them; letters as PDF files) and notes each in the record's history; run it from a scheduled
job, or let `mustafid serve` do it. ``list`` shows what waits and what staff must handle (no addresses: the
reference, the event, the channel, the attempts and why). ``resend KEY`` queues again a notice staff checked."""

from __future__ import annotations

import argparse
import json
import sys

from mustafid.cli.commands.common import add_actor, add_association, add_remote, add_repo


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    add_actor(p)
    add_remote(p)
    p.add_argument("what", choices=("send", "list", "resend"))
    p.add_argument("key", nargs="?", help="resend: the notice's key as `list` shows it, e.g. K7M3-9QXD.decision.1")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from mustafid.config.association import load_association
    from mustafid.core.errors import UserError
    from mustafid.notices.channels import senders_from_config
    from mustafid.notices.dispatch import deliver
    from mustafid.notices.history import note_sent
    from mustafid.notices.queue import outbox_of
    from mustafid.review.forges.local import LocalForge

    assoc = load_association(args.association)
    forge = LocalForge(args.repo)
    outbox = outbox_of(forge)
    if args.what == "resend":
        if not args.key or not outbox.resend(args.key):
            raise UserError("لا يوجد إشعار بهذا المفتاح في قائمة الموظفين (mustafid notices list)",
                            "no notice with that key is listed for staff (see `mustafid notices list`)")
        print(f"{args.key}: pending")
        return 0
    if args.what == "send":
        from mustafid.review.actions import require_actor
        from mustafid.review.signing import intake_signer, signer_for

        actor = args.actor or "intake"  # the history's commits are signed by whoever sends
        signer = intake_signer(assoc, forge.git_dir) if actor == "intake" else \
            signer_for(assoc, require_actor(assoc, actor, "staff"), getattr(args, "key", None), args.repo)
        from mustafid.review.team import open_team

        team = open_team(LocalForge(args.repo, signer=signer), getattr(args, "remote", None))
        team.read()  # the history is noted on the team's latest branch and shared (the team's shared repository)
        result = deliver(outbox, senders_from_config(assoc, outbox.root),
                         note=lambda n, via: team.act(n.record_id, lambda: note_sent(team.forge, n, via, actor)))
        for line in team.notes:
            print(line, file=sys.stderr)
        print(f"أُرسل {len(result.sent)}، يُعاد {len(result.retrying)}، للموظفين {len(result.staff)} / "
              f"sent {len(result.sent)}, to retry {len(result.retrying)}, for staff "
              f"{len(result.staff) + len(result.interrupted)}")
        return 0
    rows = [{"key": e.notice.key, "state": e.state, "event": e.notice.event, "channel": e.notice.channel,
             "attempts": e.attempts, "why": e.errors[-1] if e.errors else ""}
            for state in ("staff", "pending", "sending") for e in outbox.entries(state)]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['key']:<32} {r['state']:<8} {r['channel']:<7} {r['attempts']:>2}  {r['why']}")
    print(f"{len(rows)} إشعار ينتظر / notice(s) waiting")
    return 0
