"""Who may sign: the roster's SSH signing keys (association.yml), each with the dates it is valid.

The roster's history is association.yml's history in git, so "who was on the committee, with which key, on the
day of that vote" is answered from the repository alone: `signer_of(assoc, key, when)` on the association as it
stood then. `allowed_signers(assoc)` writes git's own allowed-signers file from the same keys, so
`git verify-commit` and `git log --show-signature` give the verdicts the audit gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mustafid.core.period import riyadh_today


class _Person(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def keys(self) -> tuple[SigningKey, ...]: ...


class Association(Protocol):
    """What this module reads of config.association.Association (which imports this module)."""

    @property
    def committee(self) -> Sequence[_Person]: ...
    @property
    def staff(self) -> Sequence[_Person]: ...
    @property
    def intake_keys(self) -> tuple[SigningKey, ...]: ...


INTAKE = "intake"  # the intake server's roster id


@dataclass(frozen=True)
class SigningKey:
    ssh: str                          # "ssh-ed25519 <base64>" (any comment dropped)
    valid_after: dt.date              # inclusive
    valid_before: dt.date | None = None  # exclusive

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_after <= day and (self.valid_before is None or day < self.valid_before)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def parse_keys(items: Sequence[Mapping[str, Any]] | None) -> tuple[SigningKey, ...]:
    return tuple(SigningKey(" ".join(str(k["ssh"]).split()[:2]), _day(k["valid_after"]),
                            _day(k["valid_before"]) if k.get("valid_before") else None) for k in items or ())


def roster_keys(assoc: Association) -> Iterator[tuple[str, str, SigningKey]]:
    """(roster id, role, key) for every key: committee members, staff, and the intake server."""
    for person in assoc.committee:
        for key in person.keys:
            yield person.id, "committee", key
    for person in assoc.staff:
        for key in person.keys:
            yield person.id, "staff", key
    for key in assoc.intake_keys:
        yield INTAKE, "intake", key


def signing_required(assoc: Association) -> bool:
    """Once any key is on the roster, every action must be signed (an association moves to signing at once)."""
    return next(roster_keys(assoc), None) is not None


def signer_of(assoc: Association, openssh_key: str, when: dt.datetime | dt.date) -> tuple[str, str] | None:
    """(roster id, role) whose key this is and was valid on `when` (Riyadh day); None otherwise."""
    from mustafid.core.period import riyadh_day

    day = riyadh_day(when) if isinstance(when, dt.datetime) else when
    wanted = " ".join(openssh_key.split()[:2])
    for rid, role, key in roster_keys(assoc):
        if key.ssh == wanted and key.valid_on(day):
            return rid, role
    return None


def keys_of(assoc: Association, roster_id: str) -> tuple[SigningKey, ...]:
    return tuple(key for rid, _role, key in roster_keys(assoc) if rid == roster_id)


def allowed_signers(assoc: Association) -> str:
    """git's allowed-signers file (gpg.ssh.allowedSignersFile) for the roster's keys."""
    lines = []
    for rid, _role, key in roster_keys(assoc):
        opts = f'namespaces="git",valid-after="{key.valid_after:%Y%m%d}"'
        if key.valid_before:
            opts += f',valid-before="{key.valid_before:%Y%m%d}"'
        lines.append(f"{rid} {opts} {key.ssh}")
    return "\n".join(lines) + ("\n" if lines else "")


def encryption_recipients(assoc: Association, day: dt.date | None = None) -> list[tuple[str, str]]:
    """(roster id, public key line) of everyone a request's data keys are wrapped to, or [] when the association
    does not seal personal data (no ``encryption:`` in association.yml). With ``encryption: {roster: true}`` (the
    default) every committee member's and staff member's signing key valid ``day`` (an ed25519 SSH key is also
    an age recipient), plus the ``recipients`` listed (an age X25519 key ``age1...`` or an SSH key: CI, a
    backup officer). The intake server is never one: it seals and cannot open."""
    conf = getattr(assoc, "raw", {}).get("encryption")
    if not conf:
        return []
    day = day or riyadh_today()
    out: list[tuple[str, str]] = []
    if conf.get("roster", True):
        out.extend((rid, key.ssh) for rid, role, key in roster_keys(assoc) if role != "intake" and key.valid_on(day))
    out.extend((str(r["id"]), " ".join(str(r["key"]).split()[:2])) for r in conf.get("recipients") or ()
               if (not r.get("valid_before") or _day(r["valid_before"]) > day)
               and (not r.get("valid_after") or _day(r["valid_after"]) <= day))
    return out
