"""The example records in tests/examples/{valid,invalid}/<association>/: each invalid one names, in its first two
comment lines, the problem it must give and whether check-jsonschema refuses it too."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ROOT

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
