"""The real intake server (`mustafid serve`, uvicorn) in its own process on 127.0.0.1, for tests.

``running_intake(assoc_dir, repo_dir, site_dir)`` starts it on a free port and yields a ``Server`` whose
``url`` is the base address; ``kill()`` sends SIGKILL (no clean shutdown) and ``start()`` brings it back.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    assoc_dir: Path
    repo_dir: Path
    site_dir: Path | None
    rate_limit: float = 0
    workers: int = 1
    log_path: Path | None = None
    url: str = ""
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self, timeout: float = 30) -> str:
        cmd = [sys.executable, "-m", "mustafid", "serve", "--association", str(self.assoc_dir),
               "--repo", str(self.repo_dir), "--port", str(self.port), "--rate-limit", str(self.rate_limit),
               "--workers", str(self.workers)]
        if self.site_dir is not None:
            cmd += ["--site", str(self.site_dir)]
        else:
            cmd += ["--out", str(self.repo_dir.parent / "built-site")]
        log = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.PIPE, cwd=str(ROOT),
                                         env={**os.environ, **self.extra_env}, start_new_session=True)
        finally:
            if self.log_path:
                log.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        assert self.proc.stderr is not None
        seen = b""
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError(f"the intake server stopped at start:\n{seen.decode(errors='replace')}")
            seen += line
            m = re.search(rb"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                self.url = f"http://127.0.0.1:{self.port}"
                break
        else:
            raise RuntimeError("the intake server did not start in time")
        # The socket is bound before the banner, but the app loads after it: wait until it answers.
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the intake server never answered /healthz")
        self._drain()
        return self.url

    def _drain(self) -> None:
        """Keep reading the server's stderr (its log) so it never blocks on a full pipe; keep it for tests."""
        import threading

        proc = self.proc
        assert proc is not None and proc.stderr is not None
        self.log_lines: list[str] = getattr(self, "log_lines", [])

        def pump() -> None:
            for line in proc.stderr:  # type: ignore[union-attr]
                self.log_lines.append(line.decode(errors="replace"))

        threading.Thread(target=pump, daemon=True).start()

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean shutdown, no chance to finish a write."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def running_intake(assoc_dir: Path, repo_dir: Path, site_dir: Path | None, *, rate_limit: float = 0,
                   workers: int = 1, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(Path(assoc_dir), Path(repo_dir), Path(site_dir) if site_dir else None, rate_limit=rate_limit,
                    workers=workers, extra_env=dict(extra_env or {}))
    server.start()
    try:
        yield server
    finally:
        server.stop()
