"""The applicant's routes: the status lookup and the completion link of a request for information.

- ``POST /status/`` (and ``/en/status/``): ``ref`` + ``code`` (the receipt's code or the mobile's last four
  digits) → the status page; one answer for a wrong reference and a wrong code; 429 past the limit per client.
- ``GET /complete/?t=TOKEN`` (and ``/en/...``): the page to send what was asked; a forged, altered or expired
  link, or one for a request no longer waiting, gets one generic page (404).
- ``POST /complete/`` (multipart): the answer and documents → a commit on the request's branch by
  ``applicant`` (review.actions.complete_by_applicant: checked like any other), then a thank-you page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mustafid.core.errors import UserError
from mustafid.core.normalize import normalize_text
from mustafid.core.period import riyadh_day
from mustafid.core.text import T, same_secret
from mustafid.forms.messages import address_t, gender_of
from mustafid.intake.messages import MSG
from mustafid.intake.uploads import Upload, content_problems, safe_filename
from mustafid.intake.web.middleware import RateLimiter, Refusal, message_page
from mustafid.intake.web.state import IntakeState, client, of
from mustafid.notices.links import check_token, link_secret
from mustafid.notices.lookup import lookup, receipt_code
from mustafid.site import applicant as pages

NO_STORE = {"Cache-Control": "no-store"}
log = logging.getLogger("mustafid.notices")


@dataclass
class ApplicantState:
    secret: bytes
    lookups: RateLimiter
    completions: RateLimiter


def _state(request: Request) -> tuple[IntakeState, ApplicantState]:
    intake = of(request)
    mine = getattr(request.app.state, "applicant", None)
    if mine is None:
        off = intake.settings.rate_per_minute <= 0  # `--rate-limit 0` turns every limit off (tests, a kiosk)
        mine = ApplicantState(link_secret(intake.intake.store.common_dir), RateLimiter(0 if off else 10, burst=5),
                              RateLimiter(0 if off else 20, burst=5))
        request.app.state.applicant = mine
    return intake, mine


def _lang(request: Request) -> str:
    return "en" if request.url.path.startswith("/en/") else "ar"


def _page(intake: IntakeState, lang: str, page: str, fragment: str, status: int = 200) -> Response:
    full = intake.shells.page(lang, page, fragment)
    if full is None:  # no built site: the fragment in a plain page
        full = message_page(T("متابعة الطلب", "Your request"), T("", "")).replace("</main>", fragment + "</main>", 1)
    return HTMLResponse(full, status_code=status, headers=NO_STORE)


def _today() -> dt.date:
    return riyadh_day(dt.datetime.now(dt.UTC))


async def status(request: Request) -> Response:
    intake, mine = _state(request)
    lang = _lang(request)
    action, gender = f"{'' if lang == 'ar' else '/en'}/status/", gender_of(intake.intake.assoc)
    if request.method == "GET":
        return _page(intake, lang, "status", pages.status_fragment(lang, action, gender=gender))
    if not mine.lookups.allow(client(request)):
        raise Refusal(429, MSG["rate"], "rate_limited", {"Retry-After": "60"})
    form = await request.form()
    ref, code = str(form.get("ref") or "")[:20], str(form.get("code") or "")[:12]
    view = await asyncio.to_thread(lookup, intake.intake.assoc, intake.intake.store, ref, code, mine.secret, lang,
                                   _today())
    return _page(intake, lang, "status", pages.status_fragment(lang, action, view, asked=True, ref=ref,
                                                                gender=gender))


def _open(intake: IntakeState, secret: bytes, token: str) -> tuple[str, int, dict[str, Any]] | None:
    """(record id, n, record) for a genuine link whose request for information is still the open one."""
    from mustafid.review.queries import find

    found = check_token(secret, token, _today())
    if found is None:
        return None
    rid, n = found
    _team(intake).read()  # staff asked from their own clones: the request as the team has it now
    try:
        record = find(intake.intake.store, rid)[3]
    except UserError:
        return None
    asks = [r for r in record.get("info_requests") or [] if not r.get("resubmitted")]
    if record.get("status") != "needs_info" or len(asks) != n:
        return None
    return rid, n, record


async def complete(request: Request) -> Response:
    intake, mine = _state(request)
    lang = _lang(request)
    action, gender = f"{'' if lang == 'ar' else '/en'}/complete/", gender_of(intake.intake.assoc)
    if request.method == "POST" and not mine.completions.allow(client(request)):
        raise Refusal(429, MSG["rate"], "rate_limited", {"Retry-After": "60"})
    form = await request.form() if request.method == "POST" else None
    token = str((form.get("t") if form else request.query_params.get("t")) or "")[:400]
    opened = await asyncio.to_thread(_open, intake, mine.secret, token)
    if opened is None:
        return _page(intake, lang, "complete", pages.message_fragment(lang, "bad_link", gender), 404)
    rid, n, record = opened
    shape = intake.intake.forms.get(str(record.get("form")))
    files = pages.file_fields(shape, lang) if shape else []
    note = str([r for r in record["info_requests"] if not r.get("resubmitted")][-1].get("note", ""))
    if form is None:
        return _page(intake, lang, "complete", pages.complete_fragment(lang, action, token, rid, note, files,
                                                                          gender=gender))
    uploads = [Upload(str(key), safe_filename(v.filename or "document"), v.content_type or "", await v.read())
               for key, v in form.multi_items() if isinstance(v, UploadFile) and v.filename]
    problems = [address_t(T(x.ar, x.en), gender)(lang) for x in content_problems(uploads)]
    if any(u.field not in {f[0] for f in files} for u in uploads):
        problems.append(T("ملف في حقل لا يعرفه النموذج", "a file in a field the form does not have")(lang))
    answer = normalize_text(str(form.get("answer") or ""))[:3000]
    if problems:
        return _page(intake, lang, "complete",
                     pages.complete_fragment(lang, action, token, rid, note, files, problems, gender), 422)
    try:
        await asyncio.to_thread(_record, intake, rid, n, answer, uploads)
    except UserError as exc:
        more = [address_t(T(p.ar, p.en), gender)(lang) for p in exc.problems] or \
            [address_t(T(exc.ar, exc.en), gender)(lang)]
        return _page(intake, lang, "complete",
                     pages.complete_fragment(lang, action, token, rid, note, files, more, gender), 422)
    return _page(intake, lang, "complete", pages.message_fragment(lang, "thanks", gender))


def _record(intake: IntakeState, rid: str, n: int, answer: str, uploads: list[Upload]) -> None:
    """The answer and documents durable before the record that names them: sealed with an addendum key of their
    own where the request is sealed (review/addenda.py: this server cannot open the request's key), and then the
    resubmission commit; an addition that is not recorded after all leaves no key or ciphertext behind."""
    from mustafid.review.actions import complete_by_applicant
    from mustafid.review.addenda import forget, published, seal_addition
    from mustafid.review.queries import find
    from mustafid.store import docrefs

    it = intake.intake
    assert it.vault is not None
    record = find(it.store, rid)[3]
    added = seal_addition(it.assoc, it.vault, it.documents, record, answer,
                          [(dict(u.document()), u.content) for u in uploads])

    def action() -> None:
        complete_by_applicant(it.assoc, it.store, rid, n, added.answer_sha256, added.documents, added.key)
        if published(added):  # the ciphertext on the request's documents ref, for staff on their own clones
            try:
                docrefs.publish(it.store, it.documents, rid, published(added))
            except Exception as exc:  # recorded already: the blobs stay in this machine's store, read there
                log.warning("documents ref of %s not updated (%s)", rid, type(exc).__name__)

    try:  # on the team's latest state, and shared with it (the branch and the documents' ref) before the answer
        _team(intake).act(rid, action)
    except BaseException:
        forget(it.vault, it.documents, rid, added)
        raise


def _team(intake: IntakeState) -> Any:
    """The shared repository as the review sees it (review/team.py): none in the embedded default."""
    from mustafid.review.team import open_team

    return open_team(intake.intake.store)


def after_intake(request: Request, record: dict[str, Any]) -> str:
    """A new web record: its receipt notice queued; the status lookup's code (for the receipt page) returned.
    The record is the accepted one, in clear (where personal fields are encrypted, the caller passes it before)."""
    from mustafid.notices.queue import receipt

    intake, mine = _state(request)
    receipt(intake.intake.assoc, intake.intake.store, record)
    return receipt_code(mine.secret, str(record["id"]))


COOKIE = "mf_receipt"


def code_cookie(response: Response, rid: str, code: str) -> None:
    """The status lookup's code for the receipt page of the browser that sent the request: an hour-long cookie,
    never in the URL (a reference alone, guessed or shared, never shows a code)."""
    response.set_cookie(COOKIE, f"{rid}.{code}", max_age=3600, path="/", httponly=True, samesite="strict")


def genuine_code(request: Request, record: dict[str, Any]) -> str:
    """The code the cookie carries if it is this record's own, else empty."""
    _intake, mine = _state(request)
    rid, _, code = request.cookies.get(COOKIE, "").partition(".")
    good = receipt_code(mine.secret, str(record["id"]))
    return good if rid == record["id"] and same_secret(good, code[:6].ljust(6)) else ""


def start_sender(state: IntakeState, every_s: float) -> threading.Thread | None:
    """Deliver the outbox every ``every_s`` seconds from a background thread (`mustafid serve --send-notices`),
    noting each notice in the history with the intake's signature. Several server processes may each run one:
    the outbox's claims are atomic."""
    if every_s <= 0:
        return None
    from mustafid.notices.channels import senders_from_config
    from mustafid.notices.dispatch import deliver
    from mustafid.notices.history import note_sent
    from mustafid.notices.queue import outbox_of

    store, assoc = state.intake.store, state.intake.assoc
    outbox = outbox_of(store)
    senders = senders_from_config(assoc, outbox.root)
    team = _team(state)  # each notice noted on the team's latest branch and shared, as `mustafid notices send` does

    def loop() -> None:
        while True:
            try:
                deliver(outbox, senders, note=lambda n, via: team.act(
                    n.record_id, lambda: note_sent(store, n, via, "intake")))
            except Exception as exc:  # the next pass tries again; nothing personal in the log
                log.warning("notices pass failed: %s", type(exc).__name__)
            time.sleep(every_s)

    thread = threading.Thread(target=loop, name="mustafid-notices", daemon=True)
    thread.start()
    return thread


ROUTES = [Route(p, status, methods=["GET", "POST"]) for p in ("/status/", "/en/status/")] + \
         [Route(p, complete, methods=["GET", "POST"]) for p in ("/complete/", "/en/complete/")]
