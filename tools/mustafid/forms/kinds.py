"""Which path a form's records take: the one place a record's kind is read (from its form's definition), so the
lifecycle, the review list, the receipt and the audit cannot disagree about it."""

from __future__ import annotations

import time
from typing import Any

from mustafid.core.vocab import INITIAL

# forms folder -> (when read, form id -> kind). The audit asks once per record change (tens of thousands of
# times): loading the definitions each time (their files stat'ed) cost 180-350 µs a call, this about 4 µs.
# Read again after a couple of seconds, so a long-running server sees an edited definition.
_KINDS: dict[str, tuple[float, dict[str, str]]] = {}
_FRESH_S = 2.0


def _kinds(assoc: Any) -> dict[str, str]:
    from mustafid.forms.load import load_forms

    key = str(assoc.root)  # Path caches its text; forms_dir would build a new Path each call
    now = time.monotonic()
    hit = _KINDS.get(key)
    if hit is not None and now - hit[0] < _FRESH_S:
        return hit[1]
    try:
        kinds = {fid: f.kind for fid, f in load_forms(assoc).items()}
    except Exception:  # definitions that do not load are `mustafid validate`'s to report
        kinds = {}
    _KINDS[key] = (now, kinds)
    return kinds


def kind_of(assoc: Any, form_id: object) -> str:
    """``request``, ``feedback`` or ``survey``; a form the association no longer defines is a request (the
    strictest path, so nothing is waved through)."""
    return _kinds(assoc).get(str(form_id), "request")


def initial_status(kind: str) -> str:
    return INITIAL.get(kind, "received")
