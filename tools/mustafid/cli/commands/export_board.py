"""`mustafid export-board`: the board's exports, CSV (requests.csv, figures.csv in a folder) or one XLSX
workbook: the request list without personal fields and the figures. `--public` suppresses small counts as the
statistics page does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mustafid.cli.commands.common import add_association, add_remote, add_repo


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    add_remote(p)
    p.add_argument("--format", choices=("csv", "xlsx"), default="xlsx", help="default: xlsx")
    p.add_argument("--output", "-o", type=Path, required=True,
                   help="the workbook (.xlsx) or, for csv, the folder to write requests.csv and figures.csv in")
    p.add_argument("--public", action="store_true",
                   help="counts from 1 to 4 shown as '<5' in the figures, as on the public statistics page")


def run(args: argparse.Namespace) -> int:
    from mustafid.audit.board import write_csv, write_xlsx
    from mustafid.audit.figures import report_aggregates
    from mustafid.audit.report import audit
    from mustafid.cli.commands._progress import Steps
    from mustafid.cli.commands._review_common import open_team
    from mustafid.forms.load import load_forms
    from mustafid.stats.figures import public
    from mustafid.stats.kinds import kinds_of

    steps = Steps(3)
    steps.step("فتح المستودع", "opening the repository")
    assoc, team = open_team(args)
    steps.step("التدقيق من التاريخ", "auditing from history")
    report = audit(assoc, team.forge)
    steps.step("الأرقام والملفات", "figures and files")
    agg = report_aggregates(assoc, team.forge, report)
    if args.public:
        agg = public(agg)
    kinds = kinds_of(load_forms(assoc))
    steps.finish()
    if args.format == "csv":
        written = write_csv(report, agg, args.output, kinds)
    else:
        written = [write_xlsx(report, agg, args.output, kinds)]
    for path in written:
        print(f"كُتب / written: {path}", file=sys.stderr)
    return 0
