"""Reading a record in the layout Mustafid writes, fast, or saying "not that layout" (None).

`mustafid validate` reads every record on every pull request. The records Mustafid writes
(records.format.dump_record) use a small part of YAML, one item per line, two spaces per level:

    key: "text"       key: 12       key: 12.5      key: true / false
    key: []           key: {}       key:           (nothing: null, or a block below)
      - "item"        - key: ...    # comment lines at the top
    key: |-           (text over several lines, each two spaces in from the key; empty lines between
      line one         paragraphs; the C reader only: the portable one leaves these to the careful reader)
      line two

Strings are always double-quoted, with the escapes ``\\"``, ``\\\\`` and ``\\n`` only; the plain values are
integers (at most 15 digits), decimals that do not end in 0 (so never a whole number), true, false or nothing;
a key is lower-case ASCII and never twice in a mapping. In that part YAML 1.2 (ruamel, the careful reader) reads
every value one way, and a reader needs no YAML at all: only to refuse whatever is not in it.

`load` is that reader, in C (``_canon.c``, built at install: about 3 µs a record, where a general YAML
library takes 40-70). Without a C compiler the install goes on, and `load` matches the text against the same
grammar as a regular expression, then reads it with ryaml (a Rust YAML loader). Either way None means "read it
with the careful reader", which then says what is wrong. tests/records/test_canon.py compares the readers
with ruamel on examples, generated records and random texts of the layout's own pieces.
"""

from __future__ import annotations

import re
from typing import Any

from mustafid.core.yamlio import load_fast

# Inside a double-quoted string: any character YAML prints as it is and no reader folds (no line breaks,
# controls, tab, BOM or non-characters), or one of three escapes.
_ODD = "\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff"
_CHAR = f'[^"\\\\{_ODD}]'
_STRING = f'"{_CHAR}*+(?:\\\\["\\\\n]{_CHAR}*+)*+"'  # possessive (*+): nothing to try again, a third faster
_NUMBER = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,5}[1-9])?"
_VALUE = rf"(?:{_STRING}|{_NUMBER}|true|false|\[\]|\{{\}})"
# Keys as form ids are written: lower-case ASCII, starting with a letter; never a word YAML reads as a value.
_KEY = r"(?!(?:true|false|null)\b)[a-z][a-z0-9_]*+"
_LINE = rf" *+(?:- )?+(?:{_KEY}:(?: {_VALUE})?+|{_VALUE})\n"
_CANONICAL = re.compile(rf"(?:#[^{_ODD}]*+\n)*+(?:{_LINE})++")


def load_portable(text: str | bytes) -> dict[str, Any] | None:
    """The same verdicts as the C reader, without a compiler: the grammar (not the two-space nesting, which
    ryaml then reads as YAML does), then ryaml, which refuses a key given twice. ``text``: str, or a file's bytes
    (not UTF-8: None)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not _CANONICAL.fullmatch(text):
        return None
    try:
        out = load_fast(text)
    except Exception:
        return None
    return out if isinstance(out, dict) else None


try:
    from mustafid.records._canon import load as load_c
except ImportError:  # built without a C compiler
    load_c = None

load = load_c or load_portable


class Lazy:
    """A top-level block kept as its text until its value is needed (`load_lazy`). Equal to another Lazy of the same
    text without reading either (a text in the layout has one value); otherwise the values are read and compared,
    so equality is the values', as if both had been read."""

    __slots__ = ("_read", "_value", "key", "text")
    __hash__ = None  # type: ignore[assignment]  # (a mapping's or a list's value: never hashed)

    def __init__(self, key: str, text: bytes) -> None:
        self.key, self.text = key, text
        self._value: Any = None
        self._read = False

    def value(self) -> Any:
        """The block read: by the canonical reader, else the YAML one; its text itself if neither can."""
        if not self._read:
            whole = self.key.encode() + b":\n" + self.text
            got = load(whole)
            if got is None:
                try:
                    got = load_fast(whole.decode("utf-8"))
                except Exception:
                    got = None
            self._value = got[self.key] if isinstance(got, dict) and self.key in got else self.text
            self._read = True
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lazy):
            return self.text == other.text or self.value() == other.value()
        return bool(self.value() == other)

    def __repr__(self) -> str:
        return f"Lazy({self.key!r}, {len(self.text)} bytes)"


def load_lazy(text: bytes, keys: frozenset[str]) -> dict[str, Any] | None:
    """`load`, except that the top-level ``keys`` with a block below them are `Lazy`: read only if compared with
    something other than the same text. For a reader that only asks whether those parts changed (the audit's
    lifecycle check, on every version of every record). Without the C reader: `load`."""
    if load_c is None:
        return load(text)
    out: dict[str, Any] | None = load_c(text, keys)
    if out is not None:
        for key in keys:
            raw = out.get(key)
            if isinstance(raw, bytes):
                out[key] = Lazy(key, raw)
    return out
