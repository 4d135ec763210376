from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.core.errors import ConfigError
from tests.helpers import EXAMPLES, ROOT


def test_both_seeds_load_with_their_own_period_and_referral() -> None:
    ajaa = load_association(EXAMPLES["ajaa"])
    kahatain = load_association(EXAMPLES["kahatain"])
    assert (ajaa.decision_period_days, kahatain.decision_period_days) == (30, 14)
    assert ajaa.decision_period_wording.ar == "خلال مدة لا تقل عن شهر"
    assert kahatain.decision_period_wording.ar == "خلال مدة لا تقل عن أسبوعين"
    assert (ajaa.referral_to_social_research, kahatain.referral_to_social_research) == (False, True)
    assert len(ajaa.board_members) == 7 and len(kahatain.board_members) == 9


def test_root_association_is_the_ajaa_seed() -> None:
    assert load_association(ROOT).raw == load_association(EXAMPLES["ajaa"]).raw


def test_every_problem_is_reported_at_once_with_line_and_fix(tmp_path: Path) -> None:
    text = (ROOT / "association.yml").read_text(encoding="utf-8")
    text = text.replace("decision_period_days: 30", 'decision_period_days: "a month"')
    text = text.replace("  email: info@ajaa.sa", "  email: not-an-address")
    text = text.replace("procedure:\n  referral_to_social_research: false", "procedure: {}\nunknown_key: 1")
    (tmp_path / "association.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_association(tmp_path)
    problems = {p.path: p for p in info.value.problems}
    assert set(problems) == {"decision_period_days", "contacts.email", "procedure.referral_to_social_research", "(top)"}
    assert "المدة الموعودة" in problems["decision_period_days"].ar and "in days" in problems["decision_period_days"].en
    assert problems["decision_period_days"].line == text.splitlines().index('decision_period_days: "a month"') + 1
    assert "unknown_key" in problems["(top)"].en


def test_quorum_larger_than_committee_is_refused(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES["kahatain"] / "association.yml", tmp_path / "association.yml")
    p = tmp_path / "association.yml"
    p.write_text(p.read_text(encoding="utf-8").replace("quorum: 3", "quorum: 7"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_association(tmp_path)
    assert [pr.path for pr in info.value.problems] == ["committee.quorum"]


def test_broken_yaml_is_one_clear_problem(tmp_path: Path) -> None:
    (tmp_path / "association.yml").write_text("id: ajaa\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_association(tmp_path)
    assert "YAML" in info.value.en and info.value.problems[0].line is not None


def _paths(node: object, path: list[object]) -> list[list[object]]:
    """Every path in a plain document, the document's own first."""
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, [*path, k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, [*path, i])
    return out


def test_quick_and_careful_validators_agree_on_broken_configs() -> None:
    """The config is first checked by jsonschema-rs (fast start), and only a "no" runs the Python validator for
    its messages; so the two must agree: a config the quick one calls valid must have no careful problem."""
    import copy
    import random

    import jsonschema

    from mustafid.config.association import _quick_validator, association_schema
    from mustafid.core.yamlio import load_rt, read_text, to_plain

    careful = jsonschema.Draft202012Validator(association_schema())
    quick = _quick_validator()
    rng = random.Random(11)
    odd = [None, "", " ", "x" * 300, -1, 0, 1.5, True, [], {}, ["a"], {"ar": "س"}, "not-an-email", "+9665",
           "https://", "0500000000", "٣٠", 10**9, "2026-13-01"]
    disagreements, invalid_seen = [], 0
    for name in EXAMPLES:
        base = to_plain(load_rt(read_text(EXAMPLES[name] / "association.yml")))
        assert quick.is_valid(base) and not list(careful.iter_errors(base))
        paths = _paths(base, [])
        for _ in range(600):
            data = copy.deepcopy(base)
            path = rng.choice(paths[1:])
            parent = data
            for step in path[:-1]:
                parent = parent[step]  # type: ignore[index]
            how = rng.random()
            if how < 0.2 and isinstance(parent, dict):
                del parent[path[-1]]
            elif how < 0.3 and isinstance(parent, dict):
                parent["unknown_key"] = "x"
            else:
                parent[path[-1]] = rng.choice(odd)  # type: ignore[index]
            ok_quick, ok_careful = quick.is_valid(data), not list(careful.iter_errors(data))
            invalid_seen += not ok_careful
            if ok_quick != ok_careful:
                disagreements.append((name, path, ok_quick, ok_careful))
    assert invalid_seen > 500, "the mutations must break configs for the comparison to mean anything"
    assert not disagreements, disagreements[:5]


def test_quick_read_of_the_config_is_the_careful_read(tmp_path: Path) -> None:
    """Commands read association.yml with ryaml first (ruamel only when something is wrong): both readers must
    give the same config, and a config with a key twice must still be refused with its line."""
    from mustafid.config.association import _careful_read, _quick_read
    from mustafid.core.yamlio import read_text

    for name in EXAMPLES:
        text = read_text(EXAMPLES[name] / "association.yml")
        assert _quick_read(text) == _careful_read(text, "association.yml")
    text = read_text(EXAMPLES["ajaa"] / "association.yml")
    twice = text.replace("\ndecision_period_days:", "\ndecision_period_days: 7\ndecision_period_days:", 1)
    assert twice != text
    (tmp_path / "association.yml").write_text(twice, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_association(tmp_path)
    assert info.value.problems and info.value.problems[0].line is not None
