"""Record ids, paths and the YAML that is written."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given
from hypothesis import strategies as st

from mustafid.core.reference import ALPHABET, damm, luhn32
from mustafid.core.vocab import RIYADH
from mustafid.records.format import (
    dump_record,
    is_record_id,
    load_record,
    new_record_id,
    parse_record_id,
    record_path,
)

AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_new_ids_are_digits_canonical_and_distinct() -> None:
    ids = {new_record_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(is_record_id(i) and len(i) == 14 and i[4] == i[9] == "-" and i.replace("-", "").isdigit() for i in ids)


@given(st.text("0123456789", min_size=11, max_size=11))
def test_digit_id_round_trip_and_typing_tolerance(body: str) -> None:
    full = body + damm(body)
    rid = f"{full[:4]}-{full[4:8]}-{full[8:]}"
    assert is_record_id(rid) and parse_record_id(full) == rid
    # read out and typed back: Arabic-Indic digits, spaces for the groups
    assert parse_record_id(" ".join((full[:4], full[4:8], full[8:])).translate(AR)) == rid


@given(st.text("0123456789", min_size=11, max_size=11), st.integers(0, 11), st.integers(0, 10))
def test_any_single_wrong_digit_or_neighbour_swap_is_caught(body: str, pos: int, sub: int) -> None:
    full = body + damm(body)
    if sub < 10 and full[pos] != str(sub):
        assert parse_record_id(full[:pos] + str(sub) + full[pos + 1:]) is None
    if pos < 11 and full[pos] != full[pos + 1]:  # two neighbours swapped
        assert parse_record_id(full[:pos] + full[pos + 1] + full[pos] + full[pos + 2:]) is None


@given(st.text(ALPHABET, min_size=7, max_size=7))
def test_legacy_ids_stay_valid_with_their_typing_tolerance(body: str) -> None:
    rid = f"{body[:4]}-{body[4:]}{luhn32(body)}"
    assert is_record_id(rid)
    spoken = rid.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_record_id(spoken) == rid


@given(st.text(ALPHABET, min_size=7, max_size=7), st.integers(0, 7), st.sampled_from(ALPHABET))
def test_any_single_wrong_legacy_symbol_is_caught(body: str, pos: int, sub: str) -> None:
    compact = body + luhn32(body)
    if compact[pos] == sub:
        return
    wrong = compact[:pos] + sub + compact[pos + 1:]
    assert parse_record_id(wrong) is None


def test_record_path_is_sharded_by_riyadh_time() -> None:
    assert record_path("support-request", "2026-11-30T23:30:00+03:00", "K7M3-9QXD") == \
        "submissions/support-request/2026/11/K7M3-9QXD.yml"
    # 22:30 UTC on 30 November is already December in Riyadh.
    assert record_path("support-request", dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), "K7M3-9QXD") == \
        "submissions/support-request/2026/12/K7M3-9QXD.yml"


def test_dump_quotes_everything_a_yaml11_reader_would_misread() -> None:
    rid = new_record_id()
    rec = {"id": rid, "form": "support-request", "submitted_at": dt.datetime(2026, 3, 1, 9, tzinfo=RIYADH).isoformat(),
           "data": {"mobile": "0501234567", "hijri": "1446-09-01", "answer": "no", "national_id": "1000000008",
                    "count": 3, "text": "سطر\nسطر"}}
    text = dump_record(rec)
    assert text.startswith("# yaml-language-server: $schema=../../../../forms/schema/support-request.schema.json\n")
    back = yaml.load(text, Loader=yaml.CSafeLoader)  # PyYAML is YAML 1.1: the strict reader
    assert back["data"] == rec["data"] and back["id"] == rid
    assert load_record(text)["data"]["count"] == 3


def test_parse_record_reads_plain_and_refuses_non_records() -> None:
    import pytest

    from mustafid.records.format import parse_record

    text = dump_record({"id": "K7M3-9QXD", "form": "support-request", "submitted_at": "2026-03-01T09:00:00+03:00",
                        "data": {"mobile": "+966501234567"}})
    assert parse_record(text)["data"]["mobile"] == "+966501234567"
    for bad in ("- a\n", "a: [\n"):
        with pytest.raises(ValueError):
            parse_record(bad)
