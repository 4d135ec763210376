"""Reading requests off their review branches: one request by its id, and the list of open ones.

Nothing here writes. The list reads every branch tip's record through two git processes, whatever the number of
branches, and parses only the head of each record (the lifecycle keys), never the applicant's answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mustafid.config.association import Association
from mustafid.core.errors import NotFound, UserError
from mustafid.core.period import days_left, riyadh_today
from mustafid.core.vocab import DUPLICATE, INCOMPLETE, OPEN
from mustafid.forms.kinds import kind_of
from mustafid.review.forges.local import PREFIX, LocalForge

_LISTED = ("id", "form", "channel", "submitted_at", "status", "flags", "duplicate_of")


def parse_blob(text: bytes) -> dict[str, Any]:
    """A record's YAML as a mapping, or a UserError saying to validate it."""
    import yaml

    data = yaml.load(text, Loader=yaml.CSafeLoader)  # C loader: review lists many records
    if not isinstance(data, dict):
        raise UserError("السجل ليس خريطة YAML: شغّل mustafid validate عليه", "the record is not a YAML mapping; "
                        "run `mustafid validate` on it")
    return data


def _head(blob: bytes) -> dict[str, Any]:
    """The lifecycle keys the list shows. dump_record writes them before `declaration:` and `data:`, so only
    that head is parsed (about 10x faster on large records); a hand-edited record missing one is read whole."""
    cut = blob.find(b"\ndeclaration:")
    if cut > 0:
        head = parse_blob(blob[:cut])
        if all(k in head for k in _LISTED):
            return head
    return parse_blob(blob)


def find(forge: LocalForge, record_id: str) -> tuple[str, str, str, dict[str, Any]]:
    """(branch, tip, path, record) for one id, or NotFound naming what to check."""
    from mustafid.records.format import parse_record_id

    rid = parse_record_id(record_id) or record_id
    branch = PREFIX + rid
    tip = forge.branch_tip(branch)
    if tip is None:
        raise NotFound(f"لا يوجد طلب برقم {record_id}: تحقق من الرقم (mustafid review يعرض الطلبات المفتوحة)",
                       f"no request {record_id}: check the number (`mustafid review` lists open requests)")
    path = forge.record_paths({branch: tip}).get(branch)
    if path is None:  # the tip touched only a document: look the record up in the tree
        names = forge.git("ls-tree", "-r", "--name-only", tip, "--", "submissions/").decode().splitlines()
        path = next((n for n in names if n.endswith(f"/{rid}.yml")), None)
    if path is None:
        raise NotFound(f"فرع {branch} لا يحوي سجلًا", f"the branch {branch} holds no record")
    return branch, tip, path, parse_blob(forge.read_file(tip, path))


def list_open(assoc: Association, forge: LocalForge, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open requests without personal data, the least time left first."""
    tips = forge.branches()
    paths = forge.record_paths(tips)
    order = sorted(paths)
    blobs = forge.read_many([f"{tips[b]}:{paths[b]}" for b in order])
    today = today or riyadh_today()
    rows = []
    for blob in blobs:
        if blob is None:
            continue
        r = _head(blob)
        kind = kind_of(assoc, r.get("form"))
        if r.get("status") not in OPEN or kind == "survey":
            continue
        start = dt.datetime.fromisoformat(str(r["submitted_at"])).date()
        rows.append({"id": r.get("id"), "form": r.get("form"), "kind": kind, "channel": r.get("channel"),
                     "status": r.get("status"), "age_days": (today - start).days,
                     "days_left": days_left(assoc, r, today, kind),
                     "incomplete": INCOMPLETE in (r.get("flags") or []),
                     "duplicate": bool(r.get("duplicate_of")) or DUPLICATE in (r.get("flags") or [])})
    rows.sort(key=lambda row: (row["days_left"], row["id"]))
    return rows


def late_feedback(assoc: Association, forge: LocalForge, today: dt.date | None = None) -> list[str]:
    """Complaints and suggestions still unanswered (and not yet escalated) past the association's answer period:
    the ones `mustafid escalate --late` sends to the board."""
    return [str(r["id"]) for r in list_open(assoc, forge, today)
            if r["kind"] == "feedback" and r["status"] == "received" and (r["days_left"] or 0) < 0]


def unfiled_surveys(assoc: Association, forge: LocalForge) -> list[str]:
    """Recorded surveys whose branch is not on main yet (`mustafid file-surveys` merges them)."""
    from mustafid.forms.kinds import kind_of

    tips = forge.branches()
    waiting = set(forge.git("branch", "--no-merged", forge.main, "--format=%(refname:short)",
                                    "--list", f"{PREFIX}*").decode().split())
    tips = {b: t for b, t in tips.items() if b in waiting}
    paths = forge.record_paths(tips)
    order = sorted(paths)
    blobs = forge.read_many([f"{tips[b]}:{paths[b]}" for b in order])
    out = []
    for blob in blobs:
        r = _head(blob) if blob is not None else {}
        if r.get("status") == "recorded" and kind_of(assoc, r.get("form")) == "survey":
            out.append(str(r["id"]))
    return out
