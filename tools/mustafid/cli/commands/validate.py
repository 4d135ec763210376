"""`mustafid validate [PATH...]`: check submission records; every problem of every file, then exit 1 if any.

No PATH: every record under the repository's submissions/. `--changed-since REV`: only the records changed
since REV (a pull request's base). Output: `file:line: field.path: Arabic | English`, or `--format json`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from mustafid.cli.commands.common import add_association, add_repo
from mustafid.core.plural import PROBLEM, RECORD, count

PARALLEL_FROM = 300  # below this, starting workers costs more than it saves


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="record files or folders to check (default: every record under submissions/)")
    add_association(p)
    add_repo(p)
    p.add_argument("--changed-since", metavar="REV",
                   help="check only records added or changed since this git revision (e.g. origin/main)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="worker processes for large runs (default: the number of cores)")
    p.add_argument("--key", default=os.environ.get("MUSTAFID_CI_KEY"),
                   help="a key that opens sealed records (CI's age identity or an ed25519 key file; default: "
                        "$MUSTAFID_CI_KEY): their sealed answers are then checked in full, from the vault "
                        "($MUSTAFID_VAULT). Without it they are checked for form only, and the output says so")


def collect(paths: list[Path], repo: Path, changed_since: str | None) -> list[str]:
    from mustafid.core.errors import UserError

    if changed_since:
        import subprocess

        proc = subprocess.run(["git", "-C", str(repo), "diff", "--name-only", "--diff-filter=ACMR", "-z",
                               changed_since, "--", "submissions"], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise UserError(f"تعذر على git المقارنة مع {changed_since}: هل المراجعة موجودة وهل أنت في مستودع git؟",
                            f"git could not compare with {changed_since}: does the revision exist, "
                            "and is this a git repository?")
        return [str(p) for p in sorted(repo / n for n in proc.stdout.split("\0") if n.endswith((".yml", ".yaml")))]
    if not paths and not (repo / "submissions").is_dir():
        return []  # a repository with no records yet is clean
    roots = paths or [repo / "submissions"]
    out: list[str] = []
    for root in roots:
        if root.is_dir():
            out += records_under(root)
        elif root.exists():
            out.append(str(root))
        else:
            raise UserError(f"المسار غير موجود: {root}", f"no such path: {root}")
    return out


def records_under(root: Path) -> list[str]:
    """The .yml/.yaml files under a folder, as ``sorted(p for p in root.rglob("*") if p.suffix in (".yml",
    ".yaml") and p.is_file())`` lists them (same names, same order), without a Path object per file: each
    folder's entries sorted by name, folders walked in that order (what sorting paths part by part gives)."""
    top = str(root)
    out: list[str] = []

    def walk(prefix: str) -> None:
        try:
            with os.scandir(prefix or ".") as it:
                entries = sorted((e.name, e) for e in it)
        except PermissionError:  # rglob skips folders it may not read
            return
        for name, e in entries:
            if e.is_dir():
                if not e.is_symlink():  # rglob does not descend into linked folders
                    walk(prefix + name + "/")
            elif name.endswith((".yml", ".yaml")) and name.rfind(".") > 0 and e.is_file():
                out.append(prefix + name)

    walk("" if top == "." else top.rstrip("/") + "/")
    return out


def sealed_in_full(files: list[str], forms: dict[str, Any], assoc_id: str, repo: Path, key: str | None) -> list[Any]:
    """The sealed records' answers checked in full with a key (their problems), or a line saying they were
    checked for form only."""
    sealed = [f for f in files if b"\nsealed: true\n" in _head(f)]
    if not sealed:
        return []
    if not key:
        print(f"{len(sealed)} من السجلات مشفّرة: فُحصت بنيتها فقط لأنه لا مفتاح (MUSTAFID_CI_KEY) | {len(sealed)} "
              "records are sealed: their sealed answers were checked for form only, no key was given "
              "(MUSTAFID_CI_KEY)", file=sys.stderr)
        return []
    from mustafid.records.check import check_record
    from mustafid.records.format import parse_record
    from mustafid.review.clear import identities, opened
    from mustafid.store.vault import Vault

    vault = Vault(Path(os.environ.get("MUSTAFID_VAULT") or repo / ".git" / "mustafid" / "vault"))
    ids = identities(key)
    from mustafid.core.errors import Problem
    from mustafid.records.sealing import SealError, sealed_paths

    out: list[Any] = []
    shut = 0
    for f in sealed:
        try:
            clear = opened(parse_record(Path(f).read_text(encoding="utf-8")), vault, ids)
        except SealError as exc:
            out.append(Problem(f, exc.path, "إجابة مشفّرة لا تُفتح بمفتاح طلبها: عُدّلت أو نُقلت من طلب آخر",
                               "a sealed answer does not open with its request's key: it was altered or moved "
                               "from another request", None, "sealed_tampered"))
            continue
        if sealed_paths(clear):  # erased, or a key this one does not open: checked for form only
            shut += 1
            continue
        clear.pop("sealed", None)
        out += check_record(clear, forms, f, assoc_id)
    print(f"فُتح {len(sealed) - shut} من السجلات المشفّرة وفُحصت إجاباتها كاملة، و{shut} أُتلفت مفاتيحها | opened "
          f"{len(sealed) - shut} sealed records and checked their answers in full; {shut} erased or not opened",
          file=sys.stderr)
    return out


def _head(path: str) -> bytes:
    """A record's first lines, where the tools write ``sealed: true`` (records/format.RECORD_KEYS' order)."""
    with Path(path).open("rb") as fh:
        return fh.read(4096)


def run(args: argparse.Namespace) -> int:
    from mustafid.config.association import load_association
    from mustafid.core.errors import problems_to_json
    from mustafid.forms.load import load_forms
    from mustafid.records.run import check_files

    assoc = load_association(args.association)
    forms = load_forms(assoc)
    files = collect(list(args.paths), args.repo, args.changed_since)
    problems = check_files(files, forms, assoc.id, jobs=args.jobs if len(files) >= PARALLEL_FROM else 1)
    if assoc.raw.get("encryption") or args.key:  # sealed records exist only where the association seals
        problems += sealed_in_full(files, forms, assoc.id, args.repo, args.key)
    if args.format == "json":
        print(problems_to_json(problems))
    else:
        for p in problems:
            print(p.format())
    bad = len({p.file for p in problems})
    n, found = len(files), len(problems)
    print(f"السجلات المفحوصة: {count(n, RECORD, 'ar', digits=False)}، وفي {bad} منها مشكلات "
          f"({count(found, PROBLEM, 'ar', digits=False)}) | "
          f"checked {count(n, RECORD, 'en')}, {bad} with problems ({count(found, PROBLEM, 'en')})", file=sys.stderr)
    return 1 if problems else 0
