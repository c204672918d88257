"""Webhook deliveries from GitHub and Gitee: check that a delivery is genuine, then read it
into a few plain, host-neutral events.

Pure Python on purpose (no Django, no database): the view that receives a delivery, the
service that credits a contribution and the demo seeder all call the same two steps,

    delivery = verify_github(headers=request.headers, body=request.body, secret=...)
    events = read_events(delivery)

and the tests exercise every refusal without a request or a table.

What each host's check proves, and what the caller must still do:

- GitHub signs the raw body (``X-Hub-Signature-256: sha256=<hex HMAC-SHA256>``) but no
  time, so a captured delivery verifies for ever. Its ``X-GitHub-Delivery`` GUID identifies
  the *event*: redeliveries, and the same event sent to two hooks, carry the same GUID. The
  caller records the GUID in the transaction that acts on the delivery and refuses it the
  second time — recorded only when the work commits, so a redelivery after a failure
  still gets through. The records cannot be pruned: nothing else stops an old replay.
- Gitee's signing-key mode signs only ``f"{timestamp}\\n{secret}"`` — not the body and not
  the event header. The token proves that someone holding the secret spoke within the hour
  (older or future timestamps are refused as stale); the body is as trustworthy as the
  channel (HTTPS) and the single use of the token. Gitee sends no delivery id, so the token
  is the replay key: the caller records it and refuses it the second time, which within
  the hour window suffices. Gitee's plain-password mode (the secret itself in the header)
  is refused: it replays for ever and puts the secret in every request log.
- Anyone with admin rights on a repository can see its webhook secret and so forge any
  delivery for it: earning rules should trust deliveries only from repositories the
  programme itself controls.

Refusals carry a short machine code (``DeliveryRefused.reason``) for logs and status codes;
the detail never contains the secret or a full signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl


class Refusal(StrEnum):
    """Why a delivery was refused. Members are plain strings, so `reason == "stale"` works."""

    UNSIGNED = "unsigned"  # no signature at all, a legacy SHA-1 one only, or Gitee's clear password
    BAD_SIGNATURE = "bad-signature"  # a signature that does not match this body / secret
    STALE = "stale"  # a Gitee timestamp more than an hour from now, either way
    MALFORMED = "malformed"  # headers or payload not shaped as the host documents
    UNKNOWN_EVENT = "unknown-event"  # an event header that is not an event name at all
    NO_SECRET = "no-secret"  # the integration has no secret: an empty HMAC key is forgeable
    # Decided by the receiver, which knows the repository and the deliveries seen before:
    WRONG_REPOSITORY = "wrong-repository"  # signed, but about another repository than its URL's
    REPLAYED = "replayed"  # a delivery id (GitHub's GUID, Gitee's token) accepted before


class DeliveryRefused(Exception):
    """A delivery that is not accepted. `reason` is a `Refusal` code; `detail` is for logs."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = Refusal(reason)
        self.detail = detail
        super().__init__(f"{self.reason}: {detail}" if detail else str(self.reason))


# --- what comes out -----------------------------------------------------------------------

GITHUB = "github"
GITEE = "gitee"
PING = "ping"  # Delivery.event for a host's test delivery, on either host


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery whose signature holds. `payload` is the decoded JSON object; treat it as
    read-only. `delivery_id` is the replay key (GitHub's GUID, Gitee's token)."""

    host: str
    event: str
    delivery_id: str
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Account:
    """A user on the host. `id` is the host's numeric id as text — the stable key to link
    an account by, since logins can be renamed; "" when the host left it out."""

    id: str
    login: str


@dataclass(frozen=True, slots=True)
class Repository:
    id: str
    full_name: str  # "owner/repo" (Gitee: path_with_namespace, not its display full_name)
    url: str


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    message: str
    url: str
    author: str  # the author's login on the host when known, else their email, else their name


@dataclass(frozen=True, slots=True)
class GitEvent:
    """One thing that happened on a host, the same shape for GitHub and Gitee.

    kind and action:
      push          pushed | deleted (a branch or tag deleted)
      pull_request  opened | reopened | updated (new commits) | edited | closed | merged
      review        approved | changes_requested | commented | dismissed
      comment       created | edited | deleted (comments on pull requests only)
      ping          "" (the host's test delivery; credit nothing for it)

    `account` is who acted: the delivery's sender (the pusher, the reviewer, the one who
    merged). For pull requests, reviews and comments `author` is the pull request's author,
    who for a merge is usually someone else — the contributor to credit.
    Text fields are cleaned (no NUL, control characters or lone surrogates; single-line
    fields also lose bidi overrides) and capped; URLs are http(s) or "".
    """

    host: str
    kind: str
    action: str
    repository: Repository
    account: Account
    author: Account | None = None
    number: int | None = None  # pull request number
    object_id: str = ""  # the host's id of the PR / review / comment; the head sha of a push
    title: str = ""
    url: str = ""
    body: str = ""  # PR description, review text or comment text (account-link codes live here)
    merged: bool = False
    merged_at: datetime | None = None
    merge_commit_sha: str = ""  # only for a merged pull request
    base_branch: str = ""  # the PR's target branch; the pushed branch for a push
    head_sha: str = ""
    ref: str = ""  # a push's full ref, "refs/heads/main" or "refs/tags/v1"
    commits: tuple[Commit, ...] = ()
    occurred_at: datetime | None = None


TITLE_MAX = 300
BODY_MAX = 20_000
COMMIT_MESSAGE_MAX = 5_000
LOGIN_MAX = 100
NAME_MAX = 200
BRANCH_MAX = 255
URL_MAX = 2_000

GITEE_MAX_SKEW = timedelta(hours=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- signing (tests, the demo seeder, local stand-in servers) -----------------------------


def sign_github(
    *, body: bytes, secret: str, event: str = "push", delivery_id: str | None = None
) -> dict[str, str]:
    """The headers GitHub would send with this body."""
    digest = hmac.new(_key(secret), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "X-Hub-Signature-256": f"sha256={digest}",
    }


def sign_gitee(*, secret: str, now: datetime, event: str = "Push Hook") -> dict[str, str]:
    """The headers Gitee would send in signing-key mode at `now`."""
    timestamp = str(_epoch_ms(now))
    return {
        "Content-Type": "application/json",
        "User-Agent": "git-oschina-hook",
        "X-Gitee-Event": event,
        "X-Gitee-Timestamp": timestamp,
        "X-Gitee-Token": _gitee_token(secret=secret, timestamp=timestamp),
    }


# --- verification -------------------------------------------------------------------------

_HEX_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
_GITHUB_EVENT = re.compile(r"[a-z_]{1,64}")
_GITEE_EVENT = re.compile(r"[A-Za-z][A-Za-z _]{0,63}")
_DIGITS = re.compile(r"[0-9]{1,16}")

# Gitee's documented X-Gitee-Event values; some senders put the payload's hook_name there.
_GITEE_EVENTS = {
    "push_hooks": "Push Hook",
    "tag_push_hooks": "Tag Push Hook",
    "issue_hooks": "Issue Hook",
    "merge_request_hooks": "Merge Request Hook",
    "note_hooks": "Note Hook",
}


def verify_github(*, headers: Mapping[str, str], body: bytes, secret: str) -> Delivery:
    """Check a GitHub delivery and decode its payload, or raise DeliveryRefused.

    The signature is checked over the exact bytes received before anything is parsed.
    """
    folded = _fold(headers)
    key = _key(secret)
    signature = folded.get("x-hub-signature-256")
    if not signature:
        # A legacy X-Hub-Signature (SHA-1) alone is refused: SHA-1 is not accepted any more.
        legacy = " (only the legacy SHA-1 X-Hub-Signature)" if folded.get("x-hub-signature") else ""
        raise DeliveryRefused(Refusal.UNSIGNED, f"no X-Hub-Signature-256 header{legacy}")
    match = _HEX_SIGNATURE.fullmatch(signature)
    if not match:
        raise DeliveryRefused(Refusal.BAD_SIGNATURE, "X-Hub-Signature-256 is not sha256=<64 hex digits>")
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(match.group(1).lower(), expected):
        raise DeliveryRefused(Refusal.BAD_SIGNATURE, "the signature does not match the body")

    event = folded.get("x-github-event", "")
    if not event:
        raise DeliveryRefused(Refusal.MALFORMED, "no X-GitHub-Event header")
    if not _GITHUB_EVENT.fullmatch(event):
        raise DeliveryRefused(Refusal.UNKNOWN_EVENT, "X-GitHub-Event is not an event name")
    guid = folded.get("x-github-delivery", "")
    try:
        delivery_id = str(uuid.UUID(guid))
    except ValueError:
        raise DeliveryRefused(Refusal.MALFORMED, "X-GitHub-Delivery is missing or not a GUID") from None

    content_type = folded.get("content-type", "").split(";")[0].strip().lower()
    form = content_type == "application/x-www-form-urlencoded" or (
        not content_type and body.startswith(b"payload=")
    )
    payload = _decode_form_payload(body) if form else _decode_json(body)
    return Delivery(host=GITHUB, event=event, delivery_id=delivery_id, payload=payload)


def verify_gitee(*, headers: Mapping[str, str], body: bytes, secret: str, now: datetime) -> Delivery:
    """Check a Gitee signing-key delivery and decode its payload, or raise DeliveryRefused.

    Gitee's token covers the timestamp only (see the module notes); the body is decoded
    after the token and the timestamp hold.
    """
    folded = _fold(headers)
    key = _key(secret)
    token = folded.get("x-gitee-token", "")
    if not token:
        raise DeliveryRefused(Refusal.UNSIGNED, "no X-Gitee-Token header")
    if hmac.compare_digest(token.encode("utf-8", "surrogatepass"), key):
        raise DeliveryRefused(Refusal.UNSIGNED, "Gitee's plain password mode; use a signing key")
    timestamp = folded.get("x-gitee-timestamp", "")
    if not timestamp:
        raise DeliveryRefused(Refusal.UNSIGNED, "no X-Gitee-Timestamp header")
    if not _DIGITS.fullmatch(timestamp):
        raise DeliveryRefused(Refusal.MALFORMED, "X-Gitee-Timestamp is not milliseconds since the epoch")
    expected = _gitee_token(secret=secret, timestamp=timestamp)
    if not token.isascii() or not hmac.compare_digest(token, expected):
        raise DeliveryRefused(Refusal.BAD_SIGNATURE, "the token does not match the timestamp")
    skew_ms = abs(_epoch_ms(now) - int(timestamp))
    if skew_ms > GITEE_MAX_SKEW.total_seconds() * 1000:
        raise DeliveryRefused(Refusal.STALE, f"the timestamp is {skew_ms // 60_000} minutes from now")

    if folded.get("x-gitee-ping", "").lower() == "true":
        # The "test" button: its body is sample or replayed data, never a contribution.
        event = PING
    else:
        raw_event = folded.get("x-gitee-event") or folded.get("x-git-oschina-event", "")
        if not raw_event:
            raise DeliveryRefused(Refusal.MALFORMED, "no X-Gitee-Event header")
        if not _GITEE_EVENT.fullmatch(raw_event):
            raise DeliveryRefused(Refusal.UNKNOWN_EVENT, "X-Gitee-Event is not an event name")
        event = _GITEE_EVENTS.get(raw_event, raw_event)

    payload = _decode_json(body)
    # In password mode Gitee copies the password into the body; never keep it around.
    payload.pop("password", None)
    return Delivery(host=GITEE, event=event, delivery_id=token, payload=payload)


def _key(secret: str) -> bytes:
    if not isinstance(secret, str) or not secret:
        raise DeliveryRefused(Refusal.NO_SECRET, "the integration has no webhook secret")
    return secret.encode("utf-8")


def _gitee_token(*, secret: str, timestamp: str) -> str:
    message = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(_key(secret), message, hashlib.sha256).digest()).decode("ascii")


def _epoch_ms(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    # Integer arithmetic: moment.timestamp() * 1000 can land a float a millisecond short.
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _fold(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names folded to lower case. Two spellings of one header with different
    values are refused rather than one silently winning."""
    folded: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise DeliveryRefused(Refusal.MALFORMED, "a header name or value is not text")
        lower, value = name.strip().lower(), value.strip()
        if folded.get(lower, value) != value:
            raise DeliveryRefused(Refusal.MALFORMED, f"the {lower} header is given twice")
        folded[lower] = value
    return folded


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _decode_json(raw: bytes | str) -> dict[str, Any]:
    try:
        payload = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        # ValueError covers UnicodeDecodeError; RecursionError a payload nested too deep.
        raise DeliveryRefused(Refusal.MALFORMED, "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise DeliveryRefused(Refusal.MALFORMED, "the body is not a JSON object")
    return payload


def _decode_form_payload(body: bytes) -> dict[str, Any]:
    """GitHub's form content type: the JSON document in a single `payload` field."""
    try:
        fields = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=True,
            max_num_fields=4,
            errors="strict",
        )
    except ValueError:
        raise DeliveryRefused(Refusal.MALFORMED, "the form body cannot be decoded") from None
    values = [value for name, value in fields if name == "payload"]
    if len(values) != 1:
        raise DeliveryRefused(Refusal.MALFORMED, "the form body needs exactly one payload field")
    return _decode_json(values[0])


# --- reading ------------------------------------------------------------------------------


def read_events(delivery: Delivery) -> list[GitEvent]:
    """The events in a verified delivery, normalised across hosts.

    An event or action the programme has no use for gives an empty list (the caller logs
    it); a payload that lacks what its event must carry raises DeliveryRefused("malformed").
    """
    host = _HOSTS.get(delivery.host)
    if host is None:
        raise ValueError(f"unknown host {delivery.host!r}")
    reader = host.readers.get(delivery.event)
    if reader is None:
        return []
    event = reader(host, delivery.payload)
    return [event] if event is not None else []


@dataclass(frozen=True, slots=True)
class _Host:
    """What differs between the hosts when reading: who acted, where, and which reader
    each event name goes to. The shape of the events themselves is shared below."""

    name: str
    repository: Callable[[Mapping[str, Any]], Repository]
    account: Callable[[Any], Account]
    sender_keys: tuple[str, ...]
    readers: Mapping[str, Callable[[_Host, Mapping[str, Any]], GitEvent | None]]

    def sender(self, payload: Mapping[str, Any]) -> Account:
        for key in self.sender_keys:
            if isinstance(payload.get(key), dict):
                return self.account(payload[key])
        raise DeliveryRefused(Refusal.MALFORMED, "the payload has no sender")


def _ping(host: _Host, payload: Mapping[str, Any]) -> GitEvent:
    # An organisation hook's ping has no repository; a ping is only ever logged.
    has_repository = isinstance(payload.get("repository"), dict)
    try:
        account = host.sender(payload)
    except DeliveryRefused:
        account = _NOBODY
    return GitEvent(
        host=host.name,
        kind="ping",
        action="",
        repository=host.repository(payload) if has_repository else _NOWHERE,
        account=account,
    )


def _push(host: _Host, payload: Mapping[str, Any]) -> GitEvent:
    ref = _line(payload, "ref", limit=BRANCH_MAX, required=True)
    commits = tuple(
        Commit(
            sha=_sha(commit, "id", required=True),
            message=_multiline(commit, "message", limit=COMMIT_MESSAGE_MAX),
            url=_url(commit, "url"),
            author=_commit_author(commit.get("author")),
        )
        for commit in _objects(payload, "commits")
        # A commit already pushed elsewhere (merging another branch) is not new work here.
        if commit.get("distinct", True) is not False
    )
    head = payload.get("head_commit") if isinstance(payload.get("head_commit"), dict) else {}
    return GitEvent(
        host=host.name,
        kind="push",
        action="deleted" if payload.get("deleted") is True else "pushed",
        repository=host.repository(payload),
        account=host.sender(payload),
        object_id=_sha(payload, "after"),
        url=_url(payload, "compare"),
        base_branch=ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else "",
        head_sha=_sha(payload, "after"),
        ref=ref,
        commits=commits,
        occurred_at=_datetime(head, "timestamp"),
    )


def _pr_event(
    host: _Host,
    payload: Mapping[str, Any],
    pr: Mapping[str, Any],
    *,
    kind: str,
    action: str,
    merged: bool = False,
    author: Any = None,
    object_id: str | None = None,
    url: str | None = None,
    body: str | None = None,
    occurred_at: datetime | None = None,
) -> GitEvent:
    """The fields every pull-request-shaped event shares. `pr` is the payload's
    pull_request, or the issue of a GitHub issue comment (which has no branches)."""
    base = pr.get("base") if isinstance(pr.get("base"), dict) else {}
    head = pr.get("head") if isinstance(pr.get("head"), dict) else {}
    merged_at = _datetime(pr, "merged_at") if merged else None
    if kind == "pull_request":
        moments = {
            "merged": merged_at,
            "closed": _datetime(pr, "closed_at"),
            "opened": _datetime(pr, "created_at"),
        }
        occurred_at = moments.get(action) or _datetime(pr, "updated_at")
    return GitEvent(
        host=host.name,
        kind=kind,
        action=action,
        repository=host.repository(payload),
        account=host.sender(payload),
        author=host.account(author if author is not None else pr.get("user")),
        number=_number(pr, "number"),
        object_id=object_id if object_id is not None else _numeric_id(pr, "id", required=True),
        title=_line(pr, "title", limit=TITLE_MAX),
        url=url if url is not None else _url(pr, "html_url"),
        body=body if body is not None else _multiline(pr, "body", limit=BODY_MAX),
        merged=merged,
        merged_at=merged_at,
        # GitHub fills merge_commit_sha with a test merge while a PR is open: not a merge.
        merge_commit_sha=_sha(pr, "merge_commit_sha") if merged else "",
        base_branch=_line(base, "ref", limit=BRANCH_MAX),
        head_sha=_sha(head, "sha"),
        occurred_at=occurred_at,
    )


def _comment_event(
    host: _Host, payload: Mapping[str, Any], pr: Mapping[str, Any], *, action: str
) -> GitEvent:
    comment = _object(payload, "comment")
    return _pr_event(
        host,
        payload,
        pr,
        kind="comment",
        action=action,
        object_id=_numeric_id(comment, "id", required=True),
        url=_url(comment, "html_url"),
        body=_multiline(comment, "body", limit=BODY_MAX),
        occurred_at=_datetime(comment, "created_at" if action == "created" else "updated_at"),
    )


# GitHub ---------------------------------------------------------------------------------

_GITHUB_PR_ACTIONS = {
    "opened": "opened",
    "reopened": "reopened",
    "synchronize": "updated",
    "edited": "edited",
    "closed": "closed",  # "merged" when pull_request.merged
}
_GITHUB_REVIEW_STATES = {"approved", "changes_requested", "commented"}
_GITHUB_COMMENT_ACTIONS = {"created": "created", "edited": "edited", "deleted": "deleted"}


def _github_pull_request(host: _Host, payload: Mapping[str, Any]) -> GitEvent | None:
    action = _GITHUB_PR_ACTIONS.get(_action(payload))
    if action is None:
        return None  # labeled, assigned, review_requested, ... change nothing we count
    pr = _object(payload, "pull_request")
    merged = action == "closed" and pr.get("merged") is True
    return _pr_event(
        host, payload, pr, kind="pull_request", action="merged" if merged else action, merged=merged
    )


def _github_review(host: _Host, payload: Mapping[str, Any]) -> GitEvent | None:
    review = _object(payload, "review")
    if _action(payload) == "dismissed":
        action = "dismissed"  # an approval taken back: whatever it earned should be too
    elif _action(payload) == "submitted":
        state = review.get("state")
        action = state.lower() if isinstance(state, str) else ""
        if action not in _GITHUB_REVIEW_STATES:
            raise DeliveryRefused(Refusal.MALFORMED, "a review without a known state")
    else:
        return None  # an edited review
    return _pr_event(
        host,
        payload,
        _object(payload, "pull_request"),
        kind="review",
        action=action,
        object_id=_numeric_id(review, "id", required=True),
        url=_url(review, "html_url"),
        body=_multiline(review, "body", limit=BODY_MAX),
        occurred_at=_datetime(review, "submitted_at"),
    )


def _github_issue_comment(host: _Host, payload: Mapping[str, Any]) -> GitEvent | None:
    issue = _object(payload, "issue")
    action = _GITHUB_COMMENT_ACTIONS.get(_action(payload))
    if action is None or not isinstance(issue.get("pull_request"), dict):
        return None  # a comment on a plain issue
    return _comment_event(host, payload, issue, action=action)


def _github_review_comment(host: _Host, payload: Mapping[str, Any]) -> GitEvent | None:
    action = _GITHUB_COMMENT_ACTIONS.get(_action(payload))
    if action is None:
        return None
    return _comment_event(host, payload, _object(payload, "pull_request"), action=action)


def _github_repository(payload: Mapping[str, Any]) -> Repository:
    repo = _object(payload, "repository")
    return Repository(
        id=_numeric_id(repo, "id", required=True),
        full_name=_line(repo, "full_name", limit=NAME_MAX, required=True),
        url=_url(repo, "html_url"),
    )


def _github_account(user: Any) -> Account:
    if not isinstance(user, dict):
        raise DeliveryRefused(Refusal.MALFORMED, "a user is missing from the payload")
    return Account(id=_numeric_id(user, "id", required=True), login=_line(user, "login", limit=LOGIN_MAX))


# Gitee ----------------------------------------------------------------------------------

# Merge Request Hook actions (go-scm's Gitee driver lists open, update, close, merge,
# test, tested, assign, approved); those that change nothing we count are left out.
_GITEE_PR_ACTIONS = {
    "open": "opened",
    "reopen": "reopened",
    "update": "updated",
    "close": "closed",
    "merge": "merged",
}
_GITEE_NOTE_ACTIONS = {"comment": "created", "edited": "edited", "deleted": "deleted"}


def _gitee_merge_request(host: _Host, payload: Mapping[str, Any]) -> GitEvent | None:
    raw_action = _action(payload)
    pr = _object(payload, "pull_request")
    author = pr.get("user") if isinstance(pr.get("user"), dict) else payload.get("author")
    if raw_action == "approved":
        # Gitee has no review event: a reviewer's approval arrives as this action. The PR's
        # description is not the reviewer's text, so the event carries no body.
        moment = _datetime(pr, "updated_at")
        return _pr_event(
            host, payload, pr, kind="review", action="approved", author=author, body="", occurred_at=moment
        )
    action = _GITEE_PR_ACTIONS.get(raw_action)
    if action is None:
        return None  # test, tested, assign, ...
    merged = action == "merged" or (
        action == "closed" and (pr.get("merged") is True or pr.get("state") == "merged")
    )
    action = "merged" if merged else action
    return _pr_event(host, payload, pr, kind="pull_request", action=action, merged=merged, author=author)


def _gitee_note(host: _Host, payload: Mapping[str, Any]) -> GitEvent | None:
    if payload.get("noteable_type") != "PullRequest":
        return None  # comments on issues, commits and the repository itself
    action = _GITEE_NOTE_ACTIONS.get(_action(payload) or "comment")
    if action is None:
        return None
    return _comment_event(host, payload, _object(payload, "pull_request"), action=action)


def _gitee_repository(payload: Mapping[str, Any]) -> Repository:
    repo = (
        payload.get("repository") if isinstance(payload.get("repository"), dict) else payload.get("project")
    )
    if not isinstance(repo, dict):
        raise DeliveryRefused(Refusal.MALFORMED, "no repository in the payload")
    # Gitee's full_name is the display name ("Open Source China/Gitee"); the path is the key.
    full_name = _line(repo, "path_with_namespace", limit=NAME_MAX) or _line(repo, "full_name", limit=NAME_MAX)
    if not full_name:
        raise DeliveryRefused(Refusal.MALFORMED, "the repository has no path_with_namespace")
    return Repository(
        id=_numeric_id(repo, "id", required=True), full_name=full_name, url=_url(repo, "html_url")
    )


def _gitee_account(user: Any) -> Account:
    """Gitee documents a user's id as optional and spells the login three ways."""
    if not isinstance(user, dict):
        raise DeliveryRefused(Refusal.MALFORMED, "a user is missing from the payload")
    login = next(
        (text for key in ("login", "username", "user_name") if (text := _line(user, key, limit=LOGIN_MAX))),
        "",
    )
    account = Account(id=_numeric_id(user, "id"), login=login)
    if not account.id and not account.login:
        raise DeliveryRefused(Refusal.MALFORMED, "a user with neither an id nor a login")
    return account


_HOSTS = {
    GITHUB: _Host(
        name=GITHUB,
        repository=_github_repository,
        account=_github_account,
        sender_keys=("sender",),
        readers={
            PING: _ping,
            "push": _push,
            "pull_request": _github_pull_request,
            "pull_request_review": _github_review,
            "issue_comment": _github_issue_comment,
            "pull_request_review_comment": _github_review_comment,
        },
    ),
    GITEE: _Host(
        name=GITEE,
        repository=_gitee_repository,
        account=_gitee_account,
        sender_keys=("sender", "user"),
        readers={
            PING: _ping,
            "Push Hook": _push,
            "Merge Request Hook": _gitee_merge_request,
            "Note Hook": _gitee_note,
        },
    ),
}


# --- reading fields defensively -----------------------------------------------------------

_NOBODY = Account(id="", login="")  # a ping's sender, when an organisation hook has none
_NOWHERE = Repository(id="", full_name="", url="")


def _action(payload: Mapping[str, Any]) -> str:
    """The payload's action, "" when absent or not text (a list would not even hash)."""
    action = payload.get("action")
    return action if isinstance(action, str) else ""


_SURROGATE = re.compile("[\ud800-\udfff]")
# NUL and the other C0 controls but tab, LF and CR; DEL; the C1 controls.
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In one line also tab, LF, CR, the line/paragraph separators, and the bidi embeddings,
# overrides and isolates, which would reorder the rest of a list row a title is shown in.
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _clean(value: str, *, limit: int, single_line: bool) -> str:
    # json.loads joins an escaped surrogate pair into one character, so any surrogate left
    # is a lone one, which cannot be encoded as UTF-8: mark where it was.
    value = _SURROGATE.sub("\ufffd", value)
    if single_line:
        value = " ".join(_CONTROL_SINGLE_LINE.sub(" ", value).split())
    else:
        value = _CONTROL_MULTILINE.sub("", value).strip()
    return value[:limit]


def _text(obj: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise DeliveryRefused(Refusal.MALFORMED, f"{key} is missing")
        return None
    if not isinstance(value, str):
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is not text")
    return value


def _line(obj: Mapping[str, Any], key: str, *, limit: int, required: bool = False) -> str:
    value = _text(obj, key, required=required)
    cleaned = _clean(value, limit=limit, single_line=True) if value is not None else ""
    if required and not cleaned:
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is empty")
    return cleaned


def _multiline(obj: Mapping[str, Any], key: str, *, limit: int) -> str:
    value = _text(obj, key, required=False)
    return _clean(value, limit=limit, single_line=False) if value is not None else ""


def _url(obj: Mapping[str, Any], key: str) -> str:
    # Only web links: a javascript: or data: URL must never reach an href.
    value = _line(obj, key, limit=URL_MAX + 1)
    if len(value) > URL_MAX or not value.lower().startswith(("https://", "http://")) or " " in value:
        return ""
    return value


def _sha(obj: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = _text(obj, key, required=required)
    if value is None:
        return ""
    value = value.strip().lower()
    if not _SHA.fullmatch(value):
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is not a commit sha")
    return value


def _numeric_id(obj: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        value = int(value)
    # bool is an int in Python; True is not an id.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is not a numeric id")
    return str(value)


def _number(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is not a pull request number")
    return value


def _object(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    if not isinstance(value, dict):
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is missing")
    return value


def _objects(obj: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise DeliveryRefused(Refusal.MALFORMED, f"{key} is not a list of objects")
    return value


def _datetime(obj: Mapping[str, Any], key: str) -> datetime | None:
    """An aware datetime, or None when absent or not one: a time is context, never worth
    refusing a delivery over. GitHub's push payloads give some times as epoch seconds."""
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**40:
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # A time without a zone could be UTC or Beijing time: better unknown than eight hours off.
    return moment if moment.tzinfo is not None else None


def _commit_author(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    for key in ("username", "email", "name"):
        text = _line(author, key, limit=LOGIN_MAX if key == "username" else NAME_MAX)
        if text:
            return text
    return ""
