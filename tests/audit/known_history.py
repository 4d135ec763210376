"""A records repository with a known history, for the figures, the exports, the statistics page and the audit's
HTML page: requests received on known days (receipt commits dated then, as the intake would have made them),
decided today on time or late, complaints answered or not, and satisfaction surveys with known scores.

Each record carries personal values made for the test (names, ID number, phone, IBAN, free text): `SECRETS`,
so a test can scan what it publishes for every one of them."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mustafid.records.format import dump_record, new_record_id, record_path
from mustafid.review import actions as review
from mustafid.review.forges.local import LocalForge
from tests.audit.test_report import commit, git, members
from tests.helpers import ROOT
from tests.review.util import setup

SEED = {  # one example record per form and association (tests/examples/valid)
    "ajaa": {"support-request": "support-request/2026/05/A1DH-2769.yml",
             "suggestion-or-complaint": "suggestion-or-complaint/2026/02/N9X3-38C8.yml",
             "satisfaction-survey": "satisfaction-survey/2026/03/371K-B800.yml"},
    "kahatain": {"support-request": "support-request/2026/08/RQQS-5FQ8.yml",
                 "suggestion-or-complaint": "suggestion-or-complaint/2026/07/NX6M-56AM.yml",
                 "satisfaction-survey": "satisfaction-survey/2026/04/2915-QM41.yml"},
}


@dataclass
class History:
    repo: Path
    assoc: Any
    forge: LocalForge
    now: dt.datetime                                               # when the history was made
    ids: dict[str, list[str]] = field(default_factory=dict)      # group -> record ids
    secrets: set[str] = field(default_factory=set)                 # every personal value submitted
    scores: list[dict[str, str]] = field(default_factory=list)


def _personal(n: int) -> dict[str, str]:
    """Values no figure could contain by chance: a name, an ID number, a phone, an IBAN, a comment."""
    return {"first_name": f"زمرّدة{n}", "family_name": f"القرطاسي{n}", "national_id": f"10{n:08d}",
            "mobile": f"0551{n:06d}", "iban": f"SA03800000006080101675{n:02d}",
            "comments": f"ملاحظة سرية رقم {n} لا تُنشر", "details": f"تفاصيل الشكوى السرية {n} عن جاري",
            "subject": f"موضوع خاص {n}", "name": f"صاحبة الشكوى {n}", "request_ref": f"Z{n:03d}-ZZZZ"[:9]}


def personal_values(assoc: Any, form_id: str, data: dict[str, Any]) -> set[str]:
    """Every answer in ``data`` that the form tags personal or seals (free text included), as text: what no
    published figure may hold. Left out, since they would match by chance: short values, a choice's code
    ("female", "other": words of the page's own), and what the association publishes itself (its city)."""
    import re

    from mustafid.forms.load import load_forms

    form = load_forms(assoc)[form_id]
    public = assoc.config_path.read_text(encoding="utf-8")
    out: set[str] = set()

    def leaves(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [x for v in value.values() for x in leaves(v)]
        if isinstance(value, list):
            return [x for v in value for x in leaves(v)]
        return [str(value)] if value not in (None, "") and not isinstance(value, bool) else []

    for path, f in form.walk():
        if not (f.personal or f.sealed):
            continue
        head, _, rest = path.partition(".*.")
        values = [data.get(head)] if not rest else [item.get(rest) for item in data.get(head) or []
                                                    if isinstance(item, dict)]
        out |= {x for v in values for x in leaves(v) if len(x) >= (6 if x.isdigit() else 4)
                and not re.fullmatch(r"[a-z_]+", x) and x not in public}
    return out


def receive(h: History, name: str, form: str, when: dt.datetime, n: int, **answers: Any) -> str:
    """A record of ``form`` received at ``when`` (its receipt commit dated then) on its own branch."""
    src = ROOT / "tests" / "examples" / "valid" / name / "submissions" / SEED[name][form]
    record = yaml.load(src.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    rid = new_record_id()
    at = when.isoformat(timespec="seconds")
    status = "recorded" if form == "satisfaction-survey" else "received"  # a survey is recorded, no lifecycle
    record.update(id=rid, status=status, submitted_at=at)
    record["declaration"]["at"] = at
    data = record["data"]
    for key, value in _personal(n).items():
        if key in data and isinstance(data[key], str):
            data[key] = value
            h.secrets.add(value)
    data.update(answers)
    h.secrets |= personal_values(h.assoc, form, data)
    path = record_path(form, at, rid)
    branch = f"refs/heads/submission/{rid}"
    git(h.repo, "update-ref", branch, git(h.repo, "rev-parse", "main").strip())
    commit(h.repo, branch, {path: dump_record(record, path=path).encode()},
           f"Receive {rid} ({form})\n\nMustafid-Record: {rid}\nMustafid-Form: {form}\nMustafid-Status: {status}\n"
           f"Mustafid-Actor: web\nMustafid-Channel: {record['channel']}\n", when=when)
    return rid


def build(tmp_path: Path, name: str) -> History:
    """The known history (the figures below are what tests/audit/test_figures.py expects):
    requests: 6 decided 2 days after receipt (on time), 2 decided period+5 days after (late), 1 open and
    overdue (received period+2 days ago), 1 open received today; complaints: 2, one answered the day after;
    surveys: 6, received 3 days ago, with known scores."""
    repo, assoc, forge = setup(tmp_path, name)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    h = History(repo, assoc, forge, now)
    period = assoc.decision_period_days
    chair, officer = assoc.committee[0].id, "staff.officer"
    n = 0

    def many(group: str, count: int, form: str, days_ago: int, **answers: Any) -> list[str]:
        nonlocal n
        out = []
        for _ in range(count):
            n += 1
            out.append(receive(h, name, form, now - dt.timedelta(days=days_ago), n, **answers))
        h.ids.setdefault(group, []).extend(out)
        return out

    many("on_time", 6, "support-request", 2)
    many("late", 2, "support-request", period + 5)
    many("overdue", 1, "support-request", period + 2)  # +2: past the promised day in Riyadh and in UTC
    many("new", 1, "support-request", 0)
    for rid in h.ids["on_time"] + h.ids["late"]:
        review.verify(assoc, forge, rid, officer)
        review.decide(assoc, forge, rid, chair, "approve" if rid != h.ids["late"][0] else "reject", "reason",
                      members(assoc), "2026-12/1")
    answered, _ = many("complaints", 2, "suggestion-or-complaint", 1)
    review.answer(assoc, forge, answered, officer, "thank you: it is done")
    for i, overall in enumerate(("5", "4", "4", "3", "5", "2")):
        scores = {"score_reception": "5", "score_clarity": "4", "score_speed": str(1 + i % 5),
                  "score_overall": overall}
        h.scores.append(scores)
        many("surveys", 1, "satisfaction-survey", 3, would_recommend=i != 5, **scores)
    subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable"], check=False)
    return h
