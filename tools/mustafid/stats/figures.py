"""The figures the board and the public read, built from the audit's rows (audit/report.py ``audit()``) and the
survey's scores (audit/scores.py): counts per month by form, channel and kind; decision time against the promised
period; the share decided on time; complaints answered on time; satisfaction over time.

No record id, name or answer reaches the aggregates: only forms, channels, statuses, months, days and counts.
``public()`` then suppresses small counts (1 to 4 shown as "fewer than 5") for the public statistics page.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from statistics import median
from typing import Any

from mustafid.core.period import riyadh_day, riyadh_today
from mustafid.core.vocab import DECIDED, OPEN
from mustafid.stats.kinds import KINDS, form_kind

VERSION = 1
SMALL = "<5"          # a suppressed count in the public aggregates
THRESHOLD = 5         # counts from 1 to THRESHOLD - 1 are suppressed
SCORES = ("score_reception", "score_clarity", "score_speed", "score_overall")
ANSWERED = (*DECIDED, "answered", "served")  # a complaint is answered by its decision or, after issue 15, an answer

Row = Mapping[str, Any]


def month_of(when: str) -> str:
    """The Riyadh month (``YYYY-MM``) of a timestamp; ISO text already in Riyadh's offset is read as it is."""
    if len(when) >= 25 and when.endswith("+03:00"):
        return when[:7]
    return riyadh_day(when).strftime("%Y-%m")


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), none skipped: a month with no request shows 0."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _answered_day(row: Row) -> dt.date | None:
    at = next((e["at"] for e in row.get("timeline", ()) if e.get("status") in ANSWERED), None)
    return riyadh_day(at) if at else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _buckets(days: Sequence[int], period: int) -> list[dict[str, Any]]:
    """Decision times in five bands around the promised period: three within it, two after it."""
    a, b = max(period // 3, 1), max(2 * period // 3, 2)
    edges = [(0, a), (a + 1, b), (b + 1, period), (period + 1, 2 * period), (2 * period + 1, None)]
    out = []
    for lo, hi in edges:
        n = sum(1 for d in days if d >= lo and (hi is None or d <= hi))
        out.append({"min": lo, "max": hi, "within": hi is not None and hi <= period, "count": n})
    return out


def _per_month(rows: Iterable[Row], months: list[str], key: Callable[[Row], str]) -> dict[str, list[int]]:
    index = {m: i for i, m in enumerate(months)}
    out: dict[str, list[int]] = {}
    for r in rows:
        out.setdefault(key(r) or "?", [0] * len(months))[index[month_of(r["received"])]] += 1
    return dict(sorted(out.items()))


def _decisions(requests: Sequence[Row], months: list[str], period: int) -> dict[str, Any]:
    decided = [r for r in requests if r.get("decided") and r.get("days_to_decision") is not None]
    days = [int(r["days_to_decision"]) for r in decided]
    index = {m: i for i, m in enumerate(months)}
    counts = [[0, 0] for _ in months]
    for r in decided:
        slot = counts[index[month_of(r["received"])]]
        slot[0] += 1
        slot[1] += 1 if r.get("kept") else 0
    per_month = [{"decided": n, "kept": k, "share": _share(k, n)} for n, k in counts]
    kept = sum(1 for r in decided if r.get("kept"))
    return {"decided": len(decided), "kept": kept, "late": len(decided) - kept, "share": _share(kept, len(decided)),
            "median_days": median(days) if days else None, "buckets": _buckets(days, period),
            "per_month": per_month}


def _complaints(complaints: Sequence[Row], months: list[str]) -> dict[str, Any]:
    per_month: list[dict[str, Any]] = [{"received": 0, "answered": 0, "on_time": 0} for _ in months]
    index = {m: i for i, m in enumerate(months)}
    answered = on_time = 0
    for r in complaints:
        slot = per_month[index[month_of(r["received"])]]
        slot["received"] += 1
        day = _answered_day(r)
        if day is None:
            continue
        answered += 1
        slot["answered"] += 1
        if r.get("promised_by") and day <= dt.date.fromisoformat(str(r["promised_by"])):
            on_time += 1
            slot["on_time"] += 1
    for slot in per_month:
        slot["share"] = _share(slot["on_time"], slot["answered"])
    return {"received": len(complaints), "answered": answered, "on_time": on_time,
            "open": sum(1 for r in complaints if r.get("status") in OPEN), "share": _share(on_time, answered),
            "per_month": per_month}


def _satisfaction(scores: Sequence[Mapping[str, Any]], months: list[str]) -> dict[str, Any]:
    """Mean of each score (1 to 5) overall and per month, and the share who would recommend the association."""
    def summary(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        means: dict[str, float | None] = {}
        for q in SCORES:
            values = [int(s[q]) for s in items if str(s.get(q, "")).isdigit()]
            means[q] = sum(values) / len(values) if values else None
        said = [s["recommend"] for s in items if isinstance(s.get("recommend"), bool)]
        return {"responses": len(items), "means": means,
                "recommend": _share(sum(1 for x in said if x), len(said)), "recommend_answers": len(said)}

    by_month = {m: [s for s in scores if s.get("month") == m] for m in months}
    return {**summary(scores), "per_month": [summary(by_month[m]) for m in months]}


def aggregates(report: Mapping[str, Any], kinds: Mapping[str, str] | None = None,
               scores: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The figures of one audit report. ``kinds``: form id → kind (stats.kinds.kinds_of), else the seeds' ids;
    ``scores``: one mapping per survey response ({"month", "score_…", "recommend"}), non-personal answers only."""
    rows = [r for r in report.get("rows", ()) if r.get("received")]
    kind_of = {**{r["form"]: form_kind(r["form"]) for r in rows}, **(kinds or {})}
    today = str(report.get("today") or riyadh_today().isoformat())
    # every month a request or a survey arrived in, and today's (Riyadh's day can be ahead of the report's date)
    seen = {month_of(r["received"]) for r in rows} | {str(s["month"]) for s in scores if s.get("month")}
    months = months_between(min(seen | {today[:7]}), max(seen | {today[:7]}))
    # rows are never copied: with 100,000 of them, a copy each made the garbage collector most of the time
    by_kind: dict[str, list[Row]] = {k: [] for k in KINDS}
    for r in rows:
        by_kind.setdefault(kind_of.get(r["form"], "other"), []).append(r)
    requests = by_kind["request"]
    period = int(report.get("figures", {}).get("period_days") or 0)
    outcomes = Counter(str(r.get("status")) for r in requests)
    return {
        "version": VERSION, "association": report.get("association"), "generated": today,
        "period": {"from": f"{months[0]}-01", "to": today}, "period_days": period, "months": months,
        "totals": {"all": len(rows), **{k: len(by_kind[k]) for k in KINDS}},
        "per_month": {"kind": _per_month(rows, months, lambda r: kind_of.get(r["form"], "other")),
                      "form": _per_month(rows, months, lambda r: str(r["form"] or "")),
                      "channel": _per_month(rows, months, lambda r: str(r["channel"] or ""))},
        "statuses": dict(sorted(outcomes.items())),
        "open": sum(1 for r in requests if r.get("status") in OPEN),
        "overdue": sum(1 for r in requests if r.get("overdue")),
        "decisions": _decisions(requests, months, period),
        "complaints": _complaints(by_kind["complaint"], months),
        "satisfaction": _satisfaction(list(scores), months),
    }


def _small(n: Any) -> Any:
    return SMALL if isinstance(n, int) and not isinstance(n, bool) and 0 < n < THRESHOLD else n


def _suppress_share(d: dict[str, Any], part: str, whole: str) -> None:
    """A share whose denominator or numerator is suppressed is suppressed too (it would give the count back)."""
    if d.get(whole) == SMALL or d.get(part) == SMALL:
        d["share"] = None


def public(agg: Mapping[str, Any]) -> dict[str, Any]:
    """The aggregates safe to publish: every count from 1 to 4 replaced by ``SMALL``, and every share or mean
    computed from such a count withheld (None)."""
    out = copy.deepcopy(dict(agg))
    out["totals"] = {k: _small(v) for k, v in out["totals"].items()}
    out["per_month"] = {axis: {k: [_small(n) for n in series] for k, series in table.items()}
                        for axis, table in out["per_month"].items()}
    out["statuses"] = {k: _small(v) for k, v in out["statuses"].items()}
    out["open"], out["overdue"] = _small(out["open"]), _small(out["overdue"])
    dec = out["decisions"]
    for k in ("decided", "kept", "late"):
        dec[k] = _small(dec[k])
    _suppress_share(dec, "kept", "decided")
    if dec["decided"] == SMALL:
        dec["median_days"] = None
    dec["buckets"] = [{**b, "count": _small(b["count"])} for b in dec["buckets"]]
    for slot in dec["per_month"]:
        slot["decided"], slot["kept"] = _small(slot["decided"]), _small(slot["kept"])
        _suppress_share(slot, "kept", "decided")
    com = out["complaints"]
    for k in ("received", "answered", "on_time", "open"):
        com[k] = _small(com[k])
    _suppress_share(com, "on_time", "answered")
    for slot in com["per_month"]:
        for k in ("received", "answered", "on_time"):
            slot[k] = _small(slot[k])
        _suppress_share(slot, "on_time", "answered")
    sat = out["satisfaction"]
    for part in (sat, *sat["per_month"]):
        if 0 < part["responses"] < THRESHOLD:
            part["means"] = dict.fromkeys(part["means"])
            part["responses"] = SMALL
        if 0 < part["recommend_answers"] < THRESHOLD:
            part["recommend"], part["recommend_answers"] = None, SMALL
    out["public"] = True
    return out
