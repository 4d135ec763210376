"""The votes behind each decision, proven by their signatures: a decision is valid when every member it names
cast a signed vote for that outcome on the request since it was last verified (review/votes.py writes them, one
commit per member, signed with the member's key). The audit keeps, per request, who voted what and which votes
bear the voter's own valid signature (audit/checks.py found them), and reports a member who voted twice and a
decision whose members' votes are missing or unsigned."""

from __future__ import annotations

from collections.abc import Callable, Mapping

Flag = Callable[[str, str, str, str, str], None]


class Ballots:
    def __init__(self, signed: Mapping[str, str]) -> None:
        self.signed = signed  # commit -> the roster id whose valid signature it bears
        self.cast: dict[str, dict[str, str]] = {}      # record -> voter -> outcome (since the last verification)
        self.proven: dict[str, dict[str, set[str]]] = {}  # record -> outcome -> voters whose vote is signed

    def verified(self, rid: str) -> None:
        """The request was (re)verified: votes cast before were on another version of it."""
        self.cast.pop(rid, None)
        self.proven.pop(rid, None)

    def vote(self, rid: str, sha: str, voter: str, outcome: str, flag: Flag) -> None:
        cast = self.cast.setdefault(rid, {})
        if voter in cast:
            flag(rid, sha, "duplicate-vote", f"صوّت «{voter}» على الطلب مرة ثانية: لكل عضو صوت واحد",
                 f"'{voter}' voted on the request a second time: one vote per member")
            return
        cast[voter] = outcome
        if self.signed.get(sha) == voter:
            self.proven.setdefault(rid, {}).setdefault(outcome, set()).add(voter)

    def decision(self, rid: str, sha: str, outcome: str, members: list[str], flag: Flag) -> None:
        proven = self.proven.get(rid, {}).get(outcome, set())
        missing = [m for m in members if m not in proven]
        if missing:
            flag(rid, sha, "unproven-quorum",
                 f"لا صوت موقّعًا بهذا القرار من: {'، '.join(missing)}؛ فالنصاب لا يثبته التاريخ",
                 f"no signed vote for this outcome from: {', '.join(missing)}; history does not prove the quorum")
