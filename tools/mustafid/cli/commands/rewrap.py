"""`mustafid rewrap` (cli/commands/privacy.py)."""

from mustafid.cli.commands.privacy import add_rewrap as add_arguments
from mustafid.cli.commands.privacy import run_rewrap as run

__all__ = ["add_arguments", "run"]
