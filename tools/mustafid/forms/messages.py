"""The bilingual messages that validation gives people, in one catalogue so the page (JavaScript checks),
the intake and CI say exactly the same words. Arabic first; each says what to fix.

Three things are decided here for every message a person reads on a form page:
- counted nouns agree with their number (core/plural.py, CLDR rules): "أقصر من ٣ أحرف", "أقصر من ١١ حرفاً";
- the question is named (GOV.UK: "Enter your father's name", not "this field is required"): ``named``;
- the applicant is addressed in the association's grammatical gender (association.yml's
  ``address_applicant_as``): ``addressed`` turns the catalogue's masculine imperatives ("اكتب", "اختر",
  "أرفق") into the feminine ones ("اكتبي", "اختاري", "أرفقي") for a women's association.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mustafid.core.plural import CHARACTER, CHOICE, ITEM, Noun, count
from mustafid.core.text import T


@dataclass(frozen=True)
class Counted:
    """A message with a counted noun: ``format(min=3)`` words the count by the plural rules ({n} is the
    number with its noun), so callers format it like any ``T``."""

    ar: str
    en: str
    noun: Noun
    key: str
    case: str = "gen"  # the Arabic case of the counted noun: nom | acc | gen

    def format(self, **kw: object) -> T:
        n = kw[self.key]
        assert isinstance(n, int)
        return T(self.ar.format(n=count(n, self.noun, "ar", case=self.case)),
                 self.en.format(n=count(n, self.noun, "en")))


REQUIRED = T("هذا الحقل مطلوب", "this field is required")
NOT_A_NUMBER = T("اكتب رقماً صحيحاً بالأرقام فقط", "enter a whole number, digits only")
NOT_MONEY = T("اكتب المبلغ بالريال بالأرقام فقط، مثل 1500 أو 1500.50",
              "enter the amount in riyals, digits only, like 1500 or 1500.50")
TOO_SMALL = T("القيمة أقل من الحد الأدنى {min}", "the value is below the minimum of {min}")
TOO_LARGE = T("القيمة أكبر من الحد الأعلى {max}", "the value is above the maximum of {max}")
NUMBER_TOO_LONG = T("الرقم أطول مما يُعقل: تحقق منه", "the number is far longer than it can be: check it")
TOO_SHORT = Counted("النص أقصر من {n}", "the text is shorter than {n}", CHARACTER, "min")
TOO_LONG = Counted("النص أطول من {n}: اختصره", "the text is longer than {n}: shorten it", CHARACTER, "max")
BAD_PATTERN = T("الصيغة غير صحيحة", "the format is not valid")
BAD_CHOICE = T("اختر واحداً من الخيارات المعروضة", "choose one of the options shown")
BAD_FILTERED_CHOICE = T("هذا الخيار لا يتبع ما اخترته في «{parent}»: اختر من القائمة من جديد",
                        "this option does not belong to what you chose for '{parent}': choose again from the list")
TOO_FEW_CHOICES = Counted("اختر {n} على الأقل", "choose at least {n}", CHOICE, "min", case="acc")
TOO_MANY_CHOICES = Counted("اختر {n} على الأكثر", "choose at most {n}", CHOICE, "max", case="acc")
NOT_YES_NO = T("اختر نعم أو لا", "choose yes or no")
DATE_TOO_EARLY = T("التاريخ قبل {min}: تحقق منه", "the date is before {min}: check it")
DATE_TOO_LATE = T("التاريخ بعد {max}: تحقق منه", "the date is after {max}: check it")
TOO_FEW_ITEMS = Counted("أضف {n} على الأقل", "add at least {n}", ITEM, "min", case="acc")
TOO_MANY_ITEMS = Counted("لا يمكن إضافة أكثر من {n}", "you cannot add more than {n}", ITEM, "max")
COUNT_MISMATCH = T("العدد المدخل ({count}) لا يطابق عدد من أضفتهم ({items}): صحّح أحدهما",
                   "the number given ({count}) does not match the number added ({items}): correct one of them")
NOT_RELEVANT = T("هذا الحقل لا ينطبق على الإجابات الأخرى فيجب ألا يكون موجوداً: احذفه",
                 "this field does not apply given the other answers, so it must be absent: remove it")
UNKNOWN_FIELD = T("حقل غير معروف في هذا النموذج: احذفه أو صحّح اسمه",
                  "unknown field for this form: remove it or correct its name")
CALC_MISMATCH = T("القيمة المحسوبة يجب أن تكون {expected}", "the calculated value must be {expected}")
NOT_CANONICAL = T("القيمة ليست بالصيغة المحفوظة المعتمدة ({expected})",
                  "the value is not in its stored form ({expected})")
FILE_REQUIRED = T("أرفق هذا المستند", "attach this document")
FILE_TYPE = T("نوع الملف غير مقبول: المقبول {accept}", "this file type is not accepted: accepted are {accept}")
FILE_SIZE = T("الملف أكبر من {max} ميغابايت. صوّر المستند من جديد بكاميرا الجوال، أو اختر صورة أصغر؛ ويصغّر الموقع "
              "الصور تلقائياً إذا كان JavaScript مفعلاً في المتصفح",
              "the file is larger than {max} MB. Take the photo again with your phone's camera, or choose a smaller "
              "picture; the site makes photos smaller by itself when JavaScript is on in your browser")
TOO_MANY_FILES = T("أرفق ملفاً واحداً فقط هنا", "attach only one file here")
DECLARATION = T("يجب الإقرار بصحة البيانات قبل الإرسال", "you must confirm the data are correct before sending")
CONSENT = T("يجب الموافقة على معالجة البيانات الشخصية قبل الإرسال",
            "you must consent to the processing of personal data before sending")

# -- naming the question ------------------------------------------------------------------------------------
# What "answer this" means for each kind of control (forms/widgets.Node.kind).
_ASK: dict[str, T] = {
    "text": T("اكتب {label}", "Enter {label}"),
    "textarea": T("اكتب {label}", "Enter {label}"),
    "select": T("اختر {label}", "Choose {label}"),
    "radios": T("اختر {label}", "Choose {label}"),
    "checkboxes": T("اختر {label}", "Choose {label}"),
    "address": T("اكتب {label}", "Enter {label}"),
    "file": T("أرفق {label}", "Attach {label}"),
    "repeat": T("أضف {label}", "Add {label}"),
    "yesno": T("اختر «نعم» أو «لا» في «{label}»", "Choose yes or no for ‘{label}’"),
}
_QUESTION = T("أجب عن سؤال «{label}»", "Answer the question ‘{label}’")
_ABOUT = T("{label}: {message}", "{label}: {message}")
_PLAIN_REQUIRED = {REQUIRED.ar, FILE_REQUIRED.ar}
_OPTIONAL = re.compile(r"\s*[(（](اختياري|optional)[)）]\s*$", re.IGNORECASE)


def _lower_first(label: str) -> str:
    """"Father's name" → "father's name" inside a sentence; "IBAN" and "National ID" keep their capitals."""
    words = label.split(" ", 1)
    first = words[0]
    if len(first) > 1 and first[1:2].isupper():
        return label
    return first[:1].lower() + first[1:] + (" " + words[1] if len(words) > 1 else "")


def named(label: T, kind: str, message: T) -> T:
    """The message of a problem with one question, naming that question in both languages: a bare
    "required" becomes "اكتب اسم الأب" / "Enter father's name"; any other message is prefixed with the
    question (a message that already names it, like a definition's own "أدخل رقم الجوال لنتواصل معك", is
    kept as it is)."""
    ar_label, en_label = _OPTIONAL.sub("", label.ar), _OPTIONAL.sub("", label.en)
    if message.ar in _PLAIN_REQUIRED:
        if ar_label.endswith(("؟", "?")) or kind not in _ASK:
            return _QUESTION.format(label=ar_label) if ar_label else message
        ask = _ASK[kind]
        en = en_label if kind == "yesno" else _lower_first(en_label.rstrip("?"))
        return T(ask.ar.format(label=ar_label), ask.en.format(label=en))
    if ar_label in message.ar and en_label.casefold() in message.en.casefold():
        return message
    return T(_ABOUT.ar.format(label=ar_label, message=message.ar), _ABOUT.en.format(label=en_label, message=message.en))


# -- addressing the applicant -------------------------------------------------------------------------------
GENDERS = ("masculine", "feminine")
# The masculine second-person words the catalogue, the intake, the standard form library and the page use,
# and their feminine forms. Whole words only ("التحقق" is a noun and stays).
FEMININE_WORDS: dict[str, str] = {
    "اكتب": "اكتبي", "اكتبه": "اكتبيه", "أدخله": "أدخليه", "أدخل": "أدخلي", "تحقق": "تحققي", "راجع": "راجعي",
    "راجعه": "راجعيه", "انسخه": "انسخيه", "اختر": "اختاري", "اختصره": "اختصريه", "أضف": "أضيفي", "صحّح": "صحّحي",
    "صحح": "صححي", "أرفق": "أرفقي", "أرفقها": "أرفقيها", "صوّر": "صوّري", "صغّر": "صغّري", "صغّره": "صغّريه",
    "أعد": "أعيدي", "انتظر": "انتظري", "أرسله": "أرسليه", "أرسل": "أرسلي", "احذفه": "احذفيه", "اتصل": "اتصلي",
    "تواصل": "تواصلي", "احتفظ": "احتفظي", "أجب": "أجيبي", "أبقِ": "أبقي", "أزل": "أزيلي", "اذكر": "اذكري",
    "تحتاجه": "تحتاجينه", "تراجع": "تراجعي", "تؤكدها": "تؤكديها", "ترسله": "ترسليه",
    "تنصح": "تنصحين", "تريد": "تريدين", "تكتب": "تكتبي", "تستطيع": "تستطيعين", "يمكنك": "يمكنكِ",
    "أقررتَ": "أقررتِ", "اطبع": "اطبعي", "احفظ": "احفظي", "ابدأ": "ابدئي", "جهّز": "جهّزي", "اقرأ": "اقرئي",
    "ستحتاج": "ستحتاجين", "تحتاج": "تحتاجين", "اضغط": "اضغطي", "امسح": "امسحي",
    "عد": "عودي", "تابع": "تابعي", "انقر": "انقري", "تصلك": "تصلكِ", "أرسلت": "أرسلتِ",
    "اخترته": "اخترتِه", "أضفتهم": "أضفتِهم", "تعرف": "تعرفين", "تجد": "تجدين", "تغادر": "تغادري",
    "عدت": "عدتِ", "ستجده": "ستجدينه", "تمسحه": "تمسحيه", "تؤكده": "تؤكديه", "تطلب": "تطلبي",
    "تنتهي": "تنتهين", "لمقدم": "لمقدمة", "مقدم": "مقدمة", "تعولهم": "تعولينهم",
    "تعرفه": "تعرفينه", "تستخدم": "تستخدمين", "قدّم": "قدّمي", "قيّم": "قيّمي", "تختر": "تختاري",
    "اترك": "اتركي", "احفظها": "احفظيها", "املأه": "املئيه", "انظر": "انظري", "صوّره": "صوّريه",
    "صوّرها": "صوّريها", "أحضره": "أحضريه", "أرسلها": "أرسليها", "اعرض": "اعرضي",
}
# Where the word alone is ambiguous ("تبدأ" is also "it begins": "٢٤ خانة تبدأ بـ SA"; "ترفق" after "لم" is
# jussive, elsewhere it would be "ترفقين"), the phrase that settles it; longer phrases first, where a word's
# agreement reaches past it. Whole words at both ends, so a text already feminine is left alone.
FEMININE_PHRASES: dict[str, str] = {
    "مقدم الطلب نفسه": "مقدمة الطلب نفسها", "قبل أن تبدأ": "قبل أن تبدئي", "لم ترفق": "لم ترفقي",
    "تأكد منهما": "تأكدي منهما",
}
_LETTERS = "\u0621-\u064a\u0640\u064b-\u0652"
_WORD = re.compile(f"[{_LETTERS}]+")
# a phrase may follow a clinging "و", "ف", "ل" or "ب" ("لمقدم الطلب نفسه"), and no other letter
_PHRASES = [(re.compile(f"(?<![{_LETTERS}])([وفلب]?){re.escape(m)}(?![{_LETTERS}])"), f)
            for m, f in FEMININE_PHRASES.items()]


def gender_of(assoc: Any) -> str:
    """How the association addresses the applicant (association.yml ``address_applicant_as``; masculine when an
    object without it, such as a test's stand-in, is given)."""
    return str(getattr(assoc, "address_applicant_as", "masculine") or "masculine")


def addressed(text: str, gender: str) -> str:
    """Arabic ``text`` addressing the applicant in ``gender`` (the catalogue is written masculine)."""
    if gender != "feminine" or not text:
        return text
    for phrase, feminine in _PHRASES:
        text = phrase.sub(rf"\g<1>{feminine}", text)  # the feminine phrases hold no backslash or group
    return _WORD.sub(lambda m: _feminine_word(m.group(0)), text)


def _feminine_word(word: str) -> str:
    if word in FEMININE_WORDS:
        return FEMININE_WORDS[word]
    if word[:1] in ("و", "ف") and word[1:] in FEMININE_WORDS:  # "وتؤكدها", "فامسح"
        return word[0] + FEMININE_WORDS[word[1:]]
    return word


def address_t(text: T, gender: str) -> T:
    return T(addressed(text.ar, gender), text.en)
