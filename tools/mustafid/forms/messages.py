"""The bilingual messages that validation gives people, in one catalogue so the page (JavaScript checks),
the intake and CI say exactly the same words. Arabic first; each says what to fix."""

from __future__ import annotations

from mustafid.core.text import T

REQUIRED = T("هذا الحقل مطلوب", "this field is required")
NOT_A_NUMBER = T("اكتب رقماً صحيحاً بالأرقام فقط", "enter a whole number, digits only")
NOT_MONEY = T("اكتب المبلغ بالريال بالأرقام فقط، مثل 1500 أو 1500.50",
              "enter the amount in riyals, digits only, like 1500 or 1500.50")
TOO_SMALL = T("القيمة أقل من الحد الأدنى {min}", "the value is below the minimum of {min}")
TOO_LARGE = T("القيمة أكبر من الحد الأعلى {max}", "the value is above the maximum of {max}")
NUMBER_TOO_LONG = T("الرقم أطول مما يُعقل: تحقق منه", "the number is far longer than it can be: check it")
TOO_SHORT = T("النص أقصر من {min} حرفاً", "the text is shorter than {min} characters")
TOO_LONG = T("النص أطول من {max} حرفاً: اختصره", "the text is longer than {max} characters: shorten it")
BAD_PATTERN = T("الصيغة غير صحيحة", "the format is not valid")
BAD_CHOICE = T("اختر واحداً من الخيارات المعروضة", "choose one of the options shown")
BAD_FILTERED_CHOICE = T("هذا الخيار لا يتبع ما اخترته في «{parent}»: اختر من القائمة من جديد",
                        "this option does not belong to what you chose for '{parent}': choose again from the list")
TOO_FEW_CHOICES = T("اختر {min} على الأقل", "choose at least {min}")
TOO_MANY_CHOICES = T("اختر {max} على الأكثر", "choose at most {max}")
NOT_YES_NO = T("اختر نعم أو لا", "choose yes or no")
DATE_TOO_EARLY = T("التاريخ قبل {min}: تحقق منه", "the date is before {min}: check it")
DATE_TOO_LATE = T("التاريخ بعد {max}: تحقق منه", "the date is after {max}: check it")
TOO_FEW_ITEMS = T("أضف {min} على الأقل", "add at least {min}")
TOO_MANY_ITEMS = T("لا يمكن إضافة أكثر من {max}", "you cannot add more than {max}")
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
FILE_SIZE = T("الملف أكبر من {max} ميغابايت: صغّره أو صوّره بدقة أقل",
              "the file is larger than {max} MB: make it smaller or scan at a lower resolution")
TOO_MANY_FILES = T("أرفق ملفاً واحداً فقط هنا", "attach only one file here")
DECLARATION = T("يجب الإقرار بصحة البيانات قبل الإرسال", "you must confirm the data are correct before sending")
CONSENT = T("يجب الموافقة على معالجة البيانات الشخصية قبل الإرسال",
            "you must consent to the processing of personal data before sending")
