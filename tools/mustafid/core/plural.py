"""Counted nouns in both languages, by the CLDR plural rules (Babel's data): "٣ طلبات", "١١ طلباً",
"١٠٠ طلب", "طلبان"; "1 request", "3 requests".

Arabic has six plural categories (zero, one, two, few = 3–10, many = 11–99, other = 100, 101, 102, …), and the
dual changes with the grammatical case ("طلبان" as a subject, "طلبين" after a preposition or as an object).
Every counted noun a person reads (page messages, CLI lines, reports) goes through ``count``, so no message
says "٣ طلب" or "أقصر من ٣ حرفاً" again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def arabic_digits(n: int) -> str:
    return str(n).translate(_AR_DIGITS)


@cache
def _rule(lang: str) -> object:
    from babel import Locale  # CLDR plural rules; imported where a count is worded

    return Locale(lang).plural_form


def category(n: int, lang: str = "ar") -> str:
    """The CLDR plural category of ``n`` in ``lang``: zero, one, two, few, many or other."""
    rule = _rule(lang)
    assert callable(rule)
    return str(rule(abs(n)))


@dataclass(frozen=True)
class Noun:
    """One noun's forms. Arabic: ``one`` (طلب), ``two`` (nominative dual, طلبان), ``two_oblique`` (طلبين),
    ``few`` (the plural after 3–10, طلبات), ``many`` (the accusative singular after 11–99, طلباً) and ``other``
    (the genitive singular after 100…, طلب); English: singular and plural."""

    one: str
    two: str
    two_oblique: str
    few: str
    many: str
    other: str
    en_one: str
    en_other: str
    feminine: bool = False  # "واحدة" rather than "واحد" after the singular

    def ar(self, n: int, *, case: str = "nom", digits: bool = True) -> str:
        """``case``: nom (a subject: "طلبان"), acc (an object: "طلباً واحداً", "طلبين") or gen (after a
        preposition: "من طلبين"); only the singular and the dual change with it."""
        cat = category(n, "ar")
        shown = arabic_digits(n) if digits else str(n)
        if cat == "one":
            if case == "acc":
                return f"{self.many} {'واحدةً' if self.feminine else 'واحداً'}"
            return f"{self.one} {'واحدة' if self.feminine else 'واحد'}"
        if cat == "two":
            return self.two if case == "nom" else self.two_oblique
        if cat == "zero":
            return f"{shown} {self.other}"
        return f"{shown} {getattr(self, cat)}"

    def en(self, n: int) -> str:
        return f"{n} {self.en_one if category(n, 'en') == 'one' else self.en_other}"


def count(n: int, noun: Noun, lang: str, *, case: str = "nom", digits: bool = True) -> str:
    """``n`` of ``noun`` as a person writes it in ``lang`` (``case`` changes only the Arabic singular and dual);
    ``digits=False`` keeps ASCII digits in Arabic (a terminal's table)."""
    return noun.ar(n, case=case, digits=digits) if lang == "ar" else noun.en(n)


# The nouns the tools count.
CHARACTER = Noun("حرف", "حرفان", "حرفين", "أحرف", "حرفاً", "حرف", "character", "characters")
REQUEST = Noun("طلب", "طلبان", "طلبين", "طلبات", "طلباً", "طلب", "request", "requests")
OPEN_REQUEST = Noun("طلب مفتوح", "طلبان مفتوحان", "طلبين مفتوحين", "طلبات مفتوحة", "طلباً مفتوحاً", "طلب مفتوح",
                    "open request", "open requests")
RECORD = Noun("سجل", "سجلان", "سجلين", "سجلات", "سجلاً", "سجل", "record", "records")
PROBLEM = Noun("مشكلة", "مشكلتان", "مشكلتين", "مشكلات", "مشكلةً", "مشكلة", "problem", "problems", feminine=True)
DAY = Noun("يوم", "يومان", "يومين", "أيام", "يوماً", "يوم", "day", "days")
WEEK = Noun("أسبوع", "أسبوعان", "أسبوعين", "أسابيع", "أسبوعاً", "أسبوع", "week", "weeks")
MONTH = Noun("شهر", "شهران", "شهرين", "أشهر", "شهراً", "شهر", "month", "months")
CHOICE = Noun("خيار", "خياران", "خيارين", "خيارات", "خياراً", "خيار", "choice", "choices")
ITEM = Noun("عنصر", "عنصران", "عنصرين", "عناصر", "عنصراً", "عنصر", "item", "items")
SCHEMA = Noun("مخطط", "مخططان", "مخططين", "مخططات", "مخططاً", "مخطط", "schema", "schemas")
LIFECYCLE_PROBLEM = Noun("مخالفة", "مخالفتان", "مخالفتين", "مخالفات", "مخالفةً", "مخالفة", "lifecycle problem",
                         "lifecycle problems", feminine=True)
