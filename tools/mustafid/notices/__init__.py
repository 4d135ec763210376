"""Notices to the applicant: what the association tells them (receipt, a request for information, the decision
with its reason, the answer to a complaint, the service provided), rendered in the applicant's language, queued
in an outbox folder with each notice's state, sent once by pluggable senders (the outbox folder itself by
default; SMTP; an SMS provider; a printable PDF letter), and noted in the record's history without personal data.

Every function takes the record and the contact in clear: whoever holds the keys decrypts before calling."""
