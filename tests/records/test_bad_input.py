"""Bad input, generated: whatever bytes a record file holds, `check_file` answers with problems (never an
exception, never the "bug" problem), and the fast path never calls a file clean that the careful path faults."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.model import FormDef
from mustafid.records.check import check_file, fast_ok, slow_problems
from tests.records.examples import valid_examples

BASE = next(p for p in valid_examples() if "/ajaa/" in str(p) and "support-request" in str(p))
TEXT = BASE.read_text(encoding="utf-8")


@cache
def _forms() -> dict[str, FormDef]:
    from tests.helpers import EXAMPLES

    return load_forms(load_association(EXAMPLES["ajaa"]))  # not a fixture: a failing example prints small
NOISE = st.sampled_from(["", "\n", ": ", "- ", "!!python/name:os.system", "&a ", "*a", "'", '"', "{", "[", "0", "٠",
                         "\u202e", "\t", "  ", "~", "null", "yes", "1446-09-01", "---\n", "%YAML 1.1\n", "\x00", "é"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(TEXT)), st.integers(0, 40), NOISE)
def test_mutated_records_never_crash(tmp_path: Path, at: int, cut: int, noise: str) -> None:
    ajaa_forms = _forms()
    text = TEXT[:at] + noise + TEXT[at + cut:]
    path = tmp_path / "submissions" / "support-request" / "2026" / "05" / BASE.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    problems = check_file(path, ajaa_forms, "ajaa")
    assert all(p.code != "internal" for p in problems), problems
    rel = f"submissions/support-request/2026/05/{BASE.name}"
    if slow_problems(text, ajaa_forms, str(path), "ajaa", rel):
        assert not fast_ok(text, ajaa_forms, "ajaa", rel)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(tmp_path: Path, blob: bytes) -> None:
    ajaa_forms = _forms()
    path = tmp_path / "x.yml"
    path.write_bytes(blob)
    assert all(p.code != "internal" for p in check_file(path, ajaa_forms, "ajaa"))


def test_answers_with_yaml_punctuation_are_not_mistaken_for_yaml(tmp_path: Path) -> None:
    """A long answer whose lines start with * or &, or that holds ": 05…" or "!" is just text."""
    import random

    from mustafid.records.format import dump_record, record_path
    from tests.forms.factory import make_valid

    forms = _forms()
    form = forms["support-request"]
    rec = make_valid(form, random.Random(11), "ajaa")
    rec["data"]["description"] = "*مهم جداً\n&أيضاً: الرقم: 0501234567!\n- نقطة: 1446-09-01\n---\n%"
    rel = record_path(form.id, rec["submitted_at"], rec["id"])
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_text(dump_record(rec, rel), encoding="utf-8")
    assert check_file(path, forms, "ajaa") == []
