from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mustafid.association import load_association
from mustafid.errors import ConfigError

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
