"""What a commit message may claim: trailers only from git's trailer block (`%(trailers:only)`), each name once,
and only values the tools could have written (review/trailers.py): a newline smuggled into an option shows up
here as a second `Mustafid-Status`, a value outside the vocabulary, or a name the tools never write."""

from __future__ import annotations

import re
from collections.abc import Callable

from mustafid.config.association import Association
from mustafid.core.vocab import APPLICANT, CHANNELS, DECIDED, NOTICE_EVENTS, NOTICE_VIAS, STATUSES
from mustafid.records.format import is_record_id
from mustafid.review.trailers import PREFIX

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_LINE = re.compile(r"^[^\x00-\x1f\x7f\u0085\u2028\u2029]{1,120}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
CHANNELS_OR_NONE = (*CHANNELS, "None")  # a record without a channel is written as None by message()
TOGETHER = ("record", "form", "status", "actor", "channel")  # review/trailers.message writes all or none
NOTED = ("record", "notice", "via", "actor")  # a notice noted in the history (notices/history.py): all or none


def _roster_ids(assoc: Association) -> set[str]:
    return {p.id for p in (*assoc.committee, *assoc.staff)} | {"web", "intake", APPLICANT}


Checks = dict[str, Callable[[str], bool]]
Verdicts = dict[tuple[str, str], bool]
_CACHE: dict[int, tuple[Association, Checks, Verdicts]] = {}


def _checks(assoc: Association) -> tuple[Checks, Verdicts]:
    """The checks for one version of the roster, made once (the association is kept: its id is not reused), and
    the verdicts on the (name, value) pairs already seen: a history repeats the same statuses, actors and forms,
    and each record's id on every commit of it."""
    cached = _CACHE.get(id(assoc))
    if cached is None or cached[0] is not assoc:
        if len(_CACHE) > 64:
            _CACHE.clear()
        cached = _CACHE[id(assoc)] = (assoc, _make_checks(assoc), {})
    return cached[1], cached[2]


def _make_checks(assoc: Association) -> Checks:
    ids = _roster_ids(assoc)
    return {
        "record": is_record_id, "form": lambda v: bool(_ID.match(v)), "status": lambda v: v in STATUSES,
        "from": lambda v: v in STATUSES, "actor": lambda v: v in ids,
        "channel": lambda v: v in CHANNELS_OR_NONE, "decision": lambda v: v in DECIDED,
        "vote": lambda v: v in DECIDED, "state": lambda v: bool(_SHA.match(v)),
        "notice": lambda v: v in NOTICE_EVENTS, "via": lambda v: v in NOTICE_VIAS,  # notices/history.py
        "init": lambda v: v == assoc.id,  # the first commit of a records repository (store/init.py)
        "meeting": lambda v: bool(_LINE.match(v)) and v == v.strip(),
        "members": lambda v: all(_ID.match(m.strip()) for m in v.split(",")) and bool(v.strip()),
    }


def _good(checks: Checks, known: Verdicts, name: str, value: str) -> bool:
    """One trailer's verdict, worked out once per (name, value) for a roster version."""
    good = known.get((name, value))
    if good is None:
        check = checks.get(name)
        good = check is not None and check(value)
        if name != "state" and len(known) < 200_000:  # a state (a blob id) is never seen twice
            known[(name, value)] = good
    return good


def known_good(parsed: dict[str, str], assoc: Association) -> bool:
    """The quick answer for the common case: each trailer once (``parsed`` as review/trailers.parse read them,
    when the block has no name twice), each value one the tools write, the set complete. False means: ask
    `bad_trailers` what is wrong."""
    checks, known = _checks(assoc)
    if not all(_good(checks, known, name, value) for name, value in parsed.items()):
        return False
    together = NOTED if "notice" in parsed else TOGETHER
    return all(n in parsed for n in together) or not (parsed.keys() - {"init"})


def bad_trailers(trailer_text: str, assoc: Association) -> list[str]:
    """What is wrong with a commit's trailer block, one line (English) per problem; empty when the tools could
    have written it."""
    problems: list[str] = []
    seen: set[str] = set()
    checks, known = _checks(assoc)
    for line in trailer_text.splitlines():
        key, sep, value = line.partition(":")
        if not (sep and key.startswith(PREFIX)):
            continue
        name, value = key[len(PREFIX):].lower(), value.strip()
        if name in seen:
            problems.append(f"{key} appears twice (a line break smuggled into a value?)")
        seen.add(name)
        if not _good(checks, known, name, value):
            problems.append(f"{key} is not a trailer the tools write" if name not in checks
                            else f"{key}: {value[:60]!r} is not a value the tools write")
    missing = [n for n in (NOTED if "notice" in seen else TOGETHER) if n not in seen]
    if seen - {"init"} and missing:
        problems.append("the trailers the tools always write together are incomplete: no "
                        + ", ".join(PREFIX + n.capitalize() for n in missing))
    return problems
