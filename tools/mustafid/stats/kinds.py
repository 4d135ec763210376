"""What a form is for (a request, a complaint or suggestion, a survey), read one way everywhere.

A form definition may say it with a ``kind:`` key; the seeds' forms that do not are known by their id, so the
figures are right before every definition carries the key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KINDS = ("request", "complaint", "survey", "other")
_BY_ID = {"support-request": "request", "new-beneficiary": "request", "suggestion-or-complaint": "complaint",
          "satisfaction-survey": "survey"}
_ALIASES = {"complaint-suggestion": "complaint", "complaint_suggestion": "complaint", "suggestion": "complaint",
            "complaint": "complaint", "request": "request", "survey": "survey"}


def form_kind(form_id: str, definition: Any = None) -> str:
    """``request``, ``complaint``, ``survey`` or ``other``: the definition's ``kind:`` when it has one, else the
    seeds' form id."""
    raw = getattr(definition, "raw", None)
    if isinstance(raw, Mapping) and isinstance(raw.get("kind"), str):
        kind = _ALIASES.get(raw["kind"].strip().casefold())
        if kind:
            return kind
    return _BY_ID.get(form_id, "other")


def kinds_of(forms: Mapping[str, Any]) -> dict[str, str]:
    """Each form id's kind, from the loaded definitions (forms.load.load_forms)."""
    return {fid: form_kind(fid, f) for fid, f in forms.items()}
