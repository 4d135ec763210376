"""Helpers shared by the tests (import as `from tests.helpers import ...`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {"ajaa": ROOT / "examples" / "ajaa", "kahatain": ROOT / "examples" / "kahatain"}


def make_association_repo(tmp_path: Path, name: str = "ajaa") -> Path:
    """A fresh git repo on branch main holding one seed association (config + forms), committed."""
    repo = tmp_path / f"{name}-repo"
    src = EXAMPLES[name]
    repo.mkdir(parents=True)
    shutil.copy2(src / "association.yml", repo / "association.yml")
    shutil.copytree(src / "forms", repo / "forms", symlinks=False)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "association"], check=True)
    return repo
