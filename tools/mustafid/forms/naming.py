"""Problems as the applicant reads them: each names its question (GOV.UK: "Enter father's name", never a bare
"this field is required"), inside a repeat row with the row ("Name (member 2)"), in the association's
grammatical gender. The form page (its error summary and inline messages, forms/view.py) and the intake's
as-you-type check (``/api/check``) both call ``name_problems``, so the page says the same words with or
without JavaScript. Validation itself keeps the plain messages: the CLI and CI name the field by its path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from mustafid.core.errors import Problem
from mustafid.core.text import T
from mustafid.forms import messages as M
from mustafid.forms.model import Field, FormDef
from mustafid.forms.widgets import ADDRESS_LABELS

# The control a field type is shown as, for the verb that asks for it (forms/types: each widget's kind).
KIND_OF_TYPE = {"choice": "select", "multi_choice": "checkboxes", "yes_no": "yesno", "long_text": "textarea",
                "file": "file", "national_address": "address", "repeat": "repeat"}
_INDEX = re.compile(r"\.([0-9]+)\.")


def _fields(form: FormDef) -> dict[str, Field]:
    return dict(form.walk())


def question(form: FormDef, path: str) -> tuple[T, str] | None:
    """The question a problem's path belongs to, as (label, control kind), or None (the declaration, a
    rule about the whole form)."""
    fields = _fields(form)
    pattern = _INDEX.sub(".*.", path + ".").rstrip(".")
    f = fields.get(pattern)
    label: T | None = None
    kind = ""
    if f is None:  # a part of a national address ("address.building")
        head, _, part = pattern.rpartition(".")
        parent = fields.get(head)
        if parent is None or parent.type != "national_address" or part not in ADDRESS_LABELS:
            return None
        label, kind = ADDRESS_LABELS[part], "text"
    else:
        label, kind = f.label, KIND_OF_TYPE.get(f.type, "text")
    rows = [(m.group(1), m.start()) for m in _INDEX.finditer(path + ".")]
    if rows:  # the row it is in: "الاسم (فرد ٢)" / "Name (member 2)"
        index, at = rows[-1]
        group = fields.get(_INDEX.sub(".*.", path[:at] + ".").rstrip("."))
        if group is not None:
            item = group.item_label or group.label
            n = int(index) + 1
            label = T(f"{label.ar} ({item.ar} {str(n).translate(str.maketrans('0123456789', '٠١٢٣٤٥٦٧٨٩'))})",
                      f"{label.en} ({item.en.lower()} {n})")
    return label, kind


def name_problem(form: FormDef, problem: Problem, gender: str = "masculine") -> Problem:
    """One problem with its messages naming the question, in ``gender`` (forms/messages.GENDERS)."""
    asked = question(form, problem.path)
    text = T(problem.ar, problem.en)
    if asked is not None:
        text = M.named(asked[0], asked[1], text)
    return replace(problem, ar=M.addressed(text.ar, gender), en=text.en)


def name_problems(form: FormDef, problems: Sequence[Problem], gender: str = "masculine") -> list[Problem]:
    return [name_problem(form, p, gender) for p in problems]
