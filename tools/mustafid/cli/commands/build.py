"""`mustafid build`: build the association's bilingual site (Arabic at /, English at /en/) with mkdocs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from mustafid.cli.commands.common import add_association


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    p.add_argument("--out", "-o", type=Path, default=Path("site"),
                   help="the folder to write the site into (default: ./site); its old content is replaced")
    p.add_argument("--verbose", "-v", action="store_true", help="show mkdocs' own progress messages")
    p.add_argument("--statistics", type=Path, default=None, metavar="FILE",
                   help="the figures for the statistics page (`mustafid audit --aggregates FILE`); default: "
                        "$MUSTAFID_STATISTICS, else statistics.json beside association.yml; no file, no page")


def run(args: argparse.Namespace) -> int:
    import os

    from mustafid.core.errors import UserError
    from mustafid.site.build import build_site  # mkdocs and material are heavy: imported only when building

    before = os.environ.get("MUSTAFID_STATISTICS")
    if args.statistics is not None:
        if not args.statistics.is_file():
            raise UserError(f"ملف الإحصاءات غير موجود: {args.statistics}",
                            f"no statistics file at {args.statistics}: write it with `mustafid audit --aggregates`")
        os.environ["MUSTAFID_STATISTICS"] = str(args.statistics.resolve())  # read by the site's plugin
    started = time.perf_counter()
    print(f"بناء الموقع… | building the site from {args.association} …", file=sys.stderr)
    try:
        out = build_site(args.association, args.out, quiet=not args.verbose)
    finally:
        if before is None:
            os.environ.pop("MUSTAFID_STATISTICS", None)
        else:
            os.environ["MUSTAFID_STATISTICS"] = before
    print(f"تم بناء الموقع في {out} | site built in {out} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0
