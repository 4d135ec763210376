"""The intake server (Starlette): serves the built site and turns form POSTs into records on their own branch.

Routes
- ``GET /healthz``: the store can be read (main resolves) and the forms are loaded; 503 otherwise.
- ``POST /submit/<form-id>``: the no-JavaScript flow of docs/architecture.md (``_step`` = check | edit |
  confirm; ``_add``/``_remove`` for repeat groups). Answers 422 + the page re-filled with errors, 200 the
  check-your-answers page, or 303 to the receipt once the record is durable. A POST without ``_step`` is a
  direct submission (staff tools, scripts): validated and written at once.
- ``POST /api/check/<form-id>``: the page's JavaScript asks for the problems of what is typed so far; the
  answer is the very messages the server gives (JSON), nothing is written.
- ``GET /forms/receipt/?ref=ID`` (and ``/en/...``): the confirmation page, rendered from the record (no
  personal data on it: the reference, the form, the dates).
- everything else: the built site (gzip, long cache for fingerprinted assets).

Input is hostile until proven otherwise: wrong content types (415), bodies over the limit (413), broken
multipart (400), unknown forms (404), fields no form has (400), a filled honeypot (400), too many posts from one
client (429). Every refusal is bilingual and writes nothing; the server never answers 500 to input. Logs hold
form ids, record ids, status codes and problem codes: never a value that was typed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mustafid.core.errors import Problem, UserError
from mustafid.core.normalize import small_int
from mustafid.core.text import T
from mustafid.forms.model import FormDef, display_value
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD, FileInfo
from mustafid.intake.service import Intake, Invalid, UnknownForm, Upload, files_by_field, safe_filename
from mustafid.records.format import parse_record, parse_record_id
from mustafid.review.forges.local import LocalForge
from mustafid.site import pages
from mustafid.store.git import PREFIX, DocumentStore, StoreError

log = logging.getLogger("mustafid.intake.web.app")

RESERVED = {"_lang", "_step", "_hp", DECLARATION_FIELD, CONSENT_FIELD, "_add", "_remove"}
STEPS = ("check", "edit", "confirm")
FORM_MARK = ("<!--mustafid:form-->", "<!--/mustafid:form-->")
URLENCODED_LIMIT = 1_000_000        # a form without documents: far above any honest answer
PART_LIMIT = 256_000                # one text field in a multipart body

MSG = {
    "content_type": T("نوع الإرسال غير مقبول: أرسل النموذج من صفحته في الموقع",
                      "this kind of request is not accepted: send the form from its page on the site"),
    "too_large": T("الطلب أكبر من المسموح ({mb} ميغابايت): صغّر المرفقات أو أرسل بعضها لاحقاً",
                   "the request is larger than allowed ({mb} MB): make the attachments smaller or send some later"),
    "broken": T("وصل الطلب ناقصاً أو تالفاً، ولم يُحفظ منه شيء: أعد الإرسال",
                "the request arrived incomplete or damaged and nothing of it was kept: send it again"),
    "unknown_fields": T("الطلب يحوي حقولاً ليست في النموذج، ولم يُحفظ منه شيء: أرسله من صفحته في الموقع",
                        "the request holds fields the form does not have and nothing was kept: send it from its page on the site"),
    "honeypot": T("تعذّر قبول الطلب، ولم يُحفظ منه شيء", "the request could not be accepted and nothing was kept"),
    "rate": T("أرسلت طلبات كثيرة في وقت قصير: انتظر دقيقة ثم أعد المحاولة",
              "too many requests in a short time: wait a minute and try again"),
    "store": T("تعذّر حفظ الطلب الآن، ولم يُحفظ منه شيء: أعد المحاولة بعد قليل",
               "the request could not be saved just now and nothing of it was kept: try again shortly"),
    "not_found": T("الصفحة غير موجودة", "page not found"),
    "no_receipt": T("لا يوجد طلب بهذا الرقم: تحقق من الرقم كما في رسالة التأكيد",
                    "there is no request with this number: check it against your confirmation"),
    "stash": T("انتهت صلاحية المرفقات المحفوظة: أرفقها من جديد", "the attachments kept for you have expired: attach them again"),
    "bug": T("حدث خطأ في الخادم ولم يُحفظ الطلب: أعد المحاولة، وإن تكرر فاتصل بالجمعية",
             "something went wrong on the server and the request was not saved: try again, and if it happens again "
             "contact the association"),
}


class Refusal(Exception):
    """A 4xx answer for input that is not a form submission we can read."""

    def __init__(self, status: int, msg: T, code: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.msg, self.code, self.headers = status, msg, code, dict(headers or {})


# -- abuse ----------------------------------------------------------------------------------------------------
class RateLimiter:
    """A token bucket per client address: ``per_minute`` sustained, bursts of ``burst``. 0 turns it off."""

    def __init__(self, per_minute: float, burst: int | None = None) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, int(per_minute // 3)))
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if len(self.buckets) > 50_000:  # forget idle clients
                self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < 600}
            if tokens < 1:
                self.buckets[client] = (tokens, now)
                return False
            self.buckets[client] = (tokens - 1, now)
            return True


class BodyLimit:
    """ASGI middleware: refuse (413) a POST whose declared or streamed body exceeds its limit, before the
    form parser sees it. Documents are allowed only in multipart bodies."""

    def __init__(self, app: ASGIApp, multipart_limit: int, urlencoded_limit: int = URLENCODED_LIMIT) -> None:
        self.app, self.multipart_limit, self.urlencoded_limit = app, multipart_limit, urlencoded_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.multipart_limit if multipart else self.urlencoded_limit
        declared = headers.get("content-length", "")
        if (small_int(declared) or 0) > limit or len(declared) > 9:
            await _send_refusal(scope, send, Refusal(413, MSG["too_large"].format(mb=limit // 1_000_000 or 1), "too_large"))
            return
        seen = 0
        too_big = False

        async def limited() -> Message:
            nonlocal seen, too_big
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_big = True
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _send_refusal(scope, send, Refusal(413, MSG["too_large"].format(mb=limit // 1_000_000 or 1), "too_large"))


class _TooLarge(Exception):
    pass


class NoInternalErrors:
    """ASGI middleware of last resort: an unexpected exception becomes a bilingual 500 page without details;
    the log gets the exception's type and where it happened, never its message (it may quote an answer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except _TooLarge:
            raise
        except Exception as exc:
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
            log.error("internal error %s at %s on %s %s", type(exc).__name__, where, scope.get("method"),
                      scope.get("path"))
            if scope["type"] == "http" and not started:
                await _send_refusal(scope, send, Refusal(500, MSG["bug"], "bug"))


async def _send_refusal(scope: Scope, send: Send, r: Refusal) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    response = refusal_response(r, wants_json="application/json" in headers.get("accept", ""))
    await response({"type": "http", "method": "GET", "path": "/", "headers": []}, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


def message_page(lang: str, title: T, body: T, status: int = 200) -> str:
    """A small bilingual page (Arabic first, right to left) for refusals and errors."""
    e = html.escape
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e(title.ar)} | {e(title.en)}</title>'
            '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;'
            'line-height:1.6;color:#1b1b1b}section+section{border-top:1px solid #ccc;margin-top:1.5rem}</style>'
            f'</head><body><main><section><h1>{e(title.ar)}</h1><p>{e(body.ar)}</p>'
            f'<p><a href="/">العودة إلى الصفحة الرئيسية</a></p></section>'
            f'<section lang="en" dir="ltr"><h2>{e(title.en)}</h2><p>{e(body.en)}</p>'
            f'<p><a href="/en/">Back to the home page</a></p></section></main></body></html>')


REFUSAL_TITLE = T("لم يُقبل الطلب", "The request was not accepted")


def refusal_response(r: Refusal, wants_json: bool = False) -> Response:
    if wants_json:
        return JSONResponse({"error": r.code, "ar": r.msg.ar, "en": r.msg.en}, status_code=r.status, headers=r.headers)
    title = T("خطأ في الخادم", "Server error") if r.status >= 500 else REFUSAL_TITLE
    return HTMLResponse(message_page("ar", title, r.msg), status_code=r.status, headers=r.headers)


def problems_json(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [{"path": p.path, "ar": p.ar, "en": p.en, "code": p.code or ""} for p in problems]


# -- the stash: documents uploaded at the check step, held until confirm --------------------------------------
class Stash:
    """Documents uploaded at the check step are stored (content-addressed) at once and named in the check page
    by signed tokens, so the confirm step does not upload them again and cannot name a document it was not
    given. A token carries field, name, type, size and SHA-256, signed with the server's secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def token(self, doc: Mapping[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(
            [doc["field"], doc["name"], doc["type"], int(doc["size"]), doc["sha256"], int(time.time())],
            ensure_ascii=False, separators=(",", ":")).encode()).decode().rstrip("=")
        sig = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{body}.{sig}"

    def read(self, token: str, max_age: float = 86400) -> dict[str, Any] | None:
        body, _, sig = token.partition(".")
        good = hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()[:32]
        if not sig or not hmac.compare_digest(sig, good):
            return None
        try:
            f, name, typ, size, sha, at = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            return None
        if time.time() - at > max_age:
            return None
        return {"field": f, "name": name, "type": typ, "size": size, "sha256": sha}


def _secret(store: LocalForge) -> bytes:
    path = store.git_dir / "mustafid" / "intake-secret"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # the first process to get there wins; the others read its secret
        except FileExistsError:
            pass
        os.unlink(tmp)
        return path.read_bytes()


# -- pages ----------------------------------------------------------------------------------------------------
class Pages:
    """The built site's form pages as shells; the region between the form markers is rendered per request by
    pages.py (the same renderer the build used), and the title gets "خطأ: " / "Error: " when there are errors."""

    def __init__(self, assoc: Any, site_dir: Path | None) -> None:
        self.assoc, self.site_dir = assoc, site_dir
        self._shells: dict[tuple[str, str], tuple[str, str] | None] = {}

    def shell(self, lang: str, page: str) -> tuple[str, str] | None:
        """The built page's HTML before and after its form region, read once."""
        key = (lang, page)
        if key not in self._shells:
            self._shells[key] = None
            if self.site_dir is not None:
                path = self.site_dir / ("" if lang == "ar" else f"{lang}/") / "forms" / page / "index.html"
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError:
                    text = ""
                a, b = text.find(FORM_MARK[0]), text.find(FORM_MARK[1])
                if 0 <= a < b:
                    self._shells[key] = (text[:a], text[b + len(FORM_MARK[1]):])
        return self._shells[key]

    def page(self, lang: str, page: str, fragment: str, title_prefix: str = "") -> str | None:
        shell = self.shell(lang, page)
        if shell is None:
            return None
        before, after = shell
        if title_prefix:
            before = re.sub(r"<title>", "<title>" + html.escape(title_prefix), before, count=1)
        return before + FORM_MARK[0] + fragment + FORM_MARK[1] + after

    def form(self, form: FormDef, lang: str, raw: Mapping[str, Any], problems: Sequence[Problem],
             stash: Mapping[str, list[dict[str, Any]]]) -> str:
        fragment = pages.form_fragment(self.assoc, form, lang, raw, problems, stash=stash)
        full = self.page(lang, form.id, fragment, pages.error_title("", lang) if problems else "")
        return full if full is not None else self._basic(lang, form, problems)

    def check(self, form: FormDef, lang: str, raw: Mapping[str, Any], data: Mapping[str, Any],
              stash: Mapping[str, list[dict[str, Any]]]) -> str:
        full = self.page(lang, form.id, pages.check_fragment(self.assoc, form, lang, raw, data, stash))
        return full if full is not None else self._basic(lang, form, [])

    def receipt(self, lang: str, record: Mapping[str, Any]) -> str:
        full = self.page(lang, "receipt", pages.receipt_fragment(self.assoc, lang, record))
        if full is not None:
            return full
        ref = T(f"رقم طلبك: {record['id']}", f"Your reference: {record['id']}")
        return message_page(lang, T("تم استلام طلبك", "Your request was received"), ref)

    def _basic(self, lang: str, form: FormDef, problems: Sequence[Problem]) -> str:
        """Without a built site (an API client, a test of the server alone): the problems as a plain page."""
        items = "".join(f"<li>{html.escape(p.path)}: {html.escape(p.ar)} | {html.escape(p.en)}</li>" for p in problems)
        body = T("صحّح ما يلي", "correct the following") if problems else T("راجع إجاباتك", "check your answers")
        page = message_page(lang, T(form.title.ar, form.title.en), body)
        return page.replace("</main>", f"<ul>{items}</ul></main>", 1)


# -- publishing: the remote and the GitHub pull request, after the local write --------------------------------
class Publisher:
    """Pushes each new branch to the remote and, when the association names a GitHub repository and a token is
    set, opens its pull request. It runs after the answer: a request is acknowledged once it is durable
    locally, and a forge that is down must not refuse beneficiaries. Failures are retried with backoff and
    logged by record id only."""

    RETRIES = (5, 30, 120, 600)

    def __init__(self, assoc: Any, store: LocalForge, remote: str) -> None:
        import queue

        self.assoc, self.store, self.remote = assoc, store, remote
        self.queue: queue.Queue[tuple[str, dict[str, Any], int]] = queue.Queue()
        self.forge: Any = None
        if getattr(assoc, "github_repository", None) and os.environ.get("GITHUB_TOKEN"):
            from mustafid.review.forges.github import GitHubForge

            self.forge = GitHubForge(assoc, store, remote=remote)
        threading.Thread(target=self._run, name="mustafid-publish", daemon=True).start()

    def publish(self, record: Mapping[str, Any]) -> None:
        self.queue.put((str(record["id"]), dict(record), 0))

    def _run(self) -> None:
        while True:
            rid, record, attempt = self.queue.get()
            try:
                if self.forge is not None:
                    self.forge.open_review(rid, record)  # pushes the branch, then opens the pull request
                else:
                    self.store.git("push", "--quiet", self.remote, f"refs/heads/{PREFIX}{rid}:refs/heads/{PREFIX}{rid}")
                log.info("published %s to %s", rid, "github" if self.forge is not None else "the remote")
            except Exception as exc:
                if attempt < len(self.RETRIES):
                    log.warning("publishing %s failed (%s): retry in %d s", rid, type(exc).__name__, self.RETRIES[attempt])
                    threading.Timer(self.RETRIES[attempt], self.queue.put, ((rid, record, attempt + 1),)).start()
                else:
                    log.error("publishing %s failed for good (%s): push the branch by hand", rid, type(exc).__name__)


# -- the app --------------------------------------------------------------------------------------------------
@dataclass
class Settings:
    rate_per_minute: float = 30          # submissions (check/confirm posts) per client per minute
    check_per_minute: float = 600        # as-you-type checks per client per minute
    multipart_limit: int | None = None   # default: from the forms' file fields
    trust_proxy: bool = False            # take the client address from X-Forwarded-For (behind a reverse proxy)
    remote: str = ""                     # push each new branch there (and open its pull request on GitHub)


def multipart_limit_for(forms: Mapping[str, FormDef]) -> int:
    """The largest honest multipart body: every file field at its maximum (multiple: 3 files) plus the text."""
    best = 0
    for form in forms.values():
        total = sum(f.max_size_mb * 1_000_000 * (3 if f.multiple else 1) for _, f in form.walk() if f.type == "file")
        best = max(best, total)
    return min(best + 1_000_000, 100_000_000)


def _field_pattern(form: FormDef) -> re.Pattern[str]:
    alts = []
    for path, f in form.walk():
        if f.type in ("repeat", "note", "calculated", "file"):
            continue
        p = re.escape(path).replace(r"\*", r"[0-9]{1,3}")
        alts.append(p + (r"\.[a-z_]+" if f.type == "national_address" else ""))
    return re.compile("^(?:" + "|".join(alts) + ")$") if alts else re.compile("(?!)")


def create_app(assoc: Any, store: LocalForge, site_dir: Path | None = None, *,
               documents: DocumentStore | None = None, settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    intake = Intake(assoc, store, documents or DocumentStore.beside(store))
    assert intake.duplicates is not None
    intake.duplicates.start_background()  # built now, kept current off the request path
    shells = Pages(assoc, site_dir)
    stash = Stash(_secret(store))
    # GitHub configured (association.yml + $GITHUB_TOKEN): each request's pull request opens on "origin" by default
    remote = settings.remote or ("origin" if getattr(assoc, "github_repository", None) and os.environ.get("GITHUB_TOKEN") else "")
    publisher = Publisher(assoc, store, remote) if remote else None
    fields = {fid: _field_pattern(f) for fid, f in intake.forms.items()}
    file_fields = {fid: {p for p, x in f.walk() if x.type == "file"} for fid, f in intake.forms.items()}
    submit_limit = RateLimiter(settings.rate_per_minute)
    check_limit = RateLimiter(settings.check_per_minute)
    limit = settings.multipart_limit or multipart_limit_for(intake.forms)

    def client(request: Request) -> str:
        if settings.trust_proxy and "x-forwarded-for" in request.headers:
            return request.headers["x-forwarded-for"].split(",")[0].strip()
        return request.client.host if request.client else "?"

    def wants_json(request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return "application/json" in accept and "text/html" not in accept

    async def read_form(request: Request, form: FormDef) -> tuple[dict[str, Any], list[Upload], list[str]]:
        """The POST's fields (one value → str, several → list), its uploads and its stash tokens."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise Refusal(415, MSG["content_type"], "content_type")
        if ctype == "multipart/form-data":
            # The parser silently drops a last part cut off before its closing boundary: a truncated upload
            # must be refused as a whole, not taken as a form with fewer answers.
            m = re.search(r'boundary="?([^";]+)"?', request.headers.get("content-type", ""))
            body = await request.body()
            if not m or not body.rstrip(b"\r\n").endswith(b"--" + m.group(1).encode("latin-1") + b"--"):
                raise Refusal(400, MSG["broken"], "broken_multipart")
        try:
            async with request.form(max_files=20, max_fields=2000, max_part_size=PART_LIMIT) as fd:
                raw: dict[str, Any] = {}
                uploads: list[Upload] = []
                tokens: list[str] = []
                for key, value in fd.multi_items():
                    if isinstance(value, UploadFile):
                        if key not in file_fields[form.id]:
                            raise Refusal(400, MSG["unknown_fields"], "unknown_fields")
                        content = await value.read()
                        if value.filename or content:
                            uploads.append(Upload(key, safe_filename(value.filename or ""),
                                                  (value.content_type or "")[:100], content))
                        continue
                    if key.startswith("_stash."):
                        tokens.append(value)
                        continue
                    if key.startswith("_file.") and key[6:] in file_fields[form.id]:
                        raw[key] = value  # the page's script describes a chosen file: "name|type|size"
                        continue
                    if key not in RESERVED and not fields[form.id].match(key):
                        if key in file_fields[form.id] and value == "":
                            continue  # a file input sent empty as a plain field by some clients
                        raise Refusal(400, MSG["unknown_fields"], "unknown_fields")
                    if key in raw:
                        raw[key] = (raw[key] if isinstance(raw[key], list) else [raw[key]]) + [value]
                    else:
                        raw[key] = value
        except MultiPartException:
            raise Refusal(400, MSG["broken"], "broken_multipart") from None
        except (UnicodeDecodeError, ValueError, KeyError):
            raise Refusal(400, MSG["broken"], "broken_body") from None
        return raw, uploads, tokens

    def one(raw: Mapping[str, Any], key: str) -> str:
        v = raw.get(key, "")
        return (v[0] if v else "") if isinstance(v, list) else str(v)

    def stashed(tokens: Sequence[str], form: FormDef) -> tuple[list[dict[str, Any]], bool]:
        docs, lost = [], False
        for t in tokens:
            d = stash.read(t)
            if d is None or d["field"] not in file_fields[form.id] or not intake.documents.has(d["sha256"]):
                lost = True
                continue
            docs.append(d)
        return docs, lost

    def by_field(docs: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for d in docs:
            out.setdefault(d["field"], []).append({**d, "token": stash.token(d)})
        return out

    def html_page(text: str, status: int) -> HTMLResponse:
        return HTMLResponse(text, status_code=status, headers={"Cache-Control": "no-store"})

    async def opened(request: Request, limit: RateLimiter) -> tuple[FormDef, dict[str, Any], list[Upload], list[str], str]:
        """The form named in the path, within the client's rate, with what was posted and its language."""
        try:
            form = intake.form(request.path_params["form_id"])
        except UnknownForm as exc:
            raise Refusal(404, T(exc.ar, exc.en), "unknown_form") from None
        if not limit.allow(client(request)):
            raise Refusal(429, MSG["rate"], "rate_limited", {"Retry-After": "60"})
        raw, uploads, tokens = await read_form(request, form)
        lang = one(raw, "_lang") if one(raw, "_lang") in ("ar", "en") else "ar"
        return form, raw, uploads, tokens, lang

    async def submit(request: Request) -> Response:
        form, raw, uploads, tokens, lang = await opened(request, submit_limit)
        if one(raw, "_hp"):
            log.info("refused form=%s reason=honeypot", form.id)
            raise Refusal(400, MSG["honeypot"], "honeypot")
        step = one(raw, "_step")
        answers = {k: v for k, v in raw.items()
                   if k not in ("_lang", "_step", "_hp", "_add", "_remove") and not k.startswith("_file.")}
        docs, lost = stashed(tokens, form)
        if one(raw, "_add") or one(raw, "_remove"):
            answers = repeat_edit(form, answers, one(raw, "_add"), one(raw, "_remove"))
            return html_page(shells.form(form, lang, answers, [], by_field(docs)), 200)
        if step == "edit":
            return html_page(shells.form(form, lang, answers, [], by_field(docs)), 200)
        if step == "check":
            infos = files_by_field(uploads, docs)
            from mustafid.intake.service import content_problems

            data, problems = await asyncio.to_thread(intake.check, form, answers, lang, infos)
            problems += content_problems(uploads)
            if lost:
                problems.append(Problem("", next(iter(file_fields[form.id]), "_stash"), MSG["stash"].ar,
                                        MSG["stash"].en, None, "stash_expired"))
            if problems:
                log.info("invalid form=%s step=check problems=%s", form.id, ",".join(sorted({p.code or "?" for p in problems})))
                return html_page(shells.form(form, lang, answers, problems, by_field(docs)), 422)
            for u in uploads:
                await asyncio.to_thread(intake.documents.put, u.content)
            docs += [{"field": u.field, "name": u.name, "type": u.type or "application/octet-stream",
                      "size": len(u.content), "sha256": u.sha256} for u in uploads]
            return html_page(shells.check(form, lang, answers, data, by_field(docs)), 200)
        if step not in ("", "confirm"):
            raise Refusal(400, MSG["broken"], "bad_step")
        started = time.perf_counter()
        try:
            accepted = await asyncio.to_thread(intake.accept, form.id, answers, channel="web", actor="web",
                                               lang=lang, uploads=uploads, stashed=docs)
        except Invalid as exc:
            problems = list(exc.problems)
            if lost:
                problems.append(Problem("", next(iter(file_fields[form.id]), "_stash"), MSG["stash"].ar,
                                        MSG["stash"].en, None, "stash_expired"))
            log.info("invalid form=%s step=confirm problems=%s", form.id, ",".join(sorted({p.code or "?" for p in problems})))
            if wants_json(request):
                return JSONResponse({"problems": problems_json(problems)}, status_code=422)
            return html_page(shells.form(form, lang, answers, problems, by_field(docs)), 422)
        except StoreError:
            log.error("store failed form=%s", form.id)
            raise Refusal(503, MSG["store"], "store_failed", {"Retry-After": "5"}) from None
        if publisher is not None:
            publisher.publish(accepted.record)
        log.info("accepted %s form=%s channel=web duplicate=%s ms=%.1f", accepted.id, form.id,
                 bool(accepted.record.get("duplicate_of")), (time.perf_counter() - started) * 1000)
        prefix = "" if lang == "ar" else f"{lang}/"
        target = f"/{prefix}forms/receipt/?ref={accepted.id}"
        if wants_json(request):
            return JSONResponse({"id": accepted.id, "branch": accepted.branch, "receipt": target},
                                status_code=201, headers={"Location": target})
        return RedirectResponse(target, status_code=303)

    async def api_check(request: Request) -> Response:
        form, raw, uploads, tokens, lang = await opened(request, check_limit)
        answers = {k: v for k, v in raw.items() if not k.startswith("_") or k in (DECLARATION_FIELD, CONSENT_FIELD)}
        files: dict[str, list[FileInfo]] = {}
        for key, value in raw.items():
            if key.startswith("_file."):
                for v in (value if isinstance(value, list) else [value]):
                    name, _, rest = str(v).partition("|")
                    typ, _, size = rest.partition("|")
                    files.setdefault(key[6:], []).append(FileInfo(safe_filename(name), typ[:100],
                                                                  small_int(size, 0), ""))
        for name, infos in files_by_field(docs=stashed(tokens, form)[0]).items():
            files.setdefault(name, []).extend(infos)
        data, problems = await asyncio.to_thread(intake.check, form, answers, lang, files)
        # Calculated answers (a total income) as the check page will show them, for the page to show as it goes.
        calculated = {f.id: display_value(form, f, data[f.id], lang) for f in form.fields
                      if f.type == "calculated" and f.id in data}
        return JSONResponse({"problems": problems_json(problems), "calculated": calculated},
                            headers={"Cache-Control": "no-store"})

    async def receipt(request: Request) -> Response:
        lang = "en" if request.url.path.startswith("/en/") else "ar"
        rid = parse_record_id(request.query_params.get("ref", "")[:40])
        record = await asyncio.to_thread(find_record, rid) if rid else None
        if record is None:
            return HTMLResponse(message_page(lang, T("طلب غير موجود", "No such request"), MSG["no_receipt"]),
                                status_code=404, headers={"Cache-Control": "no-store"})
        shown = {k: record.get(k) for k in ("id", "form", "form_version", "channel", "submitted_at",
                                            "submitted_at_hijri", "status")}
        return html_page(shells.receipt(lang, shown), 200)

    def find_record(rid: str) -> dict[str, Any] | None:
        branch = PREFIX + rid
        tip = store.branch_tip(branch)
        if tip is None:
            return None
        path = store.record_paths({branch: tip}).get(branch)
        if path is None:
            return None
        try:
            return parse_record(store.read_file(tip, path).decode("utf-8"))
        except (ValueError, UserError, UnicodeDecodeError):
            return None

    async def health(request: Request) -> Response:
        ok = await asyncio.to_thread(store.branch_tip, store.main)
        body = {"status": "ok" if ok else "unavailable", "association": assoc.id, "forms": sorted(intake.forms),
                "store": "ok" if ok else f"branch {store.main} not found"}
        return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        if exc.status not in (404,):
            log.info("refused %s %s status=%d reason=%s", request.method, request.url.path, exc.status, exc.code)
        return refusal_response(exc, wants_json(request))

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        from starlette.exceptions import HTTPException

        status = exc.status_code if isinstance(exc, HTTPException) else 400
        msg = MSG["not_found"] if status == 404 else MSG["content_type"]
        return refusal_response(Refusal(status, msg, str(status)), wants_json(request))

    routes: list[Any] = [
        Route("/healthz", health, methods=["GET"]),
        Route("/submit/{form_id}", submit, methods=["POST"]),
        Route("/api/check/{form_id}", api_check, methods=["POST"]),
        Route("/forms/receipt/", receipt, methods=["GET"]),
        Route("/en/forms/receipt/", receipt, methods=["GET"]),
    ]
    if site_dir is not None:
        routes.append(Mount("/", app=SiteFiles(directory=str(site_dir), html=True), name="site"))
    origin = _origin(getattr(assoc, "site_url", "") or "")
    middleware = [Middleware(NoInternalErrors), Middleware(BodyLimit, multipart_limit=limit),
                  Middleware(SecurityHeaders, check_origin=origin),
                  Middleware(GZipMiddleware, minimum_size=800)]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={Refusal: refused, 404: method_not_allowed, 405: method_not_allowed})
    app.state.intake = intake
    app.state.settings = settings
    return app


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def repeat_edit(form: FormDef, raw: Mapping[str, Any], add: str, remove: str) -> dict[str, Any]:
    """The no-JavaScript "add another" / "remove" of a repeat group: answers with one item more or fewer."""
    out = dict(raw)
    groups = {p: f for p, f in form.walk() if f.type == "repeat" and "*" not in p}
    if add in groups:
        f = groups[add]
        pat = re.compile(re.escape(add) + r"\.([0-9]{1,6})\.")
        n = 1 + max((int(m.group(1)) for k in raw if (m := pat.match(k))), default=-1)
        if f.max_items is None or n < f.max_items:
            first = next((x.id for x in f.fields if x.holds_data), None)
            if first:
                out[f"{add}.{n}.{first}"] = ""
    group, _, index = remove.rpartition(".")
    if group in groups and (i := small_int(index)) is not None:
        pat = re.compile(re.escape(group) + r"\.([0-9]{1,6})\.(.+)$")
        kept: dict[str, Any] = {}
        for k, v in out.items():
            m = pat.match(k)
            if not m:
                kept[k] = v
            elif int(m.group(1)) != i:
                j = int(m.group(1))
                kept[f"{group}.{j - 1 if j > i else j}.{m.group(2)}"] = v
        out = kept
    return out


class SiteFiles(StaticFiles):
    """The built site, with caching that suits it: fingerprinted assets for a year, pages revalidated."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if re.search(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$", path) or "/fonts/" in path or path.endswith(".woff2"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=3600"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response


class SecurityHeaders:
    """Headers on every answer: nothing framed, sniffed or sent to another host; the page's own checks may
    be asked from the association's site origin when the site is hosted elsewhere (intake_url)."""

    CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
           "script-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; form-action 'self'; "
           "frame-ancestors 'none'; base-uri 'self'")

    def __init__(self, app: ASGIApp, check_origin: str = "") -> None:
        self.app, self.check_origin = app, check_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"origin"), "")
        cors = bool(self.check_origin) and origin == self.check_origin and scope["path"].startswith("/api/check/")
        if cors and scope["method"] == "OPTIONS":
            await PlainTextResponse("", headers=self._cors())(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                extra = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
                         "content-security-policy": self.CSP, "x-frame-options": "DENY"}
                if cors:
                    extra.update({k.lower(): v for k, v in self._cors().items()})
                have = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)

    def _cors(self) -> dict[str, str]:
        return {"Access-Control-Allow-Origin": self.check_origin, "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type", "Vary": "Origin"}


def app_from_env() -> Starlette:
    """For `uvicorn --factory` with several workers: the settings come from MUSTAFID_* variables."""
    from mustafid.config.association import load_association

    assoc = load_association(Path(os.environ.get("MUSTAFID_ASSOCIATION", ".")))
    store = LocalForge(Path(os.environ.get("MUSTAFID_REPO", ".")))
    site = os.environ.get("MUSTAFID_SITE_DIR")
    settings = Settings(rate_per_minute=float(os.environ.get("MUSTAFID_RATE_LIMIT", "30")),
                        trust_proxy=os.environ.get("MUSTAFID_TRUST_PROXY") == "1",
                        remote=os.environ.get("MUSTAFID_REMOTE", ""))
    return create_app(assoc, store, Path(site) if site else None, settings=settings)
