"""SMS: the sender interface (notices/senders.Sender) and one provider adapter behind configuration
(``notices.sms`` in association.yml: provider, api_url, sender name; the account's token from
``$MUSTAFID_SMS_TOKEN``). The adapter speaks the shape of Unifonic's REST messages call (a form POST of AppSid,
SenderID, Recipient, Body answered by JSON ``{success, errorCode, data: {MessageID}}``); another provider is
one more class with a ``send(notice)``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from mustafid.notices.render import Notice
from mustafid.notices.senders import Sender, SendError


class UnifonicSms:
    name = "unifonic"

    def __init__(self, api_url: str, sender: str, token: str, timeout: float = 15.0) -> None:
        self.api_url, self.sender, self.token, self.timeout = api_url.rstrip("/"), sender, token, timeout

    def send(self, notice: Notice) -> None:
        import httpx

        number = notice.to.removeprefix("+")
        if notice.channel != "sms" or not number.isdigit():
            raise SendError("no mobile number to send to", permanent=True)
        if not self.token:
            raise SendError("no SMS account token: set $MUSTAFID_SMS_TOKEN", permanent=True)
        form = {"AppSid": self.token, "SenderID": self.sender, "Recipient": number, "Body": notice.sms,
                "CorrelationID": notice.key}
        try:
            r = httpx.post(f"{self.api_url}/rest/SMS/messages", data=form, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise SendError(f"the SMS provider could not be reached: {type(exc).__name__}") from exc
        if r.status_code >= 500 or r.status_code == 429:
            raise SendError(f"the SMS provider answered {r.status_code}")
        try:
            answer: Any = r.json()
        except ValueError as exc:
            raise SendError(f"the SMS provider answered {r.status_code} without JSON") from exc
        if r.status_code >= 400 or not (isinstance(answer, dict) and answer.get("success") in (True, "true")):
            code = answer.get("errorCode", r.status_code) if isinstance(answer, dict) else r.status_code
            raise SendError(f"the SMS provider refused the message ({code})", permanent=True)


def sms_sender(conf: Mapping[str, Any]) -> Sender:
    if conf.get("provider") == "unifonic":
        return UnifonicSms(str(conf["api_url"]), str(conf["sender"]), os.environ.get("MUSTAFID_SMS_TOKEN", ""))
    raise ValueError(f"unknown SMS provider {conf.get('provider')!r}")
