"""Forges: where a submission's review lives. `local` (the branch `submission/<id>` is the review, a merge into
main the decision) or `github` (the same branch pushed, and a pull request the committee reviews and merges)."""
