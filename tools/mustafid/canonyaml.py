"""Reading a record in the layout Mustafid writes, fast, or saying "not that layout" (None).

`mustafid validate` reads every record on every pull request. The records Mustafid writes
(records.dump_record) use a small part of YAML, one item per line:

    key: "text"       key: 12       key: 12.5      key: true / false
    key: []           key: {}       key:           (nothing: null, or a block below)
      - "item"        - key: ...    # a comment line at the top

Strings are always double-quoted, with the escapes ``\\"``, ``\\\\`` and ``\\n`` only, and the plain values
are integers, decimals, true, false or nothing. In that part YAML 1.2 (ruamel, the careful reader) and
rapidyaml read every value the same way, so a file is first matched line by line against that grammar (one
regular expression over the whole text). Then rapidyaml (a C++ YAML parser) reads it and writes it out as
JSON, which orjson (Rust) turns into dicts and lists; a key given twice is found by counting keys before and
after.
Anything outside the grammar, or anything rapidyaml or the JSON reader refuse, gives None: the careful reader
then reads it and says what is wrong. tests/forms/test_canonyaml.py compares the two readers on generated
and mutated texts.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from contextlib import contextmanager
from typing import Any, Iterator

# Inside a double-quoted string: any character YAML prints as it is and no reader folds (no line breaks,
# controls, tab, BOM or non-characters), or one of three escapes.
_ODD = "\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff"
_CHAR = f'[^"\\\\{_ODD}]'
_STRING = f'"{_CHAR}*+(?:\\\\["\\\\n]{_CHAR}*+)*+"'  # possessive (*+): nothing to try again, a third faster
_NUMBER = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?"
_VALUE = rf"(?:{_STRING}|{_NUMBER}|true|false|\[\]|\{{\}})"
# Keys as form ids are written: lower-case ASCII, starting with a letter; never a word YAML reads as a value.
_KEY = r"(?!(?:true|false|null)\b)[a-z][a-z0-9_]*+"
_LINE = rf" *+(?:- )?+(?:{_KEY}:(?: {_VALUE})?+|{_VALUE})\n"
_CANONICAL = re.compile(rf"(?:#[^{_ODD}]*+\n)*+(?:{_LINE})++")


_LOCAL = threading.local()


def load(text: str) -> dict[str, Any] | None:
    """The record as plain dicts and lists, or None if the text is not in the canonical layout (or not a
    mapping, or has a key twice): read it with the careful reader then."""
    if not _CANONICAL.fullmatch(text):
        return None
    import orjson
    import ryml

    local = _LOCAL.__dict__
    if "tree" not in local:  # one per thread, reused: a new tree is half the time of a parse
        local["tree"], local["buf"] = ryml.Tree(), bytearray(1 << 16)
    tree, buf = local["tree"], local["buf"]
    try:
        tree.clear()
        tree.clear_arena()
        ryml.parse_in_arena(text.encode("utf-8"), tree=tree)
        root = tree.root_id()
        tree.set_container_style(root, ryml.FLOW_SL)  # the JSON on one line: less to write and to read
        try:
            js = ryml.emit_json_in_place(tree, buf, root)
        except IndexError:  # larger than any record so far: a larger buffer, kept for the next ones
            buf = local["buf"] = bytearray(2 * ryml.compute_json_length(tree, root))
            js = ryml.emit_json_in_place(tree, buf, root)
    except Exception:  # noqa: BLE001 - rapidyaml's own error types; it has already printed its complaint
        return None
    try:
        out = orjson.loads(js)
    except orjson.JSONDecodeError:
        return None
    # A key given twice: the JSON reader keeps one of them (and the careful reader must say which line). Every
    # key ends in `":`, and inside a string that is always `\\":`, written alike by both; so the same count of
    # `":` in rapidyaml's JSON and in orjson's own writing of what it read means no key was dropped.
    if not isinstance(out, dict) or bytes(js).count(b'":') != orjson.dumps(out).count(b'":'):
        return None
    return out


@contextmanager
def parser_errors_silenced() -> Iterator[None]:
    """rapidyaml prints a parse error to standard error (file descriptor 2) before it raises, beside the
    per-file message Mustafid gives for the same file. Checking a batch of files: descriptor 2 goes to /dev/null
    meanwhile (nothing else writes there then: every problem is collected and printed afterwards)."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no standard error at all: nothing to keep clean
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
