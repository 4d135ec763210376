"""`mustafid retention` (cli/commands/privacy.py)."""

from mustafid.cli.commands.privacy import add_retention as add_arguments
from mustafid.cli.commands.privacy import run_retention as run

__all__ = ["add_arguments", "run"]
