"""`mustafid submit --form F --channel interview|phone|letter|email|social_media`: staff enter a request received
outside the site, from a YAML file (``--file``) or question by question in the terminal, through the same
``Intake.accept`` as the web: same validation, same record, same store, same duplicate flag."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mustafid.cli.commands.common import add_actor, add_association, add_remote, add_repo
from mustafid.core.text import LANGS
from mustafid.core.vocab import STAFF_CHANNELS

if TYPE_CHECKING:
    from mustafid.core.errors import Problem
    from mustafid.forms.model import FormDef
    from mustafid.intake.service import Intake
    from mustafid.intake.uploads import Upload
    from mustafid.review.team import Team


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    add_remote(p)
    add_actor(p)
    p.add_argument("--form", required=True, help="the form's id, e.g. support-request")
    p.add_argument("--channel", required=True, metavar="|".join(STAFF_CHANNELS),
                   help="how the request was received")
    p.add_argument("--file", help="the answers as YAML (field: answer, plus declaration: {confirmed: true, "
                                  "consent: true}); '-' reads standard input. Without it the form is asked "
                                  "question by question")
    p.add_argument("--document", action="append", default=[], metavar="FIELD=PATH",
                   help="a document for a file field (repeatable)")
    p.add_argument("--later", action="append", default=[], metavar="FIELD",
                   help="a required document the applicant will bring later: the request is kept, marked incomplete, "
                        "and the applicant is asked for it (repeatable)")
    p.add_argument("--lang", choices=LANGS, default="ar", help="the language of the questions (default ar)")


def _print_problems(problems: Sequence[Problem]) -> None:
    for p in problems:
        where = p.path or p.file
        line = f":{p.line}" if p.line and not p.path else ""
        print(f"{where}{line}: {p.ar} | {p.en}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from mustafid.cli.commands._review_common import tell
    from mustafid.config.association import load_association
    from mustafid.core.errors import UserError
    from mustafid.intake.service import Intake, Invalid
    from mustafid.review.actions import require_actor
    from mustafid.review.forges.local import LocalForge
    from mustafid.review.signing import signer_for
    from mustafid.review.team import open_team
    from mustafid.staff.answers import answers_from_yaml, uploads_from_args
    from mustafid.store.documents import DocumentStore

    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    if args.channel == "web":
        raise UserError("الطلبات الإلكترونية تصل عن طريق نموذج الموقع، لا بهذا الأمر: اختر قناة الورود "
                        f"({', '.join(STAFF_CHANNELS)})",
                        "web requests come through the site's form, not this command: give the channel the request "
                        f"came by ({', '.join(STAFF_CHANNELS)})")
    if args.channel not in STAFF_CHANNELS:
        raise UserError(f"قناة غير معروفة «{args.channel[:40]}»: المتاح {', '.join(STAFF_CHANNELS)}",
                        f"unknown channel '{args.channel[:40]}': use one of {', '.join(STAFF_CHANNELS)}")
    assoc = load_association(args.association)
    actor = require_actor(assoc, args.actor, "staff")
    store = LocalForge(args.repo, signer=signer_for(assoc, actor, args.key, args.repo))
    team = open_team(store, args.remote)
    team.read()  # the team's requests are here: a duplicate entered in another clone is flagged
    tell(team)
    intake = Intake(assoc, store, DocumentStore.beside(store))
    form = intake.form(args.form)
    uploads, problems = uploads_from_args(form, args.document)

    if args.file is not None:
        if args.file == "-":
            text, name = sys.stdin.read(), "<stdin>"
        else:
            from pathlib import Path

            from mustafid.core.yamlio import read_text

            try:
                text, name = read_text(Path(args.file)), args.file
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                raise UserError(f"تعذّرت قراءة ملف الإجابات {args.file}: تحقق من المسار وأنه نص UTF-8",
                                f"could not read the answers file {args.file} ({type(exc).__name__}): check the "
                                "path and that it is UTF-8 text") from None
        raw, more = answers_from_yaml(form, text, name)
        problems += more
    else:
        if problems:
            raise Invalid(problems)
        raw, uploads = _interview(intake, form, args.lang, uploads)

    try:
        if problems:
            raise Invalid(problems + _answer_problems(intake, form, raw, args.lang, uploads))
        accepted = intake.accept(form.id, raw, channel=args.channel, actor=actor, lang=args.lang, uploads=uploads,
                                 later=args.later)
    except Invalid as exc:
        print(f"{exc.ar}\n{exc.en}", file=sys.stderr)
        _print_problems(exc.problems)
        return 1
    rec = accepted.record
    rec = _after_entry(intake, form, actor, rec)
    _share(team, intake, accepted.id, rec)
    print(f"تم حفظ الطلب | request saved\n"
          f"الرقم المرجعي | reference: {accepted.id}\n"
          f"الفرع | branch: {accepted.branch}\n"
          f"السجل | record: {accepted.path}")
    if rec.get("duplicate_of"):
        print(f"تنبيه: لمقدم الطلب طلب مفتوح من النموذج نفسه | note: the applicant has an open request of the same "
              f"form: {', '.join(rec['duplicate_of'])} (flagged possible_duplicate)")
    return 0


def _after_entry(intake: Intake, form: FormDef, actor: str, rec: dict[str, Any]) -> dict[str, Any]:
    """The applicant's receipt notice; a document left for later becomes a request for it (needs_info, with the
    notice's completion link), so the request waits for it instead of being lost."""
    from mustafid.notices.queue import after_action, receipt
    from mustafid.notices.render import contact_of
    from mustafid.review.actions import request_info

    receipt(intake.assoc, intake.store, rec)
    if not rec.get("missing_documents"):
        return rec
    names = {d.field: d.label for d in form.documents}
    wanted = [names[f] for f in rec["missing_documents"] if f in names]
    note = "، ".join(t.ar for t in wanted) + " | " + ", ".join(t.en for t in wanted)
    after = request_info(intake.assoc, intake.store, str(rec["id"]), actor, note)
    after_action(intake.assoc, intake.store, after, contact=contact_of(rec))  # rec is in clear, after may be sealed
    print(f"الطلب ناقص: طُلب من مقدمه {note} | the request is incomplete: the applicant was asked for it")
    return after


def _share(team: Team, intake: Intake, rid: str, record: dict[str, Any]) -> None:
    """Send the new request (branch and documents) to the team's repository; say so when it could not be."""
    from mustafid.intake.publisher import share_request
    from mustafid.store.sync import NOT_SHARED, PushOutcome

    if team.remote is None:
        return
    if share_request(team.forge, team.remote, intake.documents, rid, record) is PushOutcome.OFFLINE:
        print(f"{NOT_SHARED.ar.format(remote=team.remote.name)} | {NOT_SHARED.en.format(remote=team.remote.name)}",
              file=sys.stderr)


def _answer_problems(intake: Intake, form: FormDef, raw: dict[str, Any], lang: str,
                     uploads: Sequence[Upload]) -> list[Problem]:
    """The answers' own problems, so one run reports everything (the file's and the answers')."""
    from mustafid.intake.uploads import content_problems, files_by_field

    return intake.check(form, raw, lang, files_by_field(uploads))[1] + content_problems(uploads)


def _by_field(uploads: Sequence[Upload]) -> dict[str, list[Upload]]:
    """Every --document given, by field: a document of several files keeps them all."""
    out: dict[str, list[Upload]] = {}
    for u in uploads:
        out.setdefault(u.field, []).append(u)
    return out


def _interview(intake: Intake, form: FormDef, lang: str,
               uploads: Sequence[Upload]) -> tuple[dict[str, Any], list[Upload]]:
    from mustafid.staff.interview import Interview

    piped = not sys.stdin.isatty()

    def read() -> str | None:
        line = sys.stdin.readline()
        if piped:  # a terminal ends the line itself; a pipe does not echo, so the next question starts anew
            print(flush=True)
        return None if line == "" else line.rstrip("\r\n")

    def prompt(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    session = Interview(intake, form, lang, read, lambda text: print(text, flush=True), prompt,
                        uploads=_by_field(uploads))
    return session.run()
