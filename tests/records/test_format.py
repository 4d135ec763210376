"""Record ids, paths and the YAML that is written."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given
from hypothesis import strategies as st

from mustafid.core.vocab import RIYADH
from mustafid.records.format import (
    ALPHABET,
    dump_record,
    is_record_id,
    load_record,
    new_record_id,
    parse_record_id,
    record_path,
)


def test_new_ids_are_canonical_and_distinct() -> None:
    ids = {new_record_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(is_record_id(i) and len(i) == 9 and i[4] == "-" for i in ids)


@given(st.text(ALPHABET, min_size=7, max_size=7))
def test_id_round_trip_and_typing_tolerance(body: str) -> None:
    rid = parse_record_id(body + "0")  # whatever the check symbol, find the right one
    for c in ALPHABET:
        if parse_record_id(body + c):
            rid = parse_record_id(body + c)
    assert rid is not None and is_record_id(rid)
    spoken = rid.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse_record_id(spoken) == rid


@given(st.text(ALPHABET, min_size=7, max_size=7), st.integers(0, 7), st.sampled_from(ALPHABET))
def test_any_single_wrong_symbol_is_caught(body: str, pos: int, sub: str) -> None:
    rid = next(parse_record_id(body + c) for c in ALPHABET if parse_record_id(body + c))
    assert rid is not None
    compact = rid.replace("-", "")
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
