"""The intake server's routes: each parses HTTP, calls the plain steps (intake.steps) and renders their answer.

- ``GET /healthz``: the store can be read (main resolves) and the forms are loaded; 503 otherwise.
- ``POST /submit/<form-id>``: the no-JavaScript flow of docs/architecture.md (``_step`` = check | edit |
  confirm; ``_add``/``_remove`` for repeat groups). Answers 422 + the page re-filled with errors, 200 the
  check-your-answers page, or 303 to the receipt once the record is durable. A POST without ``_step`` is a
  direct submission (staff tools, scripts): validated and written at once.
- ``POST /api/check/<form-id>``: the page's JavaScript asks for the problems of what is typed so far; the
  answer is the very messages the server gives (JSON), nothing is written.
- ``GET /forms/receipt/?ref=ID`` (and ``/en/...``): the confirmation page, rendered from the record (no
  personal data on it: the reference, the form, the dates).

Input is hostile until proven otherwise: wrong content types (415), bodies over the limit (413, middleware),
broken multipart (400), unknown forms (404), fields no form has (400), a filled honeypot (400), too many posts
from one client (429). Every refusal is bilingual and writes nothing. Logs hold form ids, record ids, status
codes and problem codes: never a value that was typed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mustafid.core.errors import Problem
from mustafid.core.text import T
from mustafid.forms.naming import name_problems
from mustafid.intake import steps
from mustafid.intake.messages import MSG
from mustafid.intake.posted import FormShape, Post, Refused
from mustafid.intake.service import Accepted, UnknownForm
from mustafid.intake.stash import INCOMING
from mustafid.intake.web import applicant
from mustafid.intake.web.limits import SPOOL_KEY
from mustafid.intake.web.middleware import RateLimiter, Refusal, message_page, refusal_response
from mustafid.intake.web.multipart import read_multipart
from mustafid.intake.web.state import IntakeState, client, of, wants_json
from mustafid.store.errors import StoreError

log = logging.getLogger(__name__)

PART_LIMIT = 256_000  # one text field in a multipart body
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REFUSED_STATUS = {"unknown_form": 404, "stash_quota": 429, "stash_full": 503}  # else 400
NO_STORE = {"Cache-Control": "no-store"}


def problems_json(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [{"path": p.path, "ar": p.ar, "en": p.en, "code": p.code or ""} for p in problems]


def html_page(text: str, status: int) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=NO_STORE)


async def read_post(request: Request, shape: FormShape) -> Post:
    """The POST's fields, uploads and stash tokens, sorted against the form (a key it has not refuses all).
    A multipart body is streamed: its documents to the request's spool folder (intake.web.multipart)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in FORM_TYPES:
        raise Refusal(415, MSG["content_type"], "content_type")
    if ctype == "multipart/form-data":
        spool = request.scope.get(SPOOL_KEY) or of(request).intake.store.git_dir / "mustafid" / INCOMING / "direct"
        return shape.sort(await read_multipart(request.headers["content-type"], request.stream(), spool))
    try:
        async with request.form(max_files=0, max_fields=2000, max_part_size=PART_LIMIT) as fd:
            return shape.sort([(k, v) for k, v in fd.multi_items() if isinstance(v, str)])
    except HTTPException as exc:  # Starlette turns its parser's limits into this (not MultiPartException)
        raise parser_refusal(str(exc.detail)) from None
    except (UnicodeDecodeError, ValueError, KeyError):
        raise Refusal(400, MSG["broken"], "broken_body") from None


def parser_refusal(detail: str) -> Refusal:
    """Starlette's form parser's English complaint as a bilingual refusal."""
    if "maximum size" in detail:
        return Refusal(413, MSG["part_too_large"].format(kb=PART_LIMIT // 1000), "part_too_large")
    if "Too many" in detail:
        return Refusal(413, MSG["too_many_parts"], "too_many_fields")
    return Refusal(400, MSG["broken"], "broken_body")


async def opened(request: Request, limit: RateLimiter) -> tuple[FormShape, Post]:
    """The form named in the path, within the client's rate, and what was posted to it."""
    state = of(request)
    try:
        form = state.intake.form(request.path_params["form_id"])
    except UnknownForm as exc:
        raise Refusal(404, T(exc.ar, exc.en), "unknown_form") from None
    if not limit.allow(client(request)):
        raise Refusal(429, MSG["rate"], "rate_limited", {"Retry-After": "60"})
    shape = state.shapes[form.id]
    return shape, await read_post(request, shape)


async def submit(request: Request) -> Response:
    state = of(request)
    shape, post = await opened(request, state.submit_limit)
    form, lang = shape.form, post.lang
    stash = state.stash.for_client(client(request))  # unconfirmed documents count against the client's quota
    try:
        outcome = await asyncio.to_thread(steps.submit, state.intake, stash, shape, post)
    except StoreError:
        log.error("store failed form=%s", form.id)
        raise Refusal(503, MSG["store"], "store_failed", {"Retry-After": "5"}) from None
    if isinstance(outcome, Accepted):
        return await accepted(request, state, outcome, lang)
    if isinstance(outcome, steps.Review):
        held = stash.by_field(outcome.docs)
        return html_page(state.shells.check(form, lang, outcome.answers, outcome.data, held), 200)
    if outcome.submitted and wants_json(request):
        return JSONResponse({"problems": problems_json(outcome.problems)}, status_code=422)
    page = state.shells.form(form, lang, outcome.answers, outcome.problems, stash.by_field(outcome.docs))
    return html_page(page, outcome.status)


async def accepted(request: Request, state: IntakeState, done: Accepted, lang: str) -> Response:
    """The answer once the record is durable (and shared with the team when a remote is set: pushed before the
    answer, or queued when the remote cannot be reached): 303 to the receipt (JSON clients: 201)."""
    if state.publisher is not None:
        await asyncio.to_thread(state.publisher.share, done.record)
    prefix = "" if lang == "ar" else f"{lang}/"
    code = await asyncio.to_thread(applicant.after_intake, request, done.record)  # the receipt notice, queued
    target = f"/{prefix}forms/receipt/?ref={done.id}"
    answer: Response = JSONResponse({"id": done.id, "branch": done.branch, "receipt": target}, status_code=201,
                                    headers={"Location": target}) if wants_json(request) else \
        RedirectResponse(target, status_code=303)
    applicant.code_cookie(answer, done.id, code)  # the lookup code on this browser's receipt only
    return answer


async def api_check(request: Request) -> Response:
    state = of(request)
    shape, post = await opened(request, state.check_limit)
    stash = state.stash.for_client(client(request))
    problems, calculated = await asyncio.to_thread(steps.typed_so_far, state.intake, stash, shape, post)
    # the page's words: each problem names its question, in the association's address (forms/naming.py)
    problems = name_problems(shape.form, problems, state.intake.assoc.address_applicant_as)
    return JSONResponse({"problems": problems_json(problems), "calculated": calculated}, headers=NO_STORE)


async def receipt(request: Request) -> Response:
    state = of(request)
    lang = "en" if request.url.path.startswith("/en/") else "ar"
    shown = await asyncio.to_thread(steps.receipt, state.intake.store, request.query_params.get("ref", ""))
    if shown is None:
        return HTMLResponse(message_page(T("طلب غير موجود", "No such request"), MSG["no_receipt"]),
                            status_code=404, headers=NO_STORE)
    code = applicant.genuine_code(request, shown)
    return html_page(state.shells.receipt(lang, shown, code), 200)


async def health(request: Request) -> Response:
    ok, body = await asyncio.to_thread(steps.health, of(request).intake)
    return JSONResponse(body, status_code=200 if ok else 503, headers=NO_STORE)


async def refused(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Refused):  # a post the steps could not read
        exc = Refusal(REFUSED_STATUS.get(exc.code, 400), exc.msg, exc.code)
    assert isinstance(exc, Refusal)
    if exc.status != 404:
        log.info("refused %s %s status=%d reason=%s", request.method, request.url.path, exc.status, exc.code)
    return refusal_response(exc, wants_json(request))


async def not_routed(request: Request, exc: Exception) -> Response:
    """404 and 405 from the router, and any other HTTPException of Starlette's, bilingual like every refusal."""
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    if status == 404:
        refusal = Refusal(404, MSG["not_found"], "not_found")
    elif status == 405:
        refusal = Refusal(405, MSG["method"], "method", dict(getattr(exc, "headers", None) or {}))
    else:
        refusal = parser_refusal(str(getattr(exc, "detail", "")))
    return refusal_response(refusal, wants_json(request))


ROUTES = [
    Route("/healthz", health, methods=["GET"]),
    Route("/submit/{form_id}", submit, methods=["POST"]),
    Route("/api/check/{form_id}", api_check, methods=["POST"]),
    Route("/forms/receipt/", receipt, methods=["GET"]),
    Route("/en/forms/receipt/", receipt, methods=["GET"]),
]
EXCEPTION_HANDLERS = {Refusal: refused, Refused: refused, 404: not_routed, 405: not_routed,
                      HTTPException: not_routed}
