"""Saudi data rules (shared/DOMAIN.md), with properties over generated values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn

from mustafid.forms import validators as V
from mustafid.forms.types.identifiers import mobile_ok
from tests.forms.factory import iban as make_iban

AR = "٠١٢٣٤٥٦٧٨٩"


@pytest.mark.parametrize("good", ["1000000008", "2000000006", "1234567897", "١٠٠٠٠٠٠٠٠٨", " 1000 000 008 ",
                                  "\u200f1000000008"])
def test_national_id_valid(good: str) -> None:
    assert V.national_id(good) in ("1000000008", "2000000006", "1234567897")


@pytest.mark.parametrize("bad,code", [("1000000000", "national_id_checksum"), ("2000000007", "national_id_checksum"),
                                      ("3000000004", "national_id_prefix"), ("12345", "national_id_format"),
                                      ("10000000O8", "national_id_format")])
def test_national_id_invalid(bad: str, code: str) -> None:
    with pytest.raises(V.Invalid) as exc:
        V.national_id(bad)
    assert exc.value.code == code
    assert bad not in exc.value.message.ar + exc.value.message.en


@given(st.text("0123456789", min_size=9, max_size=9).map(lambda s: "1" + s[1:])
       | st.text("0123456789", min_size=9, max_size=9).map(lambda s: "2" + s[1:]))
def test_national_id_agrees_with_stdnum_luhn(body: str) -> None:
    for d in "0123456789":
        n = body + d
        ok = stdnum_luhn.is_valid(n)
        if ok:
            assert V.national_id(n) == n
            assert V.national_id("".join(AR[int(c)] for c in n)) == n  # Arabic-Indic round trip
        else:
            with pytest.raises(V.Invalid):
                V.national_id(n)


@pytest.mark.parametrize("typed", ["0501234567", "501234567", "966501234567", "+966501234567", "00966501234567",
                                   "050 123 4567", "٠٥٠١٢٣٤٥٦٧", "\u200f0501234567", "05-0123-4567"])
def test_mobile_forms_all_store_e164(typed: str) -> None:
    assert V.mobile(typed) == "+966501234567"


@pytest.mark.parametrize("bad", ["0521234567", "0165383555", "12345", "+971501234567", "05012345678", ""])
def test_mobile_rejects(bad: str) -> None:
    with pytest.raises(V.Invalid):
        V.mobile(bad)


@given(st.text("0123456789", min_size=8, max_size=8), st.sampled_from("0123456789"))
def test_fast_mobile_check_agrees_with_phonenumbers(rest: str, second: str) -> None:
    e164 = f"+9665{second}{rest}"
    try:
        ok = V.mobile(e164) == e164
    except V.Invalid:
        ok = False
    assert mobile_ok(e164) == ok


def test_iban() -> None:
    assert V.iban("sa03 8000 0000 6080 1016 7519") == "SA0380000000608010167519"
    with pytest.raises(V.Invalid) as exc:
        V.iban("SA0380000000608010167518")
    assert exc.value.code == "iban_checksum"
    with pytest.raises(V.Invalid) as exc:
        V.iban("GB29NWBK60161331926819")
    assert exc.value.code == "iban_format"


@given(st.randoms(use_true_random=False))
def test_iban_agrees_with_stdnum(rng: object) -> None:
    value = make_iban(rng)  # type: ignore[arg-type]
    assert stdnum_iban.is_valid(value)
    assert V.iban(value.lower()) == value
    broken = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert not stdnum_iban.is_valid(broken)
    with pytest.raises(V.Invalid):
        V.iban(broken)


@pytest.mark.parametrize("typed,iso", [("1446-09-01", "2025-03-01"), ("١٤٤٦/٠٩/٠١", "2025-03-01"),
                                       ("2025-03-01", "2025-03-01"), ("01/03/2025", "2025-03-01"),
                                       ("1400-7-15", "1980-05-29")])
def test_dates_in_either_calendar(typed: str, iso: str) -> None:
    assert V.date(typed) == iso


@pytest.mark.parametrize("bad,code", [("1446-09-30", "hijri_date"), ("2025-02-30", "date"),
                                      ("2500-01-01", "date_range"), ("yesterday", "date_format")])
def test_bad_dates(bad: str, code: str) -> None:
    with pytest.raises(V.Invalid) as exc:
        V.date(bad)
    assert exc.value.code == code


def test_hijri_of() -> None:
    import datetime as dt

    assert V.hijri_of(dt.date(2025, 3, 1)) == "1446-09-01"


def test_national_address() -> None:
    out, errors = V.national_address({"building": "١٢٣٤", "street": " شارع  الملك ", "district": "النقرة",
                                      "city": "حائل", "postal_code": "55431", "short": "hail1234"})
    assert errors == {} and out["building"] == "1234" and out["street"] == "شارع الملك" and out["short"] == "HAIL1234"
    out, errors = V.national_address({"building": "12", "postal_code": "5543", "short": "1234ABCD"})
    assert set(errors) == {"building", "postal_code", "short", "street", "district", "city"}
