"""The intake's bounds on time, memory and disk per request and per client, and who the client is.

- ``Limits``: the figures, from ``MUSTAFID_*`` variables (what `mustafid serve` hands to each server process).
- ``client_address``: behind reverse proxies, the rightmost address of ``X-Forwarded-For`` (after the peer
  itself) that is not one of the configured trusted proxies; a client cannot choose its own rate-limit key by
  sending the header, because only what a trusted proxy appended is believed.
- ``UploadGuard`` (ASGI middleware): a POST's body must keep arriving (a first part within ``body_timeout``
  seconds, never a pause longer than that, and on average at least ``body_min_rate`` bytes a second after
  it), else 408; at most ``uploads`` multipart bodies are received at once by one server process and
  ``uploads_per_client`` by one client: the others wait, unread (uvicorn stops reading a connection whose
  body is not asked for), up to ``upload_wait`` seconds, else 503 with Retry-After; each multipart request
  gets its own spool folder for its documents, removed when the answer is sent. The header timeout is the
  HTTP protocol's (intake.web.protocol).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mustafid.intake.messages import MSG
from mustafid.intake.web.middleware import BodyTimeout, Refusal, send_refusal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = ("127.0.0.0/8", "::1/128")
SPOOL_KEY = "mustafid.spool"  # the scope key of a multipart request's spool folder


@dataclass(frozen=True)
class Limits:
    header_timeout: float = 10.0         # seconds for a request's line and headers
    body_timeout: float = 20.0           # seconds for a body's first part, and the longest pause in it
    body_min_rate: float = 1000.0        # bytes a second a body must average after that (a slow phone: ~10×)
    uploads: int = 16                    # multipart bodies received at once by one server process
    uploads_per_client: int = 4          # ... by one client (more wait their turn, unread)
    upload_wait: float = 30.0            # seconds a multipart body waits for its turn before 503
    stash_ttl: float = 3600.0            # seconds an unconfirmed document is kept after it was last shown
    stash_client_quota: int = 50_000_000  # bytes of unconfirmed documents one client may hold
    stash_total_quota: int = 2_000_000_000  # bytes of unconfirmed documents all clients may hold
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks of the reverse proxies in front

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        d = cls()

        def num(name: str, default: float) -> float:
            try:
                return float(env.get(f"MUSTAFID_{name}", "") or default)
            except ValueError:
                return default

        proxies = tuple(p.strip() for p in env.get("MUSTAFID_TRUSTED_PROXIES", "").split(",") if p.strip())
        return cls(header_timeout=num("HEADER_TIMEOUT", d.header_timeout),
                   body_timeout=num("BODY_TIMEOUT", d.body_timeout),
                   body_min_rate=num("BODY_MIN_RATE", d.body_min_rate),
                   uploads=int(num("MAX_UPLOADS", d.uploads)),
                   uploads_per_client=int(num("MAX_UPLOADS_PER_CLIENT", d.uploads_per_client)),
                   upload_wait=num("UPLOAD_WAIT", d.upload_wait),
                   stash_ttl=num("STASH_TTL", d.stash_ttl),
                   stash_client_quota=int(num("STASH_QUOTA", d.stash_client_quota)),
                   stash_total_quota=int(num("STASH_TOTAL", d.stash_total_quota)),
                   trusted_proxies=proxies)

    def networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)


def parse_networks(specs: Sequence[str]) -> tuple[Network, ...]:
    """Trusted proxies as networks ("loopback" stands for 127.0.0.0/8 and ::1); a wrong one is refused."""
    return tuple(ipaddress.ip_network(s, strict=False) for spec in specs
                 for s in (LOOPBACK if spec == "loopback" else (spec,)))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(peer: str, forwarded: str, trusted: Sequence[Network]) -> str:
    """Who sent the request: the peer itself unless it is a trusted proxy; then, walking X-Forwarded-For from
    the right, the first address that is not a trusted proxy (an unreadable entry ends the walk: it is what
    the last trusted proxy received, so it is the client's key as given). All trusted: the leftmost."""
    ip = _address(peer)
    if not trusted or ip is None or not any(ip in n for n in trusted):
        return peer
    chain = [a.strip() for a in forwarded.split(",") if a.strip()]
    for entry in reversed(chain):
        addr = _address(entry)
        if addr is None:
            return entry[:64]
        if not any(addr in n for n in trusted):
            return str(addr)
    return str(_address(chain[0])) if chain else peer


def scope_client(scope: Scope, trusted: Sequence[Network]) -> str:
    peer = (scope.get("client") or ("?", 0))[0]
    forwarded = ", ".join(v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for")
    return client_address(str(peer), forwarded, trusted)


CLOSE = {"Connection": "close"}  # the body was not read to its end: the connection cannot be reused


class UploadGuard:
    """ASGI middleware: body read timeouts for every POST; for multipart bodies a cap on those received at
    once (per process and per client) and a spool folder per request, removed when it is answered."""

    def __init__(self, app: ASGIApp, limits: Limits, spool_root: Path) -> None:
        self.app, self.limits, self.spool_root = app, limits, spool_root
        self.trusted = limits.networks()
        self.active = 0
        self.by_client: dict[str, int] = {}
        self.turns = asyncio.Condition()

    def _free(self, who: str) -> bool:
        return self.active < self.limits.uploads and self.by_client.get(who, 0) < self.limits.uploads_per_client

    async def _turn(self, who: str) -> bool:
        """Wait for a free place among the multipart bodies being received (False: none came in time)."""
        async with self.turns:
            try:
                await asyncio.wait_for(self.turns.wait_for(lambda: self._free(who)), self.limits.upload_wait)
            except TimeoutError:
                return False
            self.active += 1
            self.by_client[who] = self.by_client.get(who, 0) + 1
            return True

    async def _done(self, who: str) -> None:
        async with self.turns:
            self.active -= 1
            self.by_client[who] -= 1
            if not self.by_client[who]:
                del self.by_client[who]
            self.turns.notify_all()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        ctype = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"")
        if not ctype.lower().startswith(b"multipart/"):
            await self._timed(scope, receive, send)
            return
        who = scope_client(scope, self.trusted)
        if not await self._turn(who):
            await send_refusal(scope, send, Refusal(503, MSG["busy"], "busy", {"Retry-After": "10", **CLOSE}))
            return
        spool = self.spool_root / uuid.uuid4().hex
        scope[SPOOL_KEY] = spool
        try:
            await self._timed(scope, receive, send)
        finally:
            await self._done(who)
            if spool.exists():
                await asyncio.to_thread(shutil.rmtree, spool, ignore_errors=True)

    async def _timed(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits = self.limits
        start = time.monotonic()
        received, done, started = 0, False, False

        async def timed() -> Message:
            nonlocal received, done
            if done:
                return await receive()
            allowed = start + limits.body_timeout + received / max(limits.body_min_rate, 1.0) - time.monotonic()
            wait = min(limits.body_timeout, allowed)
            if wait <= 0:
                raise BodyTimeout
            try:
                message = await asyncio.wait_for(receive(), wait)
            except TimeoutError:
                raise BodyTimeout from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                done = not message.get("more_body", False)
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, timed, tracking)
        except BodyTimeout:
            if not started:
                await send_refusal(scope, send, Refusal(408, MSG["timeout"], "body_timeout", CLOSE))
