"""Shared fixtures: a fixed git identity and the two seed associations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import EXAMPLES, make_association_repo

# CI (.ci/run sets HYPOTHESIS_PROFILE=ci): the same generated examples on every run, so a red build is the
# change's doing and reproduces anywhere. Elsewhere (make test, make fuzz) every run tries new ones, which is
# how the property tests keep finding what nobody thought of; a failure prints its @reproduce_failure blob.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=5000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def _git_identity(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Real git in every test, with a fixed identity and no user/system config leaking in; the user's cache
    # (the audit's proven signatures, audit/sigcache.py) in this session's own folder, not the developer's home.
    os.environ.update({
        "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("xdg-cache")),
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
