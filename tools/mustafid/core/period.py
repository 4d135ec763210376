"""The promised decision period, counted one way everywhere: the receipt's date, the review list's days left and
the audit's kept-or-late all start from the day of arrival in Riyadh time and add the association's days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mustafid.core.vocab import OPEN, RIYADH


def riyadh_day(when: str | dt.datetime) -> dt.date:
    """The calendar day in Riyadh of a timestamp (ISO text, `Z` allowed, or a datetime)."""
    moment = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
    return moment.astimezone(RIYADH).date() if moment.tzinfo else moment.date()


def promised_date(assoc: Any, submitted_at: str | dt.datetime) -> dt.date:
    """The day by which a decision is promised: the submission day plus the association's period."""
    return riyadh_day(submitted_at) + dt.timedelta(days=int(assoc.decision_period_days))


def days_left(assoc: Any, record: Mapping[str, Any], today: dt.date | None = None) -> int | None:
    """Days left of the promised decision period (negative when overdue); None once decided or closed."""
    if record.get("status") not in OPEN:
        return None
    today = today or dt.date.today()
    return (promised_date(assoc, str(record["submitted_at"])) - today).days
