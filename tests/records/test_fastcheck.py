"""fastcheck.data_ok may only say "clean" where validation.check_data finds nothing: every character in a
text answer, a long text and a national address part, and generated addresses."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mustafid.forms import validators as V
from mustafid.forms.model import FormDef
from mustafid.forms.types.address import address_ok as _address_ok
from mustafid.forms.validation import check_data
from mustafid.records.fastcheck import data_ok
from tests.forms.factory import make_valid

# Every whitespace character (normalize_text folds them), every control and format character below U+3100, and
# the presentation forms, specials and BOM at the top of the plane: where a reader and the normaliser differ.
CODE_POINTS = sorted({*range(0x3100), *range(0xFB00, 0x10000),
                      *(c for c in range(sys.maxunicode + 1) if chr(c).isspace())} - set(range(0xD800, 0xE000)))


@pytest.fixture(scope="module")
def base(ajaa_forms: dict[str, FormDef]) -> tuple[FormDef, dict[str, Any], dt.date]:
    form = ajaa_forms["support-request"]
    rec = make_valid(form, random.Random(5), "ajaa")
    assert "address" in rec["data"] and "description" in rec["data"] and "district" in rec["data"]
    return form, rec, dt.date.fromisoformat(rec["submitted_at"][:10])


@pytest.mark.parametrize("where", ["district", "description", "address.street"])
def test_no_character_makes_the_fast_check_too_kind(where: str, base: tuple[FormDef, dict[str, Any], dt.date]) -> None:
    form, rec, day = base
    wrong = []
    for cp in CODE_POINTS:
        data = dict(rec["data"])
        c = chr(cp)
        if where == "address.street":
            data["address"] = {**data["address"], "street": f"ab{c}cd"}
        elif where == "description":
            data["description"] = f"ab {c}\ncd"
        else:
            data["district"] = f"ab{c}cd"
        if data_ok(form, data, day, rec["documents"]) and check_data(form, data, day, rec["documents"]):
            wrong.append(hex(cp))
    assert wrong == []


PART = st.text(st.sampled_from(list("0123456789ABRHMArhma ال\u0660\u00a0\u200f\n\t-")), max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*V.ADDRESS_PARTS, "other"]), PART | st.integers(0, 99999), max_size=8))
def test_address_fast_check_agrees_with_the_validator(parts: dict[str, Any]) -> None:
    if all(isinstance(x, str) for x in parts.values()):
        out, errors = V.national_address(parts)
        assert _address_ok(parts) == (not errors and out == parts)
    else:
        assert not _address_ok(parts)


def test_generated_addresses_are_clean_for_both(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    rng = random.Random(17)
    for _ in range(30):
        rec = make_valid(form, rng, "ajaa")
        out, errors = V.national_address(rec["data"]["address"])
        assert not errors and out == rec["data"]["address"] and _address_ok(rec["data"]["address"])


TEXT = st.text(st.sampled_from(list(" \n\t\r\u00a0\u200f\u202e\u0660\u06f5\u066b\u0640ab عe\u0301\u00e9\u2028\u3000"
                                    "\ufeff\x85")), max_size=12)


@settings(max_examples=1500, deadline=None)
@given(TEXT, st.booleans())
def test_text_check_is_the_normaliser_fixed_point(s: str, multiline: bool) -> None:
    """The fast text check says yes exactly for the non-empty texts normalize_text leaves as they are."""
    from mustafid.core.normalize import normalize_text
    from mustafid.forms.types.text import text_ok as _text_ok

    assert _text_ok(s, multiline) == (s != "" and normalize_text(s, multiline=multiline) == s)


@pytest.mark.parametrize("multiline", [False, True])
def test_text_check_on_every_code_point(multiline: bool) -> None:
    from mustafid.core.normalize import normalize_text
    from mustafid.forms.types.text import text_ok as _text_ok

    wrong = [hex(cp) for cp in CODE_POINTS for s in (f"a{chr(cp)}b", f"a {chr(cp)}\nb", chr(cp))
             if _text_ok(s, multiline) != (normalize_text(s, multiline=multiline) == s)]
    assert wrong == []


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(0, 23), st.sampled_from("0123456789AZ"))
def test_iban_check_agrees_with_stdnum(rng: random.Random, at: int, c: str) -> None:
    from stdnum import iban as stdnum_iban

    from mustafid.forms.types.identifiers import iban_ok as _iban_ok
    from tests.forms.factory import iban as make_iban

    good = make_iban(rng)
    for v in (good, good[:at] + c + good[at + 1:]):
        assert _iban_ok(v) == (stdnum_iban.is_valid(v) and bool(V.IBAN_RE.match(v)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "x", 1, None]), max_size=5))
def test_multi_choice_check_is_known_choices_in_list_order(v: list[Any]) -> None:
    from mustafid.forms.types.choice import multi_ok as _multi_ok

    order = {"a": 0, "b": 1, "c": 2}
    known = bool(v) and all(isinstance(x, str) and x in order for x in v)
    assert _multi_ok(v, order, None, None) == (known and all(order[a] < order[b] for a, b in itertools.pairwise(v)))
