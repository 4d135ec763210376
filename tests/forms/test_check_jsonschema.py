"""The exported schemas are a contract others rely on: the real check-jsonschema CLI must accept every valid
example and reject every invalid one that a schema can see (those marked `check-jsonschema: reject`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES
from tests.records.examples import EXAMPLE_DIR, expectation, invalid_examples, valid_examples

CLI = str(Path(sys.executable).parent / "check-jsonschema")


def _schema(assoc: str, form_id: str) -> Path:
    return EXAMPLES[assoc] / "forms" / "schema" / f"{form_id}.schema.json"


def _form_of(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("form:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise AssertionError(path)


def _run(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "--schemafile", str(schema), *map(str, files)], capture_output=True, text=True,
                          check=False)


@pytest.mark.parametrize("assoc", sorted(EXAMPLES))
def test_check_jsonschema_accepts_every_valid_example(assoc: str) -> None:
    by_form: dict[str, list[Path]] = {}
    for p in valid_examples():
        if p.relative_to(EXAMPLE_DIR).parts[1] == assoc:
            by_form.setdefault(_form_of(p), []).append(p)
    assert len(by_form) == 5
    for form_id, files in by_form.items():
        proc = _run(_schema(assoc, form_id), files)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_jsonschema_rejects_schema_level_invalid_examples() -> None:
    cases = [p for p in invalid_examples() if expectation(p)[2] == "reject"]
    assert len(cases) >= 8
    for p in cases:
        assoc = p.relative_to(EXAMPLE_DIR).parts[1]
        proc = _run(_schema(assoc, "support-request"), [p])
        assert proc.returncode != 0, f"check-jsonschema accepted {p.name}"


def test_check_jsonschema_accepts_semantic_only_invalid_examples() -> None:
    """The ones marked `accept` break rules a schema cannot express (Luhn, mod-97, counts): documenting that
    our own validation is what catches them."""
    for p in invalid_examples():
        if expectation(p)[2] != "accept":
            continue
        assoc = p.relative_to(EXAMPLE_DIR).parts[1]
        proc = _run(_schema(assoc, _form_of(p)), [p])
        assert proc.returncode == 0, f"{p.name}: {proc.stdout}"
