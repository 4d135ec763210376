"""Whose key signs an action: the acting person's own, on the roster for them on the day they act.

Once association.yml lists signing keys (config/keys.py), every commit the tools write is signed (store/git.py
with a Signer) and a command run without the actor's key is refused, saying how to set one up. The key is
`--key PATH` or $MUSTAFID_KEY (a private key file, or the .pub of a key held by ssh-agent), else git's own
`user.signingkey`. The intake server signs with its own key ($MUSTAFID_INTAKE_KEY, else
`<git-dir>/mustafid/intake_key`), listed on the roster under `intake:`.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from mustafid.config.association import Association
from mustafid.config.keys import INTAKE, signer_of, signing_required
from mustafid.core.errors import UserError
from mustafid.core.period import riyadh_today
from mustafid.store.sshsig import Signer

HOW = (("أنشئ مفتاحًا بالأمر mustafid keys new --as {actor}، وأضف السطر الذي يطبعه إلى association.yml (بطلب دمج "
        "يعتمده المسؤول)، ثم اضبط MUSTAFID_KEY على مسار المفتاح"),
       ("create a key with `mustafid keys new --as {actor}`, add the line it prints to association.yml (through a "
        "pull request the admin approves), then set MUSTAFID_KEY to the key's path"))


def _git_signing_key(repo: Path | None) -> str:
    if repo is None:
        return ""
    out = subprocess.run(["git", "-C", str(repo), "config", "user.signingkey"], capture_output=True, text=True,
                         check=False)
    return out.stdout.strip()


def signer_for(assoc: Association, actor: str | None, key: str | None = None, repo: Path | None = None,
               today: dt.date | None = None) -> Signer | None:
    """The actor's Signer, checked against the roster; None when the association does not sign (no keys)."""
    path = key or os.environ.get("MUSTAFID_KEY") or _git_signing_key(repo)
    if not signing_required(assoc):
        return Signer(Path(path)) if path else None
    who = actor or "ID"
    if not path:
        raise UserError("الجمعية توقّع كل إجراء، ولا مفتاح توقيع لك: " + HOW[0].format(actor=who),
                        "this association signs every action and you have no signing key: " + HOW[1].format(actor=who))
    signer = Signer(Path(path))
    found = signer_of(assoc, signer.public, today or riyadh_today())
    if found is None or (actor and found[0] != actor):
        owner = f" (it is {found[0]}'s)" if found else ""
        raise UserError(f"المفتاح {path} ليس في association.yml لـ «{who}» صالحًا اليوم: " + HOW[0].format(actor=who),
                        f"the key {path} is not on the roster for '{who}', valid today{owner}: "
                        + HOW[1].format(actor=who))
    return signer


def intake_signer(assoc: Association, git_dir: Path) -> Signer | None:
    """The intake server's Signer (roster id "intake"); None when the association does not sign."""
    default = git_dir / "mustafid" / "intake_key"
    path = os.environ.get("MUSTAFID_INTAKE_KEY") or (str(default) if default.is_file() else "")
    if not signing_required(assoc):
        return Signer(Path(path)) if path else None
    if not path:
        raise UserError("الجمعية توقّع كل إجراء، ولا مفتاح لخادم الاستقبال: أنشئه بالأمر mustafid keys new --intake "
                        "وأضف سطره إلى association.yml تحت intake", "this association signs every action and the "
                        "intake server has no key: create it with `mustafid keys new --intake` and add its line "
                        "to association.yml under intake:")
    signer = Signer(Path(path))
    found = signer_of(assoc, signer.public, riyadh_today())
    if found is None or found[0] != INTAKE:
        raise UserError(f"مفتاح خادم الاستقبال {path} ليس في association.yml تحت intake صالحًا اليوم",
                        f"the intake server's key {path} is not on the roster under intake:, valid today")
    return signer
