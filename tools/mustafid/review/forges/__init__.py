"""Forges: where a submission's review lives. `local` (the branch is the review) or `github` (a pull request).

Both expose the same small protocol so the CLI does not care which one the association uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Forge(Protocol):
    def open_review(self, record_id: str, record: Mapping[str, Any], form: Any) -> str:
        """Make the submission reviewable; returns where (a branch name or a pull-request URL)."""
        ...
