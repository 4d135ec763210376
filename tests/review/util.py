"""Submissions for review tests: a seed's example record with a fresh id, on its own branch off main.

The branch is made the way the intake makes it (a branch off main, one commit adding the record, the receipt's
trailers written out here as an independent copy of review/trailers.py's format) through the local forge."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from mustafid.config.association import load_association
from mustafid.records.format import dump_record, new_record_id, record_path
from mustafid.review.forges.local import LocalForge
from mustafid.store.sshsig import Signer
from tests.helpers import ROOT

EXAMPLE = {"ajaa": "support-request/2026/05/A1DH-2769.yml", "kahatain": "support-request/2026/08/RQQS-5FQ8.yml"}


def submit(repo: Path, name: str, signer: Signer | None = None, **changes: object) -> str:
    src = ROOT / "tests" / "examples" / "valid" / name / "submissions" / EXAMPLE[name]
    record = yaml.load(src.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    record.update(id=new_record_id(), status="received", **changes)
    path = record_path(record["form"], record["submitted_at"], record["id"])
    forge = LocalForge(repo, signer=signer)
    branch = f"submission/{record['id']}"
    subprocess.run(["git", "-C", str(repo), "branch", branch, "main"], check=True)
    forge.commit_on_branch(branch, {path: dump_record(record, path=path).encode()},
                           f"Receive {record['id']} ({record['form']})\n\nMustafid-Record: {record['id']}\n"
                           f"Mustafid-Form: {record['form']}\nMustafid-Status: received\nMustafid-Actor: web\n"
                           f"Mustafid-Channel: {record['channel']}\n")
    return str(record["id"])


def setup(tmp_path: Path, name: str) -> tuple[Path, object, LocalForge]:
    from tests.helpers import make_association_repo

    repo = make_association_repo(tmp_path, name)
    return repo, load_association(repo), LocalForge(repo)
