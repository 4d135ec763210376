"""The secret file beside the repository, made once when many threads of one process ask for it at once."""

from __future__ import annotations

import threading
from pathlib import Path

from mustafid.store.secretfile import secret_file


def _race(path: Path, n: int) -> tuple[list[bytes], list[BaseException]]:
    start = threading.Barrier(n)
    got: list[bytes] = []
    errors: list[BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            got.append(secret_file(path))
        except BaseException as exc:  # a FileNotFoundError here was a 500 at the intake
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got, errors


def test_threads_racing_for_a_new_secret_all_get_the_same_one(tmp_path: Path) -> None:
    for round_ in range(10):
        path = tmp_path / f"r{round_}" / "mustafid" / "link-secret"
        got, errors = _race(path, 8)
        assert errors == []
        assert len(got) == 8 and len(set(got)) == 1 and len(got[0]) == 32
        assert got[0] == path.read_bytes()
        assert sorted(p.name for p in path.parent.iterdir()) == ["link-secret"]  # no temporary left behind
