"""The intake under abuse, in one go (issue 18): valid submissions' throughput and p99 with and without a
hostile load, in the same run, on loopback only, bounded in count and time.

The real server (`mustafid serve`, uvicorn, one process) behind a pretend reverse proxy on loopback (trusted:
each simulated client has its own X-Forwarded-For address). Phase 1: ``--valid`` submissions from 50
concurrent clients, nothing else. Phase 2: as many again while, at the same time, slow clients send headers
and bodies a byte at a time, oversize and malformed multiparts arrive, ``--fuzz`` fuzzed payloads (mutations
of a valid post: flipped bytes, cut bodies, wrong types, boundaries, methods, paths, names, garbage) are sent,
and ``--unconfirmed`` check-step uploads are never confirmed. Then it waits for the stash to expire.

Printed: throughput and p99 of the valid submissions in both phases and their ratio; the server's peak memory
(VmHWM); the disk the unconfirmed documents take after expiry; the counts: answers 500, refusals that are
bilingual (Arabic and English, as JSON or a page), acknowledged submissions present and valid, `git fsck`.

Usage: python benchmarks/hostile.py [--valid 300] [--fuzz 10000] [--unconfirmed 100] [--slow 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from mustafid.config.association import load_association  # noqa: E402
from mustafid.forms.load import load_forms  # noqa: E402
from mustafid.records.check import check_file  # noqa: E402
from tests.helpers import make_association_repo  # noqa: E402
from tests.intake.util import luhn_id, valid_post  # noqa: E402
from tests.intake_server import running_intake  # noqa: E402

SPREAD = 8.0  # seconds over which the hostile clients arrive
OVERSIZE, MALFORMED = 10, 200
AR = re.compile("[\u0600-\u06ff]")
EN = re.compile(r"[A-Za-z]{4}")
ENV = {"MUSTAFID_HEADER_TIMEOUT": "5", "MUSTAFID_BODY_TIMEOUT": "5", "MUSTAFID_STASH_TTL": "8",
       "MUSTAFID_STASH_QUOTA": "1000", "MUSTAFID_TRUSTED_PROXIES": "127.0.0.1"}


@dataclass
class Tally:
    codes: Counter[int] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # the "error" of JSON refusals
    refusals: int = 0
    bilingual: int = 0
    not_bilingual: list[str] = field(default_factory=list)
    unanswered: int = 0
    acked: list[str] = field(default_factory=list)  # references of submissions answered as accepted

    def answer(self, status: int, headers: bytes, body: bytes) -> None:
        self.codes[status] += 1
        m = re.search(rb"location: /(?:en/)?forms/receipt/\?ref=([0-9A-Z-]+)", headers, re.IGNORECASE)
        if status in (201, 303) and m:
            self.acked.append(m.group(1).decode())
        if status < 400 or status == 422:  # 422: the form again, with the problems, in the page's language
            return
        self.refusals += 1
        text = body.decode("utf-8", "replace")
        ok = bool(AR.search(text) and EN.search(text))
        if b"application/json" in headers.lower():
            try:
                j = json.loads(body)
                ok = bool(AR.search(j.get("ar", "")) and EN.search(j.get("en", "")))
                self.reasons[f"{status} {j.get('error')}"] += 1
            except ValueError:
                ok = False
        if ok:
            self.bilingual += 1
        elif len(self.not_bilingual) < 5:
            self.not_bilingual.append(f"{status} {text[:120]!r}")


def encode(method: str, path: str, fields: dict[str, object], files: list[tuple[str, tuple[str, bytes, str]]],
           xff: str, accept: str = "") -> bytes:
    req = httpx.Request(method, "http://127.0.0.1" + path, data=fields, files=files or None)
    body = req.read()
    return head(method, path, req.headers["content-type"], len(body), xff, accept) + body


def head(method: str, path: str, ctype: str, length: int, xff: str, accept: str = "") -> bytes:
    extra = f"Accept: {accept}\r\n" if accept else ""
    return (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Forwarded-For: {xff}\r\n"
            f"{extra}Content-Type: {ctype}\r\nContent-Length: {length}\r\n\r\n").encode()


async def exchange(port: int, data: bytes, tally: Tally, pace: float = 0.0) -> tuple[int, bytes, bytes]:
    """One request on its own connection (sent at once, or a byte every ``pace`` seconds); the answer."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        tally.unanswered += 1
        return 0, b"", b""
    reading = asyncio.ensure_future(reader.read())  # read as it comes: a refusal sent mid-upload is not lost
    try:
        if pace:
            for i in range(len(data)):
                if reading.done():
                    break
                writer.write(data[i:i + 1])
                await writer.drain()
                await asyncio.sleep(pace)
        else:
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    try:
        got = await asyncio.wait_for(reading, 60)
    except (OSError, TimeoutError):
        got = b""
    writer.close()
    if not got.startswith(b"HTTP/1."):
        tally.unanswered += 1
        return 0, b"", b""
    headers, _, body = got.partition(b"\r\n\r\n")
    status = int(headers.split(b" ", 2)[1])
    tally.answer(status, headers, body)
    return status, headers, body


async def valid_clients(port: int, posts: list[bytes], clients: int, tally: Tally) -> tuple[list[float], float]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for p in posts:
        queue.put_nowait(p)
    lat: list[float] = []

    async def one() -> None:
        while not queue.empty():
            data = queue.get_nowait()
            t = time.perf_counter()
            await exchange(port, data, tally)
            lat.append(time.perf_counter() - t)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    return lat, time.perf_counter() - started


def fuzzed(rng: random.Random, base: bytes, i: int) -> bytes:
    """A mutation of a valid post (head + body), or garbage."""
    head_, _, body = base.partition(b"\r\n\r\n")
    xff = f"198.19.{i % 250}.{i // 250 % 250}"
    kind = rng.randrange(9)
    ctype = re.search(rb"Content-Type: ([^\r]+)", head_).group(1).decode()  # type: ignore[union-attr]
    accept = rng.choice(["application/json", "", "text/html"])
    path, method = "/submit/support-request", "POST"
    if kind == 0:  # bytes flipped
        b = bytearray(body)
        for _ in range(rng.randint(1, 30)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        body = bytes(b)
    elif kind == 1:  # cut short (its length says so: a complete, broken body)
        body = body[:rng.randrange(len(body))]
    elif kind == 2:
        ctype = rng.choice(["text/plain", "application/json", "multipart/form-data", "multipart/form-data; boundary=z",
                            "application/x-www-form-urlencoded", "multipart/mixed; boundary=x"])
    elif kind == 3:  # answers no form has, or very long ones
        body = f"{rng.choice(['is_admin', '../x', '_step', 'first_name'])}=".encode() + b"x" * rng.choice(
            [1, 1000, 300_000]) + b"&_step=" + rng.choice([b"check", b"confirm", b"delete", b"\xff"])
        ctype = "application/x-www-form-urlencoded"
    elif kind == 4:
        path = rng.choice(["/submit/nope", "/api/check/support-request", "/submit/..%2f..%2fetc", "/x" * 50,
                           "/forms/receipt/?ref=" + "A" * 500])
    elif kind == 5:
        method = rng.choice(["PUT", "DELETE", "PATCH", "OPTIONS", "GET"])
    elif kind == 6:  # garbage for a request
        return rng.randbytes(rng.randint(1, 400)) + b"\r\n\r\n"
    elif kind == 7:  # percent-encoded nonsense
        body = b"&".join(b"%" + rng.randbytes(2).hex().encode() + b"=%" + bytes([rng.randrange(256)])
                         for _ in range(rng.randint(1, 50)))
        ctype = "application/x-www-form-urlencoded"
    else:  # a part header damaged
        body = body.replace(b"Content-Disposition", rng.choice([b"Content-Dispositio", b"X", b""]), 1)
    return head(method, path, ctype, len(body), xff, accept) + body


async def hostile(port: int, args: argparse.Namespace, base: bytes, limit: int, tally: Tally) -> None:
    rng = random.Random(18)
    jobs: list[asyncio.Future[None]] = []
    fuzz = [fuzzed(rng, base, i) for i in range(args.fuzz)]
    fuzz_q: asyncio.Queue[bytes] = asyncio.Queue()
    for f in fuzz:
        fuzz_q.put_nowait(f)

    async def fuzzer() -> None:
        while not fuzz_q.empty():
            await exchange(port, fuzz_q.get_nowait(), tally)

    async def slow(i: int) -> None:
        if i % 2:  # headers a byte every 0.2 s
            await exchange(port, base[:400], tally, pace=0.2)
        else:  # a body that stalls
            await exchange(port, base[:len(base) - 200], tally)

    async def oversize(i: int) -> None:
        declared = head("POST", "/submit/support-request", "multipart/form-data; boundary=b", limit + 10,
                        f"198.20.0.{i}", "application/json")
        if i % 2:  # declared too large: refused before its body
            await exchange(port, declared, tally)
        else:  # a body that grows past the limit while it streams (its length hidden behind a larger one)
            part = (b'--b\r\nContent-Disposition: form-data; name="id_copy"; filename="a.pdf"\r\n\r\n%PDF-'
                    + b"x" * 1_000_000)
            body = part * (limit // len(part) + 2)
            await exchange(port, head("POST", "/submit/support-request", "multipart/form-data; boundary=b",
                                      len(body), f"198.20.0.{i}") + body, tally)

    async def unconfirmed(i: int) -> None:
        fields, files = valid_post("ajaa", national_id=luhn_id(60_000 + i), seed=60_000 + i)
        await exchange(port, encode("POST", "/submit/support-request", {**fields, "_step": "check"}, files,
                                    f"198.21.{i % 10}.1"), tally)

    async def malformed(i: int) -> None:
        bodies = [b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n",
                  b'--b\r\nContent-Disposition: form-data; name="first_name"\r\n\r\n' + b"x" * 300_000 + b"\r\n--b--",
                  b"".join(b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % k for k in range(2100))
                  + b"--b--\r\n", b"--b\r\n\r\n\r\n", b"no boundary here"]
        body = bodies[i % len(bodies)]
        await exchange(port, head("POST", "/submit/support-request", "multipart/form-data; boundary=b", len(body),
                                  f"198.22.0.{i % 250}", rng.choice(["application/json", ""])) + body, tally)

    async def later(job: Coroutine[object, object, None]) -> None:
        await asyncio.sleep(rng.uniform(0, SPREAD))  # the hostile clients arrive over the first seconds
        await job

    jobs += [asyncio.ensure_future(fuzzer()) for _ in range(6)]
    jobs += [asyncio.ensure_future(later(slow(i))) for i in range(args.slow)]
    jobs += [asyncio.ensure_future(later(oversize(i))) for i in range(OVERSIZE)]
    jobs += [asyncio.ensure_future(later(unconfirmed(i))) for i in range(args.unconfirmed)]
    jobs += [asyncio.ensure_future(later(malformed(i))) for i in range(MALFORMED)]
    await asyncio.gather(*jobs)


def hwm_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def folder_bytes(p: Path) -> int:
    from mustafid.intake.stash import folder_size

    return folder_size(p)


def verify(repo: Path, refs: list[str]) -> tuple[int, list[str]]:
    """How many acknowledged submissions are on their branch with a valid record; the problems found."""
    assoc = load_association(repo)
    forms = load_forms(assoc)
    bad, ok = [], 0
    out = Path(tempfile.mkdtemp(prefix="hostile-check-"))
    for rid in refs:
        branch = f"submission/{rid}"
        names = subprocess.run(["git", "-C", str(repo), "diff-tree", "--no-commit-id", "-r", "--name-only", branch],
                               capture_output=True, text=True, check=False).stdout.split()
        if len(names) != 1:
            bad.append(f"{rid}: {names}")
            continue
        target = out / names[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(subprocess.run(["git", "-C", str(repo), "show", f"{branch}:{names[0]}"],
                                          capture_output=True, check=True).stdout)
        problems = check_file(target, forms, assoc.id)
        if problems:
            bad.append(f"{rid}: {[p.en for p in problems][:2]}")
        else:
            ok += 1
    return ok, bad


def p99(lat: list[float]) -> float:
    return statistics.quantiles(lat, n=100)[98] * 1000 if len(lat) >= 2 else float("nan")


async def run(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="mustafid-hostile-"))
    repo = make_association_repo(tmp, "ajaa")
    with running_intake(repo, repo, None, extra_env=ENV) as server:
        assert server.proc is not None
        pid, port = server.proc.pid, server.port
        health = httpx.get(server.url + "/healthz", timeout=10)
        assert health.status_code == 200
        from mustafid.intake.posted import multipart_limit_for

        limit = multipart_limit_for(load_forms(load_association(repo)))

        def posts(offset: int) -> list[bytes]:
            out = []
            for i in range(args.valid):
                fields, files = valid_post("ajaa", national_id=luhn_id(offset + i), seed=offset + i)
                out.append(encode("POST", "/submit/support-request", fields, files, f"198.18.{i % 50}.{i // 50 % 250}",
                                  "application/json"))
            return out

        calm_posts, storm_posts = posts(30_000), posts(40_000)
        base = storm_posts[0]
        rss_start = rss_mb(pid)
        calm = Tally()
        lat0, secs0 = await valid_clients(port, calm_posts, 50, calm)
        hwm_calm = hwm_mb(pid)
        storm, noise = Tally(), Tally()
        stash = repo / ".git" / "mustafid" / "stash"
        incoming = repo / ".git" / "mustafid" / "incoming"
        peaks = {"stash": 0, "incoming": 0}
        sampling = True

        async def sample() -> None:
            while sampling:
                peaks["stash"] = max(peaks["stash"], await asyncio.to_thread(folder_bytes, stash))
                peaks["incoming"] = max(peaks["incoming"], await asyncio.to_thread(folder_bytes, incoming))
                await asyncio.sleep(0.5)

        sampler = asyncio.ensure_future(sample())
        started = time.perf_counter()
        (lat1, secs1), _ = await asyncio.gather(valid_clients(port, storm_posts, 50, storm),
                                                hostile(port, args, base, limit, noise))
        hostile_secs = time.perf_counter() - started
        sampling = False
        await sampler
        hwm_storm = hwm_mb(pid)
        deadline = time.monotonic() + float(ENV["MUSTAFID_STASH_TTL"]) * 3
        while time.monotonic() < deadline and folder_bytes(stash):
            await asyncio.sleep(0.5)
        stash_after, incoming_after = folder_bytes(stash), folder_bytes(incoming)
        docs = folder_bytes(repo / ".git" / "mustafid" / "documents")
        alive = httpx.get(server.url + "/healthz", timeout=10).status_code
    acked = calm.acked + storm.acked + noise.acked
    ok, bad = verify(repo, acked)
    fsck = subprocess.run(["git", "-C", str(repo), "fsck", "--strict", "--no-dangling"], capture_output=True,
                          text=True, check=False)
    everyone = Tally()
    for t in (calm, storm, noise):
        everyone.codes.update(t.codes)
        everyone.refusals += t.refusals
        everyone.bilingual += t.bilingual
        everyone.not_bilingual += t.not_bilingual
        everyone.unanswered += t.unanswered
    th0, th1 = len(lat0) / secs0, len(lat1) / secs1
    print(f"valid submissions, 50 clients, {args.valid} each phase (loopback, one server process)")
    print(f"  alone:            {th0:7.1f} /s   p99 {p99(lat0):7.1f} ms   answers {dict(calm.codes)}")
    print(f"  under hostile load:{th1:7.1f} /s   p99 {p99(lat1):7.1f} ms   answers {dict(storm.codes)}")
    print(f"  ratio (hostile / alone): throughput {th1 / th0:.2f}x, p99 {p99(lat1) / p99(lat0):.2f}x")
    print(f"hostile load ({hostile_secs:.1f} s): {args.fuzz} fuzzed, {args.slow} slow, {OVERSIZE} oversize, "
          f"{MALFORMED} malformed, "
          f"{args.unconfirmed} unconfirmed uploads; answers {dict(sorted(noise.codes.items()))}, "
          f"no answer {noise.unanswered}")
    print(f"server memory: {rss_start:.0f} MB at start, peak {hwm_calm:.0f} MB alone, peak {hwm_storm:.0f} MB "
          f"under hostile load")
    print(f"unconfirmed documents on disk: peak {peaks['stash'] / 1e3:.1f} kB during the load (ttl "
          f"{ENV['MUSTAFID_STASH_TTL']} s, quota {ENV['MUSTAFID_STASH_QUOTA']} B a client), {stash_after} bytes after "
          f"expiry; uploads being received: peak {peaks['incoming'] / 1e6:.1f} MB, {incoming_after} bytes after; "
          f"confirmed documents {docs / 1e6:.2f} MB")
    print(f"refusals by reason (JSON ones): {dict(sorted((calm.reasons + storm.reasons + noise.reasons).items()))}")
    print(f"answers 500: {everyone.codes.get(500, 0)}")
    print(f"refusals bilingual: {everyone.bilingual}/{everyone.refusals} "
          f"({100 * everyone.bilingual / max(everyone.refusals, 1):.1f}%) {everyone.not_bilingual[:3]}")
    print(f"acknowledged submissions present and valid: {ok}/{len(acked)} ({len(noise.acked)} of them fuzzed posts "
          f"that were still valid) {bad[:3]}")
    print(f"git fsck --strict: {'clean' if fsck.returncode == 0 and not fsck.stdout.strip() else fsck.stdout[:300]}")
    print(f"server alive after: /healthz {alive}")
    good = (everyone.codes.get(500, 0) == 0 and everyone.bilingual == everyone.refusals and ok == len(acked)
            and fsck.returncode == 0 and stash_after == 0 and alive == 200)
    return 0 if good else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--valid", type=int, default=300, help="valid submissions in each phase (default 300)")
    ap.add_argument("--fuzz", type=int, default=10_000, help="fuzzed payloads (default 10,000)")
    ap.add_argument("--unconfirmed", type=int, default=100, help="check-step uploads never confirmed (default 100)")
    ap.add_argument("--slow", type=int, default=30, help="slow clients (default 30)")
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
