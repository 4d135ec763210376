"""`mustafid resubmit ID`: the missing information arrived (needs_info → received), with the documents the
applicant brought (`--document FIELD=PATH`, checked as the web checks an upload)."""

from __future__ import annotations

import argparse
from typing import Any

from mustafid.cli.commands._review_common import add_target, done, open_team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p)
    p.add_argument("--note", default="", help="what was received")
    p.add_argument("--document", action="append", default=[], metavar="FIELD=PATH",
                   help="a document the applicant brought, for a file field of the form (repeatable); it replaces "
                        "the one the field had, or is added when the field takes several")


def run(args: argparse.Namespace) -> int:
    from mustafid.review.actions import resubmit

    assoc, team = open_team(args, writes=True)
    entries = _stored_documents(assoc, team.forge, args.id, args.document) if args.document else []

    def action() -> dict[str, Any]:
        from mustafid.store import docrefs
        from mustafid.store.documents import DocumentStore

        record = resubmit(assoc, team.forge, args.id, args.actor, args.note, entries)
        if entries and team.shared:
            docrefs.publish(team.forge, DocumentStore.beside(team.forge), str(record["id"]),
                            [str(d["sha256"]) for d in record.get("documents") or []])
        return record

    return done(team.act(args.id, action), team)


def _stored_documents(assoc: Any, forge: Any, record_id: str, specs: list[str]) -> list[dict[str, Any]]:
    """The --document files read, checked (field, type, content) and put in the document store; their entries."""
    from mustafid.core.errors import UserError
    from mustafid.forms.load import load_forms
    from mustafid.intake.uploads import content_problems
    from mustafid.review.queries import find
    from mustafid.staff.answers import uploads_from_args
    from mustafid.store.documents import DocumentStore

    record = find(forge, record_id)[3]
    form = load_forms(assoc)[str(record.get("form"))]
    uploads, problems = uploads_from_args(form, specs)
    problems += content_problems(uploads)
    if problems:
        raise UserError("تعذّر إرفاق المستندات: صحّح ما يلي، لم يُحفظ شيء",
                        "the documents could not be attached: fix the following; nothing was saved", problems)
    store = DocumentStore.beside(forge)
    for u in uploads:
        store.put(u.content)
    return [dict(u.document()) for u in uploads]
