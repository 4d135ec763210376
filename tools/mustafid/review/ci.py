"""The lifecycle gate of a pull request (`mustafid lifecycle-check`, run by CI): every record change in a range
of commits checked against its previous version with the same ``check_transition`` the review actions run."""

from __future__ import annotations

from mustafid.config.association import Association
from mustafid.core.errors import Problem, UserError
from mustafid.review import lifecycle
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import parse_blob

_NO_PARENT = "0" * 40 + ":x"  # a rev:path cat-file reports missing: the record before its first commit


def _changes(forge: LocalForge, base: str, head: str) -> list[tuple[str, str, str]]:
    """(parent, commit, record path) for each record a non-merge commit in base..head touched, oldest first."""
    out = forge.git("log", "--reverse", "--format=%x00%H %P", "--name-status",
                    f"{base}..{head}", "--", "submissions/").decode()
    changes: list[tuple[str, str, str]] = []
    for chunk in out.split("\0")[1:]:
        lines = [x for x in chunk.splitlines() if x.strip()]
        shas = lines[0].split()
        commit, parent = shas[0], (shas[1] if len(shas) > 1 else "")
        if len(shas) > 2:
            continue  # a merge: what it brings was checked on the branch's own commits (_merge_edits: its own)
        for line in lines[1:]:
            path = line.split("\t")[-1]
            if path.endswith(".yml"):
                changes.append((parent, commit, path))
    return changes


def check_range(assoc: Association, forge: LocalForge, base: str, head: str) -> list[Problem]:
    """Every lifecycle problem in the commits base..head (oldest first; merges add nothing of their own), each
    record change checked against its previous version. A record edited after its decision, a decision below
    quorum, a deleted record… all show."""
    if not forge.git("rev-parse", "--verify", "-q", f"{base}^{{commit}}", check=False).strip():
        raise UserError(f"المرجع {base} غير موجود: هل جُلب الفرع الأساسي (git fetch)؟",
                        f"no revision {base}: was the base branch fetched (git fetch)?")
    changes = _changes(forge, base, head)
    problems: list[Problem] = _merge_edits(forge, base, head)
    wanted = []
    for parent, commit, path in changes:
        wanted += [f"{parent}:{path}" if parent else _NO_PARENT, f"{commit}:{path}"]
    blobs = forge.read_many(wanted)
    for i, (_, commit, path) in enumerate(changes):
        old, new = blobs[2 * i], blobs[2 * i + 1]
        try:
            before = parse_blob(old) if old is not None else None
            after = parse_blob(new) if new is not None else None
        except Exception:  # a record that is not YAML is `mustafid validate`'s to report, not the lifecycle's
            continue
        problems.extend(Problem(p.file, p.path, p.ar, f"{p.en} (commit {commit[:10]})", p.line, p.code)
                        for p in lifecycle.check_transition(assoc, before, after, file=path))
    return problems


def _merge_edits(forge: LocalForge, base: str, head: str) -> list[Problem]:
    """A merge in base..head whose record differs from both its parents changed the record itself, where no
    check looks: refused (the tools' merges only ever bring a branch's records as they are)."""
    out = forge.git("log", "--merges", "--format=%H", f"{base}..{head}").decode().split()
    problems: list[Problem] = []
    for merge in out:
        # --cc lists the paths whose merged result differs from every parent
        changed = forge.git("diff-tree", "--cc", "--name-only", "--no-commit-id", merge, "--",
                            "submissions/").decode().split()
        problems.extend(Problem(path, "", "الدمج نفسه غيّر السجل: يُدمج الطلب كما هو على فرعه فقط",
                                f"the merge itself changed the record (commit {merge[:10]}): a request is merged "
                                "only as it is on its branch", None, "merge-changed-record")
                        for path in changed if path.endswith(".yml"))
    return problems
