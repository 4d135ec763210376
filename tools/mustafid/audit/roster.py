"""The roster as it stood on a day: association.yml's versions in main's history (first parent), each loaded once
(its blob written to a temporary folder and read by config.association's own loader), so that a commit is judged
by the association.yml committed at or before its committer date, not by today's."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from mustafid.config.association import CONFIG_NAME, Association, load_association
from mustafid.config.keys import signing_required
from mustafid.core.errors import UserError
from mustafid.review.forges.local import LocalForge

_RS, _US = "\x1e", "\x1f"


class Roster:
    """association.yml's versions on main, oldest first; `at(when)` the one standing then."""

    def __init__(self, forge: LocalForge, today: Association | None) -> None:
        self.today = today
        self.dates: list[dt.datetime] = []
        self.versions: list[Association] = []
        self.invalid: list[str] = []  # blobs of versions that did not load (kept out; the previous one stands)
        # the date last asked for and the number of versions before it: a commit's checks ask with its date often
        self._last: tuple[dt.datetime, int] | None = None
        out = subprocess.run(["git", "-C", str(forge.repo), "log", "--reverse", "--first-parent",
                              "--diff-merges=first-parent", f"--format={_RS}%H{_US}%cI{_US}", "--raw",
                              "--no-abbrev", f"refs/heads/{forge.main}", "--", CONFIG_NAME],
                             capture_output=True, text=True, check=False).stdout
        blobs: list[tuple[dt.datetime, str]] = []
        for part in out.split(_RS)[1:]:
            _sha, at, raw = [*part.split(_US), "", ""][:3]
            for line in raw.strip().splitlines():
                meta = line.split("\t")[0].split()
                if len(meta) >= 5 and meta[0].startswith(":"):
                    blobs.append((dt.datetime.fromisoformat(at), meta[3]))
        cache: dict[str, Association | None] = {}
        with tempfile.TemporaryDirectory(prefix="mustafid-roster-") as tmp:
            for when, blob in blobs:
                if blob not in cache:
                    cache[blob] = _load(forge, blob, Path(tmp) / blob[:12], today.root if today else forge.repo)
                assoc = cache[blob]
                if assoc is None:
                    self.invalid.append(blob)
                    continue
                self.dates.append(when)
                self.versions.append(assoc)
        self.signs = any(signing_required(a) for a in (*self.versions, *([today] if today else [])))

    def at(self, when: dt.datetime) -> Association:
        """The version standing before `when` (as `exact_at`: a commit in the same second as a roster change is
        judged by the roster before it, for its trailers as for its signature); before the first one the oldest;
        with none, today's (a repository whose association.yml is elsewhere: the roster given is the only one)."""
        if not self.versions:
            assert self.today is not None, "a Roster without versions needs today's association"
            return self.today
        return self.versions[max(self._before(when) - 1, 0)]

    def exact_at(self, when: dt.datetime) -> Association | None:
        """The version standing before `when`, None before the first: what signatures are judged by. A change to
        the roster is judged by the roster before it (the people it names are not yet the ones who authorise it),
        and so is anything committed in the same second."""
        if not self.versions:
            return self.today
        i = self._before(when)
        return self.versions[i - 1] if i else None

    def _before(self, when: dt.datetime) -> int:
        """How many versions came before `when` (the same second counts as after), kept for the same date."""
        last = self._last
        if last is None or last[0] is not when:
            last = self._last = (when, bisect.bisect_left(self.dates, when))
        return last[1]


def _load(forge: LocalForge, blob: str, folder: Path, root: Path) -> Association | None:
    """One version, its root the association's folder: the roster is the version's, the form definitions (what
    kind each form is: forms/kinds.py) today's, as the temporary folder holds none."""
    folder.mkdir()
    (folder / CONFIG_NAME).write_bytes(forge.git("cat-file", "blob", blob))
    try:
        return dataclasses.replace(load_association(folder), root=root)
    except UserError:
        return None
