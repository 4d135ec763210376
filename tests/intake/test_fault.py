"""Concurrency and a crash: 50 clients send 2,000 submissions while the server is SIGKILLed and restarted once.

What must hold: every submission that got a success answer has its branch with one commit adding one valid
record; no branch holds a partial or invalid record; `git fsck --strict` is clean. The counts are printed and
written to test-artifacts/intake-fault.json.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.records.check import check_file
from tests.helpers import ROOT, make_association_repo
from tests.intake.util import git, luhn_id, valid_post
from tests.intake_server import Server, running_intake

CLIENTS = 50
TOTAL = 2000
KILL_AFTER = 700  # successes before the SIGKILL


@dataclass
class Storm:
    acked: dict[int, str] = field(default_factory=dict)     # post -> the reference its success answer gave
    failed: dict[int, str] = field(default_factory=dict)
    refused: dict[int, int] = field(default_factory=dict)
    unanswered: list[int] = field(default_factory=list)     # attempts that got no answer (the crash)
    seconds: float = 0.0


def storm(server: Server, posts: list[tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]], clients: int,
          kill_after: int) -> Storm:
    """`clients` threads send every post (again and again until answered) while the server is SIGKILLed after
    `kill_after` successes and started again."""
    lock = threading.Lock()
    next_i = 0
    got = Storm()
    restarted = threading.Event()

    def client() -> None:
        nonlocal next_i
        with httpx.Client(timeout=30) as http:
            while True:
                with lock:
                    if next_i >= len(posts):
                        return
                    i = next_i
                    next_i += 1
                fields, files = posts[i]
                for _attempt in range(400):  # like a person pressing "send" again, until an answer comes
                    try:
                        r = http.post(server.url + "/submit/support-request", data=fields, files=files)
                        break
                    except httpx.HTTPError:
                        with lock:  # no answer: not acknowledged (it may or may not have been written)
                            got.unanswered.append(i)
                        time.sleep(0.025)
                else:
                    got.failed[i] = "no answer"
                    continue
                if r.status_code == 303:
                    got.acked[i] = r.headers["location"].rsplit("=", 1)[1]
                else:
                    got.refused[i] = r.status_code

    def killer() -> None:
        while len(got.acked) < kill_after:
            time.sleep(0.005)
        server.kill()
        time.sleep(0.3)
        server.start()
        restarted.set()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    k = threading.Thread(target=killer)
    k.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    k.join()
    got.seconds = time.perf_counter() - started
    assert restarted.is_set()
    return got


@pytest.mark.slow
@pytest.mark.xdist_group("heavy")
def test_fifty_clients_two_thousand_submissions_and_a_sigkill(tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path, "ajaa")
    posts = [valid_post("ajaa", national_id=luhn_id(10_000 + i), seed=i) for i in range(TOTAL)]
    with running_intake(repo, repo, None) as server:
        got = storm(server, posts, CLIENTS, KILL_AFTER)
    acked, failed, refused, unanswered, elapsed = got.acked, got.failed, got.refused, got.unanswered, got.seconds

    listed = git(repo, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/submission/")
    branches = dict(line.split(" ", 1) for line in listed.splitlines())
    # Every acknowledged submission is there, exactly once.
    missing = [rid for rid in acked.values() if f"submission/{rid}" not in branches]
    assert missing == []
    assert len(set(acked.values())) == len(acked)
    # Every branch (acknowledged or written just before the kill) holds one commit adding one valid record.
    assoc = load_association(repo)
    forms = load_forms(assoc)
    out = tmp_path / "check"
    listing = git(repo, "log", "--no-walk=unsorted", "--format=%x00%H %P", "--name-status", *branches.values())
    main = git(repo, "rev-parse", "main").strip()
    bad = []
    for chunk in listing.split("\0")[1:]:
        head, *changes = [x for x in chunk.splitlines() if x]
        sha, *parents = head.split()
        if parents != [main] or len(changes) != 1 or not changes[0].startswith("A\t"):
            bad.append((sha, parents, changes))
            continue
        path = changes[0].split("\t", 1)[1]
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(subprocess.run(["git", "-C", str(repo), "cat-file", "blob", f"{sha}:{path}"],
                                          capture_output=True, check=True).stdout)
        problems = check_file(target, forms, assoc.id)
        if problems:
            bad.append((sha, path, [p.en for p in problems]))
    assert bad == []
    fsck = subprocess.run(["git", "-C", str(repo), "fsck", "--strict", "--no-dangling"], capture_output=True, text=True,
                          check=False)
    assert fsck.returncode == 0 and not fsck.stdout.strip(), fsck.stdout + fsck.stderr

    report = {"clients": CLIENTS, "sent": TOTAL, "acknowledged": len(acked), "attempts_without_answer": len(unanswered),
              "given_up": len(failed),
              "refused": len(refused), "branches": len(branches),
              "written_not_acknowledged": len(branches) - len(acked), "seconds": round(elapsed, 1)}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "intake-fault.json").write_text(json.dumps(report, indent=1))
    print("\nintake fault test:", json.dumps(report))
    assert refused == {}, "no valid submission may be refused"
    assert len(acked) == TOTAL and failed == {} and unanswered, "all acknowledged in the end, some after the crash"
    assert len(branches) >= len(acked)


@pytest.mark.slow
@pytest.mark.xdist_group("heavy")
def test_in_a_clone_every_acknowledged_request_is_pushed_or_queued_then_pushed(tmp_path: Path) -> None:
    """The same crash in a clone of the team's records repository: every acknowledged request is on the shared
    remote or kept on its local branch; the restarted server's sweep then sends the kept ones."""
    from mustafid.store.init import init_records_repo
    from tests.helpers import EXAMPLES

    bare = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    init_records_repo(tmp_path / "first", EXAMPLES["ajaa"], remote_url=str(bare))
    clone = tmp_path / "intake"
    subprocess.run(["git", "clone", "-q", str(bare), str(clone)], check=True)
    posts = [valid_post("ajaa", national_id=luhn_id(40_000 + i), seed=i) for i in range(300)]
    with running_intake(clone, clone, None) as server:
        got = storm(server, posts, 16, 100)
        assert got.refused == {} and got.failed == {} and len(got.acked) == len(posts)
        local = set(git(clone, "for-each-ref", "--format=%(refname)", "refs/heads/submission/").split())
        shared = set(git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/submission/").split())
        for rid in got.acked.values():  # pushed, or queued (its local branch)
            assert f"refs/heads/submission/{rid}" in local | shared
        deadline = time.monotonic() + 60  # the restarted server's sweep sends what the killed one kept
        while time.monotonic() < deadline and not local <= shared:
            time.sleep(0.2)
            shared = set(git(bare, "for-each-ref", "--format=%(refname)", "refs/heads/submission/").split())
    assert local <= shared, sorted(local - shared)[:5]
    for rid in got.acked.values():
        assert git(bare, "rev-parse", f"refs/heads/submission/{rid}").strip() == \
            git(clone, "rev-parse", f"refs/heads/submission/{rid}").strip()
    fsck = subprocess.run(["git", "-C", str(bare), "fsck", "--strict", "--no-dangling"], capture_output=True,
                          text=True, check=False)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
