"""Deliveries as GitHub and Gitee send them, signed with a repository's secret: the demo
feeds the real webhook path with them (so its contributions, links and titles are made
the way production's are), and the tests and the benchmark post them. Shapes follow the
hosts' documented payloads (docs/opensource.md links them); only the fields the reader
needs are filled, plus the ones a host always sends."""

import hashlib
import json
import zlib
from datetime import datetime

from django.utils import timezone

from .enums import Host
from .webhooks import sign_gitee, sign_github


def _github_user(login: str, account_id: int) -> dict:
    return {"login": login, "id": account_id, "type": "User", "html_url": f"https://github.com/{login}"}


def _gitee_user(login: str, account_id: int) -> dict:
    return {
        "id": account_id,
        "login": login,
        "name": login,
        "username": login,
        "user_name": login,
        "html_url": f"https://gitee.com/{login}",
        "type": "User",
    }


def _repository(host: str, full_name: str) -> dict:
    owner, name = full_name.split("/", 1)
    if host == Host.GITHUB:
        return {
            "id": zlib.crc32(full_name.encode()) % 10**9,
            "name": name,
            "full_name": full_name,
            "html_url": f"https://github.com/{full_name}",
            "owner": _github_user(owner, 1),
            "default_branch": "main",
        }
    return {
        "id": zlib.crc32(full_name.encode()) % 10**9,
        "name": name,
        "path": name,
        "full_name": full_name,
        "path_with_namespace": full_name,
        "namespace": owner,
        "html_url": f"https://gitee.com/{full_name}",
        "owner": _gitee_user(owner, 1),
        "default_branch": "master",
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.get_current_timezone()).isoformat() if moment else None


def pull_request(
    *,
    repository,
    number: int,
    title: str,
    author: tuple[str, int],
    sender: tuple[str, int] | None = None,
    body: str = "",
    merged_at: datetime | None = None,
    sha: str = "",
) -> tuple[str, dict]:
    """A pull request opened (or merged, with `merged_at`): (event name, payload)."""
    host, full_name = repository.host, repository.full_name
    merged = merged_at is not None
    # A merge has a merge commit; one is made up from the pull request when not given.
    sha = sha or hashlib.sha1(f"{full_name}#{number}".encode(), usedforsecurity=False).hexdigest()
    site, pulls = ("github.com", "pull") if host == Host.GITHUB else ("gitee.com", "pulls")
    url = f"https://{site}/{full_name}/{pulls}/{number}"
    user = _github_user(*author) if host == Host.GITHUB else _gitee_user(*author)
    acting = (_github_user if host == Host.GITHUB else _gitee_user)(*(sender or author))
    pull = {
        "id": number * 1000 + zlib.crc32(full_name.encode()) % 1000,
        "number": number,
        "state": ("closed" if host == Host.GITHUB else "merged") if merged else "open",
        "html_url": url,
        "title": title,
        "body": body,
        "user": user,
        "created_at": _iso(merged_at or timezone.now()),
        "merged_at": _iso(merged_at),
        "closed_at": _iso(merged_at),
        "merged": merged,
        "merge_commit_sha": sha if merged else "",
        "head": {"ref": f"topic-{number}", "sha": sha},
        "base": {"ref": "main" if host == Host.GITHUB else "master", "sha": "1" * 40},
    }
    if host == Host.GITHUB:
        return "pull_request", {
            "action": "closed" if merged else "opened",
            "number": number,
            "pull_request": pull,
            "repository": _repository(host, full_name),
            "sender": acting,
        }
    return "Merge Request Hook", {
        "hook_name": "merge_request_hooks",
        "action": "merge" if merged else "open",
        "pull_request": pull,
        "number": number,
        "title": title,
        "state": pull["state"],
        "author": user,
        "repository": _repository(host, full_name),
        "sender": acting,
    }


def review(
    *,
    repository,
    number: int,
    title: str,
    author: tuple[str, int],
    reviewer: tuple[str, int],
    review_id: int,
    action: str = "submitted",
    state: str = "approved",
):
    """A review of a GitHub pull request (approving by default; `action` "dismissed" takes
    one back): (event name, payload)."""
    pull = pull_request(repository=repository, number=number, title=title, author=author)[1]["pull_request"]
    return "pull_request_review", {
        "action": action,
        "review": {
            "id": review_id,
            "user": _github_user(*reviewer),
            "body": "Tested on my car: works.",
            "state": state,
            "submitted_at": _iso(timezone.now()),
            "html_url": f"{pull['html_url']}#pullrequestreview-{review_id}",
        },
        "pull_request": pull,
        "repository": _repository(repository.host, repository.full_name),
        "sender": _github_user(*reviewer),
    }


def signed(repository, event: str, payload: dict, *, now: datetime | None = None) -> tuple[dict, bytes]:
    """The headers and body the repository's host would send."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    if repository.host == Host.GITHUB:
        return sign_github(body=body, secret=repository.webhook_secret, event=event), body
    return sign_gitee(secret=repository.webhook_secret, now=now or timezone.now(), event=event), body
