"""Fixtures for the forms tests (and the records tests, which import them): both associations' loaded forms."""

from __future__ import annotations

import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.model import FormDef
from tests.helpers import EXAMPLES


@pytest.fixture(scope="session")
def all_forms() -> dict[str, dict[str, FormDef]]:
    return {name: load_forms(load_association(path)) for name, path in EXAMPLES.items()}


@pytest.fixture(scope="session")
def ajaa_forms(all_forms: dict[str, dict[str, FormDef]]) -> dict[str, FormDef]:
    return all_forms["ajaa"]


@pytest.fixture(scope="session")
def kahatain_forms(all_forms: dict[str, dict[str, FormDef]]) -> dict[str, FormDef]:
    return all_forms["kahatain"]
