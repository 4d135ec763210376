"""`mustafid audit` over a history of 10,000 requests, against reading each record's history on its own.

    .venv/bin/python benchmarks/audit.py [--count 10000] [--sample 40]      (KEEP=1 keeps the repository)

Generates, with `git fast-import`, a repository where every request went the way the tools take it: received on
its branch, verified, approved by the committee, merged into main (40,000 commits, the trailers as
review/trailers.py writes them). Times the full CLI (`mustafid audit --format json`, process start included) and, as
the baseline, what a tool without the trailers' single stream would do: `git log -p main -- <record>` for each record
(commit-graph with Bloom filters written first) (one process per record), measured on a random sample of records in
the same run and scaled to all of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT)]

from mustafid.config.association import load_association  # noqa: E402
from mustafid.records.format import new_record_id, record_path  # noqa: E402


def generate(repo: Path, count: int, assoc: object) -> list[str]:
    chair = assoc.committee[0].id  # type: ignore[attr-defined]
    members = ", ".join(p.id for p in assoc.committee[: assoc.committee_quorum])  # type: ignore[attr-defined]
    start = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    out: list[bytes] = []
    paths = []

    def data(text: str) -> None:
        b = text.encode()
        out.append(f"data {len(b)}\n".encode() + b + b"\n")

    def commit(ref: str, mark: int, when: dt.datetime, message: str, parents: list[str], path: str,
               content: str) -> None:
        out.append(f"commit {ref}\nmark :{mark}\n".encode())
        stamp = f"{int(when.timestamp())} +0300"
        out.append(f"author Mustafid <m@x.invalid> {stamp}\ncommitter Mustafid <m@x.invalid> {stamp}\n".encode())
        data(message)
        for i, p in enumerate(parents):
            out.append(f"{'from' if i == 0 else 'merge'} {p}\n".encode())
        out.append(f"M 100644 inline {path}\n".encode())
        data(content)

    # main starts with the association's config, as a real records repository does.
    commit("refs/heads/main", 1, start, "association", [], "association.yml",
           (ROOT / "association.yml").read_text(encoding="utf-8"))
    mark, main = 2, 1
    rng = random.Random(3)
    for i in range(count):
        rid = new_record_id()
        when = start + dt.timedelta(minutes=7 * i)
        path = record_path("support-request", when.isoformat(), rid)
        paths.append(path)
        ref = f"refs/heads/submission/{rid}"

        def msg(verb: str, status: str, before: str | None, actor: str, extra: str = "", rid: str = rid) -> str:
            return (f"{verb} {rid} (support-request)\n\nMustafid-Record: {rid}\nMustafid-Form: support-request\n"
                    f"Mustafid-Status: {status}\n" + (f"Mustafid-From: {before}\n" if before else "") +
                    f"Mustafid-Actor: {actor}\nMustafid-Channel: web\n{extra}")
        decided = when + dt.timedelta(days=rng.randint(1, 40))
        steps = [("Receive", "received", None, "web", "", when),
                 ("Verify", "verified", "received", "staff.officer", "", when + dt.timedelta(hours=5)),
                 ("Approve", "approved", "verified", chair,
                  f"Mustafid-Decision: approved\nMustafid-Members: {members}\nMustafid-Meeting: 2026/1\n", decided)]
        prev = [f":{main}"]
        for verb, status, before, actor, extra, at in steps:
            commit(ref, mark, at, msg(verb, status, before, actor, extra), prev, path,
                   f"id: \"{rid}\"\nstatus: \"{status}\"\n")
            prev, mark = [f":{mark}"], mark + 1
        merge_parents = [f":{main}", *prev]
        commit("refs/heads/main", mark, decided, msg("Merge approve", "approved", "verified", chair), merge_parents,
               path, f"id: \"{rid}\"\nstatus: \"approved\"\n")
        main, mark = mark, mark + 1
    subprocess.run(["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(out), check=True)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=40)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mustafid-audit-"))
    try:
        repo = tmp / "repo"
        repo.mkdir()
        shutil.copy2(ROOT / "association.yml", repo / "association.yml")
        shutil.copytree(ROOT / "forms", repo / "forms")
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        assoc = load_association(repo)
        t = time.perf_counter()
        paths = generate(repo, args.count, assoc)
        commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--all", "--count"], capture_output=True,
                                 text=True, check=True).stdout.strip()
        # Bloom filters for changed paths (the design brief: a record's `git log -- PATH` 82 ms -> 9 ms): the
        # fairest baseline; the audit does not need them.
        subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable", "--changed-paths"], check=True,
                       capture_output=True)
        print(f"generated {args.count} requests, {commits} commits in {time.perf_counter() - t:.1f} s")
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            proc = subprocess.run([str(Path(sys.executable).parent / "mustafid"), "audit", "--association", str(repo),
                                   "--repo", str(repo), "--format", "json"], capture_output=True, text=True,
                                  check=False)
            runs.append(time.perf_counter() - t)
            report = json.loads(proc.stdout)
        ours = min(runs)
        f = report["figures"]
        assert f["requests"] == args.count and f["decided"] == args.count and f["anomalies"] == 0, \
            report["anomalies"][:5]
        print(f"mustafid audit:       {ours:6.2f} s  {args.count / ours:8.0f} requests/s  best of 3 "
              f"(kept {f['kept']}, late {f['late']})")
        sample = random.Random(5).sample(paths, min(args.sample, len(paths)))
        t = time.perf_counter()
        for p in sample:
            subprocess.run(["git", "-C", str(repo), "log", "-p", "--format=%H %aI%n%B", "main", "--", p],
                           capture_output=True, check=True, env={**os.environ, "GIT_PAGER": "cat"})
        per = (time.perf_counter() - t) / len(sample)
        theirs = per * args.count
        print(f"git log per record:   {theirs:6.2f} s  (measured on {len(sample)} records: {per * 1000:.1f} ms each, "
              f"scaled to {args.count})")
        print(f"ratio: one streamed log is {theirs / ours:.0f}x faster than a history read per record")
        return 0
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(tmp)


if __name__ == "__main__":
    sys.exit(main())
