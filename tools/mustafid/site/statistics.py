"""The public statistics page: the association's figures (stats/figures.py) with their charts, in Arabic and
English, built only from aggregates.

The site build never reads a record: it reads the aggregates file that ``mustafid audit --aggregates FILE``
writes (``$MUSTAFID_STATISTICS``, else ``statistics.json`` beside association.yml), and publishes them through
``figures.public`` whatever the file holds, so a count from 1 to 4 is shown as "fewer than 5" and a share or
mean made from one is withheld. Without the file there is no statistics page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mustafid.core.errors import Problem, UserError
from mustafid.core.text import T
from mustafid.stats import labels as L
from mustafid.stats.charts import Chart, charts, render_svg
from mustafid.stats.figures import SMALL, public

SRC_URI = "statistics.md"
TITLE = T("إحصاءات الجمعية", "Statistics")
UI: dict[str, T] = {
    "period": T("الفترة:", "Period:"),
    "key_caption": T("أهم الأرقام", "Key figures"),
    "as_table": T("الأرقام في جدول", "The figures as a table"),
    "how_title": T("كيف تُحسب هذه الأرقام", "How these figures are counted"),
    "month": T("الشهر", "Month"), "band": T("مدة القرار", "Decision time"),
    "intro": T("أرقام الجمعية المنشورة للعموم: الطلبات والشكاوى ونتائج استبانة الرضا، مجمّعة دون أي بيانات شخصية.",
               "The association's figures for the public: requests, complaints and the satisfaction survey's "
               "results, in aggregate, without any personal data."),
}


def statistics_file(assoc: Any) -> Path:
    env = os.environ.get("MUSTAFID_STATISTICS")
    return Path(env) if env else Path(assoc.root) / "statistics.json"


def load_aggregates(path: Path) -> dict[str, Any] | None:
    """The published aggregates from ``path`` (None when there is no file), small counts suppressed."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return public(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError("ملف الإحصاءات غير صالح", "the statistics file is not valid", [Problem(
            str(path), "", f"أعد إنشاءه بالأمر mustafid audit --aggregates ({exc})",
            f"make it again with `mustafid audit --aggregates` ({exc})")]) from None


def cell(v: Any, unit: str, lang: str) -> str:
    if v == SMALL:
        return L.FEWER_THAN_5(lang)
    if v is None:
        return "—"
    if unit == "percent":
        return L.percent(float(v), lang)
    if unit == "score":
        return L.number(round(float(v), 1), lang)
    return L.number(v, lang)


def _key_figures(agg: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    dec, com, sat = agg["decisions"], agg["complaints"], agg["satisfaction"]
    t = agg["totals"]
    rows = [
        (T("الطلبات المستلمة", "Requests received"), cell(t["request"], "count", lang)),
        (T("الطلبات المقرّرة", "Requests decided"), cell(dec["decided"], "count", lang)),
        (T(f"قُرّرت خلال {L.number(agg['period_days'], 'ar')} يوماً", f"Decided within {agg['period_days']} days"),
         cell(dec["share"], "percent", lang)),
        (T("الشكاوى والاقتراحات", "Complaints and suggestions"), cell(com["received"], "count", lang)),
        (T("أُجيبت في موعدها", "Answered on time"), cell(com["share"], "percent", lang)),
        (T("استبانات الرضا", "Satisfaction surveys"), cell(sat["responses"], "count", lang)),
        (T("الرضا العام (من ٥)", "Overall satisfaction (out of 5)"),
         cell(sat["means"].get("score_overall"), "score", lang)),
    ]
    return [(label(lang), value) for label, value in rows]


def _chart_view(chart: Chart, lang: str) -> dict[str, Any]:
    heads = [s.label(lang) for s in chart.series]
    rows = [[chart.x_label(i, lang), *(cell(s.values[i], chart.unit, lang) for s in chart.series)]
            for i in range(len(chart.x))]
    return {"key": chart.key, "title": chart.title(lang), "svg": render_svg(chart, lang), "note": chart.note(lang),
            "x_head": (UI["month"] if chart.x_is_month else UI["band"])(lang), "heads": heads, "rows": rows}


def how_counted(agg: Mapping[str, Any], lang: str) -> list[str]:
    days = agg["period_days"]
    lines = [
        T("تُحسب الأرقام من سجل الطلبات المحفوظ في git (تقرير التدقيق)، كل طلب مرة واحدة في شهر استلامه بتوقيت الرياض.",
          "The figures are counted from the requests' record kept in git (the audit report), each request once, in "
          "the month it was received (Riyadh time)."),
        T(f"«في موعده»: صدر القرار خلال {L.number(days, 'ar')} يوماً من يوم الاستلام، وهي المدة التي تعد بها الجمعية.",
          f"'On time': decided within {days} days of the day of receipt, the period the association promises."),
        T("الشكوى أو الاقتراح «مُجاب» حين يُسجَّل الرد عليه أو القرار فيه، و«في موعده» إن كان ذلك خلال المدة الموعودة.",
          "A complaint or suggestion is 'answered' when its answer or decision is recorded, and 'on time' when that "
          "is within the promised period."),
        T("الرضا: متوسط الإجابات من ١ إلى ٥ في استبانة الرضا المجهولة الهوية.",
          "Satisfaction: the mean of the answers from 1 to 5 in the anonymous satisfaction survey."),
        T("الأعداد من ١ إلى ٤ تظهر «أقل من ٥»، ولا تُنشر نسبة أو متوسط حُسب منها، حتى لا يُعرف شخص من رقم صغير.",
          "Counts from 1 to 4 are shown as 'fewer than 5', and no share or mean made from one is published, so that "
          "no one can be recognised from a small number."),
    ]
    return [line(lang) for line in lines]


def statistics_fragment(assoc: Any, agg: Mapping[str, Any], lang: str) -> str:
    from mustafid.forms.load import load_forms
    from mustafid.site.pages import _env

    titles = {fid: f.title for fid, f in load_forms(assoc).items()}
    start, end = agg["period"]["from"], agg["period"]["to"]
    period = f"{L.date(start, lang)} – {L.date(end, lang)}"
    html = _env().get_template("statistics.html.j2").render(
        lang=lang, ui={k: v(lang) for k, v in UI.items()}, period=period, key=_key_figures(agg, lang),
        charts=[_chart_view(c, lang) for c in charts(agg, titles)], how=how_counted(agg, lang))
    return "\n".join(line for line in html.splitlines() if line.strip())


def statistics_pages(assoc: Any) -> list[Any]:
    """The statistics page in both languages, when the aggregates file is there (else no page)."""
    from mustafid.site.pages import GeneratedPage, _front_matter

    agg = load_aggregates(statistics_file(assoc))
    if agg is None:
        return []
    out = []
    for lang in ("ar", "en"):
        md = (_front_matter(hide=["toc"]) + f"# {TITLE(lang)}\n\n{UI['intro'](lang)}\n\n"
              + statistics_fragment(assoc, agg, lang) + "\n")
        out.append(GeneratedPage(lang, SRC_URI, TITLE(lang), md, in_nav=True, description=UI["intro"](lang)))
    return out


def statistics_nav(pages: Any, lang: str) -> list[dict[str, str]]:
    """The statistics page as a top-level nav entry of its language (none without the page)."""
    return [{p.title: p.src_uri} for p in pages if p.lang == lang and p.src_uri == SRC_URI]
