"""`load_lazy` (records/canon.py) keeps the applicant's answers and documents as their text, for the audit: every
record reads as `load` reads it, each kept block equal to the value it stands for, and two blocks compare as
their values do, whether their texts are the same or not."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mustafid.records import canon
from mustafid.records.format import dump_record

KEYS = frozenset({"data", "documents"})


def _record(data: dict[str, Any], documents: list[dict[str, str]]) -> dict[str, Any]:
    return {"id": "0001-2345-6789", "form": "support-request", "submitted_at": "2026-01-06T08:07:00+03:00",
            "status": "received", "data": data,
            "documents": documents, "flags": []}


_TEXT = st.text(alphabet='ab حمد"\\\n٣', max_size=20)  # Arabic, quotes, backslashes, line breaks
_VALUE = st.one_of(_TEXT, st.integers(-10**6, 10**6), st.booleans(), st.none(),
                   st.lists(_TEXT, max_size=3))
_DATA = st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), _VALUE, max_size=6)
_DOCS = st.lists(st.fixed_dictionaries({"field": st.sampled_from(["id_copy", "lease"]), "name": _TEXT}),
                 max_size=3)


@settings(max_examples=200, deadline=None)
@given(data=_DATA, documents=_DOCS, other=_DATA)
def test_a_lazy_read_is_the_read_and_compares_as_the_values_do(data: dict[str, Any], documents: list[Any],
                                                               other: dict[str, Any]) -> None:
    text = dump_record(_record(data, documents)).encode()
    full, lazy = canon.load(text), canon.load_lazy(text, KEYS)
    assume(full is not None)  # (a text the C reader leaves to the careful one: the audit reads it so too)
    assert lazy is not None
    assert lazy == full and full == lazy  # each Lazy equal to the value read in full
    assert lazy.keys() == full.keys()
    again = canon.load_lazy(text, KEYS)
    assert again is not None and again["data"] == lazy["data"]
    changed = canon.load_lazy(dump_record(_record(other, documents)).encode(), KEYS)
    assume(changed is not None)
    assert (changed["data"] == lazy["data"]) == (other == data)
    assert (changed["data"] != lazy["data"]) == (other != data)


def test_the_same_value_written_two_ways_is_equal_and_an_empty_block_is_none() -> None:
    """A block of text held in a literal in one and quoted in the other: different texts, the same value."""
    quoted = b'id: "x"\ndata:\n  note: "one\\n\\ntwo"\n'
    literal = b'id: "x"\ndata:\n  note: |-\n    one\n\n    two\n'
    a, b = canon.load_lazy(quoted, KEYS), canon.load_lazy(literal, KEYS)
    assert a is not None and b is not None
    assert isinstance(a["data"], canon.Lazy) and a["data"].text != b["data"].text
    assert a["data"] == b["data"] == {"note": "one\n\ntwo"}
    assert canon.load_lazy(b'id: "x"\ndata:\nstatus: "received"\n', KEYS) == {"id": "x", "data": None,
                                                                              "status": "received"}
    # not in the layout inside the block: the YAML reader reads it when it is compared
    odd = canon.load_lazy(b'id: "x"\ndata:\n  note: plain words\n', KEYS)
    assert odd is not None and odd["data"] == {"note": "plain words"}
