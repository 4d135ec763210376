"""The printable letter, for applicants with neither phone nor email: one A4 PDF per notice, in the applicant's
language (Arabic right to left), dated in both calendars, with the association's name and contacts.

WeasyPrint lays the text out with Pango, so Arabic is shaped by HarfBuzz and ordered by FriBidi, as a browser
would: joined letters, ligatures and mixed Arabic/Latin lines come out right, where reportlab needs
arabic-reshaper and python-bidi to approximate it. The font is DejaVu Sans (Arabic and Latin in one face, on
Debian in fonts-dejavu-core): its glyphs map back to their letters, so the PDF's text can be searched and copied.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from mustafid.core.period import riyadh_today
from mustafid.notices.render import Notice, day_text
from mustafid.notices.senders import SendError

_CSS = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 11.5pt; line-height: 1.7; }
header { border-bottom: 1px solid #555; margin-bottom: 10mm; }
h1 { font-size: 15pt; margin: 0; }
.meta { color: #333; font-size: 10pt; }
.ref { direction: ltr; unicode-bidi: isolate; font-weight: bold; }
.body p { margin: 0 0 3mm; white-space: pre-wrap; }
footer { margin-top: 12mm; font-size: 9.5pt; color: #444; }
"""


def letter_html(assoc: Any, notice: Notice, today: dt.date | None = None) -> str:
    lang = notice.lang
    today = today or riyadh_today()
    greg, hijri = day_text(today, lang)
    e = html.escape
    paras = "".join(f"<p>{e(p)}</p>" for p in notice.body.split("\n\n"))
    date_label, ref_label = ("التاريخ", "رقم الطلب") if lang == "ar" else ("Date", "Reference")
    contacts = " · ".join([p.number for p in assoc.phones] + ([assoc.email] if assoc.email else []))
    return (f'<!doctype html><html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"><head><meta charset="utf-8">'
            f"<style>{_CSS}</style></head><body><header><h1>{e(assoc.name(lang))}</h1>"
            f'<p class="meta">{date_label}: {e(greg)} — {e(hijri)}<br>{ref_label}: '
            f'<span class="ref">{e(notice.record_id)}</span></p></header>'
            f"<h2>{e(notice.subject)}</h2><div class=\"body\">{paras}</div>"
            f'<footer><span dir="ltr">{e(contacts)}</span></footer></body></html>')


def letter_pdf(assoc: Any, notice: Notice, today: dt.date | None = None) -> bytes:
    import weasyprint

    return bytes(weasyprint.HTML(string=letter_html(assoc, notice, today)).write_pdf())


class LetterSender:
    """Letters written as PDF files in ``<outbox>/letters/`` for staff to print and post or hand over."""

    name = "letter"

    def __init__(self, assoc: Any, folder: Path) -> None:
        self.assoc, self.folder = assoc, Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, notice: Notice) -> None:
        try:
            pdf = letter_pdf(self.assoc, notice)
        except (ImportError, OSError) as exc:  # Pango or the font missing: tools/setup.sh installs them
            raise SendError(f"the letter could not be made: {type(exc).__name__}") from exc
        tmp = self.folder / f".{notice.key}.tmp"
        tmp.write_bytes(pdf)
        tmp.replace(self.folder / f"{notice.key}.pdf")
