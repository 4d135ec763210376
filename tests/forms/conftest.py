"""Fixtures for the forms tests: both associations' loaded forms, and the example records."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.model import FormDef
from tests.helpers import EXAMPLES, ROOT

EXAMPLE_DIR = ROOT / "tests" / "examples"


def valid_examples() -> list[Path]:
    return sorted((EXAMPLE_DIR / "valid").rglob("*.yml"))


def invalid_examples() -> list[Path]:
    return sorted((EXAMPLE_DIR / "invalid").rglob("*.yml"))


def association_of(path: Path) -> str:
    return path.relative_to(EXAMPLE_DIR).parts[1]


def expectation(path: Path) -> tuple[str, str, str]:
    """(code, field path, check-jsonschema verdict) from the example's first two comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    code, field = lines[0].removeprefix("# expect:").split(maxsplit=1)
    verdict = lines[1].split(":", 1)[1].strip()
    assert lines[0].startswith("# expect:") and lines[1].startswith("# check-jsonschema:"), path
    return code, field, verdict


@pytest.fixture(scope="session")
def all_forms() -> dict[str, dict[str, FormDef]]:
    return {name: load_forms(load_association(path)) for name, path in EXAMPLES.items()}


@pytest.fixture(scope="session")
def ajaa_forms(all_forms: dict[str, dict[str, FormDef]]) -> dict[str, FormDef]:
    return all_forms["ajaa"]


@pytest.fixture(scope="session")
def kahatain_forms(all_forms: dict[str, dict[str, FormDef]]) -> dict[str, FormDef]:
    return all_forms["kahatain"]
