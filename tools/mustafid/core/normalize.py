"""Normalisation of what people type, before any validation.

Applicants type on Arabic keyboards, paste from WhatsApp and copy numbers out of PDFs: the same national ID can
arrive as ``١٠٠٠٠٠٠٠٠٨``, ``۱۰۰۰۰۰۰۰۰۸`` or ``\u200f1000000008``. Everything is brought to one form here so the
validators, the stored record and duplicate detection all see the same text.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic-Indic (U+0660..) and Eastern Arabic-Indic (U+06F0..) digits; NFKC does NOT map these, so do it by hand.
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}
# U+066B Arabic decimal separator, U+066C Arabic thousands separator.
_SEPARATORS = {0x066B: ".", 0x066C: ","}

# Bidi controls ("Trojan Source") and zero-width characters: invisible, but they break matching and can
# reorder what a reviewer sees. U+200C/U+200D (ZWNJ/ZWJ) matter in Persian script but not in the Arabic names
# and numbers we store.
INVISIBLE = (
    "\u200e\u200f\u061c"            # LRM, RLM, ALM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"      # LRI RLI FSI PDI
    "\u200b\u200c\u200d\u2060\ufeff"  # ZWSP ZWNJ ZWJ WJ BOM
)
_STRIP = {ord(c): None for c in INVISIBLE}
TATWEEL = "\u0640"

_TABLE = {**_DIGITS, **_SEPARATORS, **_STRIP}
_ID_TABLE = {**_TABLE, ord(TATWEEL): None}

_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but newline (NBSP, thin space, tabs...) folds to one space
_BLANK_LINES = re.compile(r"\n{3,}")

# Duplicate detection and search: fold the spellings people mix up.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_MATCH_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ة": "ه", "ک": "ك", "ؤ": "و",
})


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Eastern Arabic-Indic digits (and U+066B/U+066C separators) to ASCII."""
    return text.translate({**_DIGITS, **_SEPARATORS})


def normalize_text(text: str, *, multiline: bool = False, identifier: bool = False) -> str:
    """NFC, ASCII digits, no bidi/zero-width characters, whitespace folded and trimmed.

    ``multiline`` keeps line breaks (long text), folding runs of blank lines; ``identifier`` also removes
    tatweel and every space (IDs, phone numbers, IBANs, codes), since people group digits with spaces.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_ID_TABLE if identifier else _TABLE)
    if identifier:
        return "".join(text.split())
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def match_key(text: str) -> str:
    """A folded key for duplicate detection and search: never stored as the answer, never shown.

    No diacritics or tatweel, أإآ→ا, ى/ی→ي, ة→ه, Persian ک→ك, lower case, single spaces.
    """
    text = normalize_text(text).replace(TATWEEL, "")
    text = _DIACRITICS.sub("", text).translate(_MATCH_FOLD)
    return " ".join(text.casefold().split())


_SMALL_INT = re.compile(r"[0-9]{1,9}")


def small_int(text: object, default: int | None = None) -> int | None:
    """A count, size or index typed or posted by someone: ASCII or Arabic-Indic digits, at most nine of them.

    ``str.isdigit`` is no guard before ``int()``: it is true for ``²`` (which ``int`` refuses) and for 10,000 ones
    (which Python refuses to convert past 4,300 digits). Anything else gives ``default``.
    """
    s = normalize_digits(str(text)).strip()
    return int(s) if _SMALL_INT.fullmatch(s) else default
