"""Reminders before a promised date passes: the open requests whose decision is due within a few days or already
late, as a Markdown table that GitHub's job summary renders. Reference numbers, forms and days only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mustafid.config.association import Association
from mustafid.core.period import riyadh_today
from mustafid.core.text import arabic_digits
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import list_open

DEFAULT_WITHIN = 3


def due(assoc: Association, forge: LocalForge, within: int = DEFAULT_WITHIN,
        today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open requests with ``within`` days left or fewer (negative: days late), the latest first."""
    rows = list_open(assoc, forge, today)
    return [{"id": r["id"], "form": r["form"], "days_left": r["days_left"]}
            for r in rows if r["days_left"] is not None and r["days_left"] <= within]


def _count(n: int) -> tuple[str, str]:
    ar = {1: "يوم واحد", 2: "يومان"}.get(n) or f"{arabic_digits(n)} {'أيام' if 3 <= n <= 10 else 'يوماً'}"
    return ar, f"{n} day{'s' if n != 1 else ''}"


def _days(n: int) -> tuple[str, str]:
    if n == 0:
        return "اليوم آخر يوم", "due today"
    ar, en = _count(abs(n))
    return (f"متأخر {ar}", f"{en} late") if n < 0 else (f"باقٍ {ar}", f"{en} left")


def markdown(rows: list[dict[str, Any]], within: int, today: dt.date | None = None) -> str:
    """The reminder as GitHub-flavoured Markdown: a heading, one line of counts, the table (or "none")."""
    today = today or riyadh_today()
    late = sum(1 for r in rows if r["days_left"] < 0)
    out = [f"## تذكير بالمواعيد — Reminders ({today.isoformat()})", "",
           (f"طلبات مفتوحة موعدها خلال {arabic_digits(within)} أيام أو فات: {arabic_digits(len(rows))} "
           f"(متأخرة: {arabic_digits(late)})  "),
           f"Open requests due within {within} days or late: {len(rows)} (late: {late})", ""]
    if not rows:
        return "\n".join([*out, "لا شيء. / None.", ""])
    out += ["| الطلب / request | النموذج / form | الأيام | days |", "| --- | --- | --- | --- |"]
    for r in rows:
        ar, en = _days(int(r["days_left"]))
        out.append(f"| `{r['id']}` | {r['form']} | {ar} | {en} |")
    return "\n".join([*out, ""])
