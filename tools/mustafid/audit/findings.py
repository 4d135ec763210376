"""The audit's findings grouped for an auditor: one group per question the auditor asks (who decided, was the
record changed outside the tools or after its decision, is the history whole), each with what it means and what
to do. A deletion is reported once (the ``untraced-change`` of the same commit is folded into ``deleted``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mustafid.core.text import T

GROUPS: tuple[tuple[str, T, T, frozenset[str]], ...] = (
    ("decision", T("من قرّر، وهل اكتمل النصاب", "Who decided, and was the quorum met"),
     T("القرار يجب أن يسجّله عضو في لجنة البحث، بأصوات أعضاء لا يقل عددهم عن النصاب، وكل صوت موقَّع من صاحبه. راجع محضر "
       "الاجتماع المذكور وقائمة اللجنة في association.yml بتاريخ القرار.",
       "A decision must be recorded by a member of the research committee, with the votes of at least the "
       "quorum, each signed by its member. Check the meeting's minutes and the committee listed in "
       "association.yml on the decision's date."),
     frozenset({"decided-by-non-member", "not-committee", "below-quorum", "unproven-quorum", "vote-by-non-member",
                "duplicate-vote", "vote-on-unverified", "vote-state-mismatch", "decision-unverified", "wrong-role",
                "not-staff", "signer-not-actor", "unknown-signer", "bad-signature", "no-reason",
                "outcome-mismatch"})),
    ("changed", T("تغييرات من خارج الأدوات أو بعد القرار", "Changes outside the tools or after the decision"),
     T("كل تغيير في سجل يجب أن يكون إيداعاً من أدوات مستفيد، ولا يتغيّر السجل بعد القرار إلا بتسجيل تقديم الخدمة. "
       "اسأل من أجرى الإيداع المذكور ولماذا، وقارن السجل قبله وبعده (git show).",
       "Every change to a record must be a commit made by Mustafid's tools, and a record changes after its "
       "decision only to record the service. Ask who made the commit and why, and compare the record before "
       "and after it (git show)."),
     frozenset({"untraced-change", "deleted", "changed-after-decision", "edited-after-decision",
                "merge-changed-record", "content-mismatch", "bad-trailer", "merged-without-merge-commit",
                "field-already-set", "missing-field"})),
    ("history", T("اكتمال التاريخ وتسلسل الحالات", "Whole history and the order of statuses"),
     T("يبدأ كل طلب بالاستلام ويمرّ بالحالات التي تسمح بها الإجراءات، ولا يُعاد كتابة التاريخ بعد تدقيق مختوم. "
       "إعادة الكتابة تعني أن إيداعات دُقّقت من قبل لم تعد موجودة: قارن بنسخة احتياطية أو بنسخة الفريق.",
       "Every request starts at receipt and moves through the statuses the procedure allows, and history is "
       "never rewritten after a sealed audit. A rewrite means commits audited before are gone: compare with a "
       "backup or a team member's clone."),
     frozenset({"history-rewritten", "history-mismatch", "illegal-transition", "bad-start", "decided-before-state",
                "new-not-received", "unknown-status"})),
)
OTHER = ("other", T("ملاحظات أخرى", "Other findings"), T("", ""), frozenset[str]())


def deduplicated(anomalies: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The findings with a deletion's own ``untraced-change`` (same record, same commit) left out."""
    deleted = {(a["record"], a["commit"]) for a in anomalies if a["code"] == "deleted"}
    return [a for a in anomalies if not (a["code"] == "untraced-change" and (a["record"], a["commit"]) in deleted)]


def grouped(anomalies: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """[{key, title, explain, items}] in the order of GROUPS, empty groups left out."""
    out = []
    left = deduplicated(anomalies)
    for key, title, explain, codes in (*GROUPS, OTHER):
        mine = [a for a in left if a["code"] in codes or key == "other"]
        left = [a for a in left if not (a["code"] in codes or key == "other")]
        if mine:
            out.append({"key": key, "title": title(lang), "explain": explain(lang),
                        "items": [{**a, "text": a["ar"] if lang == "ar" else a["en"]} for a in mine]})
    return out
