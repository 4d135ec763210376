"""Every field type by the name a definition gives it (``type: national_id``): the one table the loader, the
validation, the JSON Schema, the page and the fast check look a type up in."""

from __future__ import annotations

from mustafid.forms.types.address import NATIONAL_ADDRESS
from mustafid.forms.types.base import FieldType
from mustafid.forms.types.calculated import CALCULATED
from mustafid.forms.types.choice import CHOICE, MULTI_CHOICE, YES_NO
from mustafid.forms.types.date import DATE
from mustafid.forms.types.file import FILE
from mustafid.forms.types.group import REPEAT
from mustafid.forms.types.identifiers import EMAIL, IBAN, NATIONAL_ID, PHONE
from mustafid.forms.types.note import NOTE
from mustafid.forms.types.numbers import INTEGER, MONEY
from mustafid.forms.types.text import LONG_TEXT, TEXT

TYPES: dict[str, FieldType] = {t.name: t for t in (
    TEXT, LONG_TEXT, INTEGER, MONEY, DATE, CHOICE, MULTI_CHOICE, YES_NO, PHONE, NATIONAL_ID, IBAN, EMAIL,
    NATIONAL_ADDRESS, FILE, REPEAT, NOTE, CALCULATED,
)}
FIELD_TYPES = frozenset(TYPES)
