"""The figures from histories with known timelines, for both associations: counts per month, form, channel and
kind, decision time against the promised period, the share decided on time, complaints answered on time,
satisfaction scores; the charts' data; small counts suppressed; and nothing the test submitted (no personal value,
no record id) in the aggregates file, the statistics page or the board's figures."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from mustafid.audit.figures import report_aggregates
from mustafid.audit.report import audit
from mustafid.cli.main import main
from mustafid.core.period import riyadh_day
from mustafid.stats.charts import charts
from mustafid.stats.figures import SMALL, public
from tests.audit.known_history import History, build


@pytest.fixture(scope="module", params=["ajaa", "kahatain"])
def known(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> History:
    return build(tmp_path_factory.mktemp(request.param), request.param)


def _month(h: History, days_ago: int) -> str:
    import datetime as dt

    return riyadh_day(h.now - dt.timedelta(days=days_ago)).strftime("%Y-%m")


def test_the_figures_of_a_known_history(known: History) -> None:
    h = known
    report = audit(h.assoc, h.forge)
    assert report["anomalies"] == []
    agg = report_aggregates(h.assoc, h.forge, report)
    period = h.assoc.decision_period_days
    assert agg["totals"] == {"all": 18, "request": 10, "complaint": 2, "survey": 6, "other": 0}
    assert agg["period_days"] == period
    months = agg["months"]
    assert months[0] == _month(h, period + 5) and agg["period"]["from"] == months[0] + "-01"
    # per month: each request counted once, in the Riyadh month it arrived
    expect: dict[str, int] = {}
    for days_ago, count in ((2, 6), (period + 5, 2), (period + 2, 1), (0, 1)):
        expect[_month(h, days_ago)] = expect.get(_month(h, days_ago), 0) + count
    got = dict(zip(months, agg["per_month"]["form"]["support-request"], strict=True))
    assert {m: n for m, n in got.items() if n} == expect
    assert sum(agg["per_month"]["form"]["satisfaction-survey"]) == 6
    assert sum(sum(v) for v in agg["per_month"]["channel"].values()) == 18
    assert agg["per_month"]["kind"]["complaint"][months.index(_month(h, 1))] == 2
    # decisions: 6 in 2 days, 2 after period+5 days (one rejected); one open and overdue, one new
    dec = agg["decisions"]
    assert (dec["decided"], dec["kept"], dec["late"], dec["share"]) == (8, 6, 2, 0.75)
    assert dec["median_days"] == 2
    bands = {(b["min"], b["max"]): b["count"] for b in dec["buckets"]}
    assert sum(bands.values()) == 8 and bands[(0, max(period // 3, 1))] == 6
    assert bands[(period + 1, 2 * period)] == 2 and all(b["within"] == (b["max"] is not None and b["max"] <= period)
                                                       for b in dec["buckets"])
    assert agg["statuses"] == {"approved": 7, "rejected": 1, "received": 2}
    assert (agg["open"], agg["overdue"]) == (2, 1)
    # complaints: two, one answered the day after it arrived (on time)
    com = agg["complaints"]
    assert (com["received"], com["answered"], com["on_time"], com["open"], com["share"]) == (2, 1, 1, 1, 1.0)
    # satisfaction: the six surveys' scores, read from their non-personal answers
    sat = agg["satisfaction"]
    assert sat["responses"] == 6 and sat["recommend"] == pytest.approx(5 / 6)
    for q in ("score_reception", "score_clarity", "score_speed", "score_overall"):
        assert sat["means"][q] == pytest.approx(sum(int(s[q]) for s in h.scores) / 6)
    assert sat["per_month"][months.index(_month(h, 3))]["responses"] == 6


def test_the_charts_data_and_small_counts(known: History) -> None:
    h = known
    agg = report_aggregates(h.assoc, h.forge, audit(h.assoc, h.forge))
    by_key = {c.key: c for c in charts(agg)}
    assert set(by_key) == {"per_month_form", "per_month_channel", "decision_time", "on_time", "satisfaction"}
    form = {s.key: s.values for s in by_key["per_month_form"].series}
    assert form["support-request"] == tuple(agg["per_month"]["form"]["support-request"])
    dt_series = {s.key: s.values for s in by_key["decision_time"].series}
    assert [v for v in dt_series["within"] if v] == [6] and [v for v in dt_series["after"] if v] == [2]
    on_time = {s.key: s.values for s in by_key["on_time"].series}
    assert [v for v in on_time["decided"] if v is not None] == [d["share"] for d in agg["decisions"]["per_month"]
                                                                if d["share"] is not None]
    sat = {s.key: s.values for s in by_key["satisfaction"].series}
    assert [v for v in sat["score_overall"] if v is not None] == [pytest.approx(23 / 6)]

    pub = public(agg)
    assert pub["totals"]["complaint"] == SMALL and pub["totals"]["request"] == 10
    assert pub["decisions"]["late"] == SMALL and pub["decisions"]["kept"] == 6
    assert pub["complaints"]["share"] is None and pub["complaints"]["answered"] == SMALL
    assert pub["overdue"] == SMALL and pub["statuses"]["rejected"] == SMALL
    assert pub["satisfaction"]["responses"] == 6 and pub["satisfaction"]["means"]["score_overall"] is not None
    # a month with 1 to 4 requests is not drawn, and its table cell says so
    pub_form = {c.key: c for c in charts(pub)}["per_month_form"]
    counts = [v for s in pub_form.series for v in s.values]
    assert SMALL in counts and not any(isinstance(v, int) and 0 < v < 5 for v in counts)
    assert public(pub) == pub  # publishing twice changes nothing


def _scan(text: str, h: History, *, ids: bool) -> list[str]:
    every = set(h.secrets) | ({i for group in h.ids.values() for i in group} if ids else set())
    return sorted(v for v in every if v in text)


def test_nothing_submitted_reaches_the_statistics_page_or_the_exports(known: History, tmp_path: Path) -> None:
    h = known
    assert h.secrets, "the history carries personal values to look for"
    args = ["--association", str(h.repo), "--repo", str(h.repo)]
    out = tmp_path / "statistics.json"
    assert main(["audit", *args, "--aggregates", str(out), "-o", str(tmp_path / "audit.md")]) == 0
    assert _scan(out.read_text(encoding="utf-8"), h, ids=True) == []

    from mustafid.site.statistics import load_aggregates, statistics_fragment

    pub = load_aggregates(out)
    assert pub is not None
    for lang in ("ar", "en"):
        page = statistics_fragment(h.assoc, pub, lang)
        assert _scan(page, h, ids=True) == [], lang
        assert ("أقل من ٥" if lang == "ar" else "fewer than 5") in page
    # the board's exports: the request list has reference numbers (it is the list), never a personal value
    csv_dir, xlsx = tmp_path / "csv", tmp_path / "board.xlsx"
    assert main(["export-board", *args, "--format", "csv", "-o", str(csv_dir)]) == 0
    assert main(["export-board", *args, "-o", str(xlsx)]) == 0
    requests = (csv_dir / "requests.csv").read_text(encoding="utf-8-sig")
    figures = (csv_dir / "figures.csv").read_text(encoding="utf-8-sig")
    with zipfile.ZipFile(xlsx) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert _scan(requests + sheets, h, ids=False) == []
    assert _scan(figures, h, ids=True) == []
    rows = list(csv.DictReader(io.StringIO(requests)))
    assert {r["id"] for r in rows} == {i for group in h.ids.values() for i in group}
    late = {r["id"]: r for r in rows}[h.ids["late"][0]]
    assert (late["kept"], late["outcome"], late["days_to_decision"]) == (
        "False", "rejected", str(h.assoc.decision_period_days + 5))
    # the workbook holds the same rows (openpyxl reads back what it wrote)
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["figures", "requests"]
    assert sum(1 for _ in wb["requests"].iter_rows()) == len(rows) + 1
    figs = {(r[0], r[1], r[2]): r[3] for r in wb["figures"].iter_rows(min_row=2, values_only=True)}
    assert figs[("decisions", "kept", None)] == 6 and figs[("totals", "survey", None)] == 6


def test_the_html_report_for_auditors(known: History, tmp_path: Path) -> None:
    h = known
    target = tmp_path / "audit.html"
    assert main(["audit", "--association", str(h.repo), "--repo", str(h.repo), "--format", "html",
                 "-o", str(target)]) == 0
    ar, en = target.read_text(encoding="utf-8"), (tmp_path / "audit.en.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in ar and '<html lang="en" dir="ltr">' in en
    late = h.ids["late"][0]
    chair = h.assoc.committee[0].id
    for page in (ar, en):
        assert late in page and chair in page and "2026-12/1" in page and "<svg" in page
        assert _scan(page, h, ids=False) == []
    assert "مرفوض" in ar and "متأخر" in ar and "✗ late" in en and "rejected" in en
    # every request's timeline: received, verified, decided, each with who and when
    assert ar.count('<ol class="tl"') == 18
