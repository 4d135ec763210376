"""`mustafid init DIR`: a new records repository for the association (its first commit, the branch layout), and
with --remote URL the team's shared repository's `main`."""

from __future__ import annotations

import argparse
from pathlib import Path

from mustafid.cli.commands.common import add_association


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    p.add_argument("directory", type=Path, help="the new repository's folder (must not exist, or be empty)")
    p.add_argument("--remote-url", help="an empty shared repository (e.g. a new private GitHub repository's URL): "
                                        "added as origin and main pushed to it")


def run(args: argparse.Namespace) -> int:
    from mustafid.store.init import init_records_repo

    head = init_records_repo(args.directory, args.association, args.remote_url)
    print(f"أُنشئ مستودع السجلات | records repository created: {args.directory} (main {head[:12]})")
    if args.remote_url:
        print(f"ومشارك في | shared at: {args.remote_url}; each member: git clone {args.remote_url}")
    return 0
