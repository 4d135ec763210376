"""The report and the charts for 10,000 requests, and how they grow at 100,000.

    .venv/bin/python benchmarks/report.py [--count 10000] [--growth 10]

The audit's walk of git history is benchmarks/audit.py's; this times what comes after it, from an audit report
with ``count`` rows shaped as audit/report.py writes them (generated here, no git: received over two years, four
forms, six channels, decided on time or late, complaints answered, surveys with scores): the figures
(stats/figures.py) and their public version, the five charts in both languages (pygal SVG), the auditors' HTML page
in both languages (charts included), the Markdown report, the board's CSV and XLSX. The baseline, measured in the
same run, is the report as JSON (`mustafid audit --format json`, what existed before). Then the same at
``count × growth`` rows: a ratio near ``growth`` means linear growth.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT)]

from mustafid.audit.board import write_csv, write_xlsx  # noqa: E402
from mustafid.audit.html import render_html  # noqa: E402
from mustafid.audit.render import render  # noqa: E402
from mustafid.stats.charts import charts, render_svg  # noqa: E402
from mustafid.stats.figures import aggregates, public  # noqa: E402

FORMS = (("support-request", 6), ("new-beneficiary", 2), ("suggestion-or-complaint", 1), ("satisfaction-survey", 1))
CHANNELS = ("web", "web", "web", "interview", "phone", "letter", "email", "social_media")
RIYADH = dt.timezone(dt.timedelta(hours=3))


def rows(count: int, period: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, 9, tzinfo=RIYADH)
    forms = [f for f, w in FORMS for _ in range(w)]
    out, scores = [], []
    for i in range(count):
        received = start + dt.timedelta(minutes=int(i * 730 * 24 * 60 / count))
        form = rng.choice(forms)
        decided = None if form == "satisfaction-survey" or rng.random() < 0.1 else \
            received + dt.timedelta(days=rng.choice((1, 3, 7, 12, period - 1, period + 4, 2 * period + 3)))
        days = (decided.date() - received.date()).days if decided else None
        timeline = [{"at": received.isoformat(), "status": "received", "by": "web", "commit": f"{i:010x}"}]
        if decided:
            timeline += [{"at": (received + dt.timedelta(hours=5)).isoformat(), "status": "verified",
                          "by": "staff.officer", "commit": f"{i + 1:010x}"},
                         {"at": decided.isoformat(), "status": "approved", "by": "committee.chair",
                          "commit": f"{i + 2:010x}"}]
        promised = received.date() + dt.timedelta(days=period)
        out.append({"id": f"R{i:07d}", "form": form, "channel": rng.choice(CHANNELS),
                    "status": "approved" if decided else "received", "received": received.isoformat(),
                    "promised_by": promised.isoformat(), "decided": decided.isoformat() if decided else None,
                    "outcome": "approved" if decided else None, "decided_by": "committee.chair" if decided else None,
                    "members": ["committee.chair", "committee.member1", "committee.member2"] if decided else [],
                    "meeting": "2026-01/1" if decided else None, "days_to_decision": days,
                    "kept": (days <= period) if days is not None else None, "overdue": False, "merged": None,
                    "timeline": timeline})
        if form == "satisfaction-survey":
            scores.append({"month": received.strftime("%Y-%m"), "recommend": rng.random() < 0.8,
                           **{q: str(rng.randint(1, 5)) for q in ("score_reception", "score_clarity", "score_speed",
                                                                  "score_overall")}})
    return out, scores


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def measure(count: int, work: Path) -> dict[str, float]:
    period = 15
    report_rows, scores = rows(count, period)
    report = {"association": "ajaa", "today": "2026-12-31", "main": "main", "head": "0" * 40, "sealed": None,
              "figures": {"requests": count, "decided": 0, "kept": 0, "late": 0, "open": 0, "overdue": 0,
                          "anomalies": 0, "period_days": period}, "rows": report_rows, "anomalies": []}
    t: dict[str, float] = {}
    t["baseline: report as JSON"], _ = timed(lambda: json.dumps(report, ensure_ascii=False, indent=2))
    t["figures"], agg = timed(lambda: aggregates(report, None, scores))
    t["public figures"], pub = timed(lambda: public(agg))
    t["5 charts × 2 languages (SVG)"], _ = timed(lambda: [render_svg(c, lang) for c in charts(pub)
                                                          for lang in ("ar", "en")])
    t["HTML report × 2 languages"], html = timed(lambda: [render_html(report, lang, agg) for lang in ("ar", "en")])
    t["Markdown report"], _ = timed(lambda: render(report))
    t["board CSV"], _ = timed(lambda: write_csv(report, agg, work / f"csv-{count}"))
    t["board XLSX"], _ = timed(lambda: write_xlsx(report, agg, work / f"board-{count}.xlsx"))
    t["HTML size (MB, Arabic)"] = len(html[0].encode()) / 1e6
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--growth", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(args.count, Path(tmp))
        big = measure(args.count * args.growth, Path(tmp))
    base = small["baseline: report as JSON"]
    print(f"{'step':<32} {args.count:>10,} {'× JSON':>8} {args.count * args.growth:>12,} {'growth':>8}")
    for k, v in small.items():
        unit = "" if k.startswith("HTML size") else " s"
        ratio = "" if unit == "" else f"{v / base:8.1f}"
        print(f"{k:<32} {v:>8.3f}{unit} {ratio:>8} {big[k]:>10.3f}{unit} {big[k] / v if v else 0:>8.1f}")
    total = sum(v for k, v in small.items() if not k.startswith(("HTML size", "baseline")))
    total_big = sum(v for k, v in big.items() if not k.startswith(("HTML size", "baseline")))
    print(f"{'report and charts, all steps':<32} {total:>8.3f} s {total / base:8.1f} {total_big:>10.3f} s "
          f"{total_big / total:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
