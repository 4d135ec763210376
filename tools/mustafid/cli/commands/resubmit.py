"""`mustafid resubmit ID`: the missing information arrived (needs_info → received), with the documents the
applicant brought (`--document FIELD=PATH`, checked as the web checks an upload; sealed with an addendum key of
their own where the request is sealed, as the completion link seals them: review/addenda.py)."""

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
    brought = _checked_documents(assoc, team.forge, args.id, args.document) if args.document else []

    def action() -> dict[str, Any]:
        from mustafid.review.addenda import Addition, forget, seal_addition
        from mustafid.review.queries import find
        from mustafid.store import docrefs
        from mustafid.store.documents import DocumentStore
        from mustafid.store.vault_http import open_vault

        store = DocumentStore.beside(team.forge)
        vault = open_vault(team.forge)
        added = seal_addition(assoc, vault, store, find(team.forge, args.id)[3], "", brought) if brought \
            else Addition()
        try:
            record = resubmit(assoc, team.forge, args.id, args.actor, args.note, added.documents)
        except BaseException:
            forget(vault, store, args.id, added)
            raise
        if brought and team.shared:
            docrefs.publish(team.forge, store, str(record["id"]),
                            [str(d["sha256"]) for d in record.get("documents") or []])
        return record

    return done(team.act(args.id, action), team)


def _checked_documents(assoc: Any, forge: Any, record_id: str, specs: list[str]) -> list[tuple[dict[str, Any], bytes]]:
    """The --document files read and checked (field, type, content): each one's entry and bytes."""
    from mustafid.core.errors import UserError
    from mustafid.forms.load import load_forms
    from mustafid.intake.uploads import content_problems
    from mustafid.review.queries import find
    from mustafid.staff.answers import uploads_from_args

    record = find(forge, record_id)[3]
    form = load_forms(assoc)[str(record.get("form"))]
    uploads, problems = uploads_from_args(form, specs)
    problems += content_problems(uploads)
    if problems:
        raise UserError("تعذّر إرفاق المستندات: صحّح ما يلي، لم يُحفظ شيء",
                        "the documents could not be attached: fix the following; nothing was saved", problems)
    return [(dict(u.document()), u.content) for u in uploads]
