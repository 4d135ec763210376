"""Identifiers and contacts, each one rule of forms/validators.py: ``national_id`` (ID or iqama, Luhn), ``phone``
(a Saudi mobile, stored E.164), ``iban`` (Saudi, mod 97) and ``email``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from mustafid.forms import validators as V
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, Emitter, FieldType, ObjectSchema
from mustafid.forms.widgets import Node, PageBuilder


@cache
def mobile_re() -> re.Pattern[str]:
    """Saudi mobile numbers as libphonenumber's metadata describes them (national part, after +966)."""
    import phonenumbers

    md = phonenumbers.PhoneMetadata.metadata_for_region("SA")
    if md is None or md.mobile is None:  # the library ships SA's metadata: only a broken install lacks it
        raise LookupError("phonenumbers has no metadata for Saudi mobile numbers: reinstall it")
    return re.compile(f"(?:{md.mobile.national_number_pattern})")


def mobile_ok(s: str) -> bool:
    return bool(V.MOBILE_RE.match(s)) and bool(mobile_re().fullmatch(s[4:]))


_IBAN_LETTERS = {ord(c): str(10 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}  # ISO 13616: A=10 … Z=35


def iban_ok(v: Any) -> bool:
    return isinstance(v, str) and bool(V.IBAN_RE.match(v)) and int((v[4:] + v[:4]).translate(_IBAN_LETTERS)) % 97 == 1


def email_ok(v: Any) -> bool:
    try:
        return isinstance(v, str) and V.email(v) == v
    except V.Invalid:
        return False


class Identifier(FieldType):
    """A value one validator turns into its stored form, a pattern in the schema, one line of the fast check."""

    ltr = True

    def __init__(self, name: str, *, rule: Callable[[str], str], pattern: str, fast: str, hint: str = "",
                 attrs: Mapping[str, str], helpers: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.rule, self.pattern, self.fast_line, self.canonical_hint = rule, pattern, fast, hint
        self.attrs, self.helpers = attrs, helpers

    def value(self, a: Answer) -> Any:
        return self.rule(a.s)

    def schema(self, _form: FormDef, _f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        return {"type": "string", "pattern": self.pattern}

    def input_attrs(self, _b: PageBuilder, _n: Node, _f: Field) -> dict[str, str]:
        return dict(self.attrs)

    def fast(self, c: Emitter, _f: Field, depth: int, _in_item: bool) -> None:
        c.emit(depth, self.fast_line)


# `[0-9]`, never `\d`: `\d` matches Arabic-Indic digits in JSON Schema patterns.
NATIONAL_ID = Identifier(
    "national_id", rule=V.national_id, pattern=r"^[12][0-9]{9}$", hint="10 digits",
    fast="if not isinstance(v, str) or not _id_re.match(v) or not _luhn(v): return False",
    attrs={"inputmode": "numeric", "dir": "ltr", "spellcheck": "false", "autocomplete": "off", "class": "mf-w-id"},
    helpers={"_id_re": V.NATIONAL_ID_RE, "_luhn": V.luhn_ok})
PHONE = Identifier(
    "phone", rule=V.mobile, pattern=r"^\+9665[0-9]{8}$", hint="+9665XXXXXXXX",
    fast="if not isinstance(v, str) or not mobile_ok(v): return False",
    attrs={"type": "tel", "inputmode": "tel", "dir": "ltr", "class": "mf-w-id"}, helpers={"mobile_ok": mobile_ok})
IBAN = Identifier(
    "iban", rule=V.iban, pattern=r"^SA[0-9]{4}[0-9A-Z]{18}$", hint="SA.. (24)", fast="if not _iban_ok(v): return False",
    attrs={"dir": "ltr", "spellcheck": "false", "autocapitalize": "characters", "autocomplete": "off"},
    helpers={"_iban_ok": iban_ok})
EMAIL = Identifier(
    "email", rule=V.email, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",     fast="if not _email_ok(v): return False",
    attrs={"type": "email", "dir": "ltr", "spellcheck": "false", "autocapitalize": "off"},
    helpers={"_email_ok": email_ok})
