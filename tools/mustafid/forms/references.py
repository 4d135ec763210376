"""What a definition's conditions, counts, filters and calculations refer to, checked once the form is read:
every name must be a field of the form (or of the repeat item it is in), used as its type allows."""

from __future__ import annotations

from typing import Any, Protocol

from mustafid.forms.model import CONDITION_OPS, Field, FormDef


class Reporter(Protocol):
    def err(self, path: list[Any], ar: str, en: str) -> None: ...


def condition_refs(cond: Any) -> list[str]:
    """Field ids a condition reads (``{field: x}`` operands too)."""
    out: list[str] = []
    if isinstance(cond, dict):
        for k, v in cond.items():
            if k == "field" and isinstance(v, str):
                out.append(v)
            elif k in ("all", "any") and isinstance(v, list):
                for c in v:
                    out += condition_refs(c)
            elif k == "not" or (k in CONDITION_OPS and isinstance(v, dict)):
                out += condition_refs(v)
    return out


def _leaves(cond: Any) -> list[dict[str, Any]]:
    """The ``{field: ..., op: ...}`` comparisons inside a condition."""
    if not isinstance(cond, dict):
        return []
    if isinstance(cond.get("field"), str):
        return [cond]
    out: list[dict[str, Any]] = []
    for k in ("all", "any"):
        for c in cond.get(k) or ():
            out += _leaves(c)
    return out + _leaves(cond.get("not"))


def check_refs(ctx: Reporter, form: FormDef) -> None:
    """Conditions, counts, filters and calculations must name fields that exist."""
    top = {f.id: f for f in form.fields}

    def known(name: str, scope: dict[str, Field]) -> bool:
        return name == "." or name in scope or name in top

    def check_cond(cond: Any, where: str, scope: dict[str, Field]) -> None:
        if cond is None:
            return
        if not isinstance(cond, dict):
            ctx.err([], f"{where}: الشرط يجب أن يكون قاموساً", f"{where}: a condition must be a mapping")
            return
        ops = set(cond) - {"field"}
        if "field" in cond and not (ops & set(CONDITION_OPS)):
            ctx.err([], f"{where}: الشرط يحتاج عملية من: " + "، ".join(CONDITION_OPS),
                    f"{where}: the condition needs one of: " + ", ".join(CONDITION_OPS))
        for name in condition_refs(cond):
            if not known(name, scope):
                ctx.err([], f"{where}: الشرط يشير إلى حقل غير موجود «{name}»",
                        f"{where}: the condition refers to an unknown field '{name}'")
        for leaf in _leaves(cond):
            target = scope.get(leaf["field"]) or top.get(leaf["field"])
            if target is None:
                continue
            if target.type == "multi_choice" and (set(leaf) & {"in", "not_in"} or any(
                    op in leaf and not isinstance(leaf[op], list) for op in ("equals", "not_equals"))):
                ctx.err([], f"{where}: «{leaf['field']}» اختيار متعدد قيمته قائمة، فلا تصح معه equals أو in؛ استعمل "
                            f"includes، مثل {{not: {{field: {leaf['field']}, includes: none}}}}",
                        f"{where}: '{leaf['field']}' is a multi-choice field (its answer is a list): "
                        f"equals/in never match it; use includes, e.g. "
                        f"{{not: {{field: {leaf['field']}, includes: none}}}}")
            if "includes" in leaf and target.type != "multi_choice":
                ctx.err([], f"{where}: includes لحقول الاختيار المتعدد فقط؛ استعمل equals أو in مع «{leaf['field']}»",
                        f"{where}: includes is for multi-choice fields only; use equals or in with '{leaf['field']}'")

    def rec(fields: tuple[Field, ...], prefix: str) -> None:
        scope = {f.id: f for f in fields}
        for f in fields:
            where = prefix + f.id
            check_cond(f.relevant, where, scope)
            for c in f.constraints:
                check_cond(c["check"], where, scope)
            if f.choice_filter and not known(f.choice_filter, scope):
                ctx.err([], f"{where}: filter يشير إلى حقل غير موجود", f"{where}: filter refers to an unknown field")
            if f.count_from and (f.count_from not in top or top[f.count_from].type != "integer"):
                ctx.err([], f"{where}: count يجب أن يشير إلى حقل عدد صحيح",
                        f"{where}: count must name an integer field")
            if f.calc:
                for ref in _calc_refs(f.calc):
                    if ref.split(".")[0] not in scope and ref.split(".")[0] not in top:
                        ctx.err([], f"{where}: الحساب يشير إلى حقل غير موجود «{ref}»",
                                f"{where}: calc refers to an unknown field '{ref}'")
            if f.type == "repeat":
                rec(f.fields, where + ".*.")

    rec(form.fields, "")
    for r in form.rules:
        check_cond(r.check, f"rules.{r.id}", {})
        check_cond(r.when, f"rules.{r.id}", {})


def _calc_refs(calc: Any) -> list[str]:
    if not isinstance(calc, dict) or not calc:
        return []
    arg = next(iter(calc.values()))
    return [a for a in (arg if isinstance(arg, list) else [arg]) if isinstance(a, str)]
