"""The satisfaction scores from sealed records, with no key: a survey sent through the real intake of an
association that seals personal answers keeps its free text sealed and its scores in clear, and the figures read
the scores (and nothing sealed) without any key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mustafid.cli.main import main
from mustafid.config.association import load_association


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_scores_of_sealed_surveys_need_no_key(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from mustafid.forms.load import load_forms
    from mustafid.intake.web.app import create_app
    from mustafid.intake.web.state import Settings
    from mustafid.review.forges.local import LocalForge
    from tests.intake.test_app_inprocess import _test_client, built_shells
    from tests.intake.util import git, valid_post
    from tests.review.test_privacy import sealed_repo

    repo, keys = sealed_repo(tmp_path, name)
    assoc = load_association(repo)
    site = built_shells(tmp_path / "site", [*load_forms(assoc), "receipt"])
    monkeypatch.setenv("MUSTAFID_INTAKE_KEY", str(keys["intake"]))
    secret = "تعليق سري لا يُنشر ٤٢"
    sent = []
    with _test_client(create_app(assoc, LocalForge(repo), site, settings=Settings(rate_per_minute=0))) as client:
        for overall in ("5", "2"):
            fields, _ = valid_post(name, "satisfaction-survey")
            fields.update(score_overall=overall, comments=secret)
            r = client.post("/submit/satisfaction-survey", data=fields, headers={"Accept": "application/json"})
            assert r.status_code == 201, r.text
            sent.append((r.json()["id"], fields))
    rid, fields = sent[0]
    path = next(p for p in git(repo, "ls-tree", "-r", "--name-only", f"submission/{rid}").splitlines()
                if p.endswith(f"{rid}.yml"))
    record = yaml.safe_load(git(repo, "show", f"submission/{rid}:{path}"))
    assert record["sealed"] is True and str(record["data"]["comments"]).startswith("enc:v1:")
    assert record["data"]["score_overall"] == "5"  # a score is not personal: in clear

    monkeypatch.delenv("MUSTAFID_KEY", raising=False)
    out = tmp_path / "statistics.json"
    main(["audit", "--association", str(repo), "--repo", str(repo), "--aggregates", str(out),
          "-o", str(tmp_path / "audit.md")])
    agg = json.loads(out.read_text(encoding="utf-8"))
    sat = agg["satisfaction"]
    assert sat["responses"] == 2 and sat["means"]["score_overall"] == pytest.approx(3.5)
    assert sat["means"]["score_reception"] == pytest.approx(int(fields["score_reception"]))
    text = out.read_text(encoding="utf-8")
    assert secret not in text and "enc:v1:" not in text and rid not in text
