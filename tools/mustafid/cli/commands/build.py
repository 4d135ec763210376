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


def run(args: argparse.Namespace) -> int:
    from mustafid.site.build import build_site  # mkdocs and material are heavy: imported only when building

    started = time.perf_counter()
    print(f"بناء الموقع… | building the site from {args.association} …", file=sys.stderr)
    out = build_site(args.association, args.out, quiet=not args.verbose)
    print(f"تم بناء الموقع في {out} | site built in {out} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0
