"""Relevance in words: "answer this only if …" under a question, for pages read without the script (and for
people who like to know why a question is there)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mustafid.core.text import arabic_digits
from mustafid.forms.model import Field, FormDef
from mustafid.forms.widgets import UI


def describe(form: FormDef, lang: str, cond: Any, scope: Sequence[Field]) -> str | None:
    """A relevance condition in words ("your answer to 'Works' is yes"), or None when it cannot be said
    plainly; ``scope`` is the fields of the item or page the condition is read in."""
    if not isinstance(cond, Mapping):
        return None
    ar = lang == "ar"
    if "all" in cond or "any" in cond:
        subs = list(cond.get("all", cond.get("any", [])))
        if "all" in cond:  # "answered X and did not choose Y in X": the first half goes without saying
            named = [c.get("field") or c.get("not", {}).get("field") for c in subs if isinstance(c, Mapping)]
            subs = [c for c in subs if not (isinstance(c, Mapping) and set(c) == {"field", "answered"}
                                            and c["answered"] is True and named.count(c["field"]) > 1)]
        parts = [describe(form, lang, c, scope) for c in subs]
        if None in parts:
            return None
        joiner = (" و" if ar else " and ") if "all" in cond else (" أو " if ar else " or ")
        return joiner.join(p for p in parts if p)
    inner = cond.get("not")
    if isinstance(inner, Mapping) and set(inner) == {"field", "includes"}:
        chose = describe(form, lang, inner, scope)
        if chose is None:
            return None
        return chose.replace("اخترت", "لم تختر", 1) if ar else chose.replace("you chose", "you did not choose", 1)
    name = cond.get("field")
    if not isinstance(name, str) or "not" in cond:
        return None
    f = next((x for x in scope if x.id == name), None) or form.field(name)
    if f is None:
        return None
    label = f.label(lang)
    q = f"«{label}»" if ar else f"'{label}'"

    def shown(v: Any) -> str:
        if f.type == "yes_no" or isinstance(v, bool):
            return (UI["yes"] if v in (True, "yes") else UI["no"])(lang)
        if f.choices:
            return form.choice_label(f.choices, str(v), lang)
        return arabic_digits(v) if ar else str(v)

    for op, arg in cond.items():
        if op == "field" or isinstance(arg, Mapping):
            continue
        if op == "equals":
            return f"كانت إجابتك عن {q}: {shown(arg)}" if ar else f"your answer to {q} is {shown(arg)}"
        if op == "not_equals":
            return (f"كانت إجابتك عن {q} غير: {shown(arg)}" if ar
                    else f"your answer to {q} is not {shown(arg)}")
        if op in ("in", "not_in"):
            sep = "، " if ar else ", "
            vals = sep.join(shown(a) for a in arg)
            if ar:
                return f"كانت إجابتك عن {q} {'إحدى' if op == 'in' else 'غير'}: {vals}"
            return f"your answer to {q} is {'one of' if op == 'in' else 'none of'}: {vals}"
        if op == "includes":
            return f"اخترت «{shown(arg)}» في {q}" if ar else f"you chose '{shown(arg)}' for {q}"
        if op in ("gt", "gte", "lt", "lte"):
            words = {"gt": ("أكبر من", "more than"), "gte": ("لا يقل عن", "at least"),
                     "lt": ("أقل من", "less than"), "lte": ("لا يزيد على", "at most")}[op]
            return f"كانت إجابتك عن {q} {words[0]} {shown(arg)}" if ar else f"your answer to {q} is {words[1]} {arg}"
        if op == "answered":
            return (f"أجبت عن {q}" if arg else f"لم تجب عن {q}") if ar else (
                f"you answered {q}" if arg else f"you did not answer {q}")
    return None

