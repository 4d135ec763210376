"""What a form page says around its questions: "before you start" (the documents to have at hand, from the
definition, and the form's sections), a privacy notice in plain words beside the form, and the words of the
steps, the draft kept on the device and the photo scaling that the page's script adds (assets/mustafid/forms.js
reads them from data attributes, so every word stays in this one bilingual catalogue)."""

from __future__ import annotations

from typing import Any

from mustafid.core.plural import Noun, count
from mustafid.core.text import T
from mustafid.forms.messages import addressed
from mustafid.forms.model import FormDef

YEAR = Noun("سنة", "سنتان", "سنتين", "سنوات", "سنةً", "سنة", "year", "years", feminine=True)
SECTION = Noun("قسم", "قسمان", "قسمين", "أقسام", "قسماً", "قسم", "section", "sections")

TEXT: dict[str, T] = {
    "start_title": T("قبل أن تبدأ", "Before you start"),
    "start_sections": T("في النموذج {sections}:", "The form has {sections}:"),
    "start_documents": T("جهّز صور هذه المستندات (تصويرها بكاميرا الجوال يكفي):",
                         "Have photos of these documents ready (a phone camera picture is enough):"),
    "start_if": T("إن كان ينطبق عليك", "if it applies to you"),
    "start_optional": T("اختياري", "optional"),
    "start_no_documents": T("لا يطلب هذا النموذج مستندات.", "This form asks for no documents."),
    "start_save": T("لا يُرسَل شيء قبل أن تراجع إجاباتك وتؤكدها. إذا كان JavaScript مفعلاً في متصفحك تُحفظ إجاباتك "
                    "على هذا الجهاز وحده أثناء التعبئة، فلا تضيع إن أغلقت الصفحة، وتُمسح عند إرسال الطلب.",
                    "Nothing is sent until you have checked and confirmed your answers. When JavaScript is on in your "
                    "browser, your answers are kept on this device only while you fill in the form, so they are not "
                    "lost if you close the page, and they are cleared when you send the request."),
    "privacy_title": T("كيف نستخدم بياناتك", "How we use your information"),
    "privacy_personal": T(
        "نطلب هذه البيانات لدراسة طلبك وتقديم الخدمة لك فقط. لا يراها إلا موظفو الجمعية ولجنتها الذين يدرسون طلبك، "
        "ولا تُنشر على هذا الموقع ولا في أي مكان. تُحفظ مدة {years} ثم تُتلف. لك أن تطلب الاطلاع عليها أو "
        "تصحيحها أو حذفها.",
        "We ask for this information only to study your request and serve you. Only the association's staff and "
        "committee who study your request see it; it is never published on this site or anywhere else. It is kept "
        "for {years}, then destroyed. You can ask to see it, correct it or have it deleted."),
    "privacy_none": T("لا يطلب هذا النموذج بياناتك الشخصية، ولا يُنشر منه شيء يدل عليك. تُحفظ الإجابات مدة {years} "
                      "ثم تُتلف.",
                      "This form does not ask for your personal information, and nothing in it that points to you is "
                      "published. The answers are kept for {years}, then destroyed."),
    "privacy_rights": T("حقوقك في بياناتك", "Your rights over your information"),
    # the steps (with JavaScript on)
    "step_of": T("الخطوة {n} من {total}", "Step {n} of {total}"),
    "next": T("التالي", "Next"),
    "back": T("السابق", "Back"),
    "last_step": T("الإقرار والمراجعة", "Declaration and check"),
    "step_problems": T("في هذه الخطوة ما يحتاج إلى تصحيح: انظر الرسائل تحت الأسئلة", "Something in this step needs "
                       "correcting: see the messages under the questions"),
    # the draft on the device
    "draft_restored": T("أعدنا ما كتبته سابقاً على هذا الجهاز. المرفقات لا تُحفظ: أرفقها من جديد.",
                        "We brought back what you typed earlier on this device. Attachments are not kept: attach "
                        "them again."),
    "draft_clear": T("امسح المسودة وابدأ من جديد", "Clear the draft and start again"),
    "draft_shared": T("إن كان الجهاز مشتركاً فامسح المسودة حين تنتهي.",
                      "If others use this device, clear the draft when you finish."),
    # photos made smaller in the browser
    "photo_scaled": T("صغّرنا الصورة «{name}» من {before} إلى {after} قبل إرسالها.",
                      "We made the photo '{name}' smaller, from {before} to {after}, before sending it."),
    "photo_too_big": T("الملف «{name}» أكبر من {max} ميغابايت ولم نستطع تصغيره: صوّره من جديد بدقة أقل.",
                       "The file '{name}' is larger than {max} MB and could not be made smaller: photograph it "
                       "again at a lower resolution."),
}


def say(key: str, lang: str, gender: str, **kw: object) -> str:
    text = TEXT[key].format(**kw) if kw else TEXT[key]
    return addressed(text.ar, gender) if lang == "ar" else text.en


def before_you_start(form: FormDef, lang: str, gender: str) -> dict[str, Any]:
    """The "before you start" box: the form's sections and the documents to have at hand."""
    docs = []
    for d in form.documents:
        note = "" if d.required and d.relevant is None else \
            say("start_optional", lang, gender) if not d.required else say("start_if", lang, gender)
        docs.append({"label": addressed(d.label.ar, gender) if lang == "ar" else d.label.en, "note": note})
    sections = [p.title(lang) for p in form.pages]
    return {
        "title": say("start_title", lang, gender),
        "sections_intro": say("start_sections", lang, gender,
                              sections=count(len(sections), SECTION, lang, case="nom")),
        "sections": sections,
        "documents_intro": say("start_documents", lang, gender) if docs else say("start_no_documents", lang, gender),
        "documents": docs,
        "save": say("start_save", lang, gender),
    }


def privacy_notice(form: FormDef, lang: str, gender: str, rights_url: str) -> dict[str, str]:
    years = max(1, round(form.retention_days / 365))
    key = "privacy_personal" if form.asks_personal_data else "privacy_none"
    return {"title": say("privacy_title", lang, gender),
            "text": say(key, lang, gender, years=count(years, YEAR, lang, case="gen")),
            "rights": say("privacy_rights", lang, gender), "rights_url": rights_url}


def script_words(lang: str, gender: str) -> dict[str, str]:
    """The words the page's script shows (data-* attributes of the form)."""
    keys = ("step_of", "next", "back", "last_step", "step_problems", "draft_restored", "draft_clear",
            "draft_shared", "photo_scaled", "photo_too_big")
    return {k: say(k, lang, gender) for k in keys}
