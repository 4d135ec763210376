"""Counted nouns by the CLDR plural rules (Babel): the Arabic number agrees with its noun in every category."""

from __future__ import annotations

import pytest

from mustafid.core.plural import CHARACTER, CHOICE, DAY, OPEN_REQUEST, PROBLEM, REQUEST, category, count
from mustafid.core.text import period_text


@pytest.mark.parametrize(("n", "cat"), [(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (10, "few"), (11, "many"),
                                        (99, "many"), (100, "other"), (102, "other"), (103, "few"), (111, "many")])
def test_arabic_categories_are_cldr(n: int, cat: str) -> None:
    assert category(n, "ar") == cat


@pytest.mark.parametrize(("n", "case", "text"), [
    (1, "gen", "حرف واحد"), (2, "gen", "حرفين"), (3, "gen", "٣ أحرف"), (10, "gen", "١٠ أحرف"),
    (11, "gen", "١١ حرفاً"), (20, "gen", "٢٠ حرفاً"), (100, "gen", "١٠٠ حرف"), (2000, "gen", "٢٠٠٠ حرف"),
])
def test_shorter_than_n_characters(n: int, case: str, text: str) -> None:
    assert count(n, CHARACTER, "ar", case=case) == text


def test_the_dual_and_the_singular_follow_the_case() -> None:
    assert count(2, REQUEST, "ar") == "طلبان"                       # a subject
    assert count(2, REQUEST, "ar", case="gen") == "طلبين"           # after a preposition
    assert count(1, CHOICE, "ar", case="acc") == "خياراً واحداً"     # an object: "اختر خياراً واحداً"
    assert count(1, PROBLEM, "ar") == "مشكلة واحدة"                  # a feminine noun
    assert count(3, OPEN_REQUEST, "ar") == "٣ طلبات مفتوحة"         # the "٣ طلب مفتوح"
    assert count(3, OPEN_REQUEST, "ar", digits=False) == "3 طلبات مفتوحة"  # a terminal's digits


def test_english_singular_and_plural() -> None:
    assert count(1, REQUEST, "en") == "1 request"
    assert count(0, REQUEST, "en") == "0 requests"
    assert count(21, DAY, "en") == "21 days"


def test_period_words_follow_a_preposition() -> None:
    assert period_text(14).ar == "أسبوعين" and period_text(30).ar == "شهر"   # "خلال أسبوعين", "لا تقل عن شهر"
    assert period_text(7).ar == "أسبوع"
    assert period_text(5).ar == "٥ أيام" and period_text(45).ar == "٤٥ يوماً" and period_text(2).ar == "يومين"
    assert period_text(45).en == "45 days"
