"""Given/when/then: webhook deliveries from GitHub and Gitee (opensource.webhooks) — a
delivery is accepted only with a signature that holds over what was received (GitHub: the
body; Gitee: a timestamp within the hour), every other one is refused with a short reason
code, and the payloads of both hosts come out as the same clean, capped events.

No database: the module is pure Python. The payloads are trimmed copies of the hosts'
documented examples (GitHub's "Webhook events and payloads"; Gitee's help articles 4186
and 4271), keeping every field the reader looks at and a few it must ignore.
"""

import copy
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fanrepublic.opensource.webhooks import (
    BODY_MAX,
    COMMIT_MESSAGE_MAX,
    TITLE_MAX,
    Account,
    Commit,
    Delivery,
    DeliveryRefused,
    Repository,
    read_events,
    sign_gitee,
    sign_github,
    verify_gitee,
    verify_github,
)

SECRET = "s3cret-for-tests"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SHA_A = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
SHA_B = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
SHA_MERGE = "e5bd3914e2e596debea16f433f57875b5b90bcd6"


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DeliveryRefused) as caught:
        call(*args, **kwargs)
    return caught.value.reason


def body_of(payload) -> bytes:
    return json.dumps(payload).encode()


# --- GitHub payloads ----------------------------------------------------------------------

GH_SENDER = {"login": "octocat", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==", "type": "User"}
GH_CONTRIBUTOR = {"login": "newcomer", "id": 9919, "type": "User"}
GH_REPO = {
    "id": 1296269,
    "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
    "name": "Hello-World",
    "full_name": "octocat/Hello-World",
    "private": False,
    "owner": GH_SENDER,
    "html_url": "https://github.com/octocat/Hello-World",
    "default_branch": "main",
    "pushed_at": 1772366400,  # push payloads give some repository times as epoch seconds
}

GH_PING = {
    "zen": "Keep it logically awesome.",
    "hook_id": 30,
    "hook": {"type": "Repository", "id": 30, "events": ["push", "pull_request"], "active": True},
    "repository": GH_REPO,
    "sender": GH_SENDER,
}

GH_PUSH = {
    "ref": "refs/heads/main",
    "before": SHA_B,
    "after": SHA_A,
    "created": False,
    "deleted": False,
    "forced": False,
    "base_ref": None,
    "compare": f"https://github.com/octocat/Hello-World/compare/{SHA_B[:12]}...{SHA_A[:12]}",
    "commits": [
        {
            "id": SHA_B,
            "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
            "distinct": False,
            "message": "Merge branch 'docs'",
            "timestamp": "2026-03-01T11:58:00+08:00",
            "url": f"https://github.com/octocat/Hello-World/commit/{SHA_B}",
            "author": {"name": "Mona", "email": "mona@example.com", "username": "octocat"},
        },
        {
            "id": SHA_A,
            "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
            "distinct": True,
            "message": "Fix the fan count\n\nIt was off by one.",
            "timestamp": "2026-03-01T11:59:30+08:00",
            "url": f"https://github.com/octocat/Hello-World/commit/{SHA_A}",
            "author": {"name": "New Comer", "email": "newcomer@example.com"},
        },
    ],
    "head_commit": {
        "id": SHA_A,
        "message": "Fix the fan count\n\nIt was off by one.",
        "timestamp": "2026-03-01T11:59:30+08:00",
    },
    "repository": GH_REPO,
    "pusher": {"name": "octocat", "email": "mona@example.com"},
    "sender": GH_SENDER,
}

GH_PULL = {
    "url": "https://api.github.com/repos/octocat/Hello-World/pulls/1347",
    "id": 1,
    "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
    "html_url": "https://github.com/octocat/Hello-World/pull/1347",
    "number": 1347,
    "state": "open",
    "locked": False,
    "title": "Amazing new feature",
    "user": GH_CONTRIBUTOR,
    "body": "Please pull these awesome changes in!\n\nfanrepublic-link: FR-7Q2X",
    "created_at": "2026-02-28T19:01:12Z",
    "updated_at": "2026-03-01T10:00:00Z",
    "closed_at": None,
    "merged_at": None,
    # GitHub fills this with a test merge while the PR is still open.
    "merge_commit_sha": SHA_MERGE,
    "head": {"label": "newcomer:new-topic", "ref": "new-topic", "sha": SHA_A},
    "base": {"label": "octocat:main", "ref": "main", "sha": SHA_B},
    "draft": False,
    "merged": False,
    "merged_by": None,
}


def gh_pull_request(action="opened", **changes):
    pull = {**copy.deepcopy(GH_PULL), **changes}
    return {
        "action": action,
        "number": pull["number"],
        "pull_request": pull,
        "repository": GH_REPO,
        "sender": GH_SENDER,
    }


GH_MERGED = gh_pull_request(
    "closed",
    state="closed",
    merged=True,
    merged_at="2026-03-01T11:00:00Z",
    closed_at="2026-03-01T11:00:00Z",
    merged_by=GH_SENDER,
)

GH_REVIEW = {
    "action": "submitted",
    "review": {
        "id": 80,
        "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
        "user": GH_SENDER,
        "body": "Looks good to me.",
        "commit_id": SHA_A,
        "submitted_at": "2026-03-01T10:30:00Z",
        "state": "approved",
        "html_url": "https://github.com/octocat/Hello-World/pull/1347#pullrequestreview-80",
    },
    "pull_request": GH_PULL,
    "repository": GH_REPO,
    "sender": GH_SENDER,
}

GH_ISSUE_COMMENT = {
    "action": "created",
    "issue": {
        "url": "https://api.github.com/repos/octocat/Hello-World/issues/1347",
        "html_url": "https://github.com/octocat/Hello-World/pull/1347",
        "id": 1,
        "number": 1347,
        "title": "Amazing new feature",
        "user": GH_CONTRIBUTOR,
        "state": "open",
        "body": "Please pull these awesome changes in!",
        "pull_request": {"url": "https://api.github.com/repos/octocat/Hello-World/pulls/1347"},
    },
    "comment": {
        "id": 1362,
        "html_url": "https://github.com/octocat/Hello-World/pull/1347#issuecomment-1362",
        "user": GH_CONTRIBUTOR,
        "created_at": "2026-03-01T10:45:00Z",
        "updated_at": "2026-03-01T10:45:00Z",
        "body": "My Fan Republic code: FR-7Q2X",
    },
    "repository": GH_REPO,
    "sender": GH_CONTRIBUTOR,
}


def github(event, payload, *, secret=SECRET) -> Delivery:
    body = body_of(payload)
    return verify_github(headers=sign_github(body=body, secret=secret, event=event), body=body, secret=secret)


def github_event(event, payload):
    (only,) = read_events(github(event, payload))
    return only


# --- Gitee payloads -----------------------------------------------------------------------

GT_USER = {
    "id": 1,
    "login": "robot",
    "name": "robot",
    "email": "robot@gitee.com",
    "username": "robot",
    "user_name": "robot",
    "url": "https://gitee.com/robot",
    "html_url": "https://gitee.com/robot",
    "type": "User",
    "site_admin": False,
}
GT_CONTRIBUTOR = {**GT_USER, "id": 7, "login": "xiaoming", "username": "xiaoming", "user_name": "xiaoming"}
GT_REPO = {
    "id": 120249025,
    "name": "Gitee",
    "path": "gitee",
    # Gitee's full_name is the display name; path_with_namespace is owner/repo.
    "full_name": "Open Source China/Gitee",
    "owner": GT_USER,
    "private": False,
    "html_url": "https://gitee.com/oschina/gitee",
    "default_branch": "master",
    "namespace": "oschina",
    "name_with_namespace": "Open Source China/Gitee",
    "path_with_namespace": "oschina/gitee",
}
GT_HOOK = {
    "password": "",
    "hook_id": 1,
    "hook_url": "https://gitee.com/oschina/gitee/hooks/1/edit",
    "timestamp": "1772366400000",
    "sign": "rLEHLuZRIQHuTPeXMib9Czoq9dVXO4TsQcmQQHtjXHA=",
}

GT_PUSH = {
    "hook_name": "push_hooks",
    **GT_HOOK,
    "ref": "refs/heads/change_commitlint_config",
    "before": "0000000000000000000000000000000000000000",
    "after": SHA_A,
    "created": True,
    "deleted": False,
    "compare": f"https://gitee.com/oschina/gitee/compare/{'0' * 40}...{SHA_A}",
    "commits": [
        {
            "id": SHA_A,
            "tree_id": "db78f3594ec0683f5d857ef731df0d860f14f2b2",
            "distinct": True,
            "message": "Update README.md",
            "timestamp": "2026-03-01T19:46:46+08:00",
            "url": f"https://gitee.com/oschina/gitee/commit/{SHA_A}",
            "author": {
                "time": "2026-03-01T19:46:46+08:00",
                "name": "robot",
                "email": "robot@gitee.com",
                "username": "robot",
            },
            "committer": {"name": "robot", "email": "robot@gitee.com", "username": "robot"},
            "added": None,
            "removed": None,
            "modified": ["README.md"],
        }
    ],
    "head_commit": {"id": SHA_A, "message": "Update README.md", "timestamp": "2026-03-01T19:46:46+08:00"},
    "total_commits_count": 1,
    "commits_more_than_ten": False,
    "repository": GT_REPO,
    "sender": GT_USER,
    "enterprise": {"name": "Open Source China", "url": "https://gitee.com/oschina"},
}

GT_PULL = {
    "id": 167750879,
    "number": 1,
    "state": "open",
    "html_url": "https://gitee.com/oschina/gitee/pulls/1",
    "diff_url": "https://gitee.com/oschina/gitee/pulls/1.diff",
    "title": "第三方登录的账号没有密码的问题",
    "body": None,
    "created_at": "2026-02-28T23:46:46+08:00",
    "updated_at": "2026-03-01T18:00:00+08:00",
    "closed_at": None,
    "merged_at": None,
    "merge_commit_sha": SHA_MERGE,
    "user": GT_CONTRIBUTOR,
    "head": {"label": "xiaoming:login_fix", "ref": "login_fix", "sha": SHA_A, "user": GT_CONTRIBUTOR},
    "base": {"label": "oschina:master", "ref": "master", "sha": SHA_B, "user": GT_USER},
    "merged": False,
    "mergeable": None,
}


def gt_merge_request(action="open", **changes):
    pull = {**copy.deepcopy(GT_PULL), **changes}
    return {
        "hook_name": "merge_request_hooks",
        **GT_HOOK,
        "action": action,
        "action_desc": "",
        "pull_request": pull,
        "number": pull["number"],
        "title": pull["title"],
        "state": pull["state"],
        "author": GT_CONTRIBUTOR,
        "repository": GT_REPO,
        "sender": GT_USER,
    }


GT_MERGED = gt_merge_request(
    "merge",
    state="merged",
    merged=True,
    merged_at="2026-03-01T19:00:00+08:00",
    closed_at="2026-03-01T19:00:00+08:00",
)

GT_NOTE = {
    "hook_name": "note_hooks",
    **GT_HOOK,
    "action": "comment",
    "comment": {
        "html_url": "https://gitee.com/oschina/gitee/pulls/1#note_42",
        "id": 42,
        "body": "我的 Fan Republic 绑定码：FR-7Q2X",
        "user": GT_CONTRIBUTOR,
        "created_at": "2026-03-01T19:10:00+08:00",
        "updated_at": "2026-03-01T19:10:00+08:00",
    },
    "noteable_type": "PullRequest",
    "pull_request": GT_PULL,
    "repository": GT_REPO,
    "sender": GT_CONTRIBUTOR,
}


def gitee(event, payload, *, now=NOW, secret=SECRET, ping=False) -> Delivery:
    headers = sign_gitee(secret=secret, now=now, event=event)
    if ping:
        headers["X-Gitee-Ping"] = "true"
    return verify_gitee(headers=headers, body=body_of(payload), secret=secret, now=now)


def gitee_event(event, payload):
    (only,) = read_events(gitee(event, payload))
    return only


# --- GitHub: verification -----------------------------------------------------------------


def test_a_signed_github_delivery_is_accepted_with_its_guid_and_payload():
    body = body_of(GH_PUSH)
    headers = sign_github(
        body=body, secret=SECRET, event="push", delivery_id="72D3162E-CC78-11E3-81AB-4C9367DC0958"
    )

    delivery = verify_github(headers=headers, body=body, secret=SECRET)

    assert delivery.host == "github"
    assert delivery.event == "push"
    assert delivery.delivery_id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    assert delivery.payload == GH_PUSH


def test_github_header_names_are_matched_whatever_their_case():
    body = body_of(GH_PING)
    headers = sign_github(body=body, secret=SECRET, event="ping")

    for spelled in ({k.lower(): v for k, v in headers.items()}, {k.upper(): v for k, v in headers.items()}):
        assert verify_github(headers=spelled, body=body, secret=SECRET).event == "ping"


def test_a_body_changed_by_one_byte_is_refused():
    body = body_of(GH_MERGED)
    headers = sign_github(body=body, secret=SECRET, event="pull_request")
    tampered = body.replace(b'"number": 1347', b'"number": 1348', 1)
    assert len(tampered) == len(body) and tampered != body

    assert refused(verify_github, headers=headers, body=tampered, secret=SECRET) == "bad-signature"


def test_a_delivery_signed_with_another_secret_is_refused():
    body = body_of(GH_PUSH)
    headers = sign_github(body=body, secret="someone-elses-secret")

    assert refused(verify_github, headers=headers, body=body, secret=SECRET) == "bad-signature"


@pytest.mark.parametrize(
    ("drop", "reason"),
    [
        ("X-Hub-Signature-256", "unsigned"),
        ("X-GitHub-Event", "malformed"),
        ("X-GitHub-Delivery", "malformed"),
    ],
)
def test_a_github_delivery_missing_a_header_is_refused(drop, reason):
    body = body_of(GH_PUSH)
    headers = sign_github(body=body, secret=SECRET)
    del headers[drop]

    assert refused(verify_github, headers=headers, body=body, secret=SECRET) == reason


def test_a_legacy_sha1_signature_alone_is_refused_as_unsigned():
    body = body_of(GH_PUSH)
    headers = sign_github(body=body, secret=SECRET)
    del headers["X-Hub-Signature-256"]
    headers["X-Hub-Signature"] = "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6"

    with pytest.raises(DeliveryRefused) as caught:
        verify_github(headers=headers, body=body, secret=SECRET)
    assert caught.value.reason == "unsigned"
    assert "SHA-1" in caught.value.detail


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("X-Hub-Signature-256", "sha256=not-hex", "bad-signature"),
        ("X-Hub-Signature-256", "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6", "bad-signature"),
        ("X-GitHub-Delivery", "not-a-guid", "malformed"),
        ("X-GitHub-Event", "Push Hook", "unknown-event"),
        ("X-GitHub-Event", "push\r\nX-Evil: 1", "unknown-event"),
    ],
)
def test_odd_github_headers_are_refused(name, value, reason):
    body = body_of(GH_PUSH)
    headers = {**sign_github(body=body, secret=SECRET), name: value}

    assert refused(verify_github, headers=headers, body=body, secret=SECRET) == reason


def test_one_header_given_twice_with_different_values_is_refused():
    body = body_of(GH_PUSH)
    headers = {**sign_github(body=body, secret=SECRET), "x-github-event": "pull_request"}

    assert refused(verify_github, headers=headers, body=body, secret=SECRET) == "malformed"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'"a string"',
        b'{"n": NaN}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b"",
    ],
    ids=["broken", "array", "string", "nan", "bad-utf8", "too-deep", "empty"],
)
def test_a_signed_body_that_is_not_a_json_object_is_refused_as_malformed(body):
    headers = sign_github(body=body, secret=SECRET)

    assert refused(verify_github, headers=headers, body=body, secret=SECRET) == "malformed"


def test_a_form_encoded_github_delivery_is_read_from_its_payload_field():
    body = urlencode({"payload": json.dumps(GH_PUSH)}).encode()
    headers = {**sign_github(body=body, secret=SECRET), "Content-Type": "application/x-www-form-urlencoded"}

    delivery = verify_github(headers=headers, body=body, secret=SECRET)

    assert delivery.payload == GH_PUSH
    assert read_events(delivery)[0].head_sha == SHA_A


def test_a_form_body_without_a_content_type_is_recognised_too():
    body = urlencode({"payload": json.dumps(GH_PING)}).encode()
    headers = sign_github(body=body, secret=SECRET, event="ping")
    del headers["Content-Type"]

    assert verify_github(headers=headers, body=body, secret=SECRET).payload == GH_PING


@pytest.mark.parametrize(
    "body",
    [
        urlencode([("payload", "{}"), ("payload", "{}")]).encode(),
        urlencode({"other": "{}"}).encode(),
        b"payload=%7B%22a%22%3A%20%ff%7D",  # a byte that is not UTF-8 inside the JSON
        b"payload=" + urlencode({"x": "[1]"}).encode()[2:],
    ],
    ids=["two-payloads", "no-payload", "bad-utf8", "array"],
)
def test_a_form_body_that_does_not_hold_one_json_object_is_refused(body):
    headers = {**sign_github(body=body, secret=SECRET), "Content-Type": "application/x-www-form-urlencoded"}

    assert refused(verify_github, headers=headers, body=body, secret=SECRET) == "malformed"


def test_an_integration_without_a_secret_refuses_everything():
    body = body_of(GH_PUSH)
    headers = sign_github(body=body, secret="x")

    assert refused(verify_github, headers=headers, body=body, secret="") == "no-secret"


@settings(max_examples=60, deadline=None, database=None)
@given(
    document=st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
        max_size=6,
    ),
    secret=st.text(min_size=1, max_size=40),
    position=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
)
def test_signing_round_trips_and_any_single_byte_change_is_refused(document, secret, position, flip):
    body = json.dumps(document, ensure_ascii=False).encode()
    headers = sign_github(body=body, secret=secret)

    assert verify_github(headers=headers, body=body, secret=secret).payload == document

    index = position % len(body)
    tampered = body[:index] + bytes([body[index] ^ flip]) + body[index + 1 :]
    # The signature is checked before the body is parsed: never "malformed" first.
    assert refused(verify_github, headers=headers, body=tampered, secret=secret) == "bad-signature"


# --- Gitee: verification ------------------------------------------------------------------


def test_a_signed_gitee_delivery_is_accepted_with_its_token_as_replay_key():
    headers = sign_gitee(secret=SECRET, now=NOW, event="Merge Request Hook")
    payload = {**gt_merge_request(), "password": "leaked-in-password-mode"}

    delivery = verify_gitee(headers=headers, body=body_of(payload), secret=SECRET, now=NOW)

    assert delivery.host == "gitee"
    assert delivery.event == "Merge Request Hook"
    assert delivery.delivery_id == headers["X-Gitee-Token"]
    assert "password" not in delivery.payload
    assert delivery.payload["pull_request"]["number"] == 1


def test_the_gitee_token_is_the_documented_hmac_of_timestamp_and_secret():
    # Gitee help article 4290: base64(HmacSHA256(key=secret, "<timestamp>\n<secret>")).
    import base64
    import hashlib
    import hmac

    headers = sign_gitee(secret=SECRET, now=NOW)

    assert headers["X-Gitee-Timestamp"] == "1772366400000"
    expected = hmac.new(SECRET.encode(), f"1772366400000\n{SECRET}".encode(), hashlib.sha256).digest()
    assert headers["X-Gitee-Token"] == base64.b64encode(expected).decode()


@pytest.mark.parametrize("minutes", [-59, 59, 60])
def test_a_gitee_timestamp_within_the_hour_is_accepted(minutes):
    headers = sign_gitee(secret=SECRET, now=NOW + timedelta(minutes=minutes))

    assert verify_gitee(headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW).event == "Push Hook"


@pytest.mark.parametrize("minutes", [-61, 61, -60 * 24 * 365])
def test_a_gitee_timestamp_more_than_an_hour_away_either_way_is_stale(minutes):
    headers = sign_gitee(secret=SECRET, now=NOW + timedelta(minutes=minutes))

    assert refused(verify_gitee, headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW) == "stale"


def test_gitees_plain_password_mode_is_refused_as_unsigned():
    # The password mode sends the secret itself, which replays for ever.
    headers = {**sign_gitee(secret=SECRET, now=NOW), "X-Gitee-Token": SECRET}

    assert refused(verify_gitee, headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW) == "unsigned"


def test_a_gitee_token_made_for_another_timestamp_is_refused():
    headers = sign_gitee(secret=SECRET, now=NOW)
    headers["X-Gitee-Token"] = sign_gitee(secret=SECRET, now=NOW - timedelta(seconds=1))["X-Gitee-Token"]

    assert (
        refused(verify_gitee, headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW)
        == "bad-signature"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"X-Gitee-Token": None}, "unsigned"),
        ({"X-Gitee-Timestamp": None}, "unsigned"),
        ({"X-Gitee-Timestamp": "2026-03-01T12:00:00Z"}, "malformed"),
        ({"X-Gitee-Token": "not base64 at all ✓"}, "bad-signature"),
        ({"X-Gitee-Event": None}, "malformed"),
        ({"X-Gitee-Event": "Push Hook; rm -rf"}, "unknown-event"),
    ],
)
def test_odd_or_missing_gitee_headers_are_refused(change, reason):
    headers = sign_gitee(secret=SECRET, now=NOW)
    for name, value in change.items():
        if value is None:
            del headers[name]
        else:
            headers[name] = value

    assert refused(verify_gitee, headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW) == reason


def test_a_gitee_delivery_under_another_secret_is_refused():
    headers = sign_gitee(secret="another-repositorys-secret", now=NOW)

    assert (
        refused(verify_gitee, headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW)
        == "bad-signature"
    )


def test_a_signed_gitee_body_that_is_not_a_json_object_is_malformed():
    headers = sign_gitee(secret=SECRET, now=NOW)

    assert refused(verify_gitee, headers=headers, body=b"hook=%7B%7D", secret=SECRET, now=NOW) == "malformed"


def test_the_gitee_token_does_not_cover_the_body():
    # Documented limitation, pinned so nobody relies on it: only the single use of the
    # token (the caller's replay record) and HTTPS protect a Gitee body.
    headers = sign_gitee(secret=SECRET, now=NOW)

    delivery = verify_gitee(headers=headers, body=body_of({"anything": 1}), secret=SECRET, now=NOW)

    assert delivery.payload == {"anything": 1}


def test_gitee_event_names_given_as_hook_names_are_understood():
    headers = sign_gitee(secret=SECRET, now=NOW, event="merge_request_hooks")

    delivery = verify_gitee(headers=headers, body=body_of(gt_merge_request()), secret=SECRET, now=NOW)

    assert delivery.event == "Merge Request Hook"


def test_now_must_be_an_aware_datetime():
    headers = sign_gitee(secret=SECRET, now=NOW)

    with pytest.raises(ValueError):
        verify_gitee(headers=headers, body=body_of(GT_PUSH), secret=SECRET, now=NOW.replace(tzinfo=None))


# --- GitHub: reading ----------------------------------------------------------------------


def test_a_github_ping_is_read_as_a_ping():
    event = github_event("ping", GH_PING)

    assert (event.host, event.kind, event.action) == ("github", "ping", "")
    assert event.repository.full_name == "octocat/Hello-World"


def test_an_organisation_hooks_ping_without_a_repository_is_still_a_ping():
    payload = {key: value for key, value in GH_PING.items() if key not in ("repository", "sender")}

    event = github_event("ping", payload)

    assert event.kind == "ping"
    assert event.repository == Repository(id="", full_name="", url="")
    assert event.account == Account(id="", login="")


def test_a_github_push_is_read_with_its_new_commits():
    event = github_event("push", GH_PUSH)

    assert (event.kind, event.action) == ("push", "pushed")
    assert event.repository == Repository(
        id="1296269", full_name="octocat/Hello-World", url="https://github.com/octocat/Hello-World"
    )
    assert event.account == Account(id="583231", login="octocat")
    assert event.ref == "refs/heads/main"
    assert event.base_branch == "main"
    assert event.head_sha == SHA_A == event.object_id
    assert event.url.startswith("https://github.com/octocat/Hello-World/compare/")
    # The merged-in commit (distinct: false) was pushed before: it is not new work.
    assert event.commits == (
        Commit(
            sha=SHA_A,
            message="Fix the fan count\n\nIt was off by one.",
            url=f"https://github.com/octocat/Hello-World/commit/{SHA_A}",
            author="newcomer@example.com",
        ),
    )
    assert event.occurred_at == datetime(2026, 3, 1, 3, 59, 30, tzinfo=UTC)
    assert event.number is None and event.author is None


def test_a_deleted_branch_is_a_push_with_nothing_in_it():
    payload = {**GH_PUSH, "deleted": True, "after": "0" * 40, "commits": [], "head_commit": None}

    event = github_event("push", payload)

    assert (event.action, event.commits, event.occurred_at) == ("deleted", (), None)


def test_an_opened_github_pull_request_is_read_field_by_field():
    event = github_event("pull_request", gh_pull_request("opened"))

    assert (event.kind, event.action) == ("pull_request", "opened")
    assert event.account == Account(id="583231", login="octocat")
    assert event.author == Account(id="9919", login="newcomer")
    assert event.number == 1347
    assert event.object_id == "1"
    assert event.title == "Amazing new feature"
    assert event.url == "https://github.com/octocat/Hello-World/pull/1347"
    assert event.body == "Please pull these awesome changes in!\n\nfanrepublic-link: FR-7Q2X"
    assert event.base_branch == "main"
    assert event.head_sha == SHA_A
    assert event.occurred_at == datetime(2026, 2, 28, 19, 1, 12, tzinfo=UTC)
    # The test merge GitHub computes for an open PR is not a merge.
    assert (event.merged, event.merged_at, event.merge_commit_sha) == (False, None, "")


def test_a_merged_github_pull_request_carries_its_merge():
    event = github_event("pull_request", GH_MERGED)

    assert (event.action, event.merged) == ("merged", True)
    assert event.merged_at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC) == event.occurred_at
    assert event.merge_commit_sha == SHA_MERGE
    assert event.author.login == "newcomer"  # the contributor, not octocat who merged


def test_a_github_pull_request_closed_without_merging_is_closed_not_merged():
    payload = gh_pull_request("closed", state="closed", closed_at="2026-03-01T12:00:00Z")

    event = github_event("pull_request", payload)

    assert (event.action, event.merged, event.merged_at, event.merge_commit_sha) == (
        "closed",
        False,
        None,
        "",
    )
    assert event.occurred_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "read_as"), [("reopened", "reopened"), ("synchronize", "updated"), ("edited", "edited")]
)
def test_other_github_pull_request_actions_are_normalised(action, read_as):
    assert github_event("pull_request", gh_pull_request(action)).action == read_as


@pytest.mark.parametrize("action", ["labeled", "assigned", "review_requested", "locked", ["opened"], None])
def test_github_pull_request_actions_that_count_for_nothing_give_no_event(action):
    assert read_events(github("pull_request", gh_pull_request(action))) == []


def test_an_approving_github_review_is_read():
    event = github_event("pull_request_review", GH_REVIEW)

    assert (event.kind, event.action) == ("review", "approved")
    assert event.account == Account(id="583231", login="octocat")
    assert event.author == Account(id="9919", login="newcomer")
    assert (event.number, event.object_id, event.body) == (1347, "80", "Looks good to me.")
    assert event.url.endswith("#pullrequestreview-80")
    assert event.occurred_at == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("action", "state", "read_as"),
    [
        ("submitted", "changes_requested", "changes_requested"),
        ("submitted", "COMMENTED", "commented"),
        ("dismissed", "dismissed", "dismissed"),
    ],
)
def test_other_github_reviews_are_read(action, state, read_as):
    payload = {**GH_REVIEW, "action": action, "review": {**GH_REVIEW["review"], "state": state}}

    assert github_event("pull_request_review", payload).action == read_as


def test_a_github_review_without_a_known_state_is_malformed():
    payload = {**GH_REVIEW, "review": {**GH_REVIEW["review"], "state": "pending"}}

    assert refused(read_events, github("pull_request_review", payload)) == "malformed"


def test_a_comment_on_a_github_pull_request_is_read():
    event = github_event("issue_comment", GH_ISSUE_COMMENT)

    assert (event.kind, event.action) == ("comment", "created")
    assert event.account == Account(id="9919", login="newcomer") == event.author
    assert (event.number, event.object_id) == (1347, "1362")
    assert event.body == "My Fan Republic code: FR-7Q2X"
    assert event.url.endswith("#issuecomment-1362")
    assert event.title == "Amazing new feature"


def test_a_comment_on_a_plain_github_issue_gives_no_event():
    issue = {key: value for key, value in GH_ISSUE_COMMENT["issue"].items() if key != "pull_request"}

    assert read_events(github("issue_comment", {**GH_ISSUE_COMMENT, "issue": issue})) == []


def test_a_review_comment_on_a_line_is_a_comment_too():
    payload = {
        "action": "created",
        "comment": {**GH_ISSUE_COMMENT["comment"], "id": 2000, "path": "README.md", "line": 3},
        "pull_request": GH_PULL,
        "repository": GH_REPO,
        "sender": GH_CONTRIBUTOR,
    }

    event = github_event("pull_request_review_comment", payload)

    assert (event.kind, event.object_id, event.base_branch) == ("comment", "2000", "main")


def test_events_the_programme_does_not_follow_give_no_event():
    assert (
        read_events(github("star", {"action": "created", "repository": GH_REPO, "sender": GH_SENDER})) == []
    )


# --- Gitee: reading -----------------------------------------------------------------------


def test_a_gitee_push_is_read_with_the_repository_path_not_its_display_name():
    event = gitee_event("Push Hook", GT_PUSH)

    assert (event.host, event.kind, event.action) == ("gitee", "push", "pushed")
    assert event.repository == Repository(
        id="120249025", full_name="oschina/gitee", url="https://gitee.com/oschina/gitee"
    )
    assert event.account == Account(id="1", login="robot")
    assert (event.ref, event.base_branch, event.head_sha) == (
        "refs/heads/change_commitlint_config",
        "change_commitlint_config",
        SHA_A,
    )
    assert event.commits == (
        Commit(
            sha=SHA_A,
            message="Update README.md",
            url=f"https://gitee.com/oschina/gitee/commit/{SHA_A}",
            author="robot",
        ),
    )
    assert event.occurred_at == datetime(2026, 3, 1, 11, 46, 46, tzinfo=UTC)


def test_an_opened_gitee_merge_request_is_read_field_by_field():
    event = gitee_event("Merge Request Hook", gt_merge_request("open"))

    assert (event.kind, event.action) == ("pull_request", "opened")
    assert event.account == Account(id="1", login="robot")
    assert event.author == Account(id="7", login="xiaoming")
    assert (event.number, event.object_id) == (1, "167750879")
    assert event.title == "第三方登录的账号没有密码的问题"
    assert event.url == "https://gitee.com/oschina/gitee/pulls/1"
    assert event.body == ""  # Gitee sends null for an empty description
    assert (event.base_branch, event.head_sha) == ("master", SHA_A)
    assert (event.merged, event.merged_at, event.merge_commit_sha) == (False, None, "")
    assert event.occurred_at == datetime(2026, 2, 28, 15, 46, 46, tzinfo=UTC)


def test_a_merged_gitee_merge_request_carries_its_merge():
    event = gitee_event("Merge Request Hook", GT_MERGED)

    assert (event.action, event.merged) == ("merged", True)
    assert event.merged_at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    assert event.merge_commit_sha == SHA_MERGE
    assert event.author.login == "xiaoming"


def test_a_gitee_merge_request_closed_without_merging_is_closed_not_merged():
    payload = gt_merge_request("close", state="closed", closed_at="2026-03-01T20:00:00+08:00")

    event = gitee_event("Merge Request Hook", payload)

    assert (event.action, event.merged, event.merged_at, event.merge_commit_sha) == (
        "closed",
        False,
        None,
        "",
    )


def test_a_gitee_update_is_an_updated_pull_request():
    assert gitee_event("Merge Request Hook", gt_merge_request("update")).action == "updated"


def test_a_gitee_approval_is_read_as_an_approving_review_by_the_sender():
    event = gitee_event("Merge Request Hook", gt_merge_request("approved"))

    assert (event.kind, event.action, event.body) == ("review", "approved", "")
    assert event.account.login == "robot"
    assert event.author.login == "xiaoming"


@pytest.mark.parametrize("action", ["test", "tested", "assign", "", 7])
def test_gitee_merge_request_actions_that_count_for_nothing_give_no_event(action):
    assert read_events(gitee("Merge Request Hook", gt_merge_request(action))) == []


def test_a_gitee_comment_on_a_pull_request_is_read():
    event = gitee_event("Note Hook", GT_NOTE)

    assert (event.kind, event.action) == ("comment", "created")
    assert event.account == Account(id="7", login="xiaoming") == event.author
    assert (event.number, event.object_id) == (1, "42")
    assert event.body == "我的 Fan Republic 绑定码：FR-7Q2X"
    assert event.url == "https://gitee.com/oschina/gitee/pulls/1#note_42"
    assert event.occurred_at == datetime(2026, 3, 1, 11, 10, tzinfo=UTC)


def test_a_gitee_comment_on_an_issue_gives_no_event():
    payload = {**GT_NOTE, "noteable_type": "Issue", "issue": {"number": "IG6E9", "title": "IE 浏览器报错"}}

    assert read_events(gitee("Note Hook", payload)) == []


def test_gitees_test_button_is_a_ping_whatever_data_it_carries():
    delivery = gitee("Push Hook", GT_PUSH, ping=True)

    (event,) = read_events(delivery)

    assert delivery.event == "ping"
    assert (event.kind, event.commits) == ("ping", ())
    assert event.repository.full_name == "oschina/gitee"


def test_gitee_issue_and_tag_hooks_give_no_event():
    assert read_events(gitee("Issue Hook", {"hook_name": "issue_hooks"})) == []
    assert read_events(gitee("Tag Push Hook", {**GT_PUSH, "ref": "refs/tags/v1.0"})) == []


def test_a_gitee_user_without_an_id_keeps_the_login():
    sender = {key: value for key, value in GT_USER.items() if key not in ("id", "login")}

    event = gitee_event("Push Hook", {**GT_PUSH, "sender": sender})

    assert event.account == Account(id="", login="robot")


# --- reading defensively ------------------------------------------------------------------


def test_odd_unicode_in_a_title_comes_out_clean():
    # NUL, a lone surrogate escaped in the JSON text, a right-to-left override, a tab and a
    # line break: none of them may reach a single-line field.
    raw = body_of(gh_pull_request("opened", title="PLACEHOLDER")).replace(
        b'"PLACEHOLDER"', b'"Fix\\u0000 the \\ud800 cart\\u202e gnp.exe\\tand\\nmore"'
    )
    headers = sign_github(body=raw, secret=SECRET, event="pull_request")

    (event,) = read_events(verify_github(headers=headers, body=raw, secret=SECRET))

    assert event.title == "Fix the \ufffd cart gnp.exe and more"
    event.title.encode("utf-8")  # storable: no lone surrogate left


def test_odd_unicode_in_a_body_keeps_the_lines_but_loses_nul_and_surrogates():
    payload = gh_pull_request("opened", body="line one\x00\r\nline two \ud800\x1b[31m red")

    event = github_event("pull_request", payload)

    assert event.body == "line one\r\nline two \ufffd[31m red"


def test_an_escaped_surrogate_pair_is_a_real_character_and_is_kept():
    payload = gh_pull_request("opened", title="Fix 😀")
    raw = body_of(payload)
    assert b"\\ud83d\\ude00" in raw  # json.dumps escapes the emoji as a surrogate pair

    assert github_event("pull_request", payload).title == "Fix 😀"


def test_long_texts_are_capped():
    many_lines = "x" * 60 + "\n"
    payload = gh_pull_request("opened", title="t" * 1000, body=many_lines * 1000)
    push = {**GH_PUSH, "commits": [{**GH_PUSH["commits"][1], "message": "m" * 9000}]}

    event = github_event("pull_request", payload)
    commit = github_event("push", push).commits[0]

    assert len(event.title) == TITLE_MAX
    assert len(event.body) == BODY_MAX
    assert len(commit.message) == COMMIT_MESSAGE_MAX


def test_a_link_that_is_not_a_web_address_is_dropped():
    payload = gh_pull_request("opened", html_url="javascript:alert(1)")

    assert github_event("pull_request", payload).url == ""


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("pull_request", gh_pull_request("opened", title=["not", "text"])),
        ("pull_request", gh_pull_request("opened", number="1347")),
        ("pull_request", gh_pull_request("opened", user=None)),
        ("pull_request", gh_pull_request("opened", id=True)),
        ("pull_request", {**gh_pull_request("opened"), "sender": None}),
        ("pull_request", {**gh_pull_request("opened"), "repository": None}),
        ("pull_request", {"action": "opened", "repository": GH_REPO, "sender": GH_SENDER}),
        ("push", {**GH_PUSH, "ref": None}),
        ("push", {**GH_PUSH, "after": "not-a-sha"}),
        ("push", {**GH_PUSH, "commits": ["not", "objects"]}),
        ("push", {**GH_PUSH, "commits": [{**GH_PUSH["commits"][1], "id": None}]}),
        ("issue_comment", {**GH_ISSUE_COMMENT, "comment": None}),
    ],
)
def test_a_github_payload_missing_what_its_event_needs_is_malformed(event, payload):
    assert refused(read_events, github(event, payload)) == "malformed"


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("Push Hook", {**GT_PUSH, "sender": {"name": "no id, no login"}}),
        ("Push Hook", {**GT_PUSH, "repository": {**GT_REPO, "path_with_namespace": None, "full_name": None}}),
        ("Merge Request Hook", {**gt_merge_request("open"), "pull_request": None}),
        ("Note Hook", {**GT_NOTE, "comment": {**GT_NOTE["comment"], "id": "forty-two"}}),
    ],
)
def test_a_gitee_payload_missing_what_its_event_needs_is_malformed(event, payload):
    assert refused(read_events, gitee(event, payload)) == "malformed"
