"""The notices' templates, both languages: a subject, a body for email and letters, and a short text for SMS.
Placeholders are filled with ``str.format`` from the values render.py gathers (never from anything the
applicant typed being read as a template)."""

from __future__ import annotations

from mustafid.core.text import T
from mustafid.core.vocab import NOTICE_EVENTS

EVENTS = NOTICE_EVENTS

GREETING = T("السلام عليكم {name}،", "Dear {name},")
GREETING_ANON = T("السلام عليكم،", "Hello,")
SIGN_OFF = T("مع التحية،\n{association}\n{phone}", "Kind regards,\n{association}\n{phone}")

SUBJECT: dict[str, T] = {
    "receipt": T("استلمنا طلبك رقم {ref}", "We received your request {ref}"),
    "info_request": T("نحتاج معلومات لاستكمال طلبك رقم {ref}", "We need information to complete your request {ref}"),
    "decision": T("قرار الجمعية في طلبك رقم {ref}", "The association's decision on your request {ref}"),
    "answer": T("ردّ الجمعية على ملاحظتك رقم {ref}", "The association's answer to your message {ref}"),
    "service": T("قُدّمت الخدمة لطلبك رقم {ref}", "The service for your request {ref} was provided"),
}

BODY: dict[str, T] = {
    "receipt": T("استلمت {association} طلبك «{form}» برقم {ref}. احتفظ بهذا الرقم لمتابعة طلبك.\n{due_line}\n"
                 "{code_line}",
                 "{association} received your request \"{form}\", reference {ref}. Keep this number to follow "
                 "your request.\n{due_line}\n{code_line}"),
    "info_request": T("لاستكمال دراسة طلبك رقم {ref} نحتاج منك ما يلي:\n{note}\n\nأرسله من هذا الرابط حتى {expires}:\n"
                      "{link}\nأو أحضره إلى مقر الجمعية واذكر رقم طلبك.",
                      "To go on studying your request {ref} we need from you:\n{note}\n\nSend it through this link "
                      "until {expires}:\n{link}\nor bring it to the association and give your reference number."),
    "decision": T("درست {committee} طلبك رقم {ref} وقررت: {outcome}.\nالسبب: {reason}\n{next_line}",
                  "The {committee} studied your request {ref} and decided: {outcome}.\nThe reason: {reason}\n"
                  "{next_line}"),
    "answer": T("ردّ {association} على ملاحظتك رقم {ref}:\n{answer}",
                "{association}'s answer to your message {ref}:\n{answer}"),
    "service": T("قدّمت {association} الخدمة لطلبك رقم {ref}: {provided}.\nيسعدنا رأيك في الخدمة عبر استبانة الرضا.",
                 "{association} provided the service for your request {ref}: {provided}.\nWe would value your "
                 "view of it in the satisfaction survey."),
}

SMS: dict[str, T] = {
    "receipt": T("{short}: استلمنا طلبك رقم {ref}. {due_short}",
                 "{short}: we received your request {ref}. {due_short}"),
    "info_request": T("{short}: نحتاج معلومات لطلبك {ref}: {note} أرسلها حتى {expires}: {link}",
                      "{short}: we need information for your request {ref}: {note} Send it by {expires}: {link}"),
    "decision": T("{short}: القرار في طلبك {ref}: {outcome}. السبب: {reason}",
                  "{short}: the decision on your request {ref}: {outcome}. Reason: {reason}"),
    "answer": T("{short}: ردّنا على ملاحظتك {ref}: {answer}", "{short}: our answer to your message {ref}: {answer}"),
    "service": T("{short}: قُدّمت الخدمة لطلبك {ref}: {provided}", "{short}: the service for your request {ref} "
                 "was provided: {provided}"),
}

OUTCOME = {"approved": T("قبول الطلب", "approved"), "rejected": T("عدم قبول الطلب", "not approved")}
DUE = T("ستصلك الإجابة بحلول {greg} الموافق {hijri}.", "You will get an answer by {greg} ({hijri}).")
CODE = T("رمز متابعة طلبك على الموقع: {code}", "Your code to check the request on the site: {code}")
DUE_SHORT = T("الرد بحلول {greg}.", "Answer by {greg}.")
NEXT_APPROVED = T("سيتواصل معك موظف علاقات المستفيدين لاستكمال التسجيل وتقديم الخدمة.",
                  "The beneficiary-relations officer will contact you to complete the registration and provide the "
                  "service.")
NEXT_REJECTED = T("إن كان لديك ما يغيّر القرار فتواصل مع الجمعية واذكر رقم طلبك.",
                  "If you have something that would change the decision, contact the association with your "
                  "reference number.")
