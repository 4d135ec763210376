"""`mustafid erase` (cli/commands/privacy.py)."""

from mustafid.cli.commands.privacy import add_erase as add_arguments
from mustafid.cli.commands.privacy import run_erase as run

__all__ = ["add_arguments", "run"]
