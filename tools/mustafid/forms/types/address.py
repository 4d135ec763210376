"""The Saudi National Address (``national_address``): seven parts, each an input of its own on the page, stored as
one mapping (forms/validators.py holds the rules of each part)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mustafid.core.normalize import normalize_text
from mustafid.forms import validators as V
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, Emitter, FieldType, ObjectSchema, RawFields, RawOf, one
from mustafid.forms.types.text import text_ok
from mustafid.forms.widgets import ADDRESS_LABELS, UI, Node, PageBuilder

PATTERNS = {"building": "^[0-9]{4}$", "postal_code": "^[0-9]{5}$", "additional": "^[0-9]{4}$",
            "short": V.SHORT_ADDRESS_RE.pattern}
_IDS = {k: re.compile(rule) for k, (rule, _) in V._ADDRESS_RULES.items()}


def address_ok(v: Mapping[str, Any]) -> bool:
    """V.national_address(v) == (v, {}): every part known and already canonical, the required ones there."""
    if any(k not in v for k in V.ADDRESS_REQUIRED):
        return False
    for k, x in v.items():
        if not isinstance(x, str):
            return False
        rule = _IDS.get(k)
        if rule is not None:
            # The identifier rules are ASCII only, which identifier normalisation leaves as it is.
            if not rule.fullmatch(x):
                return False
        elif k not in V.ADDRESS_PARTS or len(x) > 100 or not text_ok(x, multiline=False):
            return False
    return True


class NationalAddress(FieldType):
    first_part = ".building"
    helpers: Mapping[str, Any] = {"_address_ok": address_ok}

    def parse(self, a: Answer) -> Any:
        parts = {p: one(a.run.get(f"{a.key}.{p}")) for p in V.ADDRESS_PARTS}
        if not any(normalize_text(v) for v in parts.values()):
            return None
        value, errors = V.national_address(parts)
        for part, err in errors.items():
            a.problem(err.message, err.code, f"{a.key}.{part}")
        return value

    def as_raw(self, f: Field, key: str, v: Any, out: RawFields, sub: RawOf) -> None:
        if isinstance(v, Mapping):
            out.update({f"{key}.{k}": str(x) for k, x in v.items()})
        else:
            super().as_raw(f, key, v, out, sub)

    def schema(self, _form: FormDef, _f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        props: dict[str, dict[str, Any]] = {k: {"type": "string", "minLength": 1, "maxLength": 100}
                                            for k in V.ADDRESS_PARTS}
        for k, p in PATTERNS.items():
            props[k]["pattern"] = p
        return {"type": "object", "properties": props, "required": list(V.ADDRESS_REQUIRED),
                "additionalProperties": False}

    def widget(self, b: PageBuilder, n: Node, _f: Field, path: str, in_repeat: bool) -> Node | None:
        n.kind = "address"
        n.hint = n.hint or b.t(UI["address_hint"])
        for part in V.ADDRESS_PARTS:
            key = f"{path}.{part}"
            p = Node(kind="text", type="text", path=key, id=b.dom_id(key), label=b.t(ADDRESS_LABELS[part]),
                     required=part in V.ADDRESS_REQUIRED, errors=b.errors_at(key), value=b.one(key))
            if part in ("building", "postal_code", "additional"):
                p.attrs = {"inputmode": "numeric", "dir": "ltr", "class": "mf-w-short"}
                if part == "postal_code" and not in_repeat:
                    p.attrs["autocomplete"] = "postal-code"
            elif part == "short":
                p.attrs = {"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false", "class": "mf-w-short"}
            b.ids.append(p.id)
            n.parts.append(p)
        return n

    def fast(self, c: Emitter, _f: Field, depth: int, _in_item: bool) -> None:
        c.emit(depth, "if not isinstance(v, dict) or not _address_ok(v): return False")


NATIONAL_ADDRESS = NationalAddress("national_address")
