"""What the intake says when it refuses a post or cannot answer it, in Arabic and English (one table, so the
web answers and the steps behind them say the same thing)."""

from __future__ import annotations

from mustafid.core.text import T

MSG = {
    "content_type": T("نوع الإرسال غير مقبول: أرسل النموذج من صفحته في الموقع",
                      "this kind of request is not accepted: send the form from its page on the site"),
    "too_large": T("الطلب أكبر من المسموح ({mb} ميغابايت): صغّر المرفقات أو أرسل بعضها لاحقاً",
                   "the request is larger than allowed ({mb} MB): make the attachments smaller or send some later"),
    "broken": T("وصل الطلب ناقصاً أو تالفاً، ولم يُحفظ منه شيء: أعد الإرسال",
                "the request arrived incomplete or damaged and nothing of it was kept: send it again"),
    "unknown_fields": T("الطلب يحوي حقولاً ليست في النموذج، ولم يُحفظ منه شيء: أرسله من صفحته في الموقع",
                        "the request holds fields the form does not have and nothing was kept: "
                        "send it from its page on the site"),
    "honeypot": T("تعذّر قبول الطلب، ولم يُحفظ منه شيء", "the request could not be accepted and nothing was kept"),
    "rate": T("أرسلت طلبات كثيرة في وقت قصير: انتظر دقيقة ثم أعد المحاولة",
              "too many requests in a short time: wait a minute and try again"),
    "store": T("تعذّر حفظ الطلب الآن، ولم يُحفظ منه شيء: أعد المحاولة بعد قليل",
               "the request could not be saved just now and nothing of it was kept: try again shortly"),
    "not_found": T("الصفحة غير موجودة", "page not found"),
    "no_receipt": T("لا يوجد طلب بهذا الرقم: تحقق من الرقم كما في رسالة التأكيد",
                    "there is no request with this number: check it against your confirmation"),
    "stash": T("انتهت صلاحية المرفقات المحفوظة: أرفقها من جديد",
               "the attachments kept for you have expired: attach them again"),
    "bug": T("حدث خطأ في الخادم ولم يُحفظ الطلب: أعد المحاولة، وإن تكرر فاتصل بالجمعية",
             "something went wrong on the server and the request was not saved: try again, and if it happens again "
             "contact the association"),
    # The intake under abuse (issue 18): what any layer answers when a limit is reached.
    "method": T("هذا العنوان لا يقبل هذا النوع من الطلبات: افتح الصفحة من الموقع",
                "this address does not take this kind of request: open the page from the site"),
    "part_too_large": T("أحد الحقول أطول من المسموح ({kb} كيلوبايت): اختصره ثم أعد الإرسال",
                        "one of the answers is longer than allowed ({kb} KB): shorten it and send again"),
    "too_many_parts": T("الطلب يحوي حقولاً أو ملفات أكثر من المسموح: أرسل النموذج من صفحته في الموقع",
                        "the request holds more answers or files than allowed: send the form from its page on "
                        "the site"),
    "timeout": T("انقطع الإرسال أو كان بطيئاً جداً، ولم يُحفظ منه شيء: تحقق من اتصالك ثم أعد الإرسال",
                 "the request stopped arriving or came too slowly and nothing of it was kept: check your "
                 "connection and send it again"),
    "headers_too_large": T("رأس الطلب أكبر من المسموح: أرسل النموذج من صفحته في الموقع",
                           "the request's headers are larger than allowed: send the form from its page on the site"),
    "bad_http": T("تعذّرت قراءة الطلب: أرسل النموذج من صفحته في الموقع",
                  "the request could not be read: send the form from its page on the site"),
    "busy": T("الخادم يستقبل مرفقات كثيرة الآن: انتظر قليلاً ثم أعد الإرسال، ولم يُحفظ شيء",
              "the server is receiving many attachments just now and nothing was kept: wait a little and send again"),
    "quota": T("لديك مرفقات كثيرة لم تؤكَّد بعد: أكمل طلبك أو انتظر {minutes} دقيقة ثم أعد الإرسال",
               "you have many attachments not yet confirmed: finish your request, or wait {minutes} minutes and "
               "send again"),
}
