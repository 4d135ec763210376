"""The audit reads what changed, not what commit messages claim: for every commit walked, its signature (verified
by a worker process while the history streams, audit/signatures.py) and its signer's role on the roster of its
date (audit/roster.py); the record's blobs before and after against the transition the trailers claim
(review/lifecycle.check_transition, as CI runs it); the trailer block against what the tools write
(audit/claims.py); and each merge against its second parent for every record it brought to main. The objects
are asked for through one `git cat-file --batch` as `git log` streams (audit/objects.Batch) and checked a few
hundred commits behind; records in the tools' own layout are read by the C reader (records/canon.py)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from mustafid.audit.claims import bad_trailers, known_good
from mustafid.audit.history import ZERO, Commit, stem
from mustafid.audit.objects import Batch
from mustafid.audit.roster import Roster
from mustafid.audit.signatures import Pending, Verdict
from mustafid.config.keys import signer_of, signing_required
from mustafid.core.period import riyadh_day
from mustafid.core.vocab import DECIDED
from mustafid.core.yamlio import load_fast
from mustafid.forms.kinds import kind_of
from mustafid.records.canon import load_lazy
from mustafid.review import lifecycle
from mustafid.review.forges.local import LocalForge
from mustafid.store import sshsig

Flag = Callable[[str, str, str, str, str], None]
_AHEAD, _ASK = 512, 128  # commits asked for before the oldest of them is checked; commits asked for at once
Plan = list[tuple[str, str, str]]  # (what, path, object name) read for one commit, in order
# compared (the lifecycle: nothing about the applicant changes after closing) or not looked at (the votes are the
# signed vote commits', the declaration the intake's), never looked into: left as their text (records/canon.Lazy)
_UNREAD = frozenset({"data", "documents", "declaration", "votes"})


class Checker:
    def __init__(self, forge: LocalForge, roster: Roster, pending: Pending | None = None) -> None:
        self.forge, self.roster = forge, roster
        self.flag: Flag = self._flag  # findings kept until `report` (the signatures are judged last)
        self.found: list[tuple[tuple[int, int, int], tuple[str, str, str, str, str]]] = []
        self._at = (0, 0)  # (commit walked, phase): where a finding goes in the report's order
        self.judged: list[tuple[Commit, str, bool]] = []  # (commit, its record, is the request's first)
        self.pending = pending  # the signatures' verdicts, worked out beside the walk (audit/signatures.py)
        self.verdicts: dict[str, Verdict] = {}
        self.latest: dict[str, tuple[str, Any]] = {}  # path -> (blob, parsed record): the next change's before
        self.path_of: dict[str, str] = {}             # record id -> its path, from the commits that touched it
        self.seen: set[str] = set()                   # records whose first commit was walked
        self.signed: dict[str, str] = {}              # commit -> the roster id whose valid signature it bears
        self.kinds: dict[tuple[int, str], str] = {}   # (roster version, form) -> the form's kind, asked once
        self.wrote: dict[tuple[str, str], str] = {}   # (commit, path) -> the blob it wrote there (ZERO: deleted)
        self.signers: dict[tuple[int, str, Any], tuple[str, str] | None] = {}  # signer_of, asked once per day
        self.then: Callable[[Commit], None] | None = None  # told of each commit once checked (audit/report.py)

    def run(self, history: Iterable[Commit]) -> list[Commit]:
        """Every commit checked as the walk streams (its objects asked for at once, read `_AHEAD` commits
        later); the signatures once the worker's verdicts are in. The findings are kept, in the walk's order,
        for `report`; the commits walked are returned."""
        walked: list[Commit] = []
        pending = self.pending
        if pending is None and self.roster.signs:  # the worker, handed each batch of commit ids as it is read
            pending = self.pending = Pending(self.forge.repo)  # (forked before any thread of ours starts)
        try:
            self._walk(history, walked, pending)
        finally:
            if pending is not None:
                pending.close()  # the worker has every commit (or, on an error, stops at what it has)
        if self.roster.signs:
            assert pending is not None
            self.verdicts = pending.result()
            for i, (c, rid, first) in enumerate(self.judged):
                self._at = (i, 1)
                self._signature(c, rid, first, self.verdicts.get(c.sha, (False, "none", "")))
        return walked

    def _walk(self, history: Iterable[Commit], walked: list[Commit], pending: Pending | None) -> None:
        planned: dict[str, str] = {}
        window: deque[tuple[Commit, Plan]] = deque()
        batch = Batch(self.forge.repo)
        try:
            asking: list[str] = []
            for c in history:
                plan = self._plan(c, planned)
                asking += [name for _w, _p, name in plan]
                window.append((c, plan))
                walked.append(c)
                if len(walked) % _ASK == 0:  # asked in batches: a thread hand-over per batch, not per commit
                    batch.ask(asking)
                    asking = []
                    if pending is not None:
                        pending.feed([w.sha for w in walked[-_ASK:]])
                if len(window) > _AHEAD:
                    self._next(window.popleft(), batch)
            batch.ask(asking)
            if pending is not None:
                pending.feed([w.sha for w in walked[len(walked) - len(walked) % _ASK:]])
            while window:
                self._next(window.popleft(), batch)
        finally:
            batch.close()

    def report(self, flag: Flag) -> None:
        """The findings, in the walk's order (and for each commit: trailers, signature, content)."""
        for _key, found in sorted(self.found, key=lambda f: f[0]):
            flag(*found)
        self.found.clear()

    def _flag(self, record: str, commit: str, code: str, ar: str, en: str) -> None:
        self.found.append(((*self._at, len(self.found)), (record, commit, code, ar, en)))

    def _next(self, item: tuple[Commit, Plan], batch: Batch) -> None:
        c, plan = item
        got = {(what, path): batch.take() for what, path, _n in plan}
        self._at = (len(self.judged), 0)
        self._check(c, got)
        if self.then is not None:
            self.then(c)

    def _plan(self, c: Commit, planned: dict[str, str]) -> Plan:
        plan: Plan = []
        blobs = c.blobs or {}
        if len(c.parents) > 1:
            # blob ids only: the merge's from its diff against main, the branch tip's from the commit that wrote
            # it (walked before: parents first); asked of git by path only when neither knows
            rid = c.trailers.get("record", "")
            paths = set(blobs) | ({self.path_of[rid]} if rid in self.path_of else set())
            for path in sorted(paths):
                if path not in blobs:
                    plan.append(("merged", path, f"{c.sha}:{path}"))
                if (c.parents[1], path) not in self.wrote:
                    plan.append(("second", path, f"{c.parents[1]}:{path}"))
            return plan
        for path, (before, after) in sorted(blobs.items()):
            self.wrote[(c.sha, path)] = after
            self.path_of.setdefault(stem(path), path)
            if before != ZERO and planned.get(path) != before:
                plan.append(("before", path, before))
            if after != ZERO:
                plan.append(("after", path, after))
            planned[path] = after
        return plan

    def _check(self, c: Commit, got: dict[tuple[str, str], tuple[str, bytes | None]]) -> None:
        rid = c.trailers.get("record") or next((stem(p) for _s, p in c.touched), "-")
        first = bool(rid != "-" and rid not in self.seen and c.trailers.get("status") and len(c.parents) < 2)
        if first:
            self.seen.add(rid)
        if c.trailer_text.strip():
            assoc = self.roster.at(c.committed or c.at)
            quick = c.claimed == len(c.trailers) and known_good(c.trailers, assoc)
            problems = [] if quick else bad_trailers(c.trailer_text, assoc)
            if problems:
                self.flag(rid, c.sha, "bad-trailer", "سطور الانتقال في رسالة الإيداع ليست مما تكتبه الأدوات: "
                          + "؛ ".join(problems), "the commit's trailers are not what the tools write: "
                          + "; ".join(problems))
                c.trailers = {}  # claims nothing: its changes are judged as untraced (audit/report.py)
                first = False
        self.judged.append((c, rid, first))
        self._at = (self._at[0], 2)
        if len(c.parents) > 1:
            self._merge(c, got)
        else:
            self._content(c, rid, got)

    def _signature(self, c: Commit, rid: str, first: bool, verdict: Verdict) -> None:
        when = c.committed or c.at
        assoc = self.roster.exact_at(when)
        if assoc is None or not signing_required(assoc):
            return
        pgp, state, detail = verdict
        if len(c.parents) > 1 and pgp:
            # GitHub's merge button signs with its own PGP key, which no roster lists: a merge is judged by what
            # it brings (_merge: main after it must hold exactly the request branch's records), not its signer
            return
        if state == "none":
            self.flag(rid, c.sha, "unsigned", "الإيداع غير موقّع والجمعية توقّع كل إجراء",
                      "the commit is not signed, and the association signs every action")
            return
        if state != "ok":
            self.flag(rid, c.sha, "bad-signature", "توقيع الإيداع لا يصح (مزوّر أو لمحتوى آخر)",
                      f"the commit's signature does not verify ({detail}): forged, or made for other content")
            return
        day = riyadh_day(when)
        known = (id(assoc), detail, day)  # the roster versions are kept (audit/roster.py): their ids stay theirs
        if known not in self.signers:
            self.signers[known] = signer_of(assoc, detail, day)
        who = self.signers[known]
        if who is None:
            self.flag(rid, c.sha, "unknown-signer",
                      f"وُقّع الإيداع بمفتاح ليس لأحد في قائمة association.yml صالحًا يوم {when:%Y-%m-%d}",
                      f"the commit is signed with a key on no roster entry valid on {when:%Y-%m-%d} "
                      f"({sshsig.fingerprint(detail)})")
            return
        signer, role = who
        self.signed[c.sha] = signer
        actor = c.trailers.get("actor")
        if actor and actor != signer and not (role == "intake" and actor in ("web", "intake", "applicant")):
            self.flag(rid, c.sha, "signer-not-actor", f"وقّع الإيداع «{signer}» والإيداع يقول إن الفاعل «{actor}»",
                      f"the commit is signed by '{signer}' but says the actor was '{actor}'")
        self._role(c, rid, first, signer, role)

    def _role(self, c: Commit, rid: str, first: bool, signer: str, role: str) -> None:
        status = c.trailers.get("status", "")
        decides = "vote" in c.trailers or (status in DECIDED and c.trailers.get("from") not in DECIDED)
        if decides and role != "committee":
            self.flag(rid, c.sha, "wrong-role", f"وقّع القرار أو الصوت «{signer}» ({role}) وليس عضوًا في اللجنة",
                      f"a decision or vote signed by '{signer}' ({role}), not a committee member")
        elif first and role not in ("intake", "staff"):
            self.flag(rid, c.sha, "wrong-role", f"وقّع أول إيداع للطلب «{signer}» ({role}) لا خادم الاستقبال ولا موظف",
                      f"the request's first commit is signed by '{signer}' ({role}), not the intake or staff")

    def _record(self, path: str, blob: str, got: dict[tuple[str, str], tuple[str, bytes | None]],
                what: str) -> Any:
        if blob == ZERO:
            return None
        if (what, path) in got:
            data = got[(what, path)][1]
            # the layout the tools write, read in C (records/canon.py), the applicant's answers and documents left
            # as their text: the lifecycle only asks whether they changed; anything else by the YAML loader
            parsed = load_lazy(data, _UNREAD) if data is not None else None
            if parsed is None and data is not None:
                try:
                    parsed = load_fast(data.decode("utf-8"))
                except Exception:
                    parsed = {}
            return parsed if isinstance(parsed, dict) else {}
        cached = self.latest.get(path)
        return cached[1] if cached and cached[0] == blob else {}

    def _content(self, c: Commit, rid: str, got: dict[tuple[str, str], tuple[str, bytes | None]]) -> None:
        for path, (before_blob, after_blob) in sorted((c.blobs or {}).items()):
            before = self._record(path, before_blob, got, "before")
            after = self._record(path, after_blob, got, "after")
            self.latest[path] = (after_blob, after)
            if stem(path) != rid or "status" not in c.trailers or after is None:
                continue  # untraced-change or deleted: flagged from the trailers already
            self._claimed(c, rid, path, before, after, before_blob)

    def _claimed(self, c: Commit, rid: str, path: str, before: Any, after: Any, before_blob: str) -> None:
        claimed, was = c.trailers["status"], c.trailers.get("from")
        if str(after.get("status")) != claimed or (before or {}).get("status") != was:
            self.flag(rid, c.sha, "content-mismatch",
                      f"الإيداع يقول «{was or '—'}» ← «{claimed}» والسجل فيه «{(before or {}).get('status', '—')}» ← "
                      f"«{after.get('status')}»", f"the commit claims '{was or '—'}' -> '{claimed}', the record "
                      f"holds '{(before or {}).get('status', '—')}' -> '{after.get('status')}'")
        if "vote" in c.trailers and c.trailers.get("state") != before_blob:
            self.flag(rid, c.sha, "vote-state-mismatch", "الصوت على حالة للسجل غير التي كان عليها",
                      "the vote names a state of the record other than the one it was cast on")
        assoc = self.roster.at(c.committed or c.at)
        form = str(after.get("form") or (before or {}).get("form"))
        kind = self.kinds.get((id(assoc), form))
        if kind is None:
            kind = self.kinds[(id(assoc), form)] = kind_of(assoc, form)
        for p in lifecycle.check_transition(assoc, before, after, path, kind):
            self.flag(rid, c.sha, "illegal-transition", f"تغيير السجل يخالف الإجراءات ({p.code}): {p.ar}",
                      f"the record's change breaks the lifecycle ({p.code}): {p.en}")

    def _merge(self, c: Commit, got: dict[tuple[str, str], tuple[str, bytes | None]]) -> None:
        blobs = c.blobs or {}
        paths = sorted(set(blobs) | {path for _what, path in got})
        for path in paths:
            merged = blobs[path][1] if path in blobs else got.get(("merged", path), ("", None))[0]
            second = self.wrote.get((c.parents[1], path)) or got.get(("second", path), ("", None))[0]
            if (merged or ZERO) != (second or ZERO):  # (absent on both sides: "" from git, ZERO from a diff)
                self.flag(stem(path), c.sha, "merge-changed-record",
                          "غيّر إيداع الدمج السجل: ما في الفرع الرئيسي بعده غير ما في فرع الطلب",
                          "the merge commit changed the record: main after it differs from the request's branch")
