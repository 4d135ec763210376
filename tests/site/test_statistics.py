"""The statistics page in the built site (`mustafid build --statistics FILE`): both languages, in the nav, small
counts as "fewer than 5", its period and how it is counted; no file, no page; a bad file, a bilingual error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mustafid.cli.main import main
from mustafid.stats.figures import aggregates
from tests.helpers import EXAMPLES

pytestmark = pytest.mark.xdist_group("site")


def figures() -> dict[str, object]:
    rows = [{"id": f"R{i:03d}", "form": "support-request", "channel": "web" if i % 4 else "phone",
             "status": "approved", "received": "2026-10-05T10:00:00+03:00", "promised_by": "2026-10-19",
             "decided": "2026-10-08T10:00:00+03:00", "days_to_decision": 3, "kept": True, "overdue": False,
             "timeline": []} for i in range(12)]
    return aggregates({"association": "kahatain", "today": "2026-11-30", "figures": {"period_days": 14},
                       "rows": rows})


def test_the_statistics_page_in_the_built_site(tmp_path: Path) -> None:
    stats = tmp_path / "statistics.json"
    stats.write_text(json.dumps(figures()), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["build", "-a", str(EXAMPLES["kahatain"]), "-o", str(out), "--statistics", str(stats)]) == 0
    ar = (out / "statistics" / "index.html").read_text(encoding="utf-8")
    en = (out / "en" / "statistics" / "index.html").read_text(encoding="utf-8")
    assert "إحصاءات الجمعية" in ar and "أقل من ٥" in ar and "كيف تُحسب هذه الأرقام" in ar and "٥/١٠/٢٠٢٦" not in ar
    assert "الفترة:" in ar and "١/١٠/٢٠٢٦ – ٣٠/١١/٢٠٢٦" in ar and "١٢" in ar
    assert "Statistics" in en and "fewer than 5" in en and "How these figures are counted" in en
    assert "2026-10-01 – 2026-11-30" in en
    assert not any(f"R{i:03d}" in ar + en for i in range(12))
    assert 'href="statistics/"' in (out / "index.html").read_text(encoding="utf-8")  # in the nav
    # without the file there is no page (and the option did not stay set for the next build)
    bare = tmp_path / "bare"
    assert main(["build", "-a", str(EXAMPLES["kahatain"]), "-o", str(bare)]) == 0
    assert not (bare / "statistics").exists()


def test_a_missing_or_broken_statistics_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["build", "-a", str(EXAMPLES["kahatain"]), "-o", str(tmp_path / "site"), "--statistics"]
    assert main([*args, str(tmp_path / "none.json")]) == 1
    err = capsys.readouterr().err
    assert "ملف الإحصاءات غير موجود" in err and "mustafid audit --aggregates" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"months": []}', encoding="utf-8")
    assert main([*args, str(broken)]) == 1
    err = capsys.readouterr().err
    assert "ملف الإحصاءات غير صالح" in err and "the statistics file is not valid" in err
