"""Valid and hostile form posts built from the example records, and checks on the records repository."""

from __future__ import annotations

import functools
import random
import subprocess
from pathlib import Path
from typing import Any

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.validation import to_raw
from mustafid.records.format import parse_record
from tests.helpers import EXAMPLES, ROOT

VALID = ROOT / "tests" / "examples" / "valid"


@functools.cache
def _form(assoc: str, form_id: str) -> Any:
    return load_forms(load_association(EXAMPLES[assoc]))[form_id]


@functools.cache
def _example(assoc: str, form_id: str) -> dict[str, Any]:
    return example_record(assoc, form_id)


def example_record(assoc: str, form_id: str = "support-request") -> dict[str, Any]:
    path = min((VALID / assoc / "submissions" / form_id).rglob("*.yml"))
    return parse_record(path.read_text(encoding="utf-8"))


def fake_pdf(seed: int | None = None) -> bytes:
    tail = random.Random(seed).randbytes(64) if seed is not None else b"x" * 64
    return b"%PDF-1.4\n%mustafid test document\n" + tail + b"\n%%EOF\n"


def valid_post(assoc: str, form_id: str = "support-request", *, national_id: str | None = None,
               seed: int | None = None) -> tuple[dict[str, Any], list[tuple[str, tuple[str, bytes, str]]]]:
    """(fields, files) of a valid submission of ``form_id``, as httpx takes them (data=, files=)."""
    rec = _example(assoc, form_id)
    form = _form(assoc, form_id)
    data = dict(rec["data"])
    if national_id:
        data["national_id"] = national_id
    fields: dict[str, Any] = dict(to_raw(form, data))
    fields.update({"_declaration": "yes", "_consent": "yes", "_lang": "ar"})
    files = [(d["field"], (d["name"], fake_pdf(seed), d["type"])) for d in rec.get("documents") or []]
    return fields, files


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def refs(repo: Path) -> dict[str, str]:
    out = git(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split(" ", 1) for line in out.splitlines() if line)


def luhn_id(n: int, first: str = "1") -> str:
    """A valid Saudi national ID (first digit 1) or iqama (2) for a counter: 9 digits then the Luhn digit."""
    body = f"{first}{n:08d}"
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)
