"""A progress line on stderr for long commands: which step of how many, and the time so far. Shown on a terminal
(or with MUSTAFID_PROGRESS=1), never in a pipe's output, so a job summary or a JSON file stays clean."""

from __future__ import annotations

import os
import sys
import time


class Steps:
    def __init__(self, total: int, *, enabled: bool | None = None) -> None:
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.enabled = (sys.stderr.isatty() or os.environ.get("MUSTAFID_PROGRESS") == "1") if enabled is None \
            else enabled

    def step(self, ar: str, en: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        width = 20
        filled = width * (self.done - 1) // self.total
        bar = "█" * filled + "░" * (width - filled)
        print(f"\r[{bar}] {self.done}/{self.total} {ar} / {en} ({time.monotonic() - self.start:.1f} s)\033[K",
              end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.enabled:
            print(f"\r[{'█' * 20}] {self.total}/{self.total} ({time.monotonic() - self.start:.1f} s)\033[K",
                  file=sys.stderr, flush=True)
