"""`mustafid remind` on a known history: the open requests due within the days asked or late, their ids, forms
and days only, as a Markdown table (GitHub's job summary renders it); no personal value."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.audit.reminders import due, markdown
from mustafid.cli.main import main
from tests.audit.known_history import build


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_reminders_list_what_is_due_or_late(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    h = build(tmp_path, name)
    period = h.assoc.decision_period_days
    overdue, new = h.ids["overdue"][0], h.ids["new"][0]
    rows = due(h.assoc, h.forge, within=3)
    by_id = {r["id"]: r for r in rows}
    assert overdue in by_id and by_id[overdue]["days_left"] in (-2, -1)  # -1 when Riyadh is a day ahead of UTC
    assert new not in by_id  # due in `period` days
    assert set(by_id[overdue]) == {"id", "form", "days_left"}
    # the complaints and surveys still open are listed too when due: within the whole period, everything open is
    everything = {r["id"] for r in due(h.assoc, h.forge, within=period + 1)}
    assert new in everything and h.ids["complaints"][1] in everything

    assert main(["remind", "--association", str(h.repo), "--repo", str(h.repo)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## تذكير بالمواعيد — Reminders")
    assert "| الطلب / request | النموذج / form | الأيام | days |\n| --- | --- | --- | --- |\n" in out
    assert f"| `{overdue}` | support-request | متأخر" in out and "late |" in out
    assert not [s for s in h.secrets if s in out]
    assert main(["remind", "--association", str(h.repo), "--repo", str(h.repo), "--within", "-1"]) == 1
    assert "--within" in capsys.readouterr().err


def test_no_reminder_says_none() -> None:
    text = markdown([], 3)
    assert "لا شيء. / None." in text and "| ---" not in text
    one = markdown([{"id": "K7M3-9QXD", "form": "support-request", "days_left": 1}], 3)
    assert "باقٍ يوم واحد" in one and "1 day left" in one
