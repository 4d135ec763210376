"""What the git store raises: a write that did not happen (nothing was acknowledged) or a branch that moved."""

from __future__ import annotations

from mustafid.core.errors import UserError


class StoreError(UserError):
    """The repository could not be written; nothing was acknowledged."""

    def __init__(self, detail: str) -> None:
        super().__init__("تعذّر حفظ الطلب في المستودع، ولم يُحفظ منه شيء: أعد المحاولة بعد قليل",
                         f"the request could not be saved in the repository and nothing of it was kept: "
                         f"try again shortly ({detail})")


class RefExists(StoreError):
    """The branch to create already exists (an id collision or a repeated write)."""


class RefMoved(UserError):
    """A compare-and-swap lost: the branch is not where the writer read it."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"تغيّر الفرع {ref} أثناء العمل: أعد المحاولة", f"the branch {ref} moved meanwhile; try again")
