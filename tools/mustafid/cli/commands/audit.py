"""`mustafid audit`: every request's timeline from git history, decisions against the promised period, and
anomalies; no personal data. Exit 1 when there is an anomaly (for a scheduled job)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mustafid.cli.commands.common import add_association, add_remote, add_repo


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    add_remote(p)
    p.add_argument("--format", choices=("markdown", "json"), default="markdown",
                   help="report format (default: markdown)")
    p.add_argument("--output", "-o", type=Path, help="write the report to this file instead of printing it")
    p.add_argument("--seal", action="store_true",
                   help="write a signed checkpoint tag (refs/tags/mustafid/audited/<time>) of main and the open "
                        "branches and push it: a later audit reports any history rewritten since; never sealed "
                        "over a rewrite this audit found")
    p.add_argument("--key", default=None,
                   help="your SSH signing key for the seal (default: $MUSTAFID_KEY, else git config "
                        "user.signingkey); required once association.yml lists keys")


def run(args: argparse.Namespace) -> int:
    from mustafid.audit.render import render
    from mustafid.audit.report import audit, seal
    from mustafid.cli.commands._review_common import open_team

    assoc, team = open_team(args)
    forge = team.forge
    report = audit(assoc, forge)
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n" if args.format == "json" else render(report)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    if args.seal and report["head"]:
        name = seal(forge, report["head"], report, args.key)
        print(f"sealed: {name}", file=sys.stderr)
    return 1 if report["anomalies"] else 0
