"""The promised decision period, counted one way everywhere: the receipt's date, the review list's days left and
the audit's kept-or-late all start from the day of arrival in Riyadh time and add the association's days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mustafid.core.vocab import OPEN, RIYADH


def riyadh_today(now: dt.datetime | None = None) -> dt.date:
    """Today as the association counts it: the day in Riyadh (the machine's own date is UTC on most servers, a day
    behind after 21:00 UTC)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(RIYADH).date()


def riyadh_day(when: str | dt.datetime) -> dt.date:
    """The calendar day in Riyadh of a timestamp (ISO text, `Z` allowed, or a datetime)."""
    moment = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
    return moment.astimezone(RIYADH).date() if moment.tzinfo else moment.date()


def period_days(assoc: Any, kind: str = "request") -> int | None:
    """The days the association promises for a kind of form: a decision on a request, an answer to a complaint
    or suggestion; a survey is promised nothing."""
    if kind == "survey":
        return None
    if kind == "feedback":
        return int(getattr(assoc, "feedback_answer_days", 14))
    return int(assoc.decision_period_days)


def promised_date(assoc: Any, submitted_at: str | dt.datetime, kind: str = "request") -> dt.date:
    """The day by which a decision (or, for feedback, an answer) is promised: the submission day plus the
    association's period for that kind. A survey has none: asking for its date is a bug."""
    days = period_days(assoc, kind)
    if days is None:
        raise ValueError("a survey has no promised date")
    return riyadh_day(submitted_at) + dt.timedelta(days=days)


def days_left(assoc: Any, record: Mapping[str, Any], today: dt.date | None = None,
              kind: str = "request") -> int | None:
    """Days left of the promised period (negative when overdue); None once decided or closed, or for a survey."""
    if record.get("status") not in OPEN or period_days(assoc, kind) is None:
        return None
    today = today or riyadh_today()
    return (promised_date(assoc, str(record["submitted_at"]), kind) - today).days
