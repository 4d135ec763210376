"""The history benchmarks/audit.py audits: requests taken exactly the way the tools take them, signed as they sign.

For each request, in time order across all requests (main moves as decisions are merged): received on its own
branch from main's tip of the moment (actor web, signed by the intake key), verified (staff), one vote per quorum
member (`Mustafid-Vote`, `Mustafid-State` = the blob id of the record voted on; the record gains a `votes` entry),
approved (the decision block, members = the voters) and merged into main (review/trailers.merge_message, signed by
the chair). The records are real ones (records.format.make_record on the answers of an example record, written
by dump_record) and each version is what review/actions.py would write, so lifecycle.check_transition passes.

Git 2.39's fast-import cannot write gpgsig headers: the unsigned history is built with one `git fast-import`
(streamed), then rewritten signed in one pass: every commit read back through one `git cat-file --batch`, its
parents mapped to their rewritten ids, signed in process (store/sshsig.sign_commit: git's own format) and
written as one pack piped into `git index-pack --stdin`; then the refs are moved in one `git update-ref --stdin`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mustafid.audit.objects import read_objects
from mustafid.core.vocab import RIYADH
from mustafid.core.yamlio import load_fast
from mustafid.forms.load import load_forms
from mustafid.records.format import dump_record, make_record, new_record_id, record_path
from mustafid.review.trailers import merge_message, message, vote_message
from mustafid.store.sshsig import Signer, sign_commit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests/examples/valid/ajaa/submissions/support-request/2026/05/A1DH-2769.yml"
IDENTITY = "Mustafid <mustafid@ajaa.invalid>"
START = dt.datetime(2026, 1, 1, 9, 0, tzinfo=RIYADH)


def keygen(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return " ".join(path.with_name(path.name + ".pub").read_text().split()[:2])


def roster(source: Path, keys: dict[str, Path] | None) -> str:
    """association.yml as given, or with a key for every committee member, staff member and the intake."""
    text = source.read_text(encoding="utf-8")
    if keys is None:
        return text
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    doc = yaml.load(text)
    for person in [*doc["committee"]["members"], *doc["staff"]]:
        keys[person["id"]] = keys["intake"].with_name(person["id"])
        person["keys"] = [{"ssh": keygen(keys[person["id"]]), "valid_after": "2025-01-01"}]
    doc["intake"] = {"keys": [{"ssh": keygen(keys["intake"]), "valid_after": "2025-01-01"}]}
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Request:
    rid: str
    path: str
    times: list[dt.datetime]      # receive, verify, each vote, approve, merge
    record: dict[str, Any] = field(default_factory=dict)
    tip: int = 0                  # mark of the branch's tip
    blob: int = 0                 # mark of the record's last version
    state: str = ""               # blob id of the record's last version


class Stream:
    """The fast-import stream, written to every importer as it is made; remembers who signs each commit."""

    def __init__(self, sinks: list[IO[bytes]]) -> None:
        self.sinks, self.mark = sinks, 0
        self.commits: list[tuple[int, str]] = []  # (mark, roster id of the signer), in the order written
        self.pending: list[bytes] = []

    def write(self, *parts: bytes) -> None:
        self.pending.extend(parts)
        if len(self.pending) > 2048:
            self.flush()

    def flush(self) -> None:
        chunk = b"".join(self.pending)
        self.pending.clear()
        for s in self.sinks:
            s.write(chunk)

    def blob(self, data: bytes) -> int:
        self.mark += 1
        self.write(b"blob\nmark :%d\ndata %d\n" % (self.mark, len(data)), data, b"\n")
        return self.mark

    def commit(self, ref: str, when: dt.datetime, msg: str, parents: list[int], files: dict[str, int],
               signer: str) -> int:
        self.mark += 1
        stamp = f"{int(when.timestamp())} +0300"
        body = msg.encode()
        self.write(f"commit {ref}\nmark :{self.mark}\nauthor {IDENTITY} {stamp}\ncommitter {IDENTITY} {stamp}\n"
                   f"data {len(body)}\n".encode(), body, b"\n")
        for i, p in enumerate(parents):
            self.write(b"%s :%d\n" % (b"from" if i == 0 else b"merge", p))
        for path, mark in files.items():
            self.write(f"M 100644 :{mark} {path}\n".encode())
        self.commits.append((self.mark, signer))
        return self.mark


def schedule(count: int, quorum: int, seed: int = 3) -> Iterator[tuple[dt.datetime, int, int, Request]]:
    """(time, request number, step, request) for every step of every request, in time order."""
    rng = random.Random(seed)
    ids: set[str] = set()
    events = []
    for i in range(count):
        rid = new_record_id()
        while rid in ids:
            rid = new_record_id()
        ids.add(rid)
        when = START + dt.timedelta(minutes=7 * i)
        verified = when + dt.timedelta(hours=5)
        votes = [verified + dt.timedelta(hours=1 + k) for k in range(quorum)]
        decided = when + dt.timedelta(days=rng.randint(1, 40))
        req = Request(rid, record_path("support-request", when, rid), [when, verified, *votes, decided, decided])
        events += [(t, i, step, req) for step, t in enumerate(req.times)]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    yield from events


def first_commit(config: str) -> bytes:
    """Main's first commit (mark 1): the association's config, an hour before the first request."""
    data, msg = config.encode(), b"association\n"
    stamp = f"{int((START - dt.timedelta(hours=1)).timestamp())} +0300"
    return (b"commit refs/heads/main\nmark :1\n" + f"author {IDENTITY} {stamp}\ncommitter {IDENTITY} {stamp}\n".encode()
            + b"data %d\n%s\nM 100644 inline association.yml\ndata %d\n%s\n" % (len(msg), msg, len(data), data))


def generate(assoc: Any, count: int, sinks: list[tuple[IO[bytes], str]]) -> Stream:
    """Every request's commits, streamed to each importer after its own first commit (the config given)."""
    template = load_fast(EXAMPLE.read_text(encoding="utf-8"))
    form = load_forms(assoc)["support-request"]
    staff, chair = assoc.staff[0].id, assoc.committee[0].id
    voters = [p.id for p in assoc.committee[:assoc.committee_quorum]]
    for sink, config in sinks:
        sink.write(first_commit(config))
    s = Stream([sink for sink, _c in sinks])
    s.mark, main = 1, 1
    s.commits.append((1, staff))  # the roster's commit, signed by a staff member (the admin's, as git signs it)
    branch = "refs/heads/submission/"

    def put(req: Request, record: dict[str, Any], when: dt.datetime, msg: str, actor: str) -> None:
        data = dump_record(record, path=req.path).encode()
        req.blob = s.blob(data)
        req.tip = s.commit(branch + req.rid, when, msg, [req.tip or main], {req.path: req.blob}, actor)
        req.record, req.state = record, blob_id(data)

    for when, _i, step, req in schedule(count, len(voters)):
        at = when.isoformat()
        before = req.record
        if step == 0:
            rec = make_record(form, template["data"], association=assoc.id, channel="web",
                              documents=template["documents"], record_id=req.rid, submitted_at=when)
            put(req, rec, when, message("Receive", rec, None, "web"), "intake")
        elif step == 1:
            rec = before | {"status": "verified", "verification": {"by": staff, "at": at, "note": ""}}
            put(req, rec, when, message("Verify", rec, "received", staff), staff)
        elif step < 2 + len(voters):
            member = voters[step - 2]
            rec = dict(before)  # what changes is a new list; the rest is never modified (dump_record only reads)
            rec["votes"] = [*(before.get("votes") or []),
                            {"by": member, "at": at, "outcome": "approved", "reason": "meets the criteria"}]
            put(req, rec, when, vote_message(rec, member, "approved", req.state), member)
        elif step == 2 + len(voters):
            rec = before | {"status": "approved"}
            rec["decision"] = {"outcome": "approved", "reason": "meets the criteria", "members": list(voters),
                               "meeting": f"{when:%Y-%m}/1", "at": at, "by": chair}
            put(req, rec, when, message("Approve", rec, "verified", chair, rec["decision"]), chair)
        else:
            msg = message("Approve", before, "verified", chair, before["decision"])
            main = s.commit("refs/heads/main", when, merge_message("Approve", msg), [main, req.tip],
                            {req.path: req.blob}, chair)
            req.record = {}  # done: its memory goes
    s.flush()
    return s


def marks(path: Path) -> dict[int, str]:
    out = {}
    for line in path.read_text().splitlines():
        m, sha = line.split()
        out[int(m[1:])] = sha
    return out


def _pack_header(kind: int, size: int) -> bytes:
    byte = (kind << 4) | (size & 15)
    size >>= 4
    out = bytearray()
    while size:
        out.append(byte | 0x80)
        byte, size = size & 0x7F, size >> 7
    out.append(byte)
    return bytes(out)


def sign_history(draft: Path, repo: Path, stream: Stream, old: dict[int, str], signers: dict[str, Signer],
                 config: str) -> int:
    """Every commit of ``stream`` (in ``draft``, whose objects ``repo`` shares) made again in ``repo`` with
    ``config`` as its association.yml (a new root tree: the folders below are the draft's) and signed by its
    actor's key; the draft's refs created in ``repo`` on the new commits. The commits written, as one pack."""
    data = config.encode()
    blob = blob_id(data)
    order = [old[m] for m, _who in stream.commits]
    new: dict[str, str] = {}
    pack = subprocess.Popen(["git", "-C", str(repo), "index-pack", "--stdin"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    assert pack.stdin is not None
    digest = hashlib.sha1()

    def out(kind: int, body: bytes) -> None:
        assert pack.stdin is not None
        chunk = _pack_header(kind, len(body)) + zlib.compress(body, 1)
        digest.update(chunk)
        pack.stdin.write(chunk)

    header = b"PACK" + (2).to_bytes(4, "big") + (1 + 2 * len(order)).to_bytes(4, "big")
    digest.update(header)
    pack.stdin.write(header)
    out(3, data)
    names = [name for sha in order for name in (sha, sha + "^{tree}")]  # each commit, then its root tree
    objects = read_objects(repo, names)
    swap: tuple[bytes, bytes] | None = None
    for (sha, raw), (_t, drafted), (_m, who) in zip(objects, objects, stream.commits, strict=False):
        assert raw is not None and drafted is not None, sha
        if swap is None:  # the draft's association.yml, as its first root tree names it
            at = drafted.index(b" association.yml\0") + len(b" association.yml\0")
            swap = (b" association.yml\0" + drafted[at:at + 20], b" association.yml\0" + bytes.fromhex(blob))
        tree = drafted.replace(*swap)
        tree_id = hashlib.sha1(b"tree %d\0" % len(tree) + tree).hexdigest()
        out(2, tree)
        head, sep, msg = raw.partition(b"\n\n")
        lines = [b"tree " + tree_id.encode() if line.startswith(b"tree ") else
                 b"parent " + new[line[7:].decode()].encode() if line.startswith(b"parent ") else line
                 for line in head.split(b"\n")]
        body = sign_commit(b"\n".join(lines) + sep + msg, signers[who])
        new[sha] = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        out(1, body)
    pack.stdin.write(digest.digest())
    pack.stdin.close()
    if pack.wait() != 0 or len(new) != len(order):
        raise SystemExit("git index-pack failed")
    refs = subprocess.run(["git", "-C", str(draft), "for-each-ref", "--format=%(objectname) %(refname)"],
                          capture_output=True, text=True, check=True).stdout.split("\n")
    moves = "".join(f"create {ref} {new[sha]}\n" for sha, _s, ref in (r.partition(" ") for r in refs if r))
    subprocess.run(["git", "-C", str(repo), "update-ref", "--stdin"], input=moves.encode(), check=True)
    return len(order)
