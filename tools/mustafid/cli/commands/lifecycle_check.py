"""`mustafid lifecycle-check --base REV --head REV`: every status change in a pull request is legal (CI).

With `--visibility public` it is also the privacy guard: it refuses (exit 1) while any record holds a
personal or sensitive answer in clear, because a public repository would publish it."""

from __future__ import annotations

import argparse
import os

from mustafid.cli.commands._review_common import add_target, open_forge
from mustafid.core.plural import LIFECYCLE_PROBLEM, count


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_target(p, with_id=False)
    p.add_argument("--base", default="origin/main", help="the pull request's base (default origin/main)")
    p.add_argument("--head", default="HEAD", help="the pull request's head (default HEAD)")
    p.add_argument("--visibility", choices=("public", "private", "internal"),
                   default=os.environ.get("MUSTAFID_REPO_VISIBILITY", "private"),
                   help="the repository's visibility (in CI: ${{ github.event.repository.visibility }}); "
                        "public + personal data in clear is refused")
    p.add_argument("--privacy-only", action="store_true",
                   help="run only the privacy guard (the first step of every workflow)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from mustafid.core.errors import UserError, problems_to_json
    from mustafid.review.ci import check_range
    from mustafid.review.forges.github import personal_data_in_clear

    assoc, forge = open_forge(args)
    if args.visibility == "public":
        leaks = personal_data_in_clear(assoc, forge, args.head)
        if leaks:
            raise UserError("المستودع عام وفي السجلات بيانات شخصية غير مشفرة: "
                            "اجعل المستودع خاصًا أو شفّر البيانات قبل أي تشغيل",
                            "the repository is public and records hold personal data in clear: make it private "
                            "or encrypt the data before anything runs", leaks)
    if args.privacy_only:
        print("لا بيانات شخصية مكشوفة في مستودع عام / privacy guard ok")
        return 0
    problems = check_range(assoc, forge, args.base, args.head)
    if args.format == "json":
        print(problems_to_json(problems))
    else:
        for p in problems:
            print(p.format())
    if problems:
        n = len(problems)
        ar, en = count(n, LIFECYCLE_PROBLEM, "ar", digits=False), count(n, LIFECYCLE_PROBLEM, "en")
        print(f"{ar} لدورة حياة الطلب / {en}")
        return 1
    print("دورة حياة الطلبات سليمة / lifecycle ok")
    return 0
