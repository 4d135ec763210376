"""The fast record writer gives byte-for-byte what ruamel writes, or steps aside (None)."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mustafid.records.format import _quoted, _yaml, fast_dump, parse_record

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "valid"


def ruamel(record: dict) -> str:
    buf = io.StringIO()
    _yaml().dump(_quoted(record), buf)
    return buf.getvalue()


def test_every_example_record_is_written_identically() -> None:
    files = sorted(EXAMPLES.rglob("*.yml"))
    assert len(files) >= 10
    used = 0
    for path in files:
        rec = parse_record(path.read_text(encoding="utf-8"))
        fast = fast_dump(rec)
        if fast is not None:
            used += 1
            assert fast == ruamel(rec), path
    assert used == len(files), "the fast writer handles every example record"


KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                   st.floats(allow_nan=False, allow_infinity=False, width=32), TEXT,
                   st.lists(st.text("ابت ثج\n", min_size=1, max_size=5), min_size=2, max_size=3).map("\n".join))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(KEYS, inner, max_size=3)), max_leaves=12)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(KEYS, VALUE, max_size=6))
def test_generated_records_are_identical_or_left_to_ruamel(record: dict) -> None:
    fast = fast_dump(record)
    if fast is not None:
        assert fast == ruamel(record)


def test_the_shapes_records_hold_take_the_fast_path() -> None:
    record = {"id": "K7M3-9QXD", "flags": [], "decision": None, "n": 3, "money": 1500.5, "ok": True,
              "declaration": {"confirmed": True, "at": "2026-11-23T10:00:00+03:00"},
              "data": {"name": 'قالت "نعم" \\ ثم', "empty": {}, "description": "سطر أول\nسطر ثان",
                       "family": [{"name": "سارة", "age": 5, "tags": ["a", "b"], "notes": {"x": 1}}, {}],
                       "aid": ["cash", "food"]},
              "documents": [{"field": "id_copy", "size": 12}]}
    fast = fast_dump(record)
    assert fast is not None and fast == ruamel(record)
    assert parse_record(fast) == record
