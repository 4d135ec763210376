"""Shared fixtures: a fixed git identity and the two seed associations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, make_association_repo


@pytest.fixture(autouse=True, scope="session")
def _git_identity() -> None:
    # Real git in every test, with a fixed identity and no user/system config leaking in.
    os.environ.update({
        "GIT_AUTHOR_NAME": "Mustafid Test", "GIT_AUTHOR_EMAIL": "test@mustafid.invalid",
        "GIT_COMMITTER_NAME": "Mustafid Test", "GIT_COMMITTER_EMAIL": "test@mustafid.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
    })


@pytest.fixture(params=sorted(EXAMPLES))
def association_dir(request: pytest.FixtureRequest) -> Path:
    """Each seed association's folder (association.yml + forms/)."""
    return EXAMPLES[request.param]


@pytest.fixture
def ajaa_repo(tmp_path: Path) -> Path:
    return make_association_repo(tmp_path, "ajaa")


@pytest.fixture
def kahatain_repo(tmp_path: Path) -> Path:
    return make_association_repo(tmp_path, "kahatain")
