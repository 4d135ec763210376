"""What stands between the network and the routes: refusals (bilingual, as a page or JSON), a rate limit per
client, a body limit before any parsing, security headers on every answer, and a last resort that turns a bug
into a bilingual 500 without details. The server never answers 500 to input, and every refusal writes nothing.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Mapping

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mustafid.core.normalize import small_int
from mustafid.core.text import T
from mustafid.intake.messages import MSG

log = logging.getLogger(__name__)

URLENCODED_LIMIT = 1_000_000  # a form without documents: far above any honest answer
REFUSAL_TITLE = T("لم يُقبل الطلب", "The request was not accepted")


class Refusal(Exception):
    """A 4xx answer for input that is not a form submission we can read."""

    def __init__(self, status: int, msg: T, code: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.msg, self.code, self.headers = status, msg, code, dict(headers or {})


def message_page(title: T, body: T) -> str:
    """A small bilingual page (Arabic first, right to left) for refusals and errors."""
    e = html.escape
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{e(title.ar)} | {e(title.en)}</title>'
            '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;'
            'line-height:1.6;color:#1b1b1b}section+section{border-top:1px solid #ccc;margin-top:1.5rem}</style>'
            f'</head><body><main><section><h1>{e(title.ar)}</h1><p>{e(body.ar)}</p>'
            f'<p><a href="/">العودة إلى الصفحة الرئيسية</a></p></section>'
            f'<section lang="en" dir="ltr"><h2>{e(title.en)}</h2><p>{e(body.en)}</p>'
            f'<p><a href="/en/">Back to the home page</a></p></section></main></body></html>')


def accepts_json(accept: str) -> bool:
    """Whether a client's Accept asks for JSON rather than a page (a browser's asks for text/html)."""
    return "application/json" in accept and "text/html" not in accept


def refusal_response(r: Refusal, wants_json: bool = False) -> Response:
    if wants_json:
        return JSONResponse({"error": r.code, "ar": r.msg.ar, "en": r.msg.en}, status_code=r.status,
                            headers=r.headers)
    title = T("خطأ في الخادم", "Server error") if r.status >= 500 else REFUSAL_TITLE
    return HTMLResponse(message_page(title, r.msg), status_code=r.status, headers=r.headers)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


async def send_refusal(scope: Scope, send: Send, r: Refusal) -> None:
    response = refusal_response(r, wants_json=accepts_json(_headers(scope).get("accept", "")))
    await response({"type": "http", "method": "GET", "path": "/", "headers": []}, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


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


class _TooLarge(Exception):
    pass


class BodyTimeout(Exception):
    """A body that stopped arriving or came too slowly (raised by intake.web.limits' receive, answered 408)."""


def _too_large(limit: int) -> Refusal:
    # the rest of the body is not read: the connection is closed after the answer
    return Refusal(413, MSG["too_large"].format(mb=limit // 1_000_000 or 1), "too_large", {"Connection": "close"})


class BodyLimit:
    """ASGI middleware: refuse (413) a POST whose declared or streamed body exceeds its limit, before the
    form parser sees it. Documents are allowed only in multipart bodies."""

    def __init__(self, app: ASGIApp, multipart_limit: int, urlencoded_limit: int = URLENCODED_LIMIT) -> None:
        self.app, self.multipart_limit, self.urlencoded_limit = app, multipart_limit, urlencoded_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.multipart_limit if multipart else self.urlencoded_limit
        declared = headers.get("content-length", "")
        if (small_int(declared) or 0) > limit or len(declared) > 9:
            await send_refusal(scope, send, _too_large(limit))
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await send_refusal(scope, send, _too_large(limit))


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
        except (_TooLarge, BodyTimeout):
            raise
        except Exception as exc:
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
            log.error("internal error %s at %s on %s %s", type(exc).__name__, where, scope.get("method"),
                      scope.get("path"))
            if scope["type"] == "http" and not started:
                await send_refusal(scope, send, Refusal(500, MSG["bug"], "bug"))


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
