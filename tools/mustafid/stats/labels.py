"""The words the figures and the reports show, in Arabic and English: statuses, channels, kinds, months, and
numbers with Arabic-Indic digits on Arabic pages."""

from __future__ import annotations

from mustafid.core.text import T, arabic_digits

STATUS: dict[str, T] = {
    "received": T("مستلم", "received"), "needs_info": T("بانتظار معلومات", "waiting for information"),
    "verified": T("متحقَّق منه", "verified"), "approved": T("مقبول", "approved"),
    "rejected": T("مرفوض", "rejected"), "served": T("قُدّمت الخدمة", "served"),
    "withdrawn": T("مسحوب", "withdrawn"), "answered": T("تمت الإجابة", "answered"),
}
CHANNEL: dict[str, T] = {
    "web": T("الموقع الإلكتروني", "website"), "interview": T("المقابلة", "interview"),
    "phone": T("الهاتف", "phone"), "letter": T("خطاب", "letter"), "email": T("البريد الإلكتروني", "email"),
    "social_media": T("وسائل التواصل الاجتماعي", "social media"),
}
KIND: dict[str, T] = {
    "request": T("طلبات الخدمة", "service requests"),
    "complaint": T("الشكاوى والاقتراحات", "complaints and suggestions"),
    "survey": T("استبانات الرضا", "satisfaction surveys"), "other": T("نماذج أخرى", "other forms"),
}
SCORE: dict[str, T] = {
    "score_reception": T("حسن الاستقبال", "courtesy of the reception"),
    "score_clarity": T("وضوح الإجراءات", "clarity of the procedure"),
    "score_speed": T("سرعة الإنجاز", "speed of handling"),
    "score_overall": T("الرضا العام", "overall satisfaction"),
}
MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
             "ديسمبر")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FEWER_THAN_5 = T("أقل من ٥", "fewer than 5")


def word(table: dict[str, T], key: str | None, lang: str) -> str:
    """The word for ``key`` in ``lang``; an unknown key is shown as it is (a new status or channel)."""
    if not key:
        return ""
    return table[key](lang) if key in table else key


def month(key: str, lang: str) -> str:
    """``2026-05`` as "مايو ٢٠٢٦" or "May 2026"."""
    year, _, mm = key.partition("-")
    if not mm.isdigit() or not 1 <= int(mm) <= 12:
        return number(key, lang)
    name = (MONTHS_AR if lang == "ar" else MONTHS_EN)[int(mm) - 1]
    return f"{name} {number(year, lang)}"


def number(value: object, lang: str, digits: int = 1) -> str:
    """A count, share or mean as the page shows it: Arabic-Indic digits and the Arabic decimal comma on Arabic
    pages; a float with ``digits`` decimals (none when whole)."""
    if isinstance(value, float):
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    else:
        text = str(value)
    return arabic_digits(text).replace(".", "٫") if lang == "ar" else text


def date(iso: str | None, lang: str) -> str:
    """``2026-12-01`` as "١/١٢/٢٠٢٦" on Arabic pages (day/month/year, read as one run in right-to-left text),
    as it is in English."""
    if not iso:
        return ""
    if lang != "ar" or len(iso) < 10:
        return iso
    y, m, d = iso[:10].split("-")
    return arabic_digits(f"{int(d)}/{int(m)}/{y}") + (" " + arabic_digits(iso[11:16]) if len(iso) > 11 else "")


def percent(share: float | None, lang: str) -> str:
    if share is None:
        return "—"
    return f"{number(round(share * 100), lang)}٪" if lang == "ar" else f"{round(share * 100)}%"
