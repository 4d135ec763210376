"""The commit-message trailers that make the history the audit trail, written and read in this one module.

Every change Mustafid makes to a record is one commit whose message is (docs/architecture.md):

    <verb> <id> (<form>)

    Mustafid-Record: 4821-3390-7552
    Mustafid-Form: support-request
    Mustafid-Status: verified        the status after this commit
    Mustafid-From: received          the status before (absent on the first commit)
    Mustafid-Actor: staff.officer    a roster id, or "web" for the intake
    Mustafid-Channel: web
    Mustafid-Decision: approved      a decision only, with -Members and -Meeting

Ids and roster ids only, never personal data. The review actions and the intake write it; the audit reads it
back from `git log --format=%(trailers)` without reading a single record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mustafid.core.reference import PATTERN as REFERENCE

PREFIX = "Mustafid-"
# A pull request merged on GitHub: "Merge pull request #12 from owner/submission/4821-3390-7552" has no trailers.
_MERGED_BRANCH = re.compile(rf"submission/({REFERENCE})\b")


# What a trailer value may be: one line of printable text, no separator a parser could take for another trailer.
_VALUE = re.compile(r"^[^\x00-\x1f\x7f\u0085\u2028\u2029]{1,120}$")


def _clean(name: str, value: object) -> str:
    """A trailer value as written, or a UserError: a newline in `--meeting` must not smuggle a trailer in."""
    from mustafid.core.errors import UserError

    text = str(value)
    if not _VALUE.match(text) or text != text.strip():
        raise UserError(f"قيمة «{name}» فيها سطر جديد أو رمز تحكم أو هي طويلة جدًا: اكتبها في سطر واحد قصير",
                        f"the value of '{name}' holds a line break or a control character, or is too long: "
                        "write it on one short line")
    return text


def message(verb: str, record: Mapping[str, Any], before: str | None, actor: str,
            decision: Mapping[str, Any] | None = None) -> str:
    """A commit message with the trailers; ids and roster ids only, no personal data. Every value is one
    printable line (UserError otherwise), so nothing typed can add a trailer of its own."""
    values = [record["id"], record["form"], record["status"], before or "x", actor, record.get("channel")]
    if decision:
        values += [decision["outcome"], decision["meeting"], *decision["members"]]
    for v in values:
        _clean("meeting" if decision and v == decision["meeting"] else "value", v)
    lines = [f"{verb} {record['id']} ({record['form']})", "", f"{PREFIX}Record: {record['id']}",
             f"{PREFIX}Form: {record['form']}", f"{PREFIX}Status: {record['status']}"]
    if before:
        lines.append(f"{PREFIX}From: {before}")
    lines += [f"{PREFIX}Actor: {actor}", f"{PREFIX}Channel: {record.get('channel')}"]
    if decision:
        lines += [f"{PREFIX}Decision: {decision['outcome']}",
                  f"{PREFIX}Members: {', '.join(decision['members'])}",
                  f"{PREFIX}Meeting: {decision['meeting']}"]
    return "\n".join(lines) + "\n"


def vote_message(record: Mapping[str, Any], member: str, outcome: str, state: str) -> str:
    """A vote's commit: the record's trailers (its status unchanged) plus the vote and the state voted on."""
    base = message(f"Vote {outcome} on", record, str(record["status"]), member)
    return base + f"{PREFIX}Vote: {_clean('vote', outcome)}\n{PREFIX}State: {_clean('state', state)}\n"


def merge_message(verb: str, msg: str) -> str:
    """The message of the merge into main that closes a request: the change's own, its subject marked a merge."""
    return msg.replace(f"{verb} ", f"Merge {verb.lower()} ", 1)


def parse(trailers: str, subject: str = "", merge: bool = False) -> dict[str, str]:
    """The trailers of one commit (``%(trailers:only=true,unfold=true)``) by lower-case name without the prefix:
    ``{"record": ..., "status": ..., "from": ...}``. Other trailers are ignored. A merge without trailers whose
    subject names a review branch (a pull request merged on GitHub) gives that branch's record."""
    found: dict[str, str] = {}
    for line in trailers.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.startswith(PREFIX):
            found[key[len(PREFIX):].lower()] = value.strip()
    if merge and "record" not in found:
        m = _MERGED_BRANCH.search(subject)
        if m:
            found["record"] = m.group(1)
    return found


def members(text: str) -> list[str]:
    """The ``Mustafid-Members`` value as the roster ids it lists."""
    return [m.strip() for m in text.split(",") if m.strip()]
