"""`mustafid keys`: a person's SSH signing key, made or registered, and git's allowed-signers file from the roster.

    mustafid keys new --as staff.officer          # ~/.ssh/mustafid_staff.officer (ed25519) + the roster line
    mustafid keys new --intake                    # the intake server's key, in <git-dir>/mustafid/intake_key
    mustafid keys show --key ~/.ssh/id_ed25519.pub --as committee.chair   # a key you have (file or ssh-agent)
    mustafid keys allowed-signers -o .git/mustafid/allowed_signers        # then git verify-commit works
    mustafid keys recipient --as ci --file ci.age  # an age identity that opens sealed data (CI, a backup officer)

A person's ed25519 key both signs and opens sealed data (it is an age recipient); opening needs the key file
itself (age cannot use ssh-agent), so keep it on the machine with a passphrase-free file only where staff open
records, or give that person an age identity with `recipient`.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from mustafid.cli.commands.common import add_actor, add_association, add_repo
from mustafid.core.period import riyadh_today


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("new", "show", "allowed-signers", "recipient"))
    add_association(p)
    add_repo(p)
    add_actor(p)
    p.add_argument("--intake", action="store_true", help="the intake server's own key (roster id: intake)")
    p.add_argument("--file", type=Path, help="where `new` writes the private key (the .pub beside it)")
    p.add_argument("-o", "--output", type=Path, help="where `allowed-signers` writes the file (default: print)")


def _snippet(public: str, who: str) -> str:
    today = riyadh_today().isoformat()
    where = "intake:" if who == "intake" else f"the entry of {who} (committee: members: or staff:)"
    return (f"أضف إلى association.yml تحت {where} | add to association.yml under {where}:\n"
            f'  keys:\n    - {{ssh: "{public}", valid_after: "{today}"}}')


def run(args: argparse.Namespace) -> int:
    from mustafid.core.errors import UserError
    from mustafid.store.sshsig import Signer

    who = "intake" if args.intake else args.actor
    if args.action == "allowed-signers":
        from mustafid.config.association import load_association
        from mustafid.config.keys import allowed_signers

        text = allowed_signers(load_association(args.association))
        if args.output:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text, encoding="utf-8")
            print(f"git config gpg.format ssh && git config gpg.ssh.allowedSignersFile {args.output.resolve()}")
        else:
            print(text, end="")
        return 0
    if args.action == "recipient":
        return _recipient(args)
    if not who:
        raise UserError("لمن المفتاح؟ حدّد معرّفك بالخيار --as أو --intake لخادم الاستقبال",
                        "whose key? give your roster id with --as, or --intake for the intake server")
    if args.action == "show":
        signer = Signer(Path(args.key) if args.key else Path.home() / ".ssh" / f"mustafid_{who}")
        print(_snippet(signer.public, who))
        return 0
    path = args.file or _default_path(args, who)
    if path.exists():
        raise UserError(f"يوجد مفتاح في {path} من قبل: استعمله (mustafid keys show --key {path}) أو اختر --file",
                        f"a key exists at {path}: use it (`mustafid keys show --key {path}`) or choose --file")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"mustafid:{who}", "-f", str(path)],
                   check=True)
    print(_snippet(Signer(path).public, who))
    print(f"export MUSTAFID_KEY={path}" if who != "intake" else f"(the intake server finds it at {path})")
    print("لحمايته بعبارة مرور: ssh-keygen -p -f المفتاح ثم ssh-add المفتاح واضبط MUSTAFID_KEY على ملف .pub | "
          f"to protect it with a passphrase: ssh-keygen -p -f {path}, ssh-add {path}, MUSTAFID_KEY={path}.pub")
    return 0


def _recipient(args: argparse.Namespace) -> int:
    """An age identity (X25519) written to --file (mode 600), and the roster line for its public key."""
    import os

    import pyrage

    from mustafid.core.errors import UserError

    if not args.actor or not args.file:
        raise UserError("حدّد الاسم --as ci ومكان الملف --file", "give the recipient's name (--as ci) and --file")
    if args.file.exists():
        raise UserError(f"يوجد ملف في {args.file} من قبل", f"a file exists at {args.file}")
    ident = pyrage.x25519.Identity.generate()
    args.file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"# mustafid recipient {args.actor}\n{ident}\n")
    print("أضف إلى association.yml | add to association.yml:\n  encryption:\n    recipients:\n"
          f'      - {{id: {args.actor}, key: "{ident.to_public()}"}}')
    print(f"(CI: store the file's content as a secret and point MUSTAFID_CI_KEY at it: {args.file})")
    return 0


def _default_path(args: argparse.Namespace, who: str) -> Path:
    if who == "intake":
        from mustafid.store.git import GitStore

        return GitStore(args.repo).git_dir / "mustafid" / "intake_key"
    return Path.home() / ".ssh" / f"mustafid_{who}"
