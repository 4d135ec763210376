"""An intake server per association and module: the real `mustafid serve` (uvicorn) on 127.0.0.1, writing into
a real git repository in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import make_association_repo
from tests.intake_server import Server, running_intake


@pytest.fixture(scope="module", params=["ajaa", "kahatain"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    repo = make_association_repo(tmp_path_factory.mktemp(request.param), request.param)
    with running_intake(repo, repo, None) as server:
        server.name = request.param  # type: ignore[attr-defined]
        yield server


@pytest.fixture(scope="module")
def client(served: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=30, follow_redirects=False) as c:
        yield c


@pytest.fixture
def repo(served: Server) -> Path:
    return served.repo_dir
