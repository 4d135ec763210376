"""Which notice an event gives, queued in the outbox: a plain function the intake (receipt), the review
commands (request for information, decision, answer, service) and the tests call with the record in clear."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mustafid.core.vocab import is_yes
from mustafid.notices.outbox import Outbox
from mustafid.notices.render import Contact, Notice, contact_of, render

# The status a review action leaves, and the notice it gives.
EVENT_OF_STATUS = {"needs_info": "info_request", "approved": "decision", "rejected": "decision",
                   "answered": "answer", "served": "service"}


def wanted(record: Mapping[str, Any], kind: str, contact: Contact) -> bool:
    """A survey is anonymous and told nothing; a complaint whose sender asked for no reply is not answered to
    them; a request always is (by letter when there is no phone or email)."""
    if kind == "survey":
        return False
    if kind == "feedback":
        wants = (record.get("data") or {}).get("wants_reply")
        return wants is not None and is_yes(wants) and bool(contact.mobile or contact.email)
    return True


def notify(assoc: Any, outbox: Outbox, record: Mapping[str, Any], event: str, *, kind: str = "request",
           contact: Contact | None = None, link: str = "", expires: dt.date | None = None,
           code: str = "") -> Notice | None:
    """Queue the notice of ``event`` (None when none is due); queuing the same one twice queues it once."""
    contact = contact or contact_of(record)
    if not wanted(record, kind, contact):
        return None
    notice = render(assoc, record, event, contact, kind=kind, link=link, expires=expires, code=code)
    outbox.add(notice)
    return notice


def outbox_of(forge: Any) -> Outbox:
    """The outbox beside a repository (``$MUSTAFID_OUTBOX`` or ``<git dir>/mustafid/outbox``)."""
    return Outbox.beside(forge.common_dir)


def after_action(assoc: Any, forge: Any, record: Mapping[str, Any], *, contact: Contact | None = None,
                 today: dt.date | None = None) -> Notice | None:
    """The notice a review action's result gives (request for information with its signed link, decision,
    answer, service provided), queued; None when the new status tells the applicant nothing."""
    from mustafid.forms.kinds import kind_of
    from mustafid.notices.links import completion_link, link_secret
    from mustafid.notices.render import ordinal

    event = EVENT_OF_STATUS.get(str(record.get("status")))
    if event is None:
        return None
    contact = contact or contact_of(record)
    link, expires = "", None
    if event == "info_request":
        link, expires = completion_link(assoc, link_secret(forge.common_dir), str(record["id"]),
                                        ordinal(record, event), contact.lang, today)
    return notify(assoc, outbox_of(forge), record, event, kind=kind_of(assoc, record.get("form")),
                  contact=contact, link=link, expires=expires)


def receipt(assoc: Any, forge: Any, record: Mapping[str, Any], contact: Contact | None = None) -> Notice | None:
    """The receipt notice of a new record (the web's and staff entry's), with the status lookup's code."""
    from mustafid.forms.kinds import kind_of
    from mustafid.notices.links import link_secret
    from mustafid.notices.lookup import receipt_code

    code = receipt_code(link_secret(forge.common_dir), str(record["id"]))
    return notify(assoc, outbox_of(forge), record, "receipt", kind=kind_of(assoc, record.get("form")),
                  contact=contact, code=code)
