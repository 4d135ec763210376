"""`mustafid audit`: every request's timeline from git history, decisions against the promised period, and
anomalies; no personal data. Exit 1 when there is an anomaly (for a scheduled job)."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path
from typing import Any

from mustafid.cli.commands.common import add_association, add_remote, add_repo


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    add_remote(p)
    p.add_argument("--format", choices=("markdown", "json", "html"), default="markdown",
                   help="report format (default: markdown); html: one page for auditors, with the charts")
    p.add_argument("--brief", action="store_true",
                   help="markdown: the figures and the findings only, without every request (for a job summary)")
    p.add_argument("--lang", choices=("ar", "en"), default="ar",
                   help="the HTML page's language when printed (default: ar); with --output both are written: "
                        "FILE in Arabic and FILE's name with .en.html in English")
    p.add_argument("--aggregates", type=Path, default=None,
                   help="also write the figures (no record id, no personal data) to this JSON file: the site's "
                        "statistics page reads it (statistics.json beside association.yml, or $MUSTAFID_STATISTICS)")
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
    from mustafid.cli.commands._progress import Steps
    from mustafid.cli.commands._review_common import open_team

    # a short-lived process that builds a large acyclic report: the cyclic collector only costs time here
    # (a pass over a 10,000-request report takes a second and frees nothing; audit/report.audit)
    gc.disable()
    steps = Steps(3 if args.format == "html" or args.aggregates else 2)
    steps.step("فتح المستودع", "opening the repository")
    assoc, team = open_team(args)
    forge = team.forge
    steps.step("قراءة التاريخ والتدقيق", "reading history and auditing")
    report = audit(assoc, forge)
    agg = None
    if args.format == "html" or args.aggregates:
        from mustafid.audit.figures import report_aggregates

        steps.step("الأرقام والرسوم", "figures and charts")
        agg = report_aggregates(assoc, forge, report)
    steps.finish()
    if args.aggregates:
        _write(args.aggregates, json.dumps(agg, ensure_ascii=False, indent=1) + "\n")
    if args.format == "json":
        # compact (no indentation: json's C encoder, 5x faster over a large report); pipe through `jq` to read
        text = json.dumps(report, ensure_ascii=False) + "\n"
    elif args.format == "html" and args.output:  # both languages: audit.html (Arabic) and audit.en.html
        ar, en = args.output, args.output.with_name(args.output.stem + ".en.html")
        _write(ar, _html(assoc, report, agg, "ar", en.name))
        _write(en, _html(assoc, report, agg, "en", ar.name))
        text = ""
    elif args.format == "html":
        text = _html(assoc, report, agg, args.lang, "")
    else:
        text = render(report, brief=args.brief)
    if args.output and text:
        _write(args.output, text)
    else:
        print(text, end="")
    if args.seal and report["head"]:
        name = seal(forge, report["head"], report, args.key)
        print(f"sealed: {name}", file=sys.stderr)
    return 1 if report["anomalies"] else 0


def _write(path: Path, text: str) -> None:
    """Written whole or not at all (a temporary file beside it, then renamed)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _html(assoc: Any, report: dict[str, Any], agg: dict[str, Any] | None, lang: str, other: str) -> str:
    from mustafid.audit.html import render_html
    from mustafid.forms.load import load_forms

    titles = {fid: f.title for fid, f in load_forms(assoc).items()}
    return render_html(report, lang, agg, titles, other)
