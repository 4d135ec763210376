"""The charts of the figures, as data (``Chart``: what the tests check) and as SVG drawn at build time by pygal.

Why pygal: it writes SVG with real text, so the browser shapes Arabic and runs the bidi algorithm itself (no
reshaping step, the page's own font), and it needs no display, no JavaScript and no network. On Arabic pages the
months run from right to left, every number is written with Arabic-Indic digits, and labels are never truncated.
A suppressed count (public pages: fewer than 5) is not drawn; the table beside each chart says "fewer than 5".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mustafid.core.text import T
from mustafid.stats import labels as L
from mustafid.stats.figures import SCORES, SMALL

Value = float | int | str | None


@dataclass(frozen=True)
class Series:
    key: str
    label: T
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Chart:
    key: str
    title: T
    kind: str                      # "stacked" (bars by month), "bar" (bands), "line" (shares or means)
    x: tuple[str, ...]             # months (YYYY-MM) or band names
    series: tuple[Series, ...]
    unit: str = "count"            # count | percent | score
    x_is_month: bool = True
    note: T = field(default=T("", ""))
    x_text: tuple[T, ...] = ()     # the x labels' words when they are not months

    def x_label(self, i: int, lang: str) -> str:
        if self.x_text:
            return self.x_text[i](lang)
        return L.month(self.x[i], lang) if self.x_is_month else self.x[i]


def _band(b: Mapping[str, Any]) -> T:
    lo, hi = b["min"], b["max"]
    if hi is None:
        return T(f"{L.number(lo, 'ar')} يوماً فأكثر", f"{lo}+ days")
    return T(f"{L.number(lo, 'ar')}–{L.number(hi, 'ar')} يوماً", f"{lo}–{hi} days")


def charts(agg: Mapping[str, Any], form_titles: Mapping[str, T] | None = None) -> list[Chart]:
    """The five charts of the issue, from (public or full) aggregates."""
    titles = form_titles or {}
    months = tuple(agg["months"])
    per = agg["per_month"]
    forms = tuple(Series(f, titles.get(f, T(f, f)), tuple(v)) for f, v in per["form"].items())
    channels = tuple(Series(c, L.CHANNEL.get(c, T(c, c)), tuple(v)) for c, v in per["channel"].items())
    dec = agg["decisions"]
    bands = dec["buckets"]
    band_keys = tuple(f"{b['min']}-{b['max'] if b['max'] is not None else ''}" for b in bands)
    period = agg["period_days"]
    sat = agg["satisfaction"]["per_month"]
    return [
        Chart("per_month_form", T("الطلبات شهرياً حسب النموذج", "Requests per month by form"), "stacked", months, forms),
        Chart("per_month_channel", T("الطلبات شهرياً حسب القناة", "Requests per month by channel"), "stacked", months,
              channels),
        Chart("decision_time", T("مدة القرار مقارنة بالمدة الموعودة", "Decision time against the promised period"),
              "bar", band_keys,
              (Series("within", T("خلال المدة الموعودة", "within the promised period"),
                      tuple(b["count"] if b["within"] else None for b in bands)),
               Series("after", T("بعد المدة الموعودة", "after the promised period"),
                      tuple(None if b["within"] else b["count"] for b in bands))),
              x_is_month=False, x_text=tuple(_band(b) for b in bands),
              note=T(f"المدة الموعودة {L.number(period, 'ar')} يوماً من يوم الاستلام",
                     f"the promised period is {period} days from the day of receipt")),
        Chart("on_time", T("نسبة الطلبات المقرّرة في موعدها", "Share of requests decided on time"), "line", months,
              (Series("decided", T("قُرّرت في موعدها", "decided on time"),
                      tuple(s["share"] for s in dec["per_month"])),
               Series("complaints", T("شكاوى أُجيبت في موعدها", "complaints answered on time"),
                      tuple(s["share"] for s in agg["complaints"]["per_month"]))), unit="percent"),
        Chart("satisfaction", T("نتائج استبانة الرضا (من ٥)", "Satisfaction survey results (out of 5)"), "line",
              months, tuple(Series(q, L.SCORE[q], tuple(s["means"][q] for s in sat)) for q in SCORES),
              unit="score"),
    ]


def _drawn(v: Value, unit: str) -> float | None:
    if v is None or v == SMALL or isinstance(v, str):
        return None
    return float(v) * 100 if unit == "percent" else float(v)


def _pygal() -> Any:
    """pygal, without the import hook it adds for its map plugins (``PluginImportFixer``, unused here): on Python
    3.11 that legacy finder makes every later failed import (openpyxl's optional numpy) warn."""
    import sys

    import pygal

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def render_svg(chart: Chart, lang: str, x_labels: Sequence[str] | None = None) -> str:
    """The chart as one line of SVG (no script, no XML declaration), to put inline in an HTML page."""
    from pygal.style import Style

    pygal = _pygal()

    style = Style(font_family="inherit", background="transparent", plot_background="#ffffff",
                  colors=("#1f5f8b", "#d9822b", "#3c8d40", "#8e44ad", "#c0392b", "#7f8c8d"),
                  title_font_size=16, label_font_size=15, major_label_font_size=15, legend_font_size=16,
                  value_font_size=14)

    def fmt(v: float) -> str:
        if chart.unit == "percent":
            return L.percent(v / 100, lang)
        return L.number(round(v, 1) if chart.unit == "score" else round(v), lang)

    kinds = {"stacked": pygal.StackedBar, "bar": pygal.StackedBar, "line": pygal.Line}
    xs = list(x_labels) if x_labels is not None else [chart.x_label(i, lang) for i in range(len(chart.x))]
    rtl = lang == "ar"
    cfg: dict[str, Any] = {
        "js": [], "disable_xml_declaration": True, "width": 420, "height": 360, "style": style,
        "value_formatter": fmt, "legend_at_bottom": True, "legend_at_bottom_columns": 1, "truncate_legend": -1,
        "truncate_label": -1, "legend_box_size": 14, "margin_left": 12, "margin_right": 40,  # room for the last month
        "x_label_rotation": 0 if len(xs) <= 2 or sum(map(len, xs)) <= 24 else (35 if rtl else -35),
        "show_minor_x_labels": len(xs) <= 12, "x_labels_major_every": max(len(xs) // 6, 1),
        "print_zeroes": False, "allow_interruptions": True, "no_data_text": "—",
    }
    if chart.unit == "percent":
        cfg["range"] = (0, 100)
    elif chart.unit == "score":
        cfg["range"] = (1, 5)
    else:
        cfg["min_scale"], cfg["max_scale"] = 3, 8
    c = kinds[chart.kind](**cfg)
    c.x_labels = xs[::-1] if rtl else xs
    for s in chart.series:
        values = [_drawn(v, chart.unit) for v in s.values]
        c.add(s.label(lang), values[::-1] if rtl else values)
    svg = str(c.render(is_unicode=True))
    # pygal names each chart with a random uuid: a stable id keeps the build reproducible
    uid = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if uid:
        svg = svg.replace(uid.group(1), f"mf-chart-{chart.key}")
    # no script on the page (pygal writes its config as one even without its tooltips), no comments
    svg = re.sub(r"<script\b.*?</script>|<!--.*?-->", "", svg, flags=re.DOTALL)
    title = chart.title(lang)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" direction="ltr" ', 1)
