"""The words every layer shares, each defined once: a request's statuses, the channels it can come by, the
answers that mean yes or no, and the association's clock. Other modules import these; none keeps a copy."""

from __future__ import annotations

import datetime as dt

# The kinds of form, each with its own path (review/lifecycle.py): a request for a committee decision; a
# complaint or suggestion the association answers; a survey, recorded and counted, with no lifecycle at all.
KINDS = ("request", "feedback", "survey")
# Where each kind's record starts.
INITIAL = {"request": "received", "feedback": "received", "survey": "recorded"}

# The lifecycle (review/lifecycle.py holds the transitions between them, per kind).
STATUSES = ("received", "needs_info", "verified", "approved", "rejected", "served", "withdrawn",
            "escalated", "answered", "recorded")
OPEN = ("received", "needs_info", "verified", "escalated")
DECIDED = ("approved", "rejected")
ANSWERED = ("answered",)
CLOSED = ("approved", "rejected", "served", "withdrawn", "answered", "recorded")

# How a request reached the association: the site's form, or staff entry of one received another way.
CHANNELS = ("web", "interview", "phone", "letter", "email", "social_media")
STAFF_CHANNELS = tuple(c for c in CHANNELS if c != "web")

# A yes/no answer or a ticked box, compared after casefold(): form posts send "yes"/"on", staff type نعم or ن.
YES_WORDS = frozenset({"yes", "y", "true", "1", "on", "نعم", "ن"})
NO_WORDS = frozenset({"no", "n", "false", "0", "off", "لا"})

# What the association tells the applicant (notices/), and the senders a notice can go out by.
NOTICE_EVENTS = ("receipt", "info_request", "decision", "answer", "service")
NOTICE_VIAS = ("outbox", "smtp", "unifonic", "letter")

# Who acted when the applicant completes a request for information through the signed link of a notice.
APPLICANT = "applicant"
# The flag on a request whose required document staff left for later at intake (the request is kept, incomplete).
INCOMPLETE = "incomplete"

# The flag on a request whose applicant already has an open request of the same form.
DUPLICATE = "possible_duplicate"

# Every date a person is promised is counted in Riyadh time (UTC+3, no daylight saving).
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")


def is_yes(value: object) -> bool:
    return str(value).strip().casefold() in YES_WORDS


def is_no(value: object) -> bool:
    return str(value).strip().casefold() in NO_WORDS
