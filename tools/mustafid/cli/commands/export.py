"""`mustafid export` (cli/commands/privacy.py)."""

from mustafid.cli.commands.privacy import add_export as add_arguments
from mustafid.cli.commands.privacy import run_export as run

__all__ = ["add_arguments", "run"]
