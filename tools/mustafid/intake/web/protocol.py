"""The intake's HTTP protocol: uvicorn's (httptools), with what it lacks against slow or hostile clients.

- A header timeout: a connection must send a request's line and headers within ``MUSTAFID_HEADER_TIMEOUT``
  seconds (default 10) of opening or of starting that request, else 408 and the connection is closed (uvicorn
  only times out idle keep-alive connections: a client sending a header byte every few seconds was never).
- A bound on a request's line and headers (``HEADER_LIMIT`` bytes), else 431.
- uvicorn's own refusals of what it cannot parse (its English plain-text 400) in Arabic and English, HTML or
  JSON as the request's Accept asks.
- A gentle close when an answer is sent before the request's body was read to its end (413, 408): our side
  is shut for writing and what the client still sends is read and dropped for up to ``LINGER_SECONDS``
  (``LINGER_BYTES``) before the socket is closed. Closed at once, the client's system would reset the
  connection on the unread bytes and drop the answer with it: the person would see "connection reset" instead
  of the bilingual page saying what to fix.

The body's read timeouts are the ASGI middleware's (intake.web.limits.UploadGuard), which knows the route.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mustafid.core.text import T
from mustafid.intake.messages import MSG
from mustafid.intake.web.middleware import REFUSAL_TITLE, accepts_json, message_page

HEADER_LIMIT = 64_000
LINGER_SECONDS, LINGER_BYTES = 3.0, 60_000_000
CLOSING = b"\r\nconnection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n\r\n"


def refusal_bytes(status: int, msg: T, code: str, accept: str) -> bytes:
    """A whole HTTP answer that closes the connection, written before any app is involved."""
    if accepts_json(accept):
        body = json.dumps({"error": code, "ar": msg.ar, "en": msg.en}, ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        body = message_page(REFUSAL_TITLE, msg).encode()
        ctype = b"text/html; charset=utf-8"
    return b"".join([STATUS_LINE[status], b"content-type: ", ctype, b"\r\ncontent-length: ",
                     str(len(body)).encode(), CLOSING, body])


class _Lingering:
    """The connection's transport, whose ``close`` lingers while a request's body is still arriving."""

    def __init__(self, transport: asyncio.Transport, protocol: GuardedHttpTools) -> None:
        self._transport, self._protocol = transport, protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def close(self) -> None:
        p, t = self._protocol, self._transport
        if p.lingering or t.is_closing() or p.cycle is None or not p.cycle.more_body:
            t.close()
            return
        p.lingering = True
        with contextlib.suppress(OSError, RuntimeError, NotImplementedError):
            t.resume_reading()
            if t.can_write_eof():
                t.write_eof()  # the answer is complete: the client reads it, then sees the end
        p.loop.call_later(LINGER_SECONDS, t.close)


class GuardedHttpTools(HttpToolsProtocol):
    header_timeout = float(os.environ.get("MUSTAFID_HEADER_TIMEOUT", "") or 10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._refusing: tuple[int, T, str] | None = None
        self.lingering = False
        self._dropped = 0

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_bytes = 0
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_timed_out)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _accept(self) -> str:
        return next((v.decode("latin-1") for k, v in (self.headers or []) if k == b"accept"), "")

    def _refuse(self, status: int, msg: T, code: str) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(refusal_bytes(status, msg, code, self._accept()))
            self.transport.close()

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        self._refuse(408, MSG["timeout"], "header_timeout")

    def _count(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > HEADER_LIMIT and self._refusing is None:
            self._refusing = (431, MSG["headers_too_large"], "headers_too_large")
            raise ValueError("headers too large")  # stops the parser: answered in send_400_response

    # uvicorn's hooks

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast("asyncio.Transport", _Lingering(transport, self)))
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.lingering = True  # closed now: no lingering
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:  # the rest of a body already answered: dropped unread
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self.transport.close()
            return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:  # noqa: ARG002 (uvicorn's English text is not sent)
        status, text, code = self._refusing or (400, MSG["bad_http"], "bad_http")
        self._refuse(status, text, code)
