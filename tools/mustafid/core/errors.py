"""One small exception hierarchy, and the bilingual problem every layer reports.

User errors (bad input, bad config) exit 1 with messages that say what to fix; anything else is a bug and
exits 3 (see cli.error_handler).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input, said in Arabic and English.

    ``path`` is the dotted field path inside the file (``data.family.0.id``), ``line`` is 1-based or None.
    """

    file: str
    path: str
    ar: str
    en: str
    line: int | None = None
    code: str = ""

    def format(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.ar} | {self.en}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def problems_to_json(problems: Iterable[Problem]) -> str:
    return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)


class MustafidError(Exception):
    """Base of every error Mustafid raises on purpose."""


class UserError(MustafidError):
    """Bad input or configuration: the message says what to fix, in Arabic and English. Exit 1."""

    def __init__(self, ar: str, en: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(en)
        self.ar = ar
        self.en = en
        self.problems = list(problems)

    def format(self) -> str:
        lines = [f"{self.ar}\n{self.en}"]
        lines += [f"  - {p.format()}" for p in self.problems]
        return "\n".join(lines)


class ConfigError(UserError):
    """association.yml (or another config file) is malformed or incomplete."""


class NotFound(UserError):
    """A record, form or association that was asked for does not exist."""
