"""Normalisation: what applicants paste becomes one canonical text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mustafid.core.normalize import INVISIBLE, match_key, normalize_digits, normalize_text

AR = "٠١٢٣٤٥٦٧٨٩"
FA = "۰۱۲۳۴۵۶۷۸۹"


def test_both_arabic_digit_sets_become_ascii() -> None:
    assert normalize_digits(AR) == "0123456789"
    assert normalize_digits(FA) == "0123456789"
    assert normalize_text("١٬٥٠٠٫٥٠") == "1,500.50"


def test_bidi_zero_width_and_spaces() -> None:
    assert normalize_text("\u200f٠٥٠١٢٣٤٥٦٧\u200e") == "0501234567"
    assert normalize_text("  عبد\u00a0 الله\t\n محمد ") == "عبد الله محمد"
    assert normalize_text("سطر\u202e١\n\n\n\nسطر٢", multiline=True) == "سطر1\n\nسطر2"


def test_identifier_drops_tatweel_and_spaces_but_text_keeps_names_whole() -> None:
    assert normalize_text("١٠٠٠ ٠٠٠ ٠٠٨", identifier=True) == "1000000008"
    assert normalize_text("SA03 8000\u0640", identifier=True) == "SA038000"
    assert normalize_text("عبد الله") == "عبد الله"  # never split or join a compound name


def test_nfc() -> None:
    assert normalize_text("e\u0301") == "\u00e9"


def test_match_key_folds_spellings() -> None:
    assert match_key("أحمد") == match_key("احمد") == match_key("إحمد")
    assert match_key("فاطمة") == match_key("فاطمه")
    assert match_key("مـــنى") == match_key("منى") == match_key("مني")
    assert match_key("عَبْدُ الله") == match_key("عبد  الله")
    assert match_key("کریم") == match_key("كريم")


@given(st.text())
def test_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    multi = normalize_text(s, multiline=True)
    assert normalize_text(multi, multiline=True) == multi


@given(st.text())
def test_no_invisible_or_eastern_digits_survive(s: str) -> None:
    out = normalize_text(s, multiline=True)
    assert not set(out) & set(INVISIBLE + AR + FA)


@given(st.lists(st.integers(0, 9), min_size=1, max_size=15), st.sampled_from([AR, FA, "0123456789"]),
       st.lists(st.sampled_from([*list(INVISIBLE), " "]), max_size=5))
def test_digits_in_any_script_with_noise(digits: list[int], script: str, noise: list[str]) -> None:
    typed = "".join(script[d] for d in digits)
    noisy = "".join(noise) + typed + "".join(noise)
    assert normalize_text(noisy, identifier=True) == "".join(map(str, digits))
