"""The audit's figures for the board and the public (stats/figures.py) from an audit report, with the forms'
kinds and the survey's scores read for it: ``mustafid audit --aggregates FILE`` and the exports call this."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.audit.scores import survey_scores
from mustafid.config.association import Association
from mustafid.forms.load import load_forms
from mustafid.review.forges.local import LocalForge
from mustafid.stats.figures import aggregates
from mustafid.stats.kinds import kinds_of


def report_aggregates(assoc: Association, forge: LocalForge, report: Mapping[str, Any]) -> dict[str, Any]:
    """The full aggregates (no suppression: stats.figures.public does that for the site)."""
    forms = load_forms(assoc)
    return aggregates(report, kinds_of(forms), survey_scores(forge, forms))
