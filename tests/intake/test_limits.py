"""The intake under abuse (issue 18), on the real server (uvicorn on loopback, real git repositories): every
limit answers in Arabic and English, as a page or as JSON as the client asks, and writes nothing; slow clients
are timed out; unconfirmed documents expire and count against a quota; a client behind trusted proxies cannot
choose its own address; concurrent submissions from one applicant to two server processes are flagged."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mustafid.intake.uploads import safe_filename
from mustafid.intake.web.limits import client_address, parse_networks
from mustafid.records.format import parse_record
from tests.helpers import make_association_repo
from tests.intake.util import git, luhn_id, refs, valid_post
from tests.intake_server import Server, running_intake

AR = re.compile("[\u0600-\u06ff]")
JSON = {"Accept": "application/json"}
SHORT = {"MUSTAFID_HEADER_TIMEOUT": "1", "MUSTAFID_BODY_TIMEOUT": "1.5", "MUSTAFID_STASH_TTL": "3",
         "MUSTAFID_STASH_QUOTA": "250"}


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with short timeouts, a 3-second stash and a 250-byte quota per client."""
    repo = make_association_repo(tmp_path_factory.mktemp("limits"), "ajaa")
    with running_intake(repo, repo, None, extra_env=SHORT) as server:
        yield server


def bilingual(r: httpx.Response, status: int, as_json: bool) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    if as_json:
        body = r.json()
        assert AR.search(body["ar"]) and re.search(r"[A-Za-z]{4}", body["en"]) and body["error"], body
    else:
        assert r.headers["content-type"].startswith("text/html"), r.headers
        assert AR.search(r.text) and re.search(r"[A-Za-z]{4}", r.text)


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "b0undary", close: bool = True) -> bytes:
    out = b""
    for name, filename, content in parts:
        fn = f'; filename="{filename}"' if filename is not None else ""
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{fn}\r\n\r\n'.encode() + content + b"\r\n"
    return out + (f"--{boundary}--\r\n".encode() if close else b"")


PARSER_CASES = [
    ("a 300 KB answer", multipart([("first_name", None, b"x" * 300_000)]), 413),
    ("2,001 answers", multipart([(f"f{i}", None, b"x") for i in range(2001)]), 413),
    ("21 files", multipart([("id_copy", f"{i}.pdf", b"%PDF-") for i in range(21)]), 413),
    ("a part without a name", b'--b0undary\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b0undary--\r\n', 400),
    ("no closing boundary", multipart([("id_copy", "a.pdf", b"%PDF-1.4")], close=False), 400),
    ("not utf-8", multipart([("first_name", None, b"\xff\xfe")]), 400),
]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "html"])
@pytest.mark.parametrize("name,body,status", PARSER_CASES, ids=[c[0] for c in PARSER_CASES])
def test_parser_limits_are_bilingual(short: Server, name: str, body: bytes, status: int, as_json: bool) -> None:
    before = refs(short.repo_dir)
    headers = {"content-type": "multipart/form-data; boundary=b0undary", **(JSON if as_json else {})}
    r = httpx.post(short.url + "/submit/support-request", content=body, headers=headers, timeout=30)
    bilingual(r, status, as_json)
    assert refs(short.repo_dir) == before, name


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "html"])
def test_urlencoded_limits_and_routing_refusals_are_bilingual(short: Server, as_json: bool) -> None:
    h = JSON if as_json else {}
    with httpx.Client(base_url=short.url, headers=h, timeout=30) as c:
        bilingual(c.post("/submit/support-request", content=b"first_name=" + b"x" * 300_000,
                         headers={"content-type": "application/x-www-form-urlencoded"}), 413, as_json)
        bilingual(c.post("/api/check/support-request", content="&".join(f"f{i}=1" for i in range(2001)).encode(),
                         headers={"content-type": "application/x-www-form-urlencoded"}), 413, as_json)
        bilingual(c.delete("/api/check/support-request"), 405, as_json)
        bilingual(c.put("/healthz"), 405, as_json)
        bilingual(c.post("/submit/support-request", content=b"x" * 2_000_000,
                         headers={"content-type": "application/x-www-form-urlencoded"}), 413, as_json)
        r = c.get("/no/such/page/")
        assert r.status_code == 404
        if as_json:
            bilingual(r, 404, as_json=True)


def raw(server: Server, data: bytes, wait: float = 10) -> tuple[bytes, float]:
    """Send ``data`` on a fresh connection; what comes back until the server closes it, and how long it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(data)
        s.settimeout(wait)
        got = b""
        while chunk := s.recv(65536):
            got += chunk
    return got, time.monotonic() - started


def test_garbage_and_huge_headers_are_refused_bilingually(short: Server) -> None:
    got, _ = raw(short, b"\x16\x03\x01 not http at all\r\n\r\n")
    assert got.startswith(b"HTTP/1.1 400") and AR.search(got.decode()), got[:200]
    big = b"GET / HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"
    got, _ = raw(short, big)
    assert got.startswith(b"HTTP/1.1 431"), got[:200]
    body = json.loads(got.split(b"\r\n\r\n", 1)[1])
    assert AR.search(body["ar"]) and body["en"]


def test_slow_headers_are_timed_out(short: Server) -> None:
    """A client that sends its headers a byte at a time (slowloris), or nothing at all, is answered 408 and cut
    off after the header timeout (1 s here), not held for ever."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", short.port)) as s:
        s.settimeout(10)
        got = b""
        try:
            for byte in b"POST /submit/support-request HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                s.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass  # the server closed the connection while we were still sending
        while chunk := s.recv(65536):
            got += chunk
    assert got.startswith(b"HTTP/1.1 408") and AR.search(got.decode()), got[:200]
    assert time.monotonic() - started < 8
    idle, took = raw(short, b"")
    assert idle.startswith(b"HTTP/1.1 408") and took < 8, idle[:100]


@pytest.mark.parametrize("pace", ["stalled", "trickle"])
def test_slow_bodies_are_timed_out(short: Server, pace: str) -> None:
    before = refs(short.repo_dir)
    body = multipart([("first_name", None, b"x" * 2000), ("id_copy", "a.pdf", b"%PDF-1.4" + b"x" * 20_000)])
    head = (f"POST /submit/support-request HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
            f"Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", short.port)) as s:
        s.settimeout(15)
        s.sendall(head + body[:100])
        try:
            for i in range(100, 400 if pace == "trickle" else 100):  # 5 bytes a second: far below the minimum
                s.sendall(body[i:i + 1])
                time.sleep(0.2)
        except OSError:
            pass
        got = b""
        while chunk := s.recv(65536):
            got += chunk
    assert got.startswith(b"HTTP/1.1 408"), got[:300]
    answer = json.loads(got.split(b"\r\n\r\n", 1)[1])
    assert answer["error"] == "body_timeout" and AR.search(answer["ar"])
    assert time.monotonic() - started < 12
    assert refs(short.repo_dir) == before
    assert spool_emptied(short), "the request's spool folder is removed"


def spool_emptied(server: Server, within: float = 10) -> bool:
    """Whether the uploads' spool folder is (or becomes, within seconds: it is removed after the answer) empty."""
    spool = server.repo_dir / ".git" / "mustafid" / "incoming"
    deadline = time.monotonic() + within
    while spool.exists() and any(spool.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not spool.exists() or not any(spool.iterdir())


def _hidden_tokens(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(_stash\.[^"]*)" value="([^"]*)"', page))


def test_unconfirmed_documents_expire_and_count_against_a_quota(short: Server) -> None:
    stash = short.repo_dir / ".git" / "mustafid" / "stash"
    held = []
    with httpx.Client(base_url=short.url, timeout=30) as c:
        for seed in (1, 2):  # two check steps: about 104 bytes each (their two documents are the same file)
            fields, files = valid_post("ajaa", national_id=luhn_id(900 + seed), seed=900 + seed)
            r = c.post("/submit/support-request", data={**fields, "_step": "check"}, files=files)
            assert r.status_code == 200, r.text[:300]
            held.append((fields, _hidden_tokens(r.text)))
        assert sum(f.stat().st_size for f in stash.rglob("*") if f.is_file()) > 200
        fields, files = valid_post("ajaa", national_id=luhn_id(903), seed=903)
        over = c.post("/submit/support-request", data={**fields, "_step": "check"}, files=files, headers=JSON)
        bilingual(over, 429, as_json=True)
        assert over.json()["error"] == "stash_quota"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(f.is_file() for f in stash.rglob("*")):
            time.sleep(0.25)
        assert not any(f.is_file() for f in stash.rglob("*")), "expired documents are removed"
        fields, tokens = held[0]
        assert tokens, "the check page names the documents it holds"
        before = refs(short.repo_dir)
        late = c.post("/submit/support-request", data={**fields, **tokens, "_step": "confirm"}, headers=JSON)
        assert late.status_code == 422 and "stash_expired" in {p["code"] for p in late.json()["problems"]}
        assert refs(short.repo_dir) == before
        again = c.post("/submit/support-request", data={**fields, "_step": "check"}, files=files)
        assert again.status_code == 200, "the quota is free again once they expired"


def test_file_names_lose_bidi_and_invisible_characters(short: Server) -> None:
    assert safe_filename("invoice\u202efdp.exe.pdf") == "invoicefdp.exe.pdf"
    assert safe_filename("\u2067هوية\u2069\u200f.pdf\u200b") == "هوية.pdf"
    fields, files = valid_post("ajaa", national_id=luhn_id(910), seed=910)
    field, (_, content, typ) = files[0]
    files[0] = (field, ("invoice\u202efdp.exe.pdf", content, typ))
    r = httpx.post(short.url + "/submit/support-request", data=fields, files=files, timeout=30)
    assert r.status_code == 303, r.text[:300]
    rid = r.headers["location"].rsplit("=", 1)[1]
    rec = parse_record(git(short.repo_dir, "show", f"submission/{rid}:" + git(
        short.repo_dir, "diff-tree", "--no-commit-id", "-r", "--name-only", f"submission/{rid}").strip()))
    assert "invoicefdp.exe.pdf" in [d["name"] for d in rec["documents"]]
    assert not any("\u202e" in d["name"] for d in rec["documents"])


def test_client_address_behind_trusted_proxies() -> None:
    trusted = parse_networks(["10.0.0.0/8", "loopback"])
    assert client_address("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.2.3", trusted) == "203.0.113.5"
    assert client_address("127.0.0.1", "203.0.113.5", trusted) == "203.0.113.5"
    assert client_address("198.51.100.1", "6.6.6.6", trusted) == "198.51.100.1", "an untrusted peer is the client"
    assert client_address("127.0.0.1", "", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", "10.0.0.1, 10.0.0.2", trusted) == "10.0.0.1", "all trusted: the leftmost"
    assert client_address("127.0.0.1", "6.6.6.6, [2001:db8::1]:443", trusted) == "2001:db8::1"
    assert client_address("127.0.0.1", "6.6.6.6", ()) == "127.0.0.1", "no trusted proxy: the header is ignored"


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One multipart body at a time (others wait half a second), 6 posts a minute, loopback a trusted proxy."""
    repo = make_association_repo(tmp_path_factory.mktemp("capped"), "ajaa")
    env = {"MUSTAFID_MAX_UPLOADS": "1", "MUSTAFID_UPLOAD_WAIT": "0.5", "MUSTAFID_TRUSTED_PROXIES": "127.0.0.1"}
    with running_intake(repo, repo, None, rate_limit=6, extra_env=env) as server:
        yield server


def test_concurrent_uploads_are_capped(capped: Server) -> None:
    fields, files = valid_post("ajaa", national_id=luhn_id(920), seed=920)
    body = multipart([("first_name", None, b"x"), ("id_copy", "a.pdf", b"%PDF-1.4" + b"x" * 100_000)])
    head = (f"POST /submit/support-request HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.1\r\n"
            f"Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", capped.port)) as slow:
        slow.sendall(head + body[:50_000])  # an upload in progress holds the one place
        time.sleep(0.5)
        r = httpx.post(capped.url + "/submit/support-request", data={**fields, "_step": "check"}, files=files,
                       headers={**JSON, "X-Forwarded-For": "192.0.2.2"}, timeout=30)
        bilingual(r, 503, as_json=True)
        assert r.headers["retry-after"] and r.json()["error"] == "busy"
    ok = httpx.post(capped.url + "/submit/support-request", data={**fields, "_step": "check"}, files=files,
                    headers={"X-Forwarded-For": "192.0.2.3"}, timeout=30)
    assert ok.status_code == 200, ok.text[:300]


def test_a_client_behind_a_trusted_proxy_cannot_choose_its_address(capped: Server) -> None:
    """The proxy (loopback here) appends the address it saw; what the client put before it is not believed:
    changing it every time does not give a fresh rate-limit bucket (6 a minute: a burst of 2)."""
    codes = []
    for i in range(4):
        r = httpx.post(capped.url + "/submit/support-request", data={"_step": "check"},
                       headers={"X-Forwarded-For": f"10.9.9.{i}, 203.0.113.77"}, timeout=30)
        codes.append(r.status_code)
    assert codes[:2] == [422, 422] and codes[-1] == 429, codes
    other = httpx.post(capped.url + "/submit/support-request", data={"_step": "check"},
                       headers={"X-Forwarded-For": "203.0.113.78"}, timeout=30)
    assert other.status_code == 422, "another client is another bucket"


def test_concurrent_duplicates_across_two_server_processes(tmp_path: Path) -> None:
    """Eight submissions from one applicant at the same moment, to two server processes on one repository:
    each is written after the ones before it are visible to it, so exactly one is not flagged and the n-th
    names the n-1 before it."""
    repo = make_association_repo(tmp_path, "ajaa")
    nid = luhn_id(930)
    with running_intake(repo, repo, None) as one, \
            running_intake(repo, repo, repo.parent / "built-site") as two:
        results: list[httpx.Response] = []
        gate = threading.Barrier(8)

        def send(i: int) -> None:
            fields, files = valid_post("ajaa", national_id=nid, seed=930 + i)
            server = one if i % 2 else two
            gate.wait()
            results.append(httpx.post(server.url + "/submit/support-request", data=fields, files=files,
                                      headers=JSON, timeout=60))

        threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [r.status_code for r in results] == [201] * 8, [r.text[:200] for r in results]
    dups = []
    for r in results:
        rid = r.json()["id"]
        path = git(repo, "diff-tree", "--no-commit-id", "-r", "--name-only", f"submission/{rid}").strip()
        rec = parse_record(git(repo, "show", f"submission/{rid}:{path}"))
        dups.append(len(rec["duplicate_of"]))
        assert bool(rec["flags"]) == bool(rec["duplicate_of"])
    assert sorted(dups) == list(range(8)), dups


def test_memory_per_request_does_not_grow_with_the_documents(short: Server) -> None:
    """Three ~45 MB multipart posts at once (nine 5 MB documents each, just under the 51 MB limit): the
    documents are streamed to disk, so the server's peak memory grows by a few MB, not by 135 MB (before:
    three such posts took it from 54 MB to 443 MB)."""
    assert short.proc is not None
    status = Path(f"/proc/{short.proc.pid}/status")

    def peak_mb() -> float:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read_text()).group(1)) / 1024  # type: ignore[union-attr]

    doc = b"%PDF-1.4\n" + b"x" * 4_900_000
    names = ["id_copy", "family_record", "income_proof", "income_proof", "income_proof", "lease", "status_deed",
             "medical_report", "medical_report"]
    body = multipart([("_lang", None, b"ar"), ("_step", None, b"check")]
                     + [(n, f"{n}-{i}.pdf", doc) for i, n in enumerate(names)])
    before = peak_mb()
    codes: list[int] = []

    def send() -> None:
        r = httpx.post(short.url + "/submit/support-request", content=body, timeout=60,
                       headers={"content-type": "multipart/form-data; boundary=b0undary"})
        codes.append(r.status_code)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [422] * 3, codes  # read whole, answered with the form's problems
    grown = peak_mb() - before
    assert grown < 40, f"peak memory grew by {grown:.0f} MB for 3 × {len(body) / 1e6:.0f} MB of documents"
    assert spool_emptied(short), "the spooled documents are removed after the answer"


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
def test_an_oversize_upload_gets_its_answer(short: Server, declared: bool) -> None:
    """Past the 51 MB limit, declared (Content-Length) or found while streaming (chunked): the 413 is sent and
    the rest of the body is read and dropped, so the client gets the bilingual answer rather than a reset."""
    part = b'--b0undary\r\nContent-Disposition: form-data; name="id_copy"; filename="a.pdf"\r\n\r\n%PDF-'
    body = part + b"x" * 55_000_000 + b"\r\n--b0undary--\r\n"
    headers = {"content-type": "multipart/form-data; boundary=b0undary", **JSON}

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(body), 1 << 20):
            yield body[i:i + (1 << 20)]

    r = httpx.post(short.url + "/submit/support-request", content=body if declared else chunks(), headers=headers,
                   timeout=60)
    bilingual(r, 413, as_json=True)
    assert r.json()["error"] == "too_large"
