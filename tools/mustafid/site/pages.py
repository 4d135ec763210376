"""The form pages, from the form definitions: one renderer for the build and for the intake.

At build time the mkdocs plugin asks ``generated_pages(assoc)`` for one page per public form and language
(``forms/<form-id>.md``), the list of forms (``forms/index.md``) and the receipt page (``forms/receipt.md``).
Each holds its HTML between ``<!--mustafid:form-->`` and ``<!--/mustafid:form-->``; at request time the intake
swaps that region for ``form_fragment`` (re-filled, with the errors), ``check_fragment`` (check your answers)
or ``receipt_fragment`` (the reference and the promised date). The HTML comes from the Jinja2 templates in
``templates/`` (autoescaped: every answer is text, never markup). The page works without JavaScript; the
script ``assets/mustafid/forms.js`` adds relevance, repeat rows and checks as you type (the intake's
``/api/check/<form-id>``, so the messages are the server's own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from mustafid.core.errors import Problem
from mustafid.core.normalize import small_int
from mustafid.core.period import promised_date
from mustafid.core.plural import DAY, count
from mustafid.core.text import T, arabic_digits
from mustafid.core.vocab import is_yes
from mustafid.forms.load import load_forms
from mustafid.forms.messages import address_t, addressed, gender_of
from mustafid.forms.model import FormDef
from mustafid.forms.naming import name_problems
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD
from mustafid.forms.view import answer_rows, build_form_view, field_dom_id
from mustafid.forms.widgets import UI as FIELD_UI
from mustafid.forms.widgets import file_size
from mustafid.site.applicant import CODE_LABEL, applicant_pages
from mustafid.site.context import social_name
from mustafid.site.formtext import before_you_start, privacy_notice, say, script_words
from mustafid.site.receipts import kind_texts

__all__ = [
    "FORM_MARK",
    "GeneratedPage",
    "check_fragment",
    "error_title",
    "field_dom_id",
    "form_fragment",
    "generated_pages",
    "public_forms",
    "receipt_fragment",
]

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FORM_MARK = ("<!--mustafid:form-->", "<!--/mustafid:form-->")
LANGS = ("ar", "en")

UI: dict[str, T] = {
    "summary_title": T("يوجد خطأ", "There is a problem"),
    "error": T("خطأ:", "Error:"),
    "intro": T("الحقول المعلّمة بكلمة (مطلوب) لا بد من تعبئتها. يمكنك كتابة الأرقام بالعربية أو الإنجليزية.",
               "Fields marked (required) must be filled in. You can type numbers in Arabic or English digits."),
    "declaration": T("الإقرار", "Declaration"),
    "consent": T("الموافقة على معالجة البيانات", "Consent to processing your data"),
    "honeypot": T("اترك هذا الحقل فارغاً، فهو لكشف البرامج الآلية",
                  "Leave this field empty: it is there to catch automated spam"),
    "continue": T("متابعة لمراجعة إجاباتك", "Continue to check your answers"),
    "continue_hint": T("لن يُرسَل طلبك قبل أن تراجع إجاباتك وتؤكدها.",
                       "Your request is not sent until you have checked and confirmed your answers."),
    "check_title": T("راجع إجاباتك قبل إرسال الطلب", "Check your answers before sending your request"),
    "change": T("تغيير", "Change"),
    "not_given": T("لم تُذكر", "Not given"),
    "documents": T("المستندات", "Documents"),
    "no_documents": T("لم ترفق مستندات", "No documents attached"),
    "declared": T("أقررتَ بما يلي", "You declared"),
    "send": T("إرسال الطلب", "Send the request"),
    "send_hint": T("بإرسال الطلب تصلك صفحة فيها رقم طلبك وموعد الرد عليه.",
                   "When you send the request you get a page with its reference number and the date of the answer."),
    "received": T("تم استلام طلبك", "Your request was received"),
    "your_ref": T("رقم طلبك", "Your reference number"),
    "keep_ref": T("احتفظ بهذا الرقم: تحتاجه لمتابعة طلبك مع الجمعية.",
                  "Keep this number: you need it to follow up your request with the association."),
    "copy_ref": T("نسخ الرقم", "Copy the number"),
    "copied": T("تم نسخ الرقم", "Number copied"),
    "form": T("الطلب", "Request"),
    "submitted": T("تاريخ التقديم", "Submitted on"),
    "answer_by": T("موعد الرد على طلبك", "When you will get an answer"),
    "answer_by_text": T("سيصلك الرد على طلبك، بالقبول أو الرفض، في موعد أقصاه:",
                        "You will have an answer to your request, approval or refusal, by:"),
    "period_note": T("أي خلال {period} ({days}) من يوم تقديم طلبك، كما تلتزم الجمعية.",
                     "That is within {period} ({days}) of the day you applied, as the association commits to."),
    "ref_digits": T("الرقم نفسه بالأرقام العربية:", "The same number in Arabic digits:"),
    "ref_aloud": T("عند الاتصال اقرأ الرقم خانة خانة.", "On the phone, read the number out one character at a time."),
    "print": T("اطبع هذه الصفحة أو احفظها", "Print or save this page"),
    "tell_us": T("رأيك يهمنا", "Tell us what you think"),
    "survey": T("قيّم الخدمة التي تلقيتها (استبانة رضا المستفيدين)",
                "Rate the service you received (satisfaction survey)"),
    "complaint": T("قدّم اقتراحاً أو شكوى", "Make a suggestion or a complaint"),
    "next": T("ماذا يحدث بعد ذلك", "What happens next"),
    "follow_up": T("للسؤال عن طلبك تواصل مع الجمعية واذكر رقم طلبك:",
                   "To ask about your request, contact the association and give your reference number:"),
    "channels": T("كل قنوات التواصل", "All the ways to contact the association"),
    "read_more": T("ماذا يحدث بعد تقديم طلبك", "What happens after you make a request"),
    "placeholder": T("لم يُرسَل طلب من هذه الصفحة بعد. بعد إرسال أحد النماذج تظهر هنا بيانات طلبك: رقمه، وما يحدث "
                     "بعده، وموعد الرد عليه.",
                     "No request has been sent from this page yet. When you send one of the forms, its details appear "
                     "here: its reference number, what happens next and the date of the answer."),
    "forms_title": T("النماذج", "Forms"),
    "forms_intro": T("اختر النموذج المناسب واملأه على الموقع. يمكنك تعبئته من جوالك، ولا يُرسَل شيء قبل أن تراجع "
                     "إجاباتك وتؤكدها.",
                     "Choose the right form and fill it in on this site. You can fill it in on your phone, and nothing "
                     "is sent until you have checked and confirmed your answers."),
    "receipt_title": T("إيصال الطلب", "Request receipt"),
    "hijri_suffix": T("هـ", "AH"),
    "greg_suffix": T("م", ""),
}

STEPS: list[tuple[str, T]] = [
    ("received", T("الاستلام: استلمت الجمعية طلبك وأعطته الرقم المرجعي أعلاه.",
                   "Received: the association has your request and gave it the reference number above.")),
    ("verified", T("التحقق: يطابق موظف علاقات المستفيدين بياناتك ومستنداتك، وقد يتصل بك لطلب معلومات ناقصة.",
                   "Checked: the beneficiary-relations officer checks your data and documents, and may call you to "
                   "ask for missing information.")),
    ("referral", T("الإحالة عند الحاجة: إن لم تكن الإجراءات واضحة لك، يحيلك الموظف إلى مسؤول البحث الاجتماعي ليجيب عن "
                   "أسئلتك.",
                   "Referral if needed: if the procedures are unclear to you, the officer refers you to the "
                   "social-research officer, who answers your questions.")),
    ("studied", T("الدراسة: يُرفع طلبك إلى {committee} لدراسته.",
                  "Studied: your request goes to the {committee}, which studies it.")),
    ("answered", T("الرد: يصلك الرد بقبول طلبك أو رفضه في موعد أقصاه {due}.",
                   "Answered: you are told whether it is approved or refused, by {due} at the latest.")),
]

GREGORIAN_MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                       "نوفمبر", "ديسمبر")


@dataclass(frozen=True)
class GeneratedPage:
    """A page the mkdocs plugin adds to the site (``src_uri`` relative to the language folder)."""

    lang: str
    src_uri: str
    title: str
    markdown: str
    in_nav: bool = True
    description: str = ""
    form_id: str = ""          # empty for the list of forms and the receipt page


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.globals["dom_id"] = field_dom_id
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # Arabic as itself, not \uXXXX
    return env


def _render(name: str, **ctx: Any) -> str:
    html = _env().get_template(name).render(**ctx)
    # No blank lines: the fragment is one raw HTML block for Python-Markdown, whatever it holds.
    return "\n".join(line for line in html.splitlines() if line.strip())


def _ui(lang: str, gender: str = "masculine") -> dict[str, str]:
    return {k: addressed(v.ar, gender) if lang == "ar" else v.en for k, v in {**FIELD_UI, **UI}.items()}


def form_description(form: FormDef, lang: str, gender: str) -> str:
    """The form's description addressing the applicant as its questions do ("اكتبي اقتراحك…")."""
    return addressed(form.description.ar, gender) if lang == "ar" else form.description.en


def public_forms(assoc: Any) -> list[FormDef]:
    """The forms with a page on the site, in a stable order (the support request first)."""
    forms = [f for f in load_forms(assoc).values() if f.audience == "public"]
    return sorted(forms, key=lambda f: (f.id != "support-request", f.id))


def _declaration_texts(form: FormDef, lang: str, gender: str = "masculine") -> tuple[str, str]:
    d = form.declaration
    confirm, consent = d.confirm(lang), (d.consent(lang) if d.consent is not None and form.asks_personal_data else "")
    return (addressed(confirm, gender), addressed(consent, gender)) if lang == "ar" else (confirm, consent)


def _one(raw: Mapping[str, Any], key: str) -> str:
    v = raw.get(key, "")
    return str(v[0] if v else "") if isinstance(v, list) else str(v)


Stash = Mapping[str, Sequence[Mapping[str, Any]]]  # field path -> the documents the intake already holds


def form_fragment(assoc: Any, form: FormDef, lang: str, raw: Mapping[str, Any] | None = None,
                  problems: Sequence[Problem] = (), *, stash: Stash | None = None) -> str:
    """The form (``<div class="mf">…</div>``) re-filled with ``raw`` (flat keys, multi-choice as lists), with
    the error summary and the inline messages of ``problems``, and the documents already held (``stash``:
    field path → [{token, name, size, type}]) as ticked "keep this file" boxes."""
    raw = raw or {}
    gender = gender_of(assoc)
    view = build_form_view(form, lang, raw, problems, stash, gender)
    confirm, consent = _declaration_texts(form, lang, gender)
    errors: dict[str, list[str]] = {}
    for p in name_problems(form, problems, gender):
        errors.setdefault(field_dom_id(p.path), []).append(p.ar if lang == "ar" else p.en)
    base = (getattr(assoc, "intake_url", "") or "").rstrip("/")
    site_path = urlsplit(str(getattr(assoc, "site_url", "") or "/")).path.rstrip("/") + "/"
    rights = f"{site_path}{'' if lang == 'ar' else lang + '/'}guides/rights/"
    return _render("form.html.j2", form=form, lang=lang, ui=_ui(lang, gender), view=view,
                   start=before_you_start(form, lang, gender), privacy=privacy_notice(form, lang, gender, rights),
                   words=script_words(lang, gender), filled=bool(raw), step_of=say("step_of", lang, gender),
                   number=(arabic_digits if lang == "ar" else str),
                   action=f"{base}/submit/{form.id}", check_url=f"{base}/api/check/{form.id}",
                   confirm=confirm, consent=consent,
                   confirm_checked=is_yes(_one(raw, DECLARATION_FIELD)),
                   consent_checked=is_yes(_one(raw, CONSENT_FIELD)),
                   confirm_errors=errors.get(field_dom_id(DECLARATION_FIELD), []),
                   consent_errors=errors.get(field_dom_id(CONSENT_FIELD), []))


def check_fragment(assoc: Any, form: FormDef, lang: str, raw: Mapping[str, Any], data: Mapping[str, Any],
                   stash: Stash | None = None) -> str:
    """Check your answers: every answer that applies with a "Change" control (a submit button back to the
    form at that field: no script needed), the documents held by the intake, and every raw answer carried
    as a hidden input to the confirm step."""
    stash = stash or {}
    hidden: list[tuple[str, str]] = []
    for key, value in raw.items():
        if key in ("_step", "_lang", "_hp", "_add", "_remove") or key.startswith(("_stash.", "_file.")):
            continue
        hidden.extend((key, str(v)) for v in (value if isinstance(value, list) else [value]))
    docs = []
    for path, f in form.walk():
        if f.type != "file":
            continue
        for d in stash.get(path, ()):
            docs.append({"label": f.label(lang), "name": str(d.get("name", "")), "target": field_dom_id(path),
                         "size": file_size(small_int(d.get("size", 0), 0) or 0, lang)})
            hidden.append((f"_stash.{path}", str(d.get("token", ""))))
    gender = gender_of(assoc)
    confirm, consent = _declaration_texts(form, lang, gender)
    base = (getattr(assoc, "intake_url", "") or "").rstrip("/")
    return _render("check.html.j2", form=form, lang=lang, ui=_ui(lang, gender), rows=answer_rows(form, data, lang),
                   docs=docs, hidden=hidden, action=f"{base}/submit/{form.id}", confirm=confirm,
                   consent=consent if is_yes(_one(raw, CONSENT_FIELD)) else "")



def gregorian_text(day: dt.date, lang: str) -> str:
    if lang == "ar":
        return f"{arabic_digits(day.day)} {GREGORIAN_MONTHS_AR[day.month - 1]} {arabic_digits(day.year)}م"
    return f"{day.day} {day.strftime('%B')} {day.year}"


def hijri_text(day: dt.date, lang: str) -> str:
    from hijridate import Gregorian

    h = Gregorian(day.year, day.month, day.day).to_hijri()
    if lang == "ar":
        return f"{arabic_digits(h.day)} {h.month_name('ar')} {arabic_digits(h.year)}هـ"
    return f"{h.day} {h.month_name('en')} {h.year} AH"


def receipt_fragment(assoc: Any, lang: str, record: Mapping[str, Any], code: str = "") -> str:
    """The confirmation: the reference (big, left to right, easy to copy), the promised date in both
    calendars, what happens next (the association's own procedure) and how to follow up."""
    submitted = dt.datetime.fromisoformat(str(record["submitted_at"])).date()
    due = promised_date(assoc, str(record["submitted_at"]))
    forms = load_forms(assoc)
    form = forms.get(str(record.get("form", "")))
    gender = gender_of(assoc)
    committee = assoc.committee_name(lang)
    steps = [addressed(text(lang), gender if lang == "ar" else "").format(committee=committee,
                                                                         due=gregorian_text(due, lang))
             for key, text in STEPS if key != "referral" or assoc.referral_to_social_research]
    days = count(assoc.decision_period_days, DAY, lang, case="nom")
    ref = str(record["id"])
    phones = [{"label": p.label(lang) if p.label else "", "number": p.number, "display": p.display}
              for p in assoc.phones]
    social = [{"network": social_name(x["network"], lang), "url": x["url"], "handle": x["handle"]}
              for x in assoc.social]
    ui, period_note = _ui(lang, gender), UI["period_note"](lang).format(period=assoc.decision_period(lang), days=days)
    by_kind = kind_texts(assoc, form.kind if form else "request", lang, record)  # site/receipts.py
    ui.update(by_kind.get("ui", {}))
    if form is not None and form.kind == "feedback":
        due = promised_date(assoc, str(record["submitted_at"]), "feedback")
        period_note = ui["period_note"]
    return _render("receipt.html.j2", lang=lang, ui=ui, ref=ref, ref_ar=arabic_digits(ref),
                   form_id=form.id if form else "", links=_feedback_links(assoc, lang),
                   form_title=form.title(lang) if form else str(record.get("form", "")),
                   submitted=(gregorian_text(submitted, lang), hijri_text(submitted, lang)),
                   due=(gregorian_text(due, lang), hijri_text(due, lang)), due_iso=due.isoformat(),
                   show_due=by_kind.get("show_due", True), period_note=period_note,
                   steps=by_kind.get("steps", steps), phones=phones, email=assoc.email or "", social=social,
                   code=code, code_label=address_t(CODE_LABEL, gender)(lang))


def _feedback_links(assoc: Any, lang: str) -> list[dict[str, str]]:
    """The satisfaction survey and the suggestion-or-complaint form, where the association has them."""
    have = {f.id for f in public_forms(assoc)}
    prefix = urlsplit(str(getattr(assoc, "site_url", "") or "/")).path.rstrip("/") + ("/" if lang == "ar" else "/en/")
    return [{"url": f"{prefix}forms/{fid}/", "text": _ui(lang, gender_of(assoc))[key]}
            for fid, key in (("satisfaction-survey", "survey"), ("suggestion-or-complaint", "complaint"))
            if fid in have]


def error_title(title: str, lang: str) -> str:
    """The page title when the answers have problems: "خطأ: …" / "Error: …" (read first by screen readers)."""
    return f"{UI['error'](lang)} {title}"


def _front_matter(**meta: Any) -> str:
    import json

    return "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items()) + "---\n\n"


def generated_pages(assoc: Any) -> list[GeneratedPage]:
    """The form pages, the list of forms and the receipt page, in Arabic and English."""
    out: list[GeneratedPage] = []
    forms = public_forms(assoc)
    gender = gender_of(assoc)
    for lang in LANGS:
        ui = _ui(lang, gender)
        index = [_front_matter(mustafid_form=False), f"# {ui['forms_title']}\n\n{ui['forms_intro']}\n\n"]
        for form in forms:
            title, description = form.title(lang), form_description(form, lang, gender)
            index.append(f"- **[{title}]({form.id}.md)**  \n  {description}\n")
            md = (_front_matter(mustafid_form=True, hide=["toc"]) + f"# {title}\n\n{description}\n\n{ui['intro']}\n\n"
                  + FORM_MARK[0] + "\n" + form_fragment(assoc, form, lang) + "\n" + FORM_MARK[1] + "\n")
            out.append(GeneratedPage(lang, f"forms/{form.id}.md", title, md, in_nav=True, description=description,
                                     form_id=form.id))
        out.insert(len(out) - len(forms), GeneratedPage(lang, "forms/index.md", ui["forms_title"], "".join(index)))
        receipt = (_front_matter(mustafid_form=True, hide=["toc"], search={"exclude": True})
                   + f"# {ui['receipt_title']}\n\n" + FORM_MARK[0] + "\n"
                   + f'<div class="mf mf-receipt"><p>{ui["placeholder"]}</p></div>\n' + FORM_MARK[1] + "\n")
        out.append(GeneratedPage(lang, "forms/receipt.md", ui["receipt_title"], receipt, in_nav=False))
        out += [GeneratedPage(lang, uri, title, md, in_nav=False)  # site/applicant.py: status, completion
                for uri, title, md in applicant_pages(assoc, lang, FORM_MARK)]
    return out
