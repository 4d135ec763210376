"""Each test that takes `name` runs for both associations, in a fresh records repository (`repo`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_association_repo


@pytest.fixture(params=["ajaa", "kahatain"])
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def repo(name: str, tmp_path: Path) -> Path:
    return make_association_repo(tmp_path, name)
