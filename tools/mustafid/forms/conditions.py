"""The small condition language of form definitions (relevance, constraints, cross-field rules).

Conditions are plain mappings, so the page's JavaScript evaluates the same rules and the JSON Schema export
can turn the simple ones into ``if``/``then``:
``{field: F, equals: V}``, ``not_equals``, ``in: [..]``, ``not_in``, ``answered: true|false``,
``includes: V`` (multi-choice), ``gt|gte|lt|lte: N``; ``{all: [..]}``, ``{any: [..]}``, ``{not: C}``.
An operand may be ``{field: G}`` (another answer) or ``{count: R}`` (items in a repeat group); ``.`` is the
field the constraint is on. Inside a repeat item, names resolve in the item first, then the whole form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_MISSING = object()


def lookup(name: str, data: Mapping[str, Any], item: Mapping[str, Any] | None, this: Any = _MISSING) -> Any:
    if name == ".":
        return None if this is _MISSING else this
    if item is not None and name in item:
        return item[name]
    return data.get(name)


def _operand(v: Any, data: Mapping[str, Any], item: Mapping[str, Any] | None, this: Any) -> Any:
    if isinstance(v, dict):
        if "field" in v:
            return lookup(v["field"], data, item, this)
        if "count" in v:
            return len(data.get(v["count"]) or [])
    return v


def answered(v: Any) -> bool:
    return v is not None and v not in ("", [], {})


def evaluate(cond: Any, data: Mapping[str, Any], item: Mapping[str, Any] | None = None, this: Any = _MISSING) -> bool:
    """Whether ``cond`` holds for the answers so far. A comparison with an unanswered field is false."""
    if cond is None:
        return True
    if "all" in cond:
        return all(evaluate(c, data, item, this) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, data, item, this) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], data, item, this)
    v = lookup(cond.get("field", "."), data, item, this)
    for op, raw in cond.items():
        if op == "field":
            continue
        arg = _operand(raw, data, item, this)
        if op == "answered":
            ok = answered(v) == bool(arg)
        elif not answered(v) and v is not False:
            ok = False
        elif op == "equals":
            ok = v == arg or (str(v) == str(arg) and not isinstance(v, bool))
        elif op == "not_equals":
            ok = not (v == arg or (str(v) == str(arg) and not isinstance(v, bool)))
        elif op == "in":
            ok = v in arg or str(v) in [str(a) for a in arg]
        elif op == "not_in":
            ok = not (v in arg or str(v) in [str(a) for a in arg])
        elif op == "includes":
            ok = isinstance(v, list) and arg in v
        elif op in ("gt", "gte", "lt", "lte"):
            try:
                ok = {"gt": v > arg, "gte": v >= arg, "lt": v < arg, "lte": v <= arg}[op]
            except TypeError:
                ok = False
        else:
            ok = False
        if not ok:
            return False
    return True
