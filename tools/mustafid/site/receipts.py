"""What the receipt promises, by the form's kind (forms/kinds.py): a request is decided by the committee within
the decision period; a complaint or suggestion is answered within the association's answer period (and goes to
the board when late); a survey is counted and promises nothing. ``pages.receipt_fragment`` asks here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.core.text import T, arabic_digits
from mustafid.core.vocab import is_yes
from mustafid.forms.messages import addressed, gender_of

FEEDBACK_UI: dict[str, T] = {
    "received": T("وصلت ملاحظتك", "We have your message"),
    "answer_by": T("موعد الرد على ملاحظتك", "When you will get an answer"),
    "answer_by_text": T("تلتزم الجمعية بالرد على شكواك أو اقتراحك بحلول:",
                        "The association commits to answering your complaint or suggestion by:"),
    "period_note": T("تجيب الجمعية عن الشكاوى والاقتراحات خلال {days} يوماً من وصولها، فإن لم يصلك الرد في موعده "
                     "رُفعت ملاحظتك إلى مجلس الإدارة.",
                     "The association answers complaints and suggestions within {days} days of receiving them; if no "
                     "answer reaches you by then, your message goes to the board."),
}
FEEDBACK_STEPS = (
    T("الاستلام: وصلت ملاحظتك وأعطيت الرقم المرجعي أعلاه.", "Received: your message has the reference number above."),
    T("الدراسة: يقرؤها موظف علاقات المستفيدين ويعرضها على المختصين في الجمعية.",
      "Read: the beneficiary-relations officer reads it and takes it to the people concerned in the association."),
    T("الرد: يصلك الرد بالطريقة التي اخترتها خلال {days} يوماً.",
      "Answered: the answer reaches you the way you chose, within {days} days."),
)
NO_REPLY = T("لم تطلب رداً، فلن تتواصل معك الجمعية بشأنها، وستُدرس ملاحظتك كما هي.",
             "You did not ask for a reply, so the association will not contact you about it; your message is "
             "studied as it is.")
SURVEY_UI: dict[str, T] = {
    "received": T("شكراً لك، سُجّلت إجاباتك", "Thank you: your answers are recorded"),
}
SURVEY_STEPS = (
    T("تُحسب إجاباتك مع إجابات غيرك، ولا يُقرأ اسمك لأنها مجهولة الهوية.",
      "Your answers are counted with everyone else's; the survey is anonymous."),
    T("تنشر الجمعية نتائج الاستبانة مجمّعة، ولا ينتظر منك شيء آخر ولا يصلك رد.",
      "The association publishes the results in aggregate; nothing else is needed from you and no answer is sent."),
)


def kind_texts(assoc: Any, kind: str, lang: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The receipt's words that differ from a request's: ``ui`` overrides, ``steps``, and ``show_due`` (False
    for a survey, and for a complaint whose sender asked for no reply); in the association's address
    (association.yml ``address_applicant_as``): "لم تطلبي رداً" for a women's association."""
    gender = gender_of(assoc)

    def say(text: T) -> str:
        return addressed(text.ar, gender) if lang == "ar" else text.en

    if kind == "survey":
        return {"ui": {k: say(v) for k, v in SURVEY_UI.items()}, "steps": [say(s) for s in SURVEY_STEPS],
                "show_due": False}
    if kind != "feedback":
        return {}
    days = assoc.feedback_answer_days
    shown = arabic_digits(days) if lang == "ar" else str(days)
    ui = {k: say(v).format(days=shown) for k, v in FEEDBACK_UI.items()}
    wants = (record.get("data") or {}).get("wants_reply")
    if wants is not None and not is_yes(wants):
        return {"ui": ui, "steps": [say(FEEDBACK_STEPS[0]), say(FEEDBACK_STEPS[1]), say(NO_REPLY)],
                "show_due": False}
    return {"ui": ui, "steps": [say(s).format(days=shown) for s in FEEDBACK_STEPS], "show_due": True}
