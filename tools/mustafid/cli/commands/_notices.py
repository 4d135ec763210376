"""The notice a review command's result gives the applicant, queued in the outbox (sent by `mustafid notices
send` or the intake server's sender). The record is the action's result in clear."""

from __future__ import annotations

import sys
from typing import Any


def queue_after(assoc: Any, forge: Any, record: dict[str, Any]) -> None:
    from mustafid.notices.queue import after_action

    notice = after_action(assoc, forge, record)
    if notice is not None:
        print(f"إشعار في صندوق الصادر / notice queued: {notice.key} ({notice.channel})", file=sys.stderr)
