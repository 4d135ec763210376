"""Checkpoints: `mustafid audit --seal` writes a signed tag, refs/tags/mustafid/audited/<yyyy-mm-dd-hhmmss>, an
annotated tag object on main's audited tip signed in git's own SSH format (the signature appended to the
message, as `git tag -s` with `gpg.format ssh` does, so `git tag -v` accepts it with the allowed-signers file
config/keys.allowed_signers writes), its message listing the open requests' branch tips, and pushes it to the
team's remote. Every later audit checks every checkpoint: main still contains its commit, each listed branch tip
is still in the history, and its signature holds; an audit that found `history-rewritten` never seals.
refs/mustafid/audited (the older, unsigned checkpoint) is still written and checked."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from mustafid.audit.roster import Roster
from mustafid.config.keys import signer_of, signing_required
from mustafid.core.errors import UserError
from mustafid.review.forges.local import LocalForge
from mustafid.store import sshsig

ANCHOR = "refs/mustafid/audited"
TAGS = "refs/tags/mustafid/audited/"
Flag = Callable[[str, str, str, str, str], None]


def _rewritten(flag: Flag, record: str, sha: str, en_what: str, ar_what: str) -> None:
    flag(record, sha, "history-rewritten", f"أعيدت كتابة التاريخ منذ تدقيق مختوم: {ar_what}",
         f"history was rewritten since a sealed audit: {en_what}")


def _is_ancestor(forge: LocalForge, sha: str) -> bool:
    return subprocess.run(["git", "-C", str(forge.repo), "merge-base", "--is-ancestor", sha,
                           f"refs/heads/{forge.main}"], capture_output=True, check=False).returncode == 0


def check(forge: LocalForge, roster: Roster, walked: Collection[str], flag: Flag) -> str:
    """Every checkpoint checked; the newest sealed tip ("" when none)."""
    main = forge.main
    old = forge.git("rev-parse", "--verify", "-q", ANCHOR, check=False).decode().strip()
    if old and not _is_ancestor(forge, old):
        _rewritten(flag, "-", old, f"{main} no longer contains the audited commit {old[:10]}",
                   f"الإيداع {old[:10]} لم يعد في {main}")
    newest, sealed = "", old
    refs = forge.git("for-each-ref", "--format=%(refname) %(objectname) %(creatordate:iso-strict)", TAGS,
                     check=False).decode().split("\n")
    for line in refs:
        if not line.strip():
            continue
        ref, tag, when = line.split(" ", 2)
        raw = forge.git("cat-file", "tag", tag, check=False)
        target, branches = _parse(raw)
        _check_signature(roster, tag, raw, dt.datetime.fromisoformat(when), flag)
        if not target or not _is_ancestor(forge, target):
            _rewritten(flag, "-", target or tag, f"{main} no longer contains {target[:10]}, sealed by {ref}",
                       f"الإيداع {target[:10]} الذي ختمه {ref} لم يعد في {main}")
        for branch, tip in branches:
            if tip not in walked:
                rid = branch.rsplit("/", 1)[-1]
                _rewritten(flag, rid, tip, f"the request's branch was moved off commit {tip[:10]}, sealed by {ref}",
                           f"نُقل فرع الطلب عن الإيداع {tip[:10]} الذي ختمه {ref}")
        if when > newest:
            newest, sealed = when, target
    return sealed


def _parse(raw: bytes) -> tuple[str, list[tuple[str, str]]]:
    head, _, message = raw.decode("utf-8", "replace").partition("\n\n")
    target = next((line[7:] for line in head.splitlines() if line.startswith("object ")), "")
    branches = [(p[1], p[2]) for p in (line.split() for line in message.splitlines())
                if len(p) == 3 and p[0] == "branch"]
    return target, branches


def split_tag(raw: bytes) -> tuple[bytes, str | None]:
    """(the signed payload, the armored signature or None) of a tag object."""
    at = raw.rfind(b"\n" + sshsig.BEGIN.encode())
    if at < 0:
        return raw, None
    return raw[:at + 1], raw[at + 1:].decode("utf-8", "replace")


def _check_signature(roster: Roster, tag: str, raw: bytes, when: dt.datetime, flag: Flag) -> None:
    assoc = roster.exact_at(when)
    if assoc is None or not signing_required(assoc):
        return
    payload, armored = split_tag(raw)
    try:
        if armored is None:
            raise sshsig.BadSignature("not signed")
        sig = sshsig.verify(armored, payload)
    except sshsig.BadSignature as exc:
        flag("-", tag, "bad-signature", "ختم التدقيق غير موقّع أو توقيعه لا يصح",
             f"the audit checkpoint is not signed or its signature does not verify ({exc})")
        return
    if signer_of(assoc, sig.openssh_key, when) is None:
        flag("-", tag, "unknown-signer", "ختم التدقيق موقّع بمفتاح ليس في قائمة association.yml يومها",
             "the audit checkpoint is signed with a key on no roster entry valid that day")


def audit_rewrites(forge: LocalForge) -> list[tuple[str, str]]:
    """Only the checkpoints' findings (record, commit): what `seal` refuses to cover, without the whole audit."""
    from mustafid.audit.history import heads

    found: list[tuple[str, str]] = []

    def flag(record: str, commit: str, code: str, _ar: str, _en: str) -> None:
        if code == "history-rewritten":
            found.append((record, commit))

    revs = heads(forge)
    walked = set(forge.git("rev-list", *revs, check=False).decode().split()) if revs else set()
    check(forge, Roster(forge, None), walked, flag)
    return found


def seal(forge: LocalForge, head: str, report: dict[str, Any] | None = None, key: str | None = None) -> str:
    """A signed checkpoint of `head` (and the open branches' tips), pushed to the remote when there is one; the
    tag's name. Refused (UserError) when the audit found history-rewritten, or without a key when the association
    signs."""
    from mustafid.store.sync import configured_remote

    found = [(a["record"], a["commit"]) for a in (report or {}).get("anomalies", [])
             if a["code"] == "history-rewritten"] if report is not None else audit_rewrites(forge)
    if found:
        raise UserError("لم يُختم التدقيق: وجد التدقيق تاريخًا أعيدت كتابته، ولا يُختم فوقه. تحقّق مما حدث وأصلحه أولًا",
                        f"not sealed: the audit found history rewritten ({len(found)} finding(s)); a seal never "
                        "covers a rewrite: find out what happened and repair it first")
    roster = Roster(forge, None)
    signer = _signer(forge, roster, key)
    name = _tag_name(forge)
    body = _tag_body(forge, head, name)
    if signer is not None:
        body += signer.sign(body).encode() + b"\n"
    tag = subprocess.run(["git", "-C", str(forge.repo), "mktag"], input=body, capture_output=True,
                         check=True).stdout.decode().strip()
    forge.git("update-ref", f"refs/tags/{name}", tag, "0" * 40)
    forge.git("update-ref", ANCHOR, head)
    remote = configured_remote(forge)
    if remote:
        pushed = subprocess.run(["git", "-C", str(forge.repo), "push", "-q", remote,
                                 f"refs/tags/{name}:refs/tags/{name}"], capture_output=True, check=False)
        if pushed.returncode != 0:
            raise UserError(f"خُتم التدقيق محليًا ({name}) وتعذّر دفعه إلى {remote}: أعد المحاولة بالأمر git push",
                            f"sealed locally ({name}) but the push to {remote} failed: retry with "
                            f"`git push {remote} refs/tags/{name}`")
    return name


def _signer(forge: LocalForge, roster: Roster, key: str | None) -> sshsig.Signer | None:
    """The sealer's own key (`--key`, $MUSTAFID_KEY, else git's user.signingkey), on today's roster for anyone on
    it (review/signing.py); None when the association does not sign and no key is given."""
    from mustafid.review.signing import signer_for

    assoc = roster.exact_at(dt.datetime.now(dt.UTC))
    if assoc is None:
        path = key or os.environ.get("MUSTAFID_KEY")
        return sshsig.Signer(Path(path)) if path else None
    try:
        return signer_for(assoc, None, key, forge.repo)
    except UserError as exc:
        raise UserError("لم يُختم التدقيق: " + exc.ar, "not sealed: " + exc.en) from exc


def _tag_name(forge: LocalForge) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d-%H%M%S")
    name, n = f"mustafid/audited/{stamp}", 1
    while forge.git("rev-parse", "--verify", "-q", f"refs/tags/{name}", check=False).strip():
        n += 1
        name = f"mustafid/audited/{stamp}-{n}"
    return name


def _tag_body(forge: LocalForge, head: str, name: str) -> bytes:
    ident = forge.git("var", "GIT_COMMITTER_IDENT").decode().strip()
    open_tips = forge.git("for-each-ref", f"--no-merged=refs/heads/{forge.main}", "--format=%(refname) %(objectname)",
                          "refs/heads/submission/", "refs/remotes/", check=False).decode().splitlines()
    lines = [f"branch {ref} {sha}" for ref, sha in (t.split() for t in open_tips if "/submission/" in t)]
    message = f"Mustafid audit of {forge.main} at {head}\n\n" + "".join(line + "\n" for line in lines)
    return f"object {head}\ntype commit\ntag {name}\ntagger {ident}\n\n{message}".encode()
