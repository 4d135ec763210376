"""`mustafid init`: a new records repository for one association, so nobody hand-makes a first commit.

The first commit holds the association's own files (association.yml, forms/ with their JSON Schemas, and its
content/ or mkdocs.yml overrides when it has them), an empty `submissions/`, and a README saying how the branches
are laid out. With a remote URL, `origin` is added and `main` pushed, refusing a remote that already has one
(then the team clones it instead).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from mustafid.core.errors import UserError

README = """# سجلات الطلبات — Request records ({name})

هذا المستودع يحفظ طلبات المستفيدين لدى {name_ar} بأداة مستفيد (Mustafid).

- `main`: الطلبات التي انتهت (قُرّر فيها أو سُحبت)، ومعها `association.yml` و`forms/`.
- `submission/<الرقم>`: فرع لكل طلب مفتوح؛ كل إجراء عليه (تحقق، طلب معلومات، قرار) إيداع موقّع بمقطورات Mustafid.
- `refs/mustafid/documents/<الرقم>`: مستندات الطلب، خارج تاريخ الفروع، تُجلب عند فتح الطلب فقط.

This repository holds {name}'s requests, written by Mustafid: `main` holds the closed requests and the association's
files; `submission/<id>` is one branch per open request, each action one commit with Mustafid trailers;
`refs/mustafid/documents/<id>` holds a request's documents outside every branch's history, fetched only when the
request is opened (`mustafid show ID --documents DIR`). Clone it, then run any `mustafid` command inside the clone:
it reads the team's state from `origin` first and shares what it writes before it reports success.
"""

GITIGNORE = ".mustafid/\nsite/\n__pycache__/\n"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=False)


def _copy_association(src: Path, dest: Path) -> None:
    shutil.copy2(src / "association.yml", dest / "association.yml")
    shutil.copytree(src / "forms", dest / "forms", ignore=shutil.ignore_patterns("__pycache__"))
    for extra in ("content", "mkdocs.yml"):
        if (src / extra).is_dir():
            shutil.copytree(src / extra, dest / extra)
        elif (src / extra).is_file():
            shutil.copy2(src / extra, dest / extra)


def init_records_repo(target: Path, association_dir: Path, remote_url: str | None = None) -> str:
    """Create the records repository `target` for the association in `association_dir`; its first commit."""
    from mustafid.config.association import load_association
    from mustafid.forms.load import load_forms

    assoc = load_association(association_dir)  # every problem of association.yml, before anything is made
    load_forms(assoc)                            # and of its forms
    if target.exists() and any(target.iterdir()):
        raise UserError(f"المجلد {target} موجود وليس فارغًا: اختر مجلدًا جديدًا",
                        f"{target} exists and is not empty: choose a new folder")
    if remote_url:
        probe = subprocess.run(["git", "ls-remote", "--heads", remote_url, "main"], capture_output=True, text=True,
                               env={**os.environ, "GIT_TERMINAL_PROMPT": "0"}, check=False)
        if probe.returncode != 0:
            raise UserError("تعذّر الوصول إلى المستودع البعيد: تحقق من العنوان والصلاحيات",
                            f"the remote {remote_url} could not be reached: {probe.stderr.strip()[-300:]}")
        if probe.stdout.strip():
            raise UserError("المستودع البعيد فيه فرع main من قبل: انسخه (git clone) بدل إنشاء مستودع جديد",
                            f"{remote_url} already has a main branch: clone it (git clone) instead of starting anew")
    target.mkdir(parents=True, exist_ok=True)
    made = False
    try:
        _git(target, "init", "-q", "-b", "main")
        made = True
        _copy_association(Path(association_dir), target)
        (target / "submissions").mkdir(exist_ok=True)
        (target / "submissions" / ".gitkeep").write_text("", encoding="utf-8")
        (target / "README.md").write_text(README.format(name=assoc.name("en"), name_ar=assoc.name("ar")),
                                          encoding="utf-8")
        (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        _git(target, "add", "-A")
        done = _git(target, "commit", "-q", "-m", f"Records repository of {assoc.id}\n\nMustafid-Init: {assoc.id}\n")
        if done.returncode != 0:
            raise UserError("تعذّر إنشاء الإيداع الأول: هل ضُبط اسم git وبريده (git config user.name)؟",
                            f"the first commit failed ({done.stderr.strip()[-200:]}): is git's user.name/email set?")
        if remote_url:
            _git(target, "remote", "add", "origin", remote_url)
            pushed = _git(target, "push", "--quiet", "--force-with-lease=refs/heads/main:", "origin",
                          "refs/heads/main:refs/heads/main")
            if pushed.returncode != 0:
                raise UserError("أُنشئ المستودع محليًا ولم يُرسل إلى المستودع البعيد: أرسله بالأمر "
                                "git push -u origin main",
                                "the repository was made locally but not pushed: run `git push -u origin main` in it "
                                f"({pushed.stderr.strip()[-200:]})")
            _git(target, "branch", "--set-upstream-to=origin/main", "main")
    except UserError:
        raise
    except Exception:
        if made:
            shutil.rmtree(target / ".git", ignore_errors=True)
        raise
    return _git(target, "rev-parse", "HEAD").stdout.strip()
