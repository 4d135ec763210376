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
}
