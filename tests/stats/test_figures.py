"""The figures' rules on rows made by hand: kinds read defensively, months without requests, suppression at the
threshold, shares withheld with their counts, and the charts' SVG (Arabic-Indic digits, no script)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mustafid.core.text import T
from mustafid.stats.charts import charts, render_svg
from mustafid.stats.figures import SMALL, aggregates, months_between, public
from mustafid.stats.kinds import form_kind
from mustafid.stats.labels import date, month, number


class Defn:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw


def test_a_forms_kind_from_its_definition_or_its_id() -> None:
    assert form_kind("support-request") == "request" and form_kind("new-beneficiary") == "request"
    assert form_kind("suggestion-or-complaint") == "complaint" and form_kind("satisfaction-survey") == "survey"
    assert form_kind("volunteering") == "other"
    assert form_kind("volunteering", Defn({"kind": "request"})) == "request"
    assert form_kind("x", Defn({"kind": "complaint-suggestion"})) == "complaint"
    assert form_kind("satisfaction-survey", Defn({"kind": "nonsense"})) == "survey"  # an unknown word: the id


def row(rid: str, received: str, *, form: str = "support-request", channel: str = "web", decided: str | None = None,
        days: int | None = None, kept: bool | None = None, status: str = "received") -> dict[str, Any]:
    return {"id": rid, "form": form, "channel": channel, "status": status, "received": received,
            "promised_by": "2026-03-31", "decided": decided, "days_to_decision": days, "kept": kept,
            "overdue": False, "timeline": [{"at": received, "status": "received"}]
            + ([{"at": decided, "status": status}] if decided else [])}


def test_counts_from_one_to_four_are_suppressed_and_five_is_shown() -> None:
    rows = [row(f"R{i}", "2026-01-10T10:00:00+03:00", decided="2026-01-12T10:00:00+03:00", days=2, kept=True,
                status="approved") for i in range(5)]
    rows += [row(f"L{i}", "2026-03-10T10:00:00+03:00", channel="phone", decided="2026-05-01T10:00:00+03:00",
                 days=52, kept=False, status="rejected") for i in range(4)]
    agg = aggregates({"today": "2026-05-02", "figures": {"period_days": 30}, "rows": rows})
    assert agg["months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert agg["per_month"]["form"]["support-request"] == [5, 0, 4, 0, 0]
    pub = public(agg)
    assert pub["per_month"]["form"]["support-request"] == [5, 0, SMALL, 0, 0]  # 0 and 5 shown, 4 is not
    assert pub["per_month"]["channel"] == {"phone": [0, 0, SMALL, 0, 0], "web": [5, 0, 0, 0, 0]}
    assert pub["decisions"]["kept"] == 5 and pub["decisions"]["late"] == SMALL
    per = pub["decisions"]["per_month"]
    assert per[0] == {"decided": 5, "kept": 5, "share": 1.0}
    assert per[2] == {"decided": SMALL, "kept": 0, "share": None}  # a share of a suppressed count is withheld
    assert agg["decisions"]["per_month"][2]["share"] == 0.0  # the board's own figures keep it


def test_months_run_without_gaps() -> None:
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_words_and_digits() -> None:
    assert month("2026-05", "ar") == "مايو ٢٠٢٦" and month("2026-05", "en") == "May 2026"
    assert number(3.75, "ar") == "٣٫٨" and number(12, "ar") == "١٢" and number(4.0, "en") == "4"
    assert date("2026-12-01", "ar") == "١/١٢/٢٠٢٦" and date("2026-12-01", "en") == "2026-12-01"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_svg_is_static_and_speaks_the_pages_language(lang: str) -> None:
    rows = [row(f"R{i}", "2026-01-10T10:00:00+03:00", decided="2026-01-12T10:00:00+03:00", days=2, kept=True,
                status="approved") for i in range(12)]
    agg = aggregates({"today": "2026-02-02", "figures": {"period_days": 30}, "rows": rows})
    for chart in charts(agg, {"support-request": T("طلب دعم", "Support request")}):
        svg = render_svg(chart, lang)
        assert svg.startswith("<svg ") and "<script" not in svg and "\n\n" not in svg
        assert f'aria-label="{chart.title(lang)}"' in svg and f'id="mf-chart-{chart.key}"' in svg
        if lang == "ar":  # every number drawn (the text after the styles) in Arabic-Indic digits
            texts = re.findall(r">([^<>]+)</text>", svg)
            assert texts and not any(c in "0123456789" for t in texts for c in t), texts
    form_chart = charts(agg, {"support-request": T("طلب دعم", "Support request")})[0]
    svg = render_svg(form_chart, lang)
    assert ("طلب دعم" if lang == "ar" else "Support request") in svg
    assert ("١٢" if lang == "ar" else ">12<") in svg
    assert ("يناير ٢٠٢٦" if lang == "ar" else "Jan 2026") in svg
