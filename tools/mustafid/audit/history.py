"""The history the audit reads: every commit reachable from main and the review branches, parents first, from
one `git log` read as it streams, each with its trailers (review/trailers.py) and the record files it touched
(with the blob ids before and after, `--raw`; a merge's against its first parent: what it brought to main).
The blobs themselves are read in one batch afterwards (audit/objects.py), never one process per record."""

from __future__ import annotations

import codecs
import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

from mustafid.audit.objects import widen
from mustafid.core.errors import UserError
from mustafid.review import trailers
from mustafid.review.forges.local import LocalForge

_RS, _US = "\x1e", "\x1f"  # record and unit separators: never in a commit's subject, trailers or paths
_FORMAT = f"{_RS}%H{_US}%P{_US}%aI{_US}%cI{_US}%s{_US}%(trailers:only=true,unfold=true){_US}"
ZERO = "0" * 40


@dataclass
class Commit:
    sha: str
    parents: list[str]
    at: dt.datetime
    trailers: dict[str, str]        # by lower-case name without "Mustafid-" (trailers.parse)
    touched: list[tuple[str, str]]  # (git status letter, path) of the records under submissions/
    # what signatures and the roster are judged by: the committer date, never earlier than a parent's (a commit
    # backdated below its parents, or below the first roster that signs, is judged as of its parents' date)
    committed: dt.datetime | None = None
    blobs: dict[str, tuple[str, str]] | None = None  # path -> (blob before, blob after), ZERO when absent
    trailer_text: str = ""  # the trailer block as git gave it (audit/claims.py checks it)
    claimed: int = 0        # its lines that name a Mustafid- trailer (more than len(trailers): a name twice)


def commits(forge: LocalForge, revs: list[str]) -> Iterator[Commit]:
    """Every commit reachable from ``revs``, parents first, read from one `git log` as it streams."""
    # the heads on stdin: a hundred thousand review branches would not fit on a command line
    proc = subprocess.Popen(["git", "-C", str(forge.repo), "log", "--reverse", "--topo-order", f"--format={_FORMAT}",
                             "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent", "--stdin", "--"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out, stdin = proc.stdout, proc.stdin
    assert out is not None and stdin is not None
    widen(out)  # git runs up to a thousand commits ahead of the walk instead of a hundred
    stdin.write("".join(f"{r}\n" for r in revs).encode())  # git reads them all before it writes anything
    stdin.close()
    buf, complete = "", False
    judged: dict[str, dt.datetime] = {}
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode  # a character may straddle two reads
    try:
        for chunk in iter(lambda: out.read(1 << 16), b""):
            buf += decode(chunk)
            *whole, buf = buf.split(_RS)
            for part in whole:
                if part:
                    yield _clamped(_commit(part), judged)
        buf += decode(b"", final=True)
        if buf:
            yield _clamped(_commit(buf), judged)
        complete = True
    finally:
        out.close()
        if proc.wait() != 0 and complete:  # (a reader that stopped early closed the pipe: git's failure is ours)
            raise UserError("تعذرت قراءة تاريخ git: تأكد أن --repo يشير إلى مستودع السجلات",
                            "git log failed: is --repo the records repository?")


def _clamped(c: Commit, judged: dict[str, dt.datetime]) -> Commit:
    """The commit with its judged date no earlier than its parents' (walked before it: --topo-order)."""
    when = c.committed or c.at
    for p in c.parents:
        if p in judged and judged[p] > when:
            when = judged[p]
    judged[c.sha] = c.committed = when
    return c


def _commit(part: str) -> Commit:
    sha, parents, at, committed, subject, trailer_lines, files = ([*part.split(_US), *[""] * 7])[:7]
    shas = parents.split()
    touched, blobs = [], {}
    for line in files.splitlines():
        meta, _, path = line.partition("\t")
        if path.startswith("submissions/") and path.endswith(".yml"):
            fields = meta.split()  # :old-mode new-mode old-blob new-blob status
            if len(fields) < 5:
                continue
            touched.append((fields[4][:1], path))
            blobs[path] = (fields[2], fields[3])
    claimed = trailer_lines.count("\n" + trailers.PREFIX) + trailer_lines.startswith(trailers.PREFIX)
    return Commit(sha, shas, dt.datetime.fromisoformat(at), trailers.parse(trailer_lines, subject, len(shas) > 1),
                  touched, dt.datetime.fromisoformat(committed), blobs, trailer_lines, claimed)


def stem(path: str) -> str:
    """A record's id from its path (`PurePosixPath(path).stem` of the .yml paths walked, without its cost)."""
    name = path[path.rfind("/") + 1:]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name  # pathlib's own rule


def heads(forge: LocalForge) -> list[str]:
    """main, and every review branch: local ones (the local forge) and fetched ones (a clone of the GitHub
    repository: `git fetch` brings them as origin/submission/...)."""
    return sorted(set(forge.git("for-each-ref", "--format=%(refname)", f"refs/heads/{forge.main}",
                                "refs/heads/submission/", "refs/remotes/*/submission/*").decode().split()))
