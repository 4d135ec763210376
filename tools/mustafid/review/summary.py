"""The review summary of one request (templates/review_summary.md.j2): what `mustafid show` prints and the body
of a GitHub pull request, with the form's own labels for the answers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mustafid.config.association import Association
from mustafid.core.period import days_left, period_days
from mustafid.core.plural import DAY, count
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
            hidden = {p.split(".")[0] for p in (*form.personal_fields, *form.sealed_fields)}
            data = {k: v for k, v in data.items() if k not in hidden}
        answers = form.summary(_readable(data, lang), lang)
        if redact:
            answers = [(label, inert(value)) for label, value in answers]
        title = form.title(lang)
    kind = kind_of(assoc, record.get("form"))  # a complaint's period is the answer period; a survey has none
    days = period_days(assoc, kind)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    # the applicant's answer to a request for information (review/addenda.with_answers put it there), never
    # where the summary leaves the association
    asks = [{**q, "answer": "" if redact or "answer" not in q else " ".join(str(_readable(q["answer"], lang)).split())}
            for q in record.get("info_requests") or []]
    return env.get_template("review_summary.md.j2").render(
        r=record, lang=lang, title=title, answers=answers, redacted=redact, asks=asks,
        days_left=days_left(assoc, record, kind=kind),
        period=count(days, DAY, lang, digits=False) if days else "—",
        referral=assoc.referral_to_social_research)


def _readable(node: Any, lang: str) -> Any:
    """Sealed answers (ciphertext, or the placeholders records/sealing.open_record leaves) as words."""
    from mustafid.records.sealing import ERASED, PLACEHOLDER, is_sealed_value

    if is_sealed_value(node) or node == PLACEHOLDER:
        return PLACEHOLDER[lang]
    if node == ERASED:
        return ERASED[lang]
    if isinstance(node, dict):
        return {k: _readable(v, lang) for k, v in node.items()}
    if isinstance(node, list):
        return [_readable(v, lang) for v in node]
    return node


_INERT = str.maketrans({"@": "&#64;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;", "!": "&#33;",
                        "`": "&#96;", "|": "&#124;", "*": "&#42;", "_": "&#95;", "#": "&#35;", "\\": "&#92;",
                        "\n": " ", "\r": " "})


def inert(text: str) -> str:
    """Text that GitHub's Markdown shows as typed: no mention, link, image, HTML, heading, table or code."""
    return str(text).translate(_INERT)
