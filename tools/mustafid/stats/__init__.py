"""Figures from the audit's rows, for the board, the auditors and the public: aggregates (no record id, no
personal value), the suppression of small counts, the words for statuses, channels and kinds, and the charts."""
