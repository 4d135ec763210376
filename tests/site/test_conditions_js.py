"""forms.js evaluates relevance in the browser with a port of conditions.evaluate: both must agree, case by
case, on every condition the seed forms use and on the edge cases of the language (run with node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mustafid.forms.conditions import evaluate
from mustafid.forms.load import load_forms
from tests.helpers import EXAMPLES

FORMS_JS = (Path(__file__).resolve().parents[2] / "tools" / "mustafid" / "site" / "static" / "assets" / "mustafid"
            / "forms.js")
NODE = shutil.which("node")

EDGE: list[tuple[Any, dict[str, Any], Any]] = [
    ({"field": "a", "equals": 1}, {"a": 1}, None),
    ({"field": "a", "equals": 1}, {"a": True}, None),            # Python: True == 1
    ({"field": "a", "equals": True}, {"a": 1}, None),
    ({"field": "a", "equals": "1"}, {"a": 1}, None),             # str(1) == "1"
    ({"field": "a", "equals": True}, {"a": "True"}, None),       # str(True) == "True"
    ({"field": "a", "equals": "x"}, {}, None),                   # unanswered: false
    ({"field": "a", "not_equals": "x"}, {}, None),
    ({"field": "a", "not_equals": "x"}, {"a": "y"}, None),
    ({"field": "a", "equals": False}, {"a": False}, None),       # False is an answer
    ({"field": "a", "in": ["x", 2]}, {"a": "2"}, None),
    ({"field": "a", "not_in": ["none"]}, {"a": ["salary"]}, None),
    ({"field": "a", "not_in": ["none"]}, {"a": "none"}, None),
    ({"field": "a", "includes": "cash"}, {"a": ["food", "cash"]}, None),
    ({"field": "a", "includes": "cash"}, {"a": "cash"}, None),   # not a list
    ({"field": "a", "gt": 0}, {"a": 0}, None),
    ({"field": "a", "gt": 0}, {"a": 3}, None),
    ({"field": "a", "gte": 3}, {"a": 3.0}, None),
    ({"field": "a", "lt": 5}, {"a": "4"}, None),                 # str < int: TypeError -> false
    ({"field": "a", "lte": "b"}, {"a": "a"}, None),
    ({"field": "a", "answered": True}, {"a": ""}, None),
    ({"field": "a", "answered": False}, {"a": []}, None),
    ({"field": "a", "answered": True}, {"a": {"x": 1}}, None),
    ({"field": "a", "gt": {"field": "b"}}, {"a": 5, "b": 4}, None),
    ({"field": "a", "equals": {"count": "rows"}}, {"a": 2, "rows": [{}, {}]}, None),
    ({"all": [{"field": "a", "equals": 1}, {"field": "b", "answered": True}]}, {"a": 1, "b": "x"}, None),
    ({"any": [{"field": "a", "equals": 2}, {"field": "b", "answered": True}]}, {"a": 1}, None),
    ({"not": {"field": "a", "equals": 1}}, {"a": 1}, None),
    ({"field": "health", "not_equals": "healthy"}, {"health": "top"}, {"health": "chronic"}),  # the item first
    ({"field": "x", "equals": "top"}, {"x": "top"}, {"y": 1}),  # then the form
    ({"field": "a", "equals": 1, "gt": 5}, {"a": 1}, None),     # every operator must hold
    ({"field": "a", "unknown_op": 1}, {"a": 1}, None),
]


def _form_cases() -> list[tuple[Any, dict[str, Any], Any]]:
    """Every relevance condition of the seed forms, against answers that make it true and false."""
    out: list[tuple[Any, dict[str, Any], Any]] = []
    samples = [{}, {"family_count": 0}, {"family_count": 2}, {"housing": "rented"}, {"housing": "owned"},
               {"aid_type": ["cash"]}, {"aid_type": ["food"]}, {"income_sources": ["none"]},
               {"income_sources": ["salary", "pension"]}, {"marital_status": "widowed"}, {"wants_reply": True},
               {"wants_reply": False}, {"volunteered_before": True}, {"guardian_relation": "mother"},
               {"guardian_relation": "uncle"}, {"health": "healthy"}, {"health": "disability"}]
    for path in EXAMPLES.values():
        from mustafid.config.association import load_association

        for form in load_forms(load_association(path)).values():
            for _, f in form.walk():
                if f.relevant is not None:
                    out += [(f.relevant, s, None) for s in samples]
    return out


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_agrees_with_python() -> None:
    cases = EDGE + _form_cases()
    expected = [evaluate(c, d, i) for c, d, i in cases]
    assert True in expected and False in expected
    script = (
        "globalThis.window = globalThis;"
        "globalThis.document = {querySelectorAll: () => [], querySelector: () => null};"
        "globalThis.navigator = {};"
        f"require({json.dumps(str(FORMS_JS))});"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(([c, d, i]) => window.mustafidEvaluate(c, d, i))));"
    )
    run = subprocess.run([NODE, "-e", script], input=json.dumps(cases), capture_output=True, text=True, timeout=60,
                         check=False)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    wrong = [(c, d, i, e) for (c, d, i), e, g in zip(cases, expected, got, strict=False) if e != g]
    assert wrong == [], f"forms.js and conditions.py disagree on {len(wrong)} case(s): {wrong[:5]}"
