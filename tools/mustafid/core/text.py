"""Bilingual text: every user-facing string exists in Arabic and English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mustafid.core.plural import DAY, count

LANGS = ("ar", "en")

_AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True, slots=True)
class T:
    """A text in both languages."""

    ar: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.ar if lang == "ar" else self.en

    @classmethod
    def from_mapping(cls, value: Mapping[str, Any]) -> T:
        return cls(ar=str(value["ar"]), en=str(value["en"]))

    def format(self, **kw: object) -> T:
        """Both texts filled in; numbers read as numbers in each language (٥ in Arabic prose, 5 in English)."""
        def number(v: object, ar: bool) -> object:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return v
            text = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            return arabic_digits(text).replace(".", "٫") if ar else text
        return T(self.ar.format(**{k: number(v, ar=True) for k, v in kw.items()}),
                 self.en.format(**{k: number(v, ar=False) for k, v in kw.items()}))


def arabic_digits(text: str | int) -> str:
    """Render ASCII digits as Arabic-Indic ones, for Arabic prose (dates, counts)."""
    return str(text).translate(_AR_DIGITS)


def period_text(days: int) -> T:
    """The promised decision period in words, derived from the number of days in association.yml, in the
    genitive (it always follows a preposition: "خلال أسبوعين", "لا تقل عن شهر")."""
    named = {
        7: T("أسبوع", "one week"),
        14: T("أسبوعين", "two weeks"),
        21: T("ثلاثة أسابيع", "three weeks"),
        30: T("شهر", "one month"),
        60: T("شهرين", "two months"),
    }
    if days in named:
        return named[days]
    return T(count(days, DAY, "ar", case="gen"), count(days, DAY, "en"))


def same_secret(a: str, b: str) -> bool:
    """Whether two codes or signatures are equal, in constant time. As UTF-8 bytes: `hmac.compare_digest` refuses
    str with any non-ASCII character (TypeError), and what a client sends may hold one."""
    import hmac

    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
