"""The records tests check records of both associations' forms: the forms tests' fixtures, shared."""

from __future__ import annotations

from tests.forms.conftest import ajaa_forms, all_forms, kahatain_forms

__all__ = ["ajaa_forms", "all_forms", "kahatain_forms"]
