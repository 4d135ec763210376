"""The audit report as Markdown (templates/audit.md.j2), Arabic and English, statuses and channels in both, every
request's timeline with the decision's members and meeting, a deletion reported once; `--format json` prints the
data and `--format html` the auditors' page (audit/html.py)."""

from __future__ import annotations

from typing import Any

from mustafid.audit.findings import deduplicated
from mustafid.core.text import T
from mustafid.review.summary import TEMPLATES
from mustafid.stats import labels as L


def render(report: dict[str, Any], brief: bool = False) -> str:
    """The report ``audit.report.audit`` returns, as Markdown (figures with Arabic-Indic digits too); ``brief``:
    the figures and the findings only (a job summary holds 1 MiB: 10,000 requests' rows would not fit)."""
    import jinja2

    from mustafid.core.plural import DAY, count
    from mustafid.core.text import arabic_digits

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["ar"] = arabic_digits
    env.filters["days_ar"] = lambda n, case="gen": count(int(n), DAY, "ar", case=case)  # "٧ أيام", "١٤ يوماً"
    env.filters["st"] = lambda key: _both(L.STATUS, key)
    env.filters["ch"] = lambda key: _both(L.CHANNEL, key)
    return env.get_template("audit.md.j2").render(r=report, f=report["figures"], brief=brief,
                                                  anomalies=deduplicated(report["anomalies"]))


def _both(table: dict[str, T], key: str | None) -> str:
    """A status or channel in both languages ("مقبول approved"); an unknown one as it is."""
    if not key:
        return ""
    return f"{table[key].ar} {table[key].en}" if key in table else key
