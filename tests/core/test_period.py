"""The association's day is Riyadh's (UTC+3), whatever the server's clock zone."""

from __future__ import annotations

import datetime as dt

from mustafid.core.period import riyadh_day, riyadh_today


def test_after_nine_in_the_evening_utc_it_is_already_tomorrow_in_riyadh() -> None:
    late = dt.datetime(2026, 12, 1, 21, 30, tzinfo=dt.UTC)
    assert riyadh_today(late) == dt.date(2026, 12, 2)
    assert riyadh_today(dt.datetime(2026, 12, 1, 20, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 1)
    assert riyadh_day(late) == riyadh_today(late)


def test_today_without_a_moment_is_the_day_in_riyadh_now() -> None:
    before = dt.datetime.now(dt.UTC)
    got = riyadh_today()
    assert got in {riyadh_today(before), riyadh_today(dt.datetime.now(dt.UTC))}
