"""Intake throughput and latency, end to end, against the raw floor measured in the same run.

End to end: `mustafid serve` (uvicorn, real sockets on 127.0.0.1) takes N valid support requests (multipart,
with their two or more PDF documents) from C concurrent keep-alive clients; each one is validated,
its documents stored, its record written as one fsync'd commit on a new branch by compare-and-swap, and
answered 303 with its reference. Clients are a light asyncio loop sending pre-encoded requests, so the
client's own cost stays small next to the server's (both share this machine's cores).

Floors, the same records written directly with no HTTP and no validation, one writer:
- gitstore: GitStore.create_submission (what the server uses: Python-written objects + update-ref)
- git plumbing: hash-object, mktree ×5, commit-tree, update-ref as separate git processes

Encryption (issue 14): the same load again on an association that seals personal answers (records/sealing.py:
each request's keys drawn, its documents and sealed answers encrypted, the keys wrapped with age to five
recipients into the vault, before the commit), and the ratio of the two (goal >= 0.8x, and >= 100/s).

Durability: what a request writes before its ref (its loose objects, documents and vault keys) is renamed into
place unsynced and flushed at once, one syncfs of the file system (store/durable.py), then the ref and the
receipt notice are fsync'd as before: 4 fsyncs and a syncfs a request where there were 30 (clear) and 32
(sealed, six documents) fsyncs (strace -c of the server).

Documents: a body's files are held in memory up to 1 MiB, then spooled (intake/web/multipart.py); each
request's documents have bytes of their own here (identical ones would be stored once in clear, six times
sealed).

Measuring here: all 32 clients come from 127.0.0.1, so the per-client cap on uploads received at once
(MUSTAFID_MAX_UPLOADS_PER_CLIENT, 4) is what runs at once. On the 2-core VM these figures come from, the root
file system is ext4 without a journal: its inode allocator skips, one by one, every inode deleted in the last
60 s (300 s while its inode-table block is dirty), so right after thousands of files were deleted (the previous
run's temporary repositories, other work's test clean-ups) each file created costs up to a millisecond of
system CPU and a request several. Leave a minute between runs (`sync; sleep 65`) and interleave what you compare.

Usage: python benchmarks/intake.py [--n 2000] [--clients 32] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.helpers import make_association_repo  # noqa: E402
from tests.intake.util import fake_pdf, luhn_id, valid_post  # noqa: E402
from tests.intake_server import running_intake  # noqa: E402


def encode(url: str, i: int) -> bytes:
    fields, files = valid_post("ajaa", national_id=luhn_id(20_000 + i), seed=i)
    # each document its own bytes, as an applicant's scans are: the same file six times would be stored once in
    # clear (the store keeps a content once) but six times sealed (each ciphertext is new), flattering clear
    files = [(f, (name, fake_pdf(i * 16 + j), kind)) for j, (f, (name, _same, kind)) in enumerate(files)]
    req = httpx.Request("POST", url + "/submit/support-request", data=fields, files=files)
    body = req.read()
    head = (f"POST /submit/support-request HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: {req.headers['content-type']}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    return head + body


async def client(port: int, queue: asyncio.Queue[bytes], lat: list[float], codes: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            try:
                req = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t = time.perf_counter()
            writer.write(req)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            lat.append(time.perf_counter() - t)
            codes.append(status)
    finally:
        writer.close()


async def drive(port: int, requests: list[bytes], clients: int) -> tuple[float, list[float], list[int]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    lat: list[float] = []
    codes: list[int] = []
    t = time.perf_counter()
    await asyncio.gather(*(client(port, queue, lat, codes) for _ in range(clients)))
    return time.perf_counter() - t, lat, codes


def records(n: int) -> list[tuple[str, str, bytes]]:
    """(id, path, YAML) of n records as the server would write them."""
    from mustafid.config.association import load_association
    from mustafid.forms.load import load_forms
    from mustafid.forms.validation import validate_input
    from mustafid.records.format import dump_record, make_record, record_path

    form = load_forms(load_association(ROOT))["support-request"]
    out = []
    for i in range(n):
        fields, _ = valid_post("ajaa", national_id=luhn_id(40_000 + i))
        data, _ = validate_input(form, fields, require_declaration=False)
        rec = make_record(form, data, association="ajaa")
        path = record_path(form.id, rec["submitted_at"], rec["id"])
        out.append((rec["id"], path, dump_record(rec, path).encode()))
    return out


def floor_gitstore(tmp: Path, recs: list[tuple[str, str, bytes]]) -> float:
    from mustafid.store.git import GitStore

    repo = make_association_repo(tmp, "ajaa")
    store = GitStore(repo)
    t = time.perf_counter()
    for rid, path, text in recs:
        store.create_submission(rid, {path: text}, f"Receive {rid}\n")
    return time.perf_counter() - t


def floor_plumbing(tmp: Path, recs: list[tuple[str, str, bytes]]) -> float:
    repo = make_association_repo(tmp, "ajaa")

    def git(*args: str, input: bytes | None = None) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True,
                              check=True).stdout.decode()

    main_tree = git("rev-parse", "main^{tree}").strip()
    main = git("rev-parse", "main").strip()
    root = git("ls-tree", main_tree)
    t = time.perf_counter()
    for rid, path, text in recs:
        parts = path.split("/")
        sha = git("hash-object", "-w", "--stdin", input=text).strip()
        entry = f"100644 blob {sha}\t{parts[-1]}\n"
        for name in reversed(parts[1:-1]):
            sha = git("mktree", input=entry.encode()).strip()
            entry = f"040000 tree {sha}\t{name}\n"
        sha = git("mktree", input=(root + entry).encode()).strip()
        commit = git("commit-tree", sha, "-p", main, "-m", f"Receive {rid}").strip()
        git("-c", "core.fsync=reference,objects", "update-ref", f"refs/heads/submission/{rid}", commit, "0" * 40)
    return time.perf_counter() - t


def sealing(repo: Path, recipients: int = 5) -> None:
    """association.yml with `encryption:` to `recipients` age keys (the roster's size here), committed."""
    import pyrage
    from ruamel.yaml import YAML

    yaml = YAML()
    doc = yaml.load((repo / "association.yml").read_text(encoding="utf-8"))
    doc["encryption"] = {"roster": False, "recipients": [
        {"id": f"member{i}", "key": str(pyrage.x25519.Identity.generate().to_public())} for i in range(recipients)]}
    with (repo / "association.yml").open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-am", "seal personal answers"], check=True)


def end_to_end(tmp: Path, args: argparse.Namespace, sealed: bool) -> tuple[float, list[float], list[int], int, Path]:
    repo = make_association_repo(tmp, "ajaa")
    subprocess.run(["git", "-C", str(repo), "config", "gc.auto", "0"], check=True)
    if sealed:
        sealing(repo)
    with running_intake(repo, repo, None, workers=args.workers) as server:
        requests = [encode(server.url, i) for i in range(args.n)]
        # warm up: the first requests load the forms and the tree cache
        asyncio.run(drive(server.port, [encode(server.url, 10_000_000 + i) for i in range(20)], 4))
        elapsed, lat, codes = asyncio.run(drive(server.port, requests, args.clients))
    branches = subprocess.run(["git", "-C", str(repo), "for-each-ref", "refs/heads/submission/"],
                              capture_output=True, text=True, check=False).stdout.count("\n")
    lat.sort()
    return elapsed, lat, codes, branches - 20, repo


def show(label: str, elapsed: float, lat: list[float], codes: list[int], branches: int,
         args: argparse.Namespace) -> float:
    ok = codes.count(303)
    rate = ok / elapsed
    print(f"intake end to end, {label}: {ok}/{len(codes)} accepted (303), {branches} branches, {args.clients} "
          f"clients, {args.workers} server process(es)")
    print(f"  {rate:8.1f} submissions/s   p50 {statistics.median(lat) * 1000:6.1f} ms   "
          f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:6.1f} ms   max {lat[-1] * 1000:6.1f} ms")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--workers", type=int, default=1)  # what `mustafid serve` runs by default
    args = ap.parse_args()
    os.environ.setdefault("GIT_AUTHOR_NAME", "bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@mustafid.invalid")
    os.environ.setdefault("GIT_COMMITTER_NAME", "bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@mustafid.invalid")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        clear = end_to_end(tmp / "e2e", args, sealed=False)
        sealed = end_to_end(tmp / "e2e-sealed", args, sealed=True)
        vault_files = len(list((sealed[4] / ".git" / "mustafid" / "vault" / "keys").glob("*.age")))
        recs = records(args.n)
        fl = floor_gitstore(tmp / "floor", recs)
        n_plumb = min(300, args.n)
        fp = floor_plumbing(tmp / "plumb", recs[:n_plumb])
    rate = show("personal answers in clear", *clear[:4], args)
    sealed_rate = show("personal answers sealed (5 recipients)", *sealed[:4], args)
    print(f"  vault: {vault_files} wrapped keys")
    floor_rate = len(recs) / fl
    print(f"floor, gitstore.create_submission, 1 writer: {floor_rate:8.1f} commits/s "
          f"({fl / len(recs) * 1000:.2f} ms a commit)")
    print(f"floor, git plumbing processes, 1 writer:     {n_plumb / fp:8.1f} commits/s "
          f"({fp / n_plumb * 1000:.2f} ms a commit)")
    print(f"ratio end to end / gitstore floor: {rate / floor_rate:.2f}x   (goal >= 0.5x; >= 100/s; p99 < 300 ms)")
    print(f"ratio sealed / clear, same run: {sealed_rate / rate:.2f}x   (goal >= 0.8x, and sealed >= 100/s)")


if __name__ == "__main__":
    main()
