"""Which path a form's records take: the one place a record's kind is read (from its form's definition), so the
lifecycle, the review list, the receipt and the audit cannot disagree about it."""

from __future__ import annotations

from typing import Any

from mustafid.core.vocab import INITIAL


def kind_of(assoc: Any, form_id: object) -> str:
    """``request``, ``feedback`` or ``survey``; a form the association no longer defines is a request (the
    strictest path, so nothing is waved through)."""
    from mustafid.forms.load import load_forms

    try:
        form = load_forms(assoc).get(str(form_id))
    except Exception:  # definitions that do not load are `mustafid validate`'s to report
        return "request"
    return form.kind if form is not None else "request"


def initial_status(kind: str) -> str:
    return INITIAL.get(kind, "received")
