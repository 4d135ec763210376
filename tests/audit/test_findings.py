"""The findings as an auditor reads them: grouped by the question they answer, explained, a deletion reported once
(in the Markdown report and the HTML page), statuses and channels in both languages, every timeline written out."""

from __future__ import annotations

from typing import Any

from mustafid.audit.findings import grouped
from mustafid.audit.html import render_html
from mustafid.audit.render import render

ANOMALIES = [
    {"record": "K7M3-9QXD", "commit": "abcdef1234", "code": "untraced-change", "ar": "تغيّر السجل بإيداع لم تسجّله",
     "en": "the record was changed by a commit without Mustafid's trailers"},
    {"record": "K7M3-9QXD", "commit": "abcdef1234", "code": "deleted", "ar": "حُذف السجل",
     "en": "the record was deleted"},
    {"record": "PQ2R-4STV", "commit": "1111111111", "code": "below-quorum", "ar": "دون النصاب", "en": "below quorum"},
    {"record": "-", "commit": "2222222222", "code": "history-rewritten", "ar": "أُعيدت كتابة التاريخ",
     "en": "history rewritten"},
    {"record": "ZZZZ-ZZZZ", "commit": "3333333333", "code": "something-new", "ar": "جديد", "en": "new"},
]


def report() -> dict[str, Any]:
    row = {"id": "PQ2R-4STV", "form": "support-request", "channel": "phone", "status": "approved",
           "received": "2026-11-01T09:00:00+03:00", "promised_by": "2026-12-01",
           "decided": "2026-11-20T12:00:00+03:00", "outcome": "approved", "decided_by": "committee.chair",
           "members": ["committee.chair"], "meeting": "2026-11/7", "days_to_decision": 19, "kept": True,
           "overdue": False, "merged": None,
           "timeline": [{"at": "2026-11-01T09:00:00+03:00", "status": "received", "by": "staff.officer",
                         "commit": "0000000001"},
                        {"at": "2026-11-20T12:00:00+03:00", "status": "approved", "by": "committee.chair",
                         "commit": "1111111111"}]}
    return {"association": "ajaa", "today": "2026-12-01", "main": "main", "head": "f" * 40, "sealed": None,
            "figures": {"requests": 1, "decided": 1, "kept": 1, "late": 0, "open": 0, "overdue": 0,
                        "anomalies": len(ANOMALIES), "period_days": 30}, "rows": [row], "anomalies": ANOMALIES}


def test_findings_are_grouped_and_a_deletion_is_reported_once() -> None:
    groups = {g["key"]: g for g in grouped(ANOMALIES, "en")}
    assert list(groups) == ["decision", "changed", "history", "other"]
    assert [a["code"] for a in groups["changed"]["items"]] == ["deleted"]
    assert groups["decision"]["explain"].startswith("A decision must be recorded")
    assert [a["code"] for a in groups["other"]["items"]] == ["something-new"]


def test_the_markdown_report_speaks_both_languages() -> None:
    text = render(report())
    assert text.count("K7M3-9QXD") == 1  # the deletion, once
    assert "| الهاتف phone | مقبول approved |" in text
    assert "## التسلسل — Timelines" in text and "مستلم received (`staff.officer`, `0000000001`) →" in text
    assert "الأعضاء / members (١): committee.chair · الاجتماع / meeting: 2026-11/7" in text


def test_the_brief_report_fits_a_job_summary() -> None:
    text = render(report(), brief=True)
    assert "K7M3-9QXD" in text and "## التسلسل" not in text and "PQ2R-4STV | support-request" not in text
    assert "mustafid audit --format html" in text


def test_the_html_page_in_each_language() -> None:
    ar, en = render_html(report(), "ar"), render_html(report(), "en")
    assert ar.count("K7M3-9QXD") == 1 and en.count("K7M3-9QXD") == 1
    assert "من قرّر، وهل اكتمل النصاب" in ar and "Who decided, and was the quorum met" in en
    assert "مقبول" in ar and "الهاتف" in ar and "٢٠/١١/٢٠٢٦" in ar and "١٩ / ٣٠" in ar
    assert "2026-11-20" in en and "19 / 30" in en and "2026-11/7" in en
