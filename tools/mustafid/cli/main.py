"""The `mustafid` command: parses arguments, then calls the plain functions the tests call.

Each subcommand lives in ``mustafid/cli/commands/<name>.py`` and exposes ``add_arguments(parser)`` and
``run(args) -> int``; heavy imports happen inside ``run``. User errors exit 1 with a bilingual message,
bugs exit 3 with a traceback to paste into an issue.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from mustafid.core.errors import UserError

# name -> (module, one-line help). Order is the order of `mustafid --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "start a new records repository for the association / إنشاء مستودع سجلات جديد"),
    "sync": ("sync", "bring the team's shared repository in and send what was kept / مزامنة المستودع المشترك"),
    "keys": ("keys", "create or register your signing key; git's allowed-signers file / مفاتيح التوقيع"),
    "build": ("build", "build the bilingual site for an association / بناء موقع الجمعية"),
    "serve": ("serve", "build the site and run the intake server on 127.0.0.1 / تشغيل الموقع وخادم استقبال الطلبات"),
    "schema": ("schema", "export one JSON Schema per form into forms/schema/ / تصدير مخططات النماذج"),
    "validate": ("validate", "validate submission records / التحقق من سجلات الطلبات"),
    "submit": ("submit", ("enter a request taken by interview, phone or letter / "
                          "إدخال طلب ورد بالمقابلة أو الهاتف أو خطاب")),
    "review": ("review", "list open requests / عرض الطلبات المفتوحة"),
    "show": ("show", "show one request's review summary / عرض ملخص طلب"),
    "verify": ("verify", "mark a request's data and documents verified / اعتماد التحقق من طلب"),
    "request-info": ("request_info", "ask the applicant for missing information / طلب معلومات ناقصة"),
    "resubmit": ("resubmit", "return a request from needs_info to received / إعادة طلب بعد استكمال المعلومات"),
    "vote": ("vote", "a committee member's own signed vote / تصويت عضو اللجنة"),
    "decide": ("decide", "record the committee's decision and merge / تسجيل قرار اللجنة"),
    "serve-record": ("serve_record", "record the service provided / تسجيل تقديم الخدمة"),
    "withdraw": ("withdraw", "withdraw an open request / سحب طلب مفتوح"),
    "answer": ("answer", "answer a complaint or suggestion / الرد على شكوى أو اقتراح"),
    "file-surveys": ("file_surveys", "merge recorded surveys into main / حفظ الاستبانات المسجلة"),
    "notices": ("notices", "send, list or resend the notices to applicants / إشعارات المستفيدين"),
    "escalate": ("escalate", "raise a complaint or suggestion to the board / رفع شكوى أو اقتراح إلى المجلس"),
    "lifecycle-check": ("lifecycle_check", "check status changes between two revisions (CI) / فحص انتقالات الحالة"),
    "audit": ("audit", "every request's timeline and decision times from git history / تقرير التدقيق من تاريخ git"),
    "remind": ("remind", "open requests due soon or late, for the job summary / تذكير بالطلبات التي يقترب موعدها"),
    "export-board": ("export_board", ("the board's CSV/XLSX: requests and figures, no personal data / "
                                      "تصدير لمجلس الإدارة")),
    "erase": ("erase", "destroy a request's personal data (PDPL), keeping history / إتلاف البيانات الشخصية لطلب"),
    "export": ("export", "the data subject's copy of a request / نسخة صاحب البيانات"),
    "retention": ("retention", "erase what each form's retention rule says is due / تطبيق مدد الاحتفاظ"),
    "rewrap": ("rewrap", "wrap every request's keys to today's recipients / إعادة تغليف المفاتيح"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command is listed; only ``only``'s module is imported for its arguments (all of them without it):
    `mustafid validate` in CI need not import the site builder and the intake server first."""
    parser = argparse.ArgumentParser(
        prog="mustafid",
        description="Mustafid — مستفيد: the association's policy site and request intake, with records kept in git.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            mod = importlib.import_module(f"mustafid.cli.commands.{module}")
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except UserError as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("توقف بطلب المستخدم / interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: say so, and give what to paste into an issue
        print("خطأ غير متوقع في مستفيد، يرجى الإبلاغ عنه مع النص التالي.\n"
              "Unexpected error in Mustafid (a bug); please report it with the text below.", file=sys.stderr)
        if os.environ.get("MUSTAFID_NO_TRACEBACK") != "1":
            import traceback

            traceback.print_exc()
        return 3


if __name__ == "__main__":
    sys.exit(main())
