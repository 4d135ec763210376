"""The review summary of one request (templates/review_summary.md.j2): what `mustafid show` prints and the body
of a GitHub pull request, with the form's own labels for the answers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mustafid.config.association import Association
from mustafid.core.period import days_left, period_days
from mustafid.forms.kinds import kind_of

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def summary(assoc: Association, record: Mapping[str, Any], lang: str = "ar", redact: bool = False) -> str:
    """The summary in ``lang``. ``redact`` hides every field the form tags personal/sensitive: what leaves the
    association (a GitHub pull request) never holds them."""
    import jinja2

    from mustafid.forms.load import load_forms

    forms = load_forms(assoc)
    form = forms.get(str(record.get("form")))
    data = dict(record.get("data") or {})
    if form is None:
        answers = [(k, str(v)) for k, v in data.items()]
        title = str(record.get("form"))
    else:
        if redact:
            hidden = {p.split(".")[0] for p in form.personal_fields}
            data = {k: v for k, v in data.items() if k not in hidden}
        answers = form.summary(data, lang)
        title = form.title(lang)
    kind = kind_of(assoc, record.get("form"))  # a complaint's period is the answer period; a survey has none
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template("review_summary.md.j2").render(
        r=record, lang=lang, title=title, answers=answers, redacted=redact,
        days_left=days_left(assoc, record, kind=kind), period=period_days(assoc, kind) or "—",
        referral=assoc.referral_to_social_research)
