"""Text answers: ``text`` (one line, 200 characters unless said) and ``long_text`` (several lines, 4,000)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from mustafid.forms import messages as M
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, Definition, Emitter, FieldType, ObjectSchema
from mustafid.forms.widgets import Node, PageBuilder

# Characters normalize_text would remove or change in any text (so a stored text holding them is not canonical):
# digits and separators it maps, invisible ones it strips, and every whitespace but the space and the line
# break (str.isspace: it folds them to a space). tests/records/test_fastcheck.py tries every code point.
_UNCLEAN_CHARS = ("\u0660-\u0669\u06f0-\u06f9\u066b\u066c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c"
                  "\t\x0b\x0c\r\x1c-\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000")
# A text answer normalize_text leaves as it is has none of those, no double space, no line that starts or ends
# with a space, no run of three line breaks, and (one line) no line break at all; its ends are checked apart.
_UNCLEAN_LINE = re.compile(f"[{_UNCLEAN_CHARS}\n]|  ")
_UNCLEAN_TEXT = re.compile(f"[{_UNCLEAN_CHARS}]|  | \n|\n |\n\n\n")


def text_ok(s: str, multiline: bool) -> bool:
    """normalize_text(s, multiline=multiline) == s != "", without normalising (tests compare the two)."""
    if not s or s[0] in " \n" or s[-1] in " \n":
        return False
    if (_UNCLEAN_TEXT if multiline else _UNCLEAN_LINE).search(s):
        return False
    return unicodedata.is_normalized("NFC", s)


class Text(FieldType):
    helpers: Mapping[str, Any] = {"_text_ok": text_ok}

    def __init__(self, name: str, *, multiline: bool, max_length: int, keys: frozenset[str]) -> None:
        super().__init__(name)
        self.multiline, self.default_max_length, self.keys = multiline, max_length, keys

    def define(self, ctx: Definition, raw: Mapping[str, Any], kw: dict[str, Any], where: list[Any]) -> None:
        kw["max_length"] = raw.get("max_length", self.default_max_length)
        if "pattern" in self.keys and kw["pattern"]:
            try:
                re.compile(kw["pattern"])
            except re.error:
                ctx.err([*where, "pattern"], "التعبير النمطي غير صالح", "the pattern is not a valid regular expression")

    def value(self, a: Answer) -> Any:
        f, s = a.field, a.s
        if f.min_length and len(s) < f.min_length:
            a.problem(M.TOO_SHORT.format(min=f.min_length), "min_length")
        if f.max_length and len(s) > f.max_length:
            a.problem(M.TOO_LONG.format(max=f.max_length), "max_length")
        if f.pattern and not re.fullmatch(f.pattern, s):
            a.problem(f.pattern_message or M.BAD_PATTERN, "pattern")
        return s

    def schema(self, _form: FormDef, f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string", "minLength": f.min_length or 1}
        if f.max_length:
            s["maxLength"] = f.max_length
        if f.pattern:
            s["pattern"] = f"^(?:{f.pattern})$"
        return s

    def input_attrs(self, _b: PageBuilder, n: Node, f: Field) -> dict[str, str]:
        attrs: dict[str, str] = {}
        if self.multiline:
            n.kind = "textarea"
            attrs["rows"] = "5"
        if f.max_length:
            attrs["maxlength"] = str(f.max_length + 20)  # room for spaces the server folds away
        return attrs

    def fast(self, c: Emitter, f: Field, depth: int, _in_item: bool) -> None:
        c.emit(depth, f"if not isinstance(v, str) or not _text_ok(v, {self.multiline}): return False")
        if f.min_length:
            c.emit(depth, f"if len(v) < {int(f.min_length)}: return False")
        if f.max_length:
            c.emit(depth, f"if len(v) > {int(f.max_length)}: return False")
        if f.pattern:
            c.emit(depth, f"if not {c.const(re.compile(f.pattern))}.fullmatch(v): return False")


TEXT = Text("text", multiline=False, max_length=200,
            keys=frozenset({"min_length", "max_length", "pattern", "pattern_message"}))
LONG_TEXT = Text("long_text", multiline=True, max_length=4000, keys=frozenset({"min_length", "max_length"}))
