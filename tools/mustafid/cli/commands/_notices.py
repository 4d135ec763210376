"""The notice a review command's result gives the applicant, queued in the outbox (sent by `mustafid notices
send` or the intake server's sender). The record is the action's result in clear."""

from __future__ import annotations

import contextlib
import sys
from typing import Any


def queue_after(assoc: Any, forge: Any, record: dict[str, Any], key: str | None = None) -> None:
    from mustafid.notices.queue import after_action

    if record.get("sealed"):  # the applicant's contact is sealed: read with the acting person's key
        from mustafid.core.errors import UserError
        from mustafid.records.sealing import sealed_paths
        from mustafid.review.clear import identities, opened
        from mustafid.store.vault_http import open_vault

        with contextlib.suppress(UserError):  # not a recipient: the check below says so
            record = opened(record, open_vault(forge), identities(key))
        if {"mobile", "email"} & set(sealed_paths(record)):
            print("لم يُكتب إشعار لمقدم الطلب: بيانات التواصل مشفّرة ومفتاحك لا يفتحها (--key) | no notice was "
                  "queued for the applicant: the contact is sealed and no key of yours opens it (--key)",
                  file=sys.stderr)
            return
    notice = after_action(assoc, forge, record)
    if notice is not None:
        print(f"إشعار في صندوق الصادر / notice queued: {notice.key} ({notice.channel})", file=sys.stderr)
