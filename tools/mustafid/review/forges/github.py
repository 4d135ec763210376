"""The GitHub forge: push `submission/<id>` and open a pull request the committee reviews and merges.

Nothing personal reaches GitHub in clear: the title is the id and form, labels are form/channel/status, and
the body is the review summary with every field the form tags personal/sensitive left out. The same module
holds the privacy guard CI runs: a public repository must not hold records with personal data in clear.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from mustafid.config.association import Association
from mustafid.core.errors import Problem, UserError
from mustafid.review.forges.local import PREFIX, LocalForge

if TYPE_CHECKING:
    import httpx

API_VERSION = "2022-11-28"
# How the privacy issue's encryption will mark a wrapped value; anything else in a personal field is clear.
ENCRYPTED_PREFIX = "mustafid-enc:"


class GitHubForge:
    def __init__(self, assoc: Association, store: LocalForge, token: str | None = None, remote: str = "origin",
                 api_url: str | None = None, base: str = "main", client: httpx.Client | None = None) -> None:
        import httpx

        if not assoc.github_repository:
            raise UserError("github_repository غير محدد في association.yml",
                            "github_repository is not set in association.yml")
        self.assoc, self.store, self.remote, self.base = assoc, store, remote, base
        self.owner, self.name = assoc.github_repository.split("/", 1)
        token = token or os.environ.get("GITHUB_TOKEN")
        if not token:
            raise UserError("لا يوجد رمز GitHub: عيّن المتغير GITHUB_TOKEN", "no GitHub token: set $GITHUB_TOKEN")
        self.http = client or httpx.Client(
            base_url=(api_url or assoc.github_api_url).rstrip("/"), timeout=30,
            headers={"Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}",
                     "X-GitHub-Api-Version": API_VERSION, "User-Agent": "mustafid"})

    def _post(self, path: str, payload: Mapping[str, Any]) -> Any:
        r = self.http.post(path, json=payload)
        if r.status_code >= 300:
            raise UserError(f"رفض GitHub الطلب ({r.status_code}) على {path}: تحقق من الرمز وصلاحياته",
                            f"GitHub refused {path} ({r.status_code}): check the token and its permissions")
        return r.json()

    def open_review(self, record_id: str, record: Mapping[str, Any]) -> str:
        """Push the request's branch and open its pull request; returns the pull request's address."""
        from mustafid.review.summary import summary

        branch = PREFIX + record_id
        self.store.git("push", self.remote, f"refs/heads/{branch}:refs/heads/{branch}")
        repo = f"/repos/{self.owner}/{self.name}"
        pr = self._post(f"{repo}/pulls", {
            "title": f"{record_id} ({record['form']})", "head": branch, "base": self.base,
            "body": summary(self.assoc, record, "ar", redact=True), "maintainer_can_modify": False})
        number = pr["number"]
        self._post(f"{repo}/issues/{number}/labels", {"labels": [
            f"form:{record['form']}", f"channel:{record['channel']}", f"status:{record['status']}"]})
        if self.assoc.committee_github_team:
            self._post(f"{repo}/pulls/{number}/requested_reviewers",
                       {"reviewers": [], "team_reviewers": [self.assoc.committee_github_team]})
        return str(pr.get("html_url", number))


def _values(data: Any, parts: list[str]) -> Iterator[Any]:
    if not parts:
        yield data
        return
    head, rest = parts[0], parts[1:]
    if head == "*" and isinstance(data, list):
        for item in data:
            yield from _values(item, rest)
    elif isinstance(data, Mapping) and head in data:
        yield from _values(data[head], rest)


def _clear(value: Any) -> bool:
    if value in (None, "", [], {}):
        return False
    if isinstance(value, str):
        return not value.startswith(ENCRYPTED_PREFIX)
    if isinstance(value, Mapping):
        return any(_clear(v) for v in value.values())
    return True


def personal_data_in_clear(assoc: Association, store: LocalForge, rev: str = "HEAD") -> list[Problem]:
    """One problem per record at `rev` holding a personal/sensitive answer not encrypted (field names only)."""
    import yaml

    from mustafid.forms.load import load_forms

    forms = load_forms(assoc)
    names = [p for p in store.git("ls-tree", "-r", "--name-only", rev, "--", "submissions/").decode().splitlines()
             if p.endswith(".yml")]
    problems = []
    for path, blob in zip(names, store.read_many([f"{rev}:{p}" for p in names]), strict=True):
        try:
            record = yaml.load(blob or b"", Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            continue
        form = forms.get(str(record.get("form"))) if isinstance(record, dict) else None
        if form is None:
            continue
        clear = sorted({p for p in form.personal_fields
                        if any(_clear(v) for v in _values(record.get("data") or {}, p.split(".")))})
        if clear:
            problems.append(Problem(path, "data", f"بيانات شخصية غير مشفرة: {', '.join(clear)}",
                                    f"personal data in clear: {', '.join(clear)}", None, "personal-in-clear"))
    return problems
