"""The satisfaction survey's scores, for the figures: read from the survey records (main and the open branches),
keeping only the answers that are not personal and never sealed: the scores from 1 to 5 and "would recommend".

The audit itself reads no record; this is the one reader of record content the figures need. It takes from each
survey record its month of arrival and the survey's score fields, and checks with the form definition that each
is a field the form keeps in clear (never a sealed answer, never the free-text comments or the request number).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.core.period import riyadh_day
from mustafid.forms.model import FormDef
from mustafid.review.forges.local import LocalForge
from mustafid.stats.figures import SCORES
from mustafid.stats.kinds import form_kind

RECOMMEND = "would_recommend"


def _clear(form: FormDef | None, name: str) -> bool:
    f = form.field(name) if form is not None else None
    return f is not None and not f.sealed and not f.personal


def _response(record: Mapping[str, Any], form: FormDef | None) -> dict[str, Any] | None:
    data = record.get("data")
    if not isinstance(data, Mapping) or not record.get("submitted_at"):
        return None
    out: dict[str, Any] = {"month": riyadh_day(str(record["submitted_at"])).strftime("%Y-%m")}
    for q in SCORES:
        v = data.get(q)
        if _clear(form, q) and str(v) in ("1", "2", "3", "4", "5"):
            out[q] = str(v)
    v = data.get(RECOMMEND)
    if _clear(form, RECOMMEND) and isinstance(v, bool):
        out["recommend"] = v
    return out


def survey_scores(forge: LocalForge, forms: Mapping[str, FormDef]) -> list[dict[str, Any]]:
    """One mapping per survey response ({"month", "score_…", "recommend"}), from main and the open branches."""
    import yaml

    surveys = {fid for fid, f in forms.items() if form_kind(fid, f) == "survey"}
    if not surveys:
        return []
    revpaths: dict[str, str] = {}  # record path -> rev:path (a branch's copy wins over main's)
    main = forge.branch_tip(forge.main)
    if main:
        names = forge.git("ls-tree", "-r", "--name-only", main, "--",
                          *(f"submissions/{s}/" for s in sorted(surveys))).decode().splitlines()
        revpaths |= {n: f"{main}:{n}" for n in names if n.endswith(".yml")}
    tips = forge.branches()
    for branch, path in forge.record_paths(tips).items():
        if path.split("/")[1] in surveys:
            revpaths[path] = f"{tips[branch]}:{path}"
    out = []
    for blob in forge.read_many(sorted(revpaths.values())):
        record = yaml.load(blob, Loader=yaml.CSafeLoader) if blob else None
        if isinstance(record, dict):
            r = _response(record, forms.get(str(record.get("form"))))
            if r is not None:
                out.append(r)
    return out
