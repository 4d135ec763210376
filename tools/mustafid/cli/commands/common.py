"""Arguments several subcommands share."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_association(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--association", "-a", type=Path, default=Path(os.environ.get("MUSTAFID_ASSOCIATION", ".")),
        help="the association's folder (holds association.yml and forms/); default: the current folder "
             "or $MUSTAFID_ASSOCIATION",
    )


def add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo", type=Path, default=Path(os.environ.get("MUSTAFID_REPO", ".")),
        help="the git repository holding submissions/ (default: the current folder or $MUSTAFID_REPO)",
    )


def add_actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="actor", default=os.environ.get("MUSTAFID_ACTOR"),
        help="your id in the association's roster (default: $MUSTAFID_ACTOR)",
    )
    parser.add_argument(
        "--key", default=None,
        help="your SSH signing key (a private key file, or the .pub of a key in ssh-agent); default: $MUSTAFID_KEY, "
             "else git config user.signingkey. Required once association.yml lists keys",
    )


def add_remote(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--remote", default=os.environ.get("MUSTAFID_REMOTE") or None,
        help="the team's shared records repository (a git remote name); default: $MUSTAFID_REMOTE, git config "
             "mustafid.remote, or origin in a repository made by `mustafid init`; none in the embedded default",
    )
