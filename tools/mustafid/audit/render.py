"""The audit report as Markdown (templates/audit.md.j2), Arabic and English; `--format json` prints the data."""

from __future__ import annotations

from typing import Any

from mustafid.review.summary import TEMPLATES


def render(report: dict[str, Any]) -> str:
    """The report ``audit.report.audit`` returns, as Markdown (figures with Arabic-Indic digits too)."""
    import jinja2

    from mustafid.core.plural import DAY, count
    from mustafid.core.text import arabic_digits

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["ar"] = arabic_digits
    env.filters["days_ar"] = lambda n, case="gen": count(int(n), DAY, "ar", case=case)  # "٧ أيام", "١٤ يوماً"
    return env.get_template("audit.md.j2").render(r=report, f=report["figures"])
