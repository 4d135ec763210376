"""Each forgery of a signed history, made with plain git the way someone bypassing the tools would, is reported by
the audit as exactly what it is; the clean history the tools signed reports nothing.

The base history (built once per association with the real command and real ssh-keygen keys): request A
received (intake key), verified (staff key), voted by a quorum (each member's key), decided and merged (the
chair's key); request B received, still open. Each test copies it and forges one thing, mostly by remaking a
commit the tools wrote (so that what differs is only the forgery)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mustafid.audit.report import audit
from mustafid.config.association import load_association
from mustafid.core.period import riyadh_today
from mustafid.review.forges.local import LocalForge
from tests.cli.test_signing import keygen, mustafid, signed_submit, signing_repo
from tests.staff.util import STAFF

ASSOCIATIONS = ["ajaa", "kahatain"]


def git(repo: Path, *args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, input=input,
                          env={**os.environ, **(env or {})}).stdout.decode()


class Base:
    def __init__(self, repo: Path, keys: dict[str, Path], a: str, b: str) -> None:
        self.repo, self.keys, self.a, self.b = repo, keys, a, b
        self.assoc = load_association(repo)
        self.members = [p.id for p in self.assoc.committee]
        self.quorum = self.members[:self.assoc.committee_quorum]


@pytest.fixture(scope="module", params=ASSOCIATIONS)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Base:
    name: str = request.param
    tmp = tmp_path_factory.mktemp(f"forgeries-{name}")
    repo, keys = signing_repo(tmp, name)
    assoc = load_association(repo)
    quorum = [p.id for p in assoc.committee[:assoc.committee_quorum]]
    a, b = signed_submit(repo, name, keys), signed_submit(repo, name, keys)
    run(repo, "verify", a, actor=STAFF, key=keys[STAFF])
    for m in quorum:
        run(repo, "vote", a, "approve", "--reason", "meets the criteria", actor=m, key=keys[m])
    run(repo, "decide", a, "approve", "--reason", "meets the criteria", "--meeting", "2026-12/1", actor=quorum[0],
        key=keys[quorum[0]])
    return Base(repo, keys, a, b)


def run(repo: Path, *args: str, actor: str, key: Path) -> None:
    out = mustafid(repo, *args, actor=actor, key=key)
    assert out.returncode == 0, out.stderr


@pytest.fixture()
def copy(base: Base, tmp_path: Path) -> Base:
    repo = tmp_path / "repo"
    shutil.copytree(base.repo, repo, symlinks=True)
    return Base(repo, base.keys, base.a, base.b)


def findings(h: Base) -> set[tuple[str, str, str]]:
    report = audit(load_association(h.repo), LocalForge(h.repo))
    return {(a["record"], a["commit"], a["code"]) for a in report["anomalies"]}


def path_of(h: Base, ref: str, rid: str) -> str:
    return next(p for p in git(h.repo, "ls-tree", "-r", "--name-only", ref).splitlines() if p.endswith(f"/{rid}.yml"))


def record(h: Base, ref: str, rid: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(git(h.repo, "show", f"{ref}:{path_of(h, ref, rid)}"))
    return loaded


def dump(data: dict[str, Any]) -> bytes:
    import io

    out = io.StringIO()
    YAML().dump(data, out)
    return out.getvalue().encode()


def forge_commit(h: Base, ref: str, files: dict[str, bytes], message: str, key: Path | None = None,
                 when: dt.datetime | None = None, parents: list[str] | None = None) -> str:
    """One commit on `ref` with git plumbing (a temporary index), signed by git itself with `key` when given."""
    ref = ref if ref.startswith("refs/") else f"refs/heads/{ref}"
    env = {"GIT_INDEX_FILE": str(h.repo / ".git" / "forgery-index")}
    if when:
        env |= {"GIT_AUTHOR_DATE": when.isoformat(), "GIT_COMMITTER_DATE": when.isoformat()}
    parent = git(h.repo, "rev-parse", ref).strip()
    git(h.repo, "read-tree", parent, env=env)
    for path, content in files.items():
        blob = git(h.repo, "hash-object", "-w", "--stdin", input=content).strip()
        git(h.repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
    tree = git(h.repo, "write-tree", env=env).strip()
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
    args = [*sign, "commit-tree", tree, *(["-S"] if key else [])]
    for p in parents or [parent]:
        args += ["-p", p]
    sha = git(h.repo, *args, "-m", message, env=env).strip()
    git(h.repo, "update-ref", ref, sha, parent)
    return sha


def redo(h: Base, branch: str, key: Path | None = None, message: str | None = None, tree: str | None = None) -> str:
    """The branch's tip made again with plain git: the same tree, parents and message unless given, signed by
    git with `key` or not at all; the branch moved onto it (the tools' own commit is gone)."""
    tip = git(h.repo, "rev-parse", branch).strip()
    message = message if message is not None else git(h.repo, "log", "-1", "--format=%B", tip)
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
    sha = git(h.repo, *sign, "commit-tree", tree or f"{tip}^{{tree}}", "-p", f"{tip}^", *(["-S"] if key else []),
              "-m", message).strip()
    git(h.repo, "update-ref", f"refs/heads/{branch}", sha, tip)
    return sha


def verified(h: Base) -> str:
    """B verified by the staff member with the real command (signed): the commit a forgery then remakes."""
    run(h.repo, "verify", h.b, actor=STAFF, key=h.keys[STAFF])
    return f"submission/{h.b}"


def trailers(rid: str, status: str, was: str, actor: str, **more: str) -> str:
    extra = "".join(f"Mustafid-{k.capitalize()}: {v}\n" for k, v in more.items())
    return (f"Note {rid}\n\nMustafid-Record: {rid}\nMustafid-Form: support-request\nMustafid-Status: {status}\n"
            f"Mustafid-From: {was}\nMustafid-Actor: {actor}\nMustafid-Channel: web\n{extra}")


def note_on(h: Base, rid: str, text: str = "# note\n") -> tuple[str, dict[str, bytes]]:
    branch = f"submission/{rid}"
    path = path_of(h, branch, rid)
    return branch, {path: git(h.repo, "show", f"{branch}:{path}").encode() + text.encode()}


def test_the_clean_signed_history_reports_nothing(base: Base) -> None:
    assert findings(base) == set()
    out = mustafid(base.repo, "audit")
    assert out.returncode == 0, out.stdout[-2000:]


def test_a_forged_signature(copy: Base) -> None:
    """A commit object carrying another commit's signature (its content changed after signing)."""
    verified(copy)
    branch = f"submission/{copy.b}"
    raw = subprocess.run(["git", "-C", str(copy.repo), "cat-file", "commit", branch], capture_output=True,
                         check=True).stdout
    forged_raw = raw.replace(b"\nVerify ", b"\nVerified by hand ", 1)
    assert forged_raw != raw
    forged = git(copy.repo, "hash-object", "-t", "commit", "-w", "--stdin", input=forged_raw).strip()
    git(copy.repo, "update-ref", f"refs/heads/{branch}", forged)
    assert findings(copy) == {(copy.b, forged[:10], "bad-signature")}


def test_a_missing_signature(copy: Base) -> None:
    sha = redo(copy, verified(copy))
    assert findings(copy) == {(copy.b, sha[:10], "unsigned")}


def test_a_key_used_outside_its_validity(copy: Base) -> None:
    """A second key for the staff member, valid until yesterday, signs today: as if no roster entry had it."""
    old = copy.repo.parent / "old-key"
    public = keygen(old)
    yesterday = (riyadh_today() - dt.timedelta(days=1)).isoformat()
    roster_change(copy, lambda doc: next(p for p in doc["staff"] if p["id"] == STAFF)["keys"].append(
        {"ssh": public, "valid_after": "2026-01-01", "valid_before": yesterday}))
    refused = mustafid(copy.repo, "verify", copy.b, actor=STAFF, key=old)
    assert refused.returncode == 1 and "not on the roster" in refused.stderr
    sha = redo(copy, verified(copy), key=old)
    assert findings(copy) == {(copy.b, sha[:10], "unknown-signer")}


def roster_change(h: Base, edit: Any) -> str:
    """association.yml changed on main by a signed commit (the admin's), as a reviewed roster change lands."""
    yaml = YAML()
    path = h.repo / "association.yml"
    doc = yaml.load(git(h.repo, "show", "main:association.yml"))
    edit(doc)
    time.sleep(1.1)  # one-second dates: what came before is judged by the old roster
    git(h.repo, "checkout", "-q", "main")
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)
    git(h.repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={h.keys[STAFF]}", "commit", "-q", "-S", "-a",
        "-m", "roster change")
    time.sleep(1.1)  # one-second dates: what follows is judged by the new roster
    return git(h.repo, "rev-parse", "HEAD").strip()


def test_a_member_removed_since_is_judged_by_the_roster_of_the_date(copy: Base) -> None:
    """A's decision by a member since removed stays clean; that member's vote after removal is reported."""
    verified(copy)
    gone = copy.quorum[0]
    roster_change(copy, lambda doc: doc["committee"]["members"].remove(
        next(p for p in doc["committee"]["members"] if p["id"] == gone)))
    refused = mustafid(copy.repo, "vote", copy.b, "approve", "--reason", "x", actor=gone, key=copy.keys[gone])
    assert refused.returncode == 1
    branch, files = note_on(copy, copy.b)
    state = git(copy.repo, "rev-parse", f"{branch}:{next(iter(files))}").strip()
    sha = forge_commit(copy, branch, files, trailers(copy.b, "verified", "verified", gone, vote="approved",
                                                     state=state), key=copy.keys[gone])
    got = findings(copy)
    # the key is on no roster entry that day, and its actor is no roster id that day (so its trailers claim
    # nothing, and the change is untraced)
    assert got == {(copy.b, sha[:10], "unknown-signer"), (copy.b, sha[:10], "bad-trailer"),
                   (copy.b, sha[:10], "untraced-change")}, got
    assert not {f for f in got if f[0] == copy.a}


def test_a_newline_smuggled_trailer(copy: Base) -> None:
    """Refused by the tools (an actor or a meeting holding a line break, below); made by hand and signed by the
    staff member's own key, reported."""
    refused = mustafid(copy.repo, "verify", copy.b, actor=f"{STAFF}\nMustafid-Status: approved",
                       key=copy.keys[STAFF])
    assert refused.returncode == 1
    branch = verified(copy)
    written = git(copy.repo, "log", "-1", "--format=%B", branch).rstrip("\n")
    # a line break in a value: a second Status in the trailer block
    sha = redo(copy, branch, key=copy.keys[STAFF], message=written + "\nMustafid-Status: approved\n")
    # a trailer block the tools could not have written claims nothing: the record's change is untraced
    assert findings(copy) == {(copy.b, sha[:10], "bad-trailer"), (copy.b, sha[:10], "untraced-change")}
    # two line breaks: the tools' trailers pushed into the body, a block of the forger's own after them
    sha = redo(copy, branch, key=copy.keys[STAFF], message=written + "\n\nMustafid-Status: approved\n")
    assert findings(copy) == {(copy.b, sha[:10], "bad-trailer"), (copy.b, sha[:10], "untraced-change")}


def test_a_meeting_with_a_newline_is_refused_by_decide(copy: Base) -> None:
    verified(copy)
    b = copy.b
    for m in copy.quorum:
        run(copy.repo, "vote", b, "approve", "--reason", "ok", actor=m, key=copy.keys[m])
    out = mustafid(copy.repo, "decide", b, "approve", "--reason", "ok", "--meeting",
                   "2026-12/1\nMustafid-Status: rejected", actor=copy.quorum[0], key=copy.keys[copy.quorum[0]])
    assert out.returncode == 1 and "line break" in out.stderr
    assert record(copy, f"submission/{b}", b)["status"] == "verified"


def test_a_merge_that_flips_a_decided_record(copy: Base) -> None:
    """A merge commit on main, signed by the chair, whose record is not the request branch's."""
    a, chair = copy.a, copy.quorum[0]
    path = path_of(copy, "main", a)
    flipped = record(copy, "main", a)
    flipped["status"] = "rejected"
    flipped["decision"]["outcome"] = "rejected"
    git(copy.repo, "branch", "side", f"submission/{a}")
    side = forge_commit(copy, "refs/heads/side", {path: b"x: 1\n"}, "side work", key=copy.keys[STAFF])
    main = git(copy.repo, "rev-parse", "main").strip()
    message = git(copy.repo, "log", "-1", "--format=%B", "main")  # the real merge's, trailers and all
    merge = forge_commit(copy, "refs/heads/main", {path: dump(flipped)}, message, key=copy.keys[chair],
                         parents=[main, side])
    git(copy.repo, "branch", "-D", "side")
    got = findings(copy)
    assert (a, merge[:10], "merge-changed-record") in got, got
    # the side branch's own commit (a plain edit of A's record, no trailers) is reported for what it is
    assert got == {(a, merge[:10], "merge-changed-record"), (a, side[:10], "untraced-change")}, got


def test_content_that_contradicts_the_trailers(copy: Base) -> None:
    """A request for information's message on a commit that changes the record otherwise (verified)."""
    branch = verified(copy)
    _b, files = note_on(copy, copy.b)
    git(copy.repo, "update-ref", f"refs/heads/{branch}", f"{branch}~1")
    staged = forge_commit(copy, branch, files, "scratch")
    tree = git(copy.repo, "rev-parse", f"{staged}^{{tree}}").strip()
    git(copy.repo, "update-ref", f"refs/heads/{branch}", f"{branch}~1")
    message = trailers(copy.b, "needs_info", "received", STAFF)
    sha = git(copy.repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={copy.keys[STAFF]}", "commit-tree", tree,
              "-p", branch, "-S", "-m", message).strip()
    git(copy.repo, "update-ref", f"refs/heads/{branch}", sha)
    assert findings(copy) == {(copy.b, sha[:10], "content-mismatch")}


def test_a_vote_for_another_state_and_a_duplicate_vote(copy: Base) -> None:
    verified(copy)
    b, m = copy.b, copy.members[0]
    branch, files = note_on(copy, b)
    other_state = git(copy.repo, "rev-parse", f"submission/{copy.a}:{path_of(copy, 'main', copy.a)}").strip()
    rec = record(copy, branch, b)
    rec["votes"] = [{"by": m, "at": dt.datetime.now(dt.UTC).isoformat(), "outcome": "approved", "reason": "x"}]
    path = next(iter(files))
    wrong = forge_commit(copy, branch, {path: dump(rec)}, trailers(b, "verified", "verified", m, vote="approved",
                                                                   state=other_state), key=copy.keys[m])
    state = git(copy.repo, "rev-parse", f"{branch}:{path}").strip()
    rec["votes"].append(dict(rec["votes"][0]))
    twice = forge_commit(copy, branch, {path: dump(rec)}, trailers(b, "verified", "verified", m, vote="approved",
                                                                   state=state), key=copy.keys[m])
    got = findings(copy)
    assert got == {(b, wrong[:10], "vote-state-mismatch"), (b, twice[:10], "duplicate-vote")}, got


def test_a_decision_without_a_quorum_of_signed_votes(copy: Base) -> None:
    """A decision whose members never signed their votes: the quorum is not proven by history."""
    verified(copy)
    b, chair = copy.b, copy.quorum[0]
    branch = f"submission/{b}"
    path = path_of(copy, branch, b)
    rec = record(copy, branch, b)
    now = dt.datetime.now(dt.UTC).isoformat()
    rec["status"] = "approved"
    rec["decision"] = {"outcome": "approved", "by": chair, "at": now, "reason": "x", "members": copy.quorum,
                       "meeting": "2026-12/2"}
    sha = forge_commit(copy, branch, {path: dump(rec)},
                       trailers(b, "approved", "verified", chair, decision="approved",
                                members=", ".join(copy.quorum), meeting="2026-12/2"), key=copy.keys[chair])
    got = findings(copy)
    assert got == {(b, sha[:10], "unproven-quorum")}, got


def test_a_decision_dated_before_the_state_it_decides(copy: Base) -> None:
    verified(copy)
    b = copy.b
    for m in copy.quorum:
        run(copy.repo, "vote", b, "approve", "--reason", "ok", actor=m, key=copy.keys[m])
    branch = f"submission/{b}"
    path = path_of(copy, branch, b)
    rec = record(copy, branch, b)
    chair = copy.quorum[0]
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    rec["status"] = "approved"
    rec["decision"] = {"outcome": "approved", "by": chair, "at": earlier.isoformat(), "reason": "x",
                       "members": copy.quorum, "meeting": "2026-12/2"}
    sha = forge_commit(copy, branch, {path: dump(rec)},
                       trailers(b, "approved", "verified", chair, decision="approved", members=", ".join(copy.quorum),
                                meeting="2026-12/2"), key=copy.keys[chair], when=earlier)
    got = findings(copy)
    assert (b, sha[:10], "decided-before-state") in got, got
    assert {f[2] for f in got} <= {"decided-before-state", "unproven-quorum"}, got


def test_a_first_commit_signed_by_a_committee_member(copy: Base) -> None:
    from mustafid.store.sshsig import Signer
    from tests.review.util import submit

    name = copy.assoc.id
    rid = submit(copy.repo, name, signer=Signer(copy.keys[copy.members[0]]))
    first = git(copy.repo, "rev-parse", f"submission/{rid}").strip()
    # signed by a member of the committee, where the intake or a staff member signs; its actor says "web"
    assert findings(copy) == {(rid, first[:10], "wrong-role"), (rid, first[:10], "signer-not-actor")}


def test_a_rewritten_open_branch_after_a_seal_and_no_seal_over_it(copy: Base) -> None:
    allowed = copy.repo.parent / "allowed"
    assert mustafid(copy.repo, "keys", "allowed-signers", "-o", str(allowed)).returncode == 0
    verified(copy)
    sealed = mustafid(copy.repo, "audit", "--seal", actor=STAFF, key=copy.keys[STAFF])
    assert sealed.returncode == 0, sealed.stderr
    tag = git(copy.repo, "for-each-ref", "--format=%(refname:short)", "refs/tags/mustafid/audited/").split()[0]
    checked = subprocess.run(["git", "-C", str(copy.repo), "-c", "gpg.format=ssh", "-c",
                              f"gpg.ssh.allowedSignersFile={allowed}", "tag", "-v", tag], capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0 and f"Good \"git\" signature for {STAFF}" in checked.stderr, checked.stderr
    # B's verify commit rewritten (a new, validly signed commit in its place) and the branch moved onto it
    branch = f"submission/{copy.b}"
    old_tip = git(copy.repo, "rev-parse", branch).strip()
    git(copy.repo, "update-ref", f"refs/heads/{branch}", f"{branch}~1")
    path = path_of(copy, branch, copy.b)
    rec = record(copy, branch, copy.b)
    rec["status"] = "verified"
    rec["verification"] = {"by": STAFF, "at": dt.datetime.now(dt.UTC).isoformat(), "note": "rewritten"}
    forge_commit(copy, f"refs/heads/{branch}", {path: dump(rec)},
                 trailers(copy.b, "verified", "received", STAFF),
                 key=copy.keys[STAFF])
    got = findings(copy)
    assert (copy.b, old_tip[:10], "history-rewritten") in got, got
    assert {f[2] for f in got} == {"history-rewritten"}, got
    again = mustafid(copy.repo, "audit", "--seal", actor=STAFF, key=copy.keys[STAFF])
    assert again.returncode == 1 and "not sealed" in again.stderr, again.stderr
    assert len(git(copy.repo, "for-each-ref", "refs/tags/mustafid/audited/").splitlines()) == 1


def test_proven_signatures_are_remembered_and_forgeries_still_found(copy: Base, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """audit/sigcache.py: the next audit verifies only the commits it has not seen; a forgery made after the
    first audit is still reported; a garbled cache is ignored; `MUSTAFID_SIGNATURE_CACHE=off` keeps none.
    (The verification runs in process here, fork turned off, so that it can be counted.)"""
    import multiprocessing

    from mustafid.audit import sigcache
    from mustafid.store import sshsig

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    checked: list[bytes] = []
    real = sshsig.verify
    monkeypatch.setattr(sshsig, "verify", lambda armored, payload, *a: checked.append(payload) or real(
        armored, payload, *a))
    signed = len(git(copy.repo, "rev-list", "--all").split()) - 1  # all but the repository's first commit
    assert findings(copy) == set() and len(checked) == signed
    where = sigcache.path_for(copy.repo)
    assert where is not None and where.is_file() and len(sigcache.load(where)) == signed
    assert str(copy.repo) not in str(where) and not str(where).startswith(str(copy.repo))  # never in the repository
    checked.clear()
    assert findings(copy) == set() and checked == []  # nothing verified twice
    branch = f"submission/{copy.b}"
    raw = subprocess.run(["git", "-C", str(copy.repo), "cat-file", "commit", branch], capture_output=True,
                         check=True).stdout
    forged = git(copy.repo, "hash-object", "-t", "commit", "-w", "--stdin",
                 input=raw.replace(b"\n\n", b"\n\nForged ", 1)).strip()
    git(copy.repo, "update-ref", f"refs/heads/{branch}", forged)
    assert findings(copy) == {(copy.b, forged[:10], "bad-signature")} and len(checked) == 1
    assert forged not in sigcache.load(where)
    where.write_bytes(b"mustafid-signatures-1\n[\"ssh-ed25519 AAAA\"]\n" + b"\x00" * 7)  # cut short
    checked.clear()
    assert findings(copy) == {(copy.b, forged[:10], "bad-signature")} and len(checked) == signed
    monkeypatch.setenv("MUSTAFID_SIGNATURE_CACHE", "off")
    where.unlink()
    assert findings(copy) == {(copy.b, forged[:10], "bad-signature")} and not where.exists()
