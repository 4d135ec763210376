"""The applicant's own pages: the status lookup (reference + the code on the receipt, or the mobile's last four
digits) and the page a request for information's link opens to send what is missing. Built into the site as
shells (``forms/status/``, ``forms/complete/``) and filled by the intake; plain HTML forms that work without
JavaScript, every value escaped, addressing the applicant in the association's gender (``gender``: association.yml
``address_applicant_as``)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from mustafid.core.text import T
from mustafid.forms.messages import address_t, gender_of

UI: dict[str, T] = {
    "status_title": T("متابعة طلب", "Check a request"),
    "status_intro": T("اكتب رقم طلبك والرمز المطبوع على إيصالك (٦ أرقام)، أو آخر أربعة أرقام من جوالك.",
                      "Type your reference number and the code printed on your receipt (6 digits), or the last four "
                      "digits of your mobile."),
    "ref": T("رقم الطلب", "Reference number"),
    "code": T("رمز الإيصال أو آخر ٤ أرقام من الجوال", "Receipt code, or the last 4 digits of your mobile"),
    "look": T("اعرض حالة الطلب", "Show the request's status"),
    "no_match": T("لم نجد طلبًا بهذا الرقم وهذا الرمز معًا. تأكد منهما وأعد المحاولة، أو تواصل مع الجمعية.",
                  "We found no request with this reference and this code together. Check both and try again, or "
                  "contact the association."),
    "status": T("الحالة", "Status"),
    "due": T("الموعد الموعود للرد", "Promised answer date"),
    "late": T("تجاوز الطلب موعده، وقد أُبلغت الجمعية بذلك.", "The request is past its date; the association is told."),
    "next": T("ما المطلوب منك", "What you need to do"),
    "complete_title": T("استكمال طلبك", "Complete your request"),
    "asked": T("طلبت الجمعية ما يلي", "The association asked for"),
    "answer": T("إجابتك (اختياري إن أرفقت مستندات)", "Your answer (optional if you attach documents)"),
    "send": T("إرسال", "Send"),
    "bad_link": T("هذا الرابط غير صالح أو انتهت مدته. تواصل مع الجمعية واذكر رقم طلبك.",
                  "This link is not valid or has expired. Contact the association and give your reference number."),
    "thanks": T("وصل ما أرسلته، وعاد طلبك إلى التحقق. ستصلك رسالة بما يجري بعد ذلك.",
                "What you sent has arrived, and your request is back with the officer for checking. You will be told "
                "what happens next."),
    "refused": T("لم يُحفظ ما أرسلته: صحّح ما يلي", "Nothing was saved: correct the following"),
}
_e = html.escape
CODE_LABEL = T("رمز المتابعة (اكتبه مع رقم طلبك في صفحة متابعة الطلب)",
               "Your follow-up code (type it with your reference on the page to check a request)")


def _ui(lang: str, gender: str) -> dict[str, str]:
    return {k: address_t(v, gender)(lang) for k, v in UI.items()}


def status_fragment(lang: str, action: str, view: Any | None = None, asked: bool = False, ref: str = "",
                    gender: str = "masculine") -> str:
    """The lookup form, with the answer above it once asked: the status, the promised date, the next step, or
    the one message for anything that does not match."""
    u = _ui(lang, gender)
    out = ['<div class="mf mf-status">']
    if asked and view is None:
        out.append(f'<div class="mf-panel mf-panel--error" role="alert"><p>{_e(u["no_match"])}</p></div>')
    elif view is not None:
        out.append(f'<div class="mf-panel" role="status"><p class="mf-ref" dir="ltr">{_e(view.ref)}</p><dl>'
                   f'<dt>{_e(u["status"])}</dt><dd id="mf-status">{_e(view.words)}</dd>')
        if view.due:
            out.append(f'<dt>{_e(u["due"])}</dt><dd>{_e(view.due[0])}<br>{_e(view.due[1])}</dd>')
        out.append("</dl>")
        if view.late:
            out.append(f"<p>{_e(u['late'])}</p>")
        if view.next:
            out.append(f'<h2>{_e(u["next"])}</h2><p id="mf-next">{_e(view.next)}</p>')
        out.append("</div>")
    out.append(f'<p>{_e(u["status_intro"])}</p><form method="post" action="{_e(action)}" class="mf-form">'
               f'<input type="hidden" name="_lang" value="{_e(lang)}">'
               f'<div class="mf-field"><label for="mf-ref-in">{_e(u["ref"])}</label>'
               f'<input id="mf-ref-in" name="ref" dir="ltr" autocomplete="off" required maxlength="20" '
               f'value="{_e(ref)}"></div>'
               f'<div class="mf-field"><label for="mf-code-in">{_e(u["code"])}</label>'
               f'<input id="mf-code-in" name="code" dir="ltr" inputmode="numeric" autocomplete="off" required '
               f'maxlength="8"></div><button type="submit" class="mf-button">{_e(u["look"])}</button></form></div>')
    return "".join(out)


def complete_fragment(lang: str, action: str, token: str, ref: str, note: str,
                      files: Sequence[tuple[str, str, str, bool]], problems: Sequence[str] = (),
                      gender: str = "masculine") -> str:
    """The page a request for information's link opens: what was asked, a box for the answer, the form's file
    fields (id, label, accept, multiple), posted as multipart with the link's token."""
    u = _ui(lang, gender)
    out = [f'<div class="mf mf-complete"><p class="mf-ref" dir="ltr">{_e(ref)}</p>']
    if problems:
        items = "".join(f"<li>{_e(p)}</li>" for p in problems)
        out.append(f'<div class="mf-panel mf-panel--error" role="alert"><p>{_e(u["refused"])}</p>'
                   f"<ul>{items}</ul></div>")
    out.append(f'<h2>{_e(u["asked"])}</h2><p id="mf-asked">{_e(note)}</p>'
               f'<form method="post" action="{_e(action)}" enctype="multipart/form-data" class="mf-form">'
               f'<input type="hidden" name="t" value="{_e(token)}">'
               f'<input type="hidden" name="_lang" value="{_e(lang)}">'
               f'<div class="mf-field"><label for="mf-answer">{_e(u["answer"])}</label>'
               f'<textarea id="mf-answer" name="answer" rows="5" maxlength="3000"></textarea></div>')
    for fid, label, accept, multiple in files:
        out.append(f'<div class="mf-field"><label for="mf-f-{_e(fid)}">{_e(label)}</label>'
                   f'<input type="file" id="mf-f-{_e(fid)}" name="{_e(fid)}" accept="{_e(accept)}"'
                   f'{" multiple" if multiple else ""}></div>')
    out.append(f'<button type="submit" class="mf-button">{_e(u["send"])}</button></form></div>')
    return "".join(out)


def message_fragment(lang: str, key: str, gender: str = "masculine") -> str:
    text = _e(address_t(UI[key], gender)(lang))
    return f'<div class="mf mf-message"><div class="mf-panel" role="status"><p>{text}</p></div></div>'


def applicant_pages(assoc: Any, lang: str, mark: tuple[str, str]) -> list[tuple[str, str, str]]:
    """(src_uri, title, markdown) of the two shells the site builds (out of the nav, search and sitemap)."""
    base = (getattr(assoc, "intake_url", "") or "").rstrip("/")
    prefix = "" if lang == "ar" else "/en"
    gender = gender_of(assoc)
    fm = '---\nmustafid_form: true\nhide: ["toc"]\nsearch: {"exclude": true}\n---\n\n'
    status = (fm + f"# {UI['status_title'](lang)}\n\n{mark[0]}\n"
              + status_fragment(lang, f"{base}{prefix}/status/", gender=gender) + f"\n{mark[1]}\n")
    complete = (fm + f"# {UI['complete_title'](lang)}\n\n{mark[0]}\n" + message_fragment(lang, "bad_link", gender)
                + f"\n{mark[1]}\n")
    return [("forms/status.md", UI["status_title"](lang), status),
            ("forms/complete.md", UI["complete_title"](lang), complete)]


def file_fields(form: Any, lang: str) -> list[tuple[str, str, str, bool]]:
    return [(path, (f.document or f.label)(lang), ",".join(f".{a}" for a in (f.accept or ("pdf", "jpg", "png"))),
             bool(f.multiple)) for path, f in form.walk() if f.type == "file" and "*" not in path]


