"""The audit report as one HTML page for auditors, in Arabic (right to left) or English: the figures first with
their charts, then the findings grouped and explained, then every request's timeline (who did what and when,
the decision's members and meeting, the decision time against the promised period).

The page stands alone (its styles inline, no script, no font or request leaving it), so it can be attached to
a board's minutes or opened from a CI artifact."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from mustafid.audit.findings import grouped
from mustafid.core.period import riyadh_day
from mustafid.core.text import T
from mustafid.stats import labels as L
from mustafid.stats.charts import charts, render_svg

UI: dict[str, T] = {
    "title": T("تقرير التدقيق", "Audit report"), "figures": T("الأرقام", "Figures"),
    "findings": T("ملاحظات التدقيق", "Findings"), "requests": T("الطلبات", "Requests"),
    "none": T("لا توجد ملاحظات.", "No findings."), "request": T("الطلب", "Request"),
    "commit": T("الإيداع", "Commit"), "finding": T("الملاحظة", "Finding"), "form": T("النموذج", "Form"),
    "channel": T("القناة", "Channel"), "status": T("الحالة", "Status"), "received": T("وصل", "Received"),
    "promised": T("الموعد", "Promised by"), "decision": T("القرار", "Decision"), "by": T("بواسطة", "By"),
    "members": T("الأعضاء", "Members"), "meeting": T("الاجتماع", "Meeting"), "days": T("أيام القرار", "Days"),
    "kept": T("في الموعد", "On time"), "late": T("متأخر", "late"), "overdue": T("مفتوح وتجاوز الموعد", "open, overdue"),
    "when": T("متى", "When"), "what": T("ما حدث", "What happened"), "timeline": T("التسلسل", "Timeline"),
    "sealed": T("آخر تدقيق مختوم", "Last sealed audit"), "head": T("الفرع الرئيسي", "Main branch"),
    "other_lang": T("English", "العربية"), "privacy": T(
        "لا بيانات شخصية في هذا التقرير: أرقام الطلبات والنماذج والقنوات والحالات والتواريخ ومعرّفات أعضاء الفريق فقط.",
        "No personal data in this report: reference numbers, forms, channels, statuses, dates and team ids only."),
}
KEY: tuple[tuple[str, T], ...] = (
    ("requests", T("الطلبات", "requests")), ("decided", T("قُرّرت", "decided")),
    ("kept", T("قُرّرت في الموعد", "decided on time")), ("late", T("قُرّرت بعد الموعد", "decided late")),
    ("open", T("مفتوحة", "open")), ("overdue", T("مفتوحة تجاوزت الموعد", "open and overdue")),
    ("anomalies", T("ملاحظات التدقيق", "findings")),
)


def _when(iso: str | None, lang: str) -> str:
    if not iso:
        return ""
    return L.date(riyadh_day(iso).isoformat(), lang)


def _riyadh_minute(iso: str) -> str:
    """A timestamp as Riyadh's ``YYYY-MM-DD HH:MM`` (every date the association promises is counted there)."""
    import datetime as dt

    from mustafid.core.vocab import RIYADH

    if len(iso) >= 25 and iso.endswith("+03:00"):  # what the tools write: already Riyadh's time
        return f"{iso[:10]} {iso[11:16]}"
    return dt.datetime.fromisoformat(iso).astimezone(RIYADH).strftime("%Y-%m-%d %H:%M")


def _request(r: Mapping[str, Any], period: int, lang: str) -> dict[str, Any]:
    days = r.get("days_to_decision")
    if r.get("kept") is True:
        kept = "✓"
    elif r.get("kept") is False:
        kept = f"✗ {UI['late'](lang)}"
    else:
        kept = UI["overdue"](lang) if r.get("overdue") else ""
    return {
        "id": r["id"], "form": r["form"], "channel": L.word(L.CHANNEL, r.get("channel"), lang),
        "status": L.word(L.STATUS, r.get("status"), lang), "received": _when(r.get("received"), lang),
        "promised": L.date(r.get("promised_by"), lang),
        "outcome": L.word(L.STATUS, r.get("outcome"), lang), "decided": _when(r.get("decided"), lang),
        "by": r.get("decided_by") or "", "members": " ، ".join(r.get("members") or []) if lang == "ar"
        else ", ".join(r.get("members") or []), "meeting": r.get("meeting") or "",
        "days": "" if days is None else f"{L.number(days, lang)} / {L.number(period, lang)}", "kept": kept,
        "late": r.get("kept") is False or bool(r.get("overdue")),
        "timeline": [{"at": L.date(_riyadh_minute(e["at"]), lang),
                      "status": L.word(L.STATUS, e.get("status"), lang), "by": e.get("by", ""),
                      "commit": e.get("commit", "")} for e in r.get("timeline", ())],
    }


def _request_html(x: Mapping[str, Any], ui: Mapping[str, str]) -> str:
    """One request's block (a <details>: the summary line, the decision, the timeline). Written here rather than
    in the template: with 100,000 requests Jinja's attribute lookups were most of the page's time."""
    e = html.escape
    dl = [("channel", x["channel"]), ("received", x["received"]), ("promised", x["promised"] or "")]
    if x["decided"]:
        dl += [("decision", f"{x['outcome']} · {x['decided']}"), ("by", x["by"]), ("members", x["members"]),
               ("meeting", x["meeting"]), ("days", x["days"])]
    kept = f" · {e(x['kept'])}" if x["kept"] else ""
    items = "".join(f"<dt>{e(ui[k])}</dt><dd>{e(v)}</dd>" for k, v in dl)
    steps = "".join(f"<li>{e(t['at'])} · {e(t['status'])} · <code>{e(t['by'])}</code> · <code>{e(t['commit'])}</code>"
                    "</li>" for t in x["timeline"])
    return (f'<details class="req{" late" if x["late"] else ""}"><summary><code>{e(x["id"])}</code> · '
            f'{e(x["form"])} · {e(x["status"])}{kept}</summary><dl>{items}</dl>'
            f'<ol class="tl" aria-label="{e(ui["timeline"])}">{steps}</ol></details>\n')


def render_html(report: Mapping[str, Any], lang: str = "ar", agg: Mapping[str, Any] | None = None,
                form_titles: Mapping[str, T] | None = None, other: str = "") -> str:
    """The page in ``lang``; ``agg`` (audit/figures.py) adds the charts; ``other``: the other language's file."""
    import jinja2

    from mustafid.review.summary import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    f = report["figures"]
    period = int(f.get("period_days") or 0)
    titles = form_titles or {}
    key = [(label(lang), L.number(f.get(k, 0), lang)) for k, label in KEY]
    views = [{"key": c.key, "title": c.title(lang), "svg": render_svg(c, lang), "note": c.note(lang)}
             for c in (charts(agg, titles) if agg else [])]
    ui = {k: v(lang) for k, v in UI.items()}
    names = {fid: t(lang) for fid, t in titles.items()}
    blocks = []
    for r in report.get("rows", ()):
        row = _request(r, period, lang)
        row["form"] = names.get(r["form"], r["form"])
        blocks.append(_request_html(row, ui))
    return env.get_template("audit.html.j2").render(
        lang=lang, dir="rtl" if lang == "ar" else "ltr", ui=ui, r=report, count=len(blocks),
        key=key, charts=views, groups=grouped(report.get("anomalies", ()), lang), requests_html="".join(blocks),
        other=other,
        today=L.date(report.get("today", ""), lang), period=L.number(period, lang))
