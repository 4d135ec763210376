"""What the interview says that the form does not: its own prompts, in Arabic and English (the questions'
labels, hints and choices come from the form definition, and the yes/no and "required" words are the UI texts
the form pages show)."""

from __future__ import annotations

from mustafid.core.errors import UserError
from mustafid.core.text import T

TEXT: dict[str, T] = {
    "start": T("إدخال طلب «{title}». اضغط Enter لتجاوز سؤال اختياري.",
               "Entering a '{title}' request. Press Enter to skip an optional question."),
    "pick": T("اكتب الرقم أو الخيار.", "Type the number or the option."),
    "pick_many": T("اكتب رقماً أو أكثر تفصل بينها فاصلة.", "Type one or more numbers, separated by commas."),
    "how_many": T("كم {item}؟", "How many ({item})?"),
    "how_many_bad": T("اكتب عدداً بين {min} و{max}", "type a number from {min} to {max}"),
    "item": T("— {item} {n} —", "— {item} {n} —"),
    "drop_address": T("اضغط Enter مرة أخرى لترك العنوان الوطني كله دون إجابة",
                      "Press Enter again to leave the whole national address out"),
    "file": T("مسار الملف (Enter للتجاوز):", "Path of the file (Enter to skip):"),
    "attached": T("مرفق: {name}", "Attached: {name}"),
    "another_file": T("مسار ملف آخر لهذا المستند (Enter للانتهاء):",
                      "Path of another file for this document (Enter when done):"),
    "fix": T("بقي في الطلب ما يلي، صحّحه:", "The request still has the following to correct:"),
    "summary": T("ملخص الإجابات", "Summary of the answers"),
    "change": T("لتغيير إجابة اكتب رقمها، أو اضغط Enter للمتابعة إلى الإقرار.",
                "To change an answer, type its number; press Enter to go on to the declaration."),
    "change_bad": T("اكتب رقماً من الأرقام التي في الملخص، أو اضغط Enter للمتابعة",
                    "type one of the numbers in the summary, or press Enter to go on"),
    "declaration": T("الإقرار", "Declaration"),
    "agree": T("هل وافق مقدم الطلب على ما يلي؟", "Did the applicant agree to the following?"),
    "eof": T("انتهى الإدخال قبل اكتمال الطلب: لم يُحفظ شيء",
             "the input ended before the request was complete: nothing was saved"),
}


class EndOfInput(UserError):
    """The input ended before the request was complete (nothing is saved)."""

    def __init__(self) -> None:
        super().__init__(TEXT["eof"].ar, TEXT["eof"].en)
