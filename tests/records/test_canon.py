"""canonyaml's readers (the C one, and the portable one: a regular expression + ryaml) may only ever return
what the careful reader (ruamel, YAML 1.2) reads: on every example, on generated records, and on texts built
from the layout's own pieces at random indentation, where readers could part ways. The C reader must be built
(the install builds it); both are checked."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mustafid.core.yamlio import rt_yaml
from mustafid.records import canon as canonyaml
from mustafid.records.check import _plain
from mustafid.records.format import dump_record
from tests.forms.factory import make_valid
from tests.records.examples import invalid_examples, valid_examples

READERS = [canonyaml.load_c, canonyaml.load_portable]


def test_the_c_reader_is_built() -> None:
    """The install builds _canon.c (optional, so a failed build would only be slower, silently): say so here."""
    assert canonyaml.load_c is not None and canonyaml.load is canonyaml.load_c, \
        ("mustafid.records._canon was not built: run `pip install -e . -v` and read the gcc error "
         "(Python headers missing?)")


def careful(text: str) -> Any:
    """What ruamel reads (plain dicts and lists), or an exception's type name if it refuses the text."""
    try:
        return _plain(rt_yaml().load(text))
    except Exception as exc:
        return type(exc).__name__


@pytest.mark.parametrize("path", valid_examples() + invalid_examples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_read_the_same_or_not_at_all(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    for load in READERS:
        fast = load(text)
        if fast is not None:
            assert fast == careful(text)
        if path in valid_examples():
            assert fast is not None, "a record Mustafid wrote must be in the canonical layout"


def test_generated_records_read_the_same(all_forms: dict[str, dict[str, Any]]) -> None:
    rng = random.Random(41)
    count = multiline = 0
    for assoc, forms in all_forms.items():
        for form in forms.values():
            for _ in range(15):
                rec = make_valid(form, rng, assoc)
                text = dump_record(rec)
                assert canonyaml.load_c(text) == canonyaml.load_portable(text) == careful(text) == _plain(rec)
                # Answers and notes over several lines are written as literal blocks (`|-`): read by C too.
                long = [f.id for f in form.fields if f.type == "long_text" and f.id in rec["data"]]
                if long:
                    rec["data"][long[0]] = "سطر أول: \"مقتبس\"\nسطر ثانٍ - ٢\n\n# فقرة جديدة"
                    rec["info_requests"] = [{"by": "staff.officer", "at": rec["submitted_at"], "note": "أولاً\nثانياً"}]
                    text = dump_record(rec)
                    assert "|-" in text
                    assert canonyaml.load_c(text) == careful(text) == _plain(rec)
                    multiline += 1
                count += 1
    assert count >= 150 and multiline >= 30


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                                      # a key twice
    "a: 1\nb:\n  c: \"x\"\n  c: \"y\"\n",                # a key twice, nested
    "a:\n  - c: 1\n    c: 2\n",                          # a key twice, in a list item
    # YAML 1.2 reads a non-string:
    "a: True\n", "a: ~\n", "a: null\n", "a: 0x1F\n", "a: +1\n", "a: .5\n", "a: 1e3\n", "a: 007\n",
    "a: yes\n", "a: 2026-01-01\n", "a: x\n",             # plain text: always quoted in records
    "a: 'x'\n", "a: \"\\x41\"\n", "a: \"\\u0041\"\n",   # other quoting and escapes
    "a: \"x\ty\"\n", "a: \"x\u2028y\"\n", "a: \"\ufeff\"\n", "#\x00\na: 1\n",
    "true: 1\n", "null: 1\n", "A: 1\n", "1: 2\n", "a: 1 # comment\n", "a: &x 1\nb: *x\n", "a: !!str 1\n",
    "- 1\n- 2\n", "a: 1", "---\na: 1\n", "a: 1\n\nb: 2\n", "a: [1, 2]\n", "a: 1234567890123456\n",
    "a: 1.50\n", "a: 2.0\n", "a:\n- 1\n", "a:\n   b: 1\n", "a:\n  b: 1\n c: 2\n", "a: \"x\"\n  b: 1\n", "a: 1\r\n",
    "\ufeffa: 1\n", "a: \"\ud800\"\n",
])
def test_outside_the_layout_is_left_to_the_careful_reader(text: str) -> None:
    assert canonyaml.load_c(text) is None
    # The portable reader checks the lines, not the two-space nesting (ryaml reads that as YAML does).
    portable = canonyaml.load_portable(text)
    assert portable is None or portable == careful(text)


KEYS = st.sampled_from(["a", "b", "c", "id", "data", "true_x", "n1"])
STRINGS = st.lists(st.sampled_from([*list('ab "\\:#-&*!٠١عربي😀\té\u200f'), "\\n", '\\"', "\\\\"]), max_size=6).map(
    lambda parts: '"' + "".join(parts) + '"')
VALUES = st.one_of(STRINGS, st.sampled_from(["0", "-0", "12", "-7", "3.25", "true", "false", "[]", "{}", "1.0",
                                             "-0.5"]))
RAW = st.lists(st.sampled_from([*list('ab #:-"\\عé\t'), "- x", "k: v", "|-"]), max_size=6).map(lambda t: ("raw",
                                                                                                          "".join(t)))
LINE = st.tuples(st.integers(0, 6), st.booleans(),
                 st.one_of(st.tuples(KEYS, st.none() | VALUES | st.just("|-")), VALUES, RAW))


def _render(lines: list[tuple[int, bool, Any]]) -> str:
    out = []
    for indent, dash, body in lines:
        if isinstance(body, tuple) and body[0] == "raw":  # a line of a literal block's text, or an empty line
            out.append((" " * indent + body[1] if body[1] else "") + "\n")
            continue
        text = body
        if isinstance(body, tuple):
            key, value = body
            text = f"{key}:" + (f" {value}" if value is not None else "")
        out.append(" " * indent + ("- " if dash else "") + text + "\n")
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=10))
def test_texts_of_the_layout_read_the_same(lines: list[tuple[int, bool, Any]]) -> None:
    text = _render(lines)
    c = canonyaml.load_c(text)
    if c is not None:
        assert c == careful(text), text
    portable = canonyaml.load_portable(text)
    if portable is not None:
        assert portable == careful(text), text


def test_deep_nesting_is_refused_not_a_crash() -> None:
    text = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(5000)) + " " * 10000 + "x: 1\n"
    assert canonyaml.load_c(text) is None
    deep = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(20)) + " " * 40 + "x: 1\n"
    assert canonyaml.load_c(deep) == careful(deep)


@pytest.mark.parametrize("path", valid_examples() + invalid_examples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_without_the_c_reader_the_verdicts_are_the_same(path: Path, all_forms: dict[str, dict[str, Any]],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with no C compiler installs without _canon and checks records with the portable reader:
    every example gets the same problems either way."""
    from mustafid.records import check as recordcheck
    from tests.records.examples import association_of

    forms = all_forms[association_of(path)]
    with_c = recordcheck.check_file(path, forms, association_of(path))
    monkeypatch.setattr(recordcheck, "load", canonyaml.load_portable)
    assert recordcheck.check_file(path, forms, association_of(path)) == with_c
