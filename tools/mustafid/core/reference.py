"""The request's reference: the one place where it is made, checked and matched.

A reference is read aloud on the phone by people who may read only Arabic, so it is digits only: 12 digits in
three groups of four, ``4821-3390-7552``, shown in Arabic-Indic digits too (``٤٨٢١-٣٣٩٠-٧٥٥٢``) on the receipt.
The last digit is a Damm check digit: any one mistyped digit and any swap of two neighbours is caught, so a
reference read wrong over the phone is refused, never taken for someone else's request. Eleven random digits
(10^11) keep a chance collision among an association's hundred thousand requests near 5 % (the store refuses a
second record with the same id; the intake draws again).

References made before (8 Crockford base32 symbols with a Luhn mod 32 check, ``K7M3-9QXD``) stay valid
everywhere they are matched: stored records keep them.

Every pattern that matches a reference (the record checks, the exported JSON Schema, the review trailers, the
form library's "your request number" field) is built from ``PATTERN`` here.
"""

from __future__ import annotations

import re
import secrets

from mustafid.core.normalize import normalize_text

DIGITS = r"[0-9]{4}-[0-9]{4}-[0-9]{4}"
LEGACY = r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"
PATTERN = f"(?:{DIGITS}|{LEGACY})"  # a reference inside a larger text (no anchors)
FULL = re.compile(f"^{PATTERN}$")
# What a person may type for one (a form's "your request number" field, ``pattern: "@reference"``): the digits in
# groups or not, or a legacy id in any case.
TYPED = r"[0-9]{4}[- ]?[0-9]{4}[- ]?[0-9]{4}|[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}"
NAMED_PATTERNS = {"@reference": TYPED}
EXAMPLE = "4821-3390-7552"

# Damm's quasigroup of order 10 (weakly totally anti-symmetric).
_DAMM = ((0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3), (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
         (1, 7, 5, 0, 9, 8, 3, 4, 2, 6), (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
         (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7), (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
         (2, 5, 8, 1, 4, 3, 6, 7, 9, 0))

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the legacy references' symbols
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})  # Crockford's decoding rules


def damm(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return str(interim)


def luhn32(symbols: str) -> str:
    """Luhn mod N (N=32) over the symbols, right to left: the legacy references' check symbol."""
    factor, total, n = 2, 0, len(ALPHABET)
    for ch in reversed(symbols):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_reference() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(11))
    full = body + damm(body)
    return f"{full[:4]}-{full[4:8]}-{full[8:]}"


def is_reference(text: str) -> bool:
    """Exactly the canonical form (what a stored record must hold), new or legacy."""
    if len(text) == 14 and FULL.match(text):
        return damm(text.replace("-", "")) == "0"
    return len(text) == 9 and bool(FULL.match(text)) and luhn32(text[:4] + text[5:8]) == text[8]


def parse_reference(text: str) -> str | None:
    """The canonical reference for what someone typed or said (Arabic-Indic digits, spaces or no hyphens,
    lower case, O for 0 in a legacy one), or None when it is not one (a wrong digit, two digits swapped)."""
    s = re.sub(r"[\-‐-―_.]", "", normalize_text(text, identifier=True)).upper()
    if len(s) == 12 and s.isascii() and s.isdigit():
        return f"{s[:4]}-{s[4:8]}-{s[8:]}" if damm(s) == "0" else None
    s = s.translate(_ALIASES)
    if len(s) != 8 or any(c not in _VALUE for c in s) or luhn32(s[:7]) != s[7]:
        return None
    return f"{s[:4]}-{s[4:]}"
