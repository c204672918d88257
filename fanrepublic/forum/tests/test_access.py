"""Who may use each forum page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Anyone reads visible topics; members post, reply,
like, vote and flag; engineers, operators and founders answer feedback (status changes,
merges, claims, the desk, replies to locked topics); operators and founders moderate
(hide, lock, pin, move, flags, editing anyone's post, seeing hidden topics) and read the
metrics. A hidden topic or reply is missing (404) to everyone else; a visible topic
answers 403 to a signed-in role that may not act on it."""

from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.forum.enums import TopicKind
from fanrepublic.forum.tests.factories import BoardFactory, FlagFactory, ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory

ANSWER = ("engineer", "operator", "founder")  # can_answer_feedback
MODERATE = ("operator", "founder")  # can_moderate, can_view_metrics
EDIT_OWN = (MEMBER, *MODERATE)  # the author (the member) within the edit window, moderators


def board(w):
    return w.once("board", lambda: BoardFactory())


def other_board(w):
    return w.once("other_board", lambda: BoardFactory())


def author(w):
    """A member who is none of the roles: the author of the topics the roles act on."""
    return w.once("author", lambda: MemberFactory())


def topic(w):
    """A visible suggestion by someone else."""
    return w.once("topic", lambda: TopicFactory(board=board(w), author=author(w)))


def original(w):
    return w.once("original", lambda: TopicFactory(board=board(w), author=author(w)))


def own_topic(w):
    return w.once("own_topic", lambda: TopicFactory(board=board(w), author=w.member))


def hidden_topic(w):
    return w.once("hidden_topic", lambda: TopicFactory(board=board(w), author=w.member, is_hidden=True))


def locked_topic(w):
    return w.once(
        "locked_topic",
        lambda: TopicFactory(board=board(w), author=author(w), kind=TopicKind.DISCUSSION, is_locked=True),
    )


def reply(w):
    return w.once("reply", lambda: ReplyFactory(topic=topic(w), author=author(w)))


def own_reply(w):
    return w.once("own_reply", lambda: ReplyFactory(topic=topic(w), author=w.member))


def hidden_reply(w):
    return w.once("hidden_reply", lambda: ReplyFactory(topic=topic(w), author=w.member, is_hidden=True))


def flag(w):
    return w.once("flag", lambda: FlagFactory(topic=topic(w), reporter=author(w)))


def pk(build):
    return lambda w: {"pk": build(w).pk}


def topic_id(build):
    return lambda w: {"topic_id": build(w).pk}


def reply_id(build):
    return lambda w: {"reply_id": build(w).pk}


ACCESS = (
    # Reading -------------------------------------------------------------------------
    page("forum:home", EVERYONE),
    page("forum:search", EVERYONE, args=lambda w: {"?": "q=dark"}),
    page("forum:board", EVERYONE, args=lambda w: {"slug": board(w).slug}),
    page("forum:topic", EVERYONE, args=pk(topic)),
    page("forum:topic", MODERATE, args=pk(hidden_topic), note="a hidden topic"),
    page("forum:reply", EVERYONE, ok=302, args=pk(reply), note="redirects to the reply on its page"),
    page("forum:reply", MODERATE, ok=302, args=pk(hidden_reply), note="a hidden reply"),
    # Posting -------------------------------------------------------------------------
    page("forum:topic_create", SIGNED_IN, args=lambda w: {"slug": board(w).slug}, visitor=302),
    page(
        "forum:topic_create",
        SIGNED_IN,
        ok=302,
        args=lambda w: {"slug": board(w).slug},
        method="post",
        data=lambda w: {"kind": "suggestion", "title": "A dark mode", "body": "Please."},
        visitor=302,
    ),
    page(
        "forum:topic_edit",
        EDIT_OWN,
        args=pk(own_topic),
        others=302,
        note="others are sent back to the topic with a message",
    ),
    page("forum:topic_edit", MODERATE, args=pk(hidden_topic), visitor=302, note="a hidden topic"),
    page(
        "forum:reply_create",
        SIGNED_IN,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"body": "Same here."},
        visitor=302,
    ),
    page(
        "forum:reply_create",
        ANSWER,
        ok=302,
        args=pk(locked_topic),
        method="post",
        data=lambda w: {"body": "Same here."},
        others=403,
        visitor=302,
        note="a locked topic: staff who answer feedback may still reply",
    ),
    page(
        "forum:reply_create",
        MODERATE,
        ok=302,
        args=pk(hidden_topic),
        method="post",
        data=lambda w: {"body": "Same here."},
        visitor=302,
        note="a hidden topic",
    ),
    page("forum:reply_edit", EDIT_OWN, args=pk(own_reply), others=302),
    page("forum:reply_edit", MODERATE, args=pk(hidden_reply), visitor=302, note="a hidden reply"),
    page(
        "forum:topic_like",
        SIGNED_IN,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"liked": "1"},
        visitor=302,
    ),
    page(
        "forum:topic_like",
        MODERATE,
        ok=302,
        args=pk(hidden_topic),
        method="post",
        data=lambda w: {"liked": "1"},
        visitor=302,
        note="a hidden topic",
    ),
    page(
        "forum:reply_like",
        SIGNED_IN,
        ok=302,
        args=pk(reply),
        method="post",
        data=lambda w: {"liked": "1"},
        visitor=302,
    ),
    page(
        "forum:topic_vote",
        SIGNED_IN,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"voted": "1"},
        visitor=302,
    ),
    page(
        "forum:topic_vote",
        MODERATE,
        ok=302,
        args=pk(hidden_topic),
        method="post",
        data=lambda w: {"voted": "1"},
        visitor=302,
        note="a hidden topic",
    ),
    page("forum:flag", SIGNED_IN, args=lambda w: {"kind": "topic", "pk": topic(w).pk}, visitor=302),
    page(
        "forum:flag",
        SIGNED_IN,
        ok=302,
        args=lambda w: {"kind": "reply", "pk": reply(w).pk},
        method="post",
        data=lambda w: {"reason": "spam"},
        visitor=302,
    ),
    page(
        "forum:flag",
        MODERATE,
        args=lambda w: {"kind": "topic", "pk": hidden_topic(w).pk},
        visitor=302,
        note="a hidden topic",
    ),
    # Answering feedback: engineers, operators, founders ------------------------------
    page(
        "forum:topic_status",
        ANSWER,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"status": "planned", "note": "On the list."},
        others=403,
        visitor=302,
    ),
    page(
        "forum:topic_merge",
        ANSWER,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"original": original(w).pk, "note": "Same request."},
        others=403,
        visitor=302,
    ),
    page("forum:topic_claim", ANSWER, ok=302, args=pk(topic), method="post", others=403, visitor=302),
    page("forum:topic_claim", MODERATE, ok=302, args=pk(hidden_topic), method="post", visitor=302),
    page("forum:desk", ANSWER, visitor=302),
    page(
        "forum:desk_answer",
        ANSWER,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {f"answer-{topic(w).pk}-body": "Thanks, noted."},
        visitor=302,
    ),
    # Moderation: operators, founders -------------------------------------------------
    page(
        "forum:topic_moderate",
        MODERATE,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"action": "lock"},
        others=403,
        visitor=302,
    ),
    page(
        "forum:topic_moderate",
        MODERATE,
        ok=302,
        args=pk(hidden_topic),
        method="post",
        data=lambda w: {"action": "unhide"},
        visitor=302,
        note="a hidden topic",
    ),
    page(
        "forum:topic_move",
        MODERATE,
        ok=302,
        args=pk(topic),
        method="post",
        data=lambda w: {"board": other_board(w).pk},
        others=403,
        visitor=302,
    ),
    page(
        "forum:reply_moderate",
        MODERATE,
        ok=302,
        args=pk(reply),
        method="post",
        data=lambda w: {"hidden": "1", "reason": "Off topic."},
        others=403,
        visitor=302,
    ),
    page(
        "forum:reply_moderate",
        MODERATE,
        ok=302,
        args=pk(hidden_reply),
        method="post",
        data=lambda w: {"hidden": "0"},
        visitor=302,
        note="a hidden reply",
    ),
    page("forum:flags", MODERATE, visitor=302),
    page(
        "forum:flag_resolve",
        MODERATE,
        ok=302,
        args=pk(flag),
        method="post",
        data=lambda w: {"decision": "dismiss"},
        visitor=302,
    ),
    page("forum:metrics", MODERATE, visitor=302),
    # API ------------------------------------------------------------------------------
    api("GET /api/v1/boards", EVERYONE),
    api("GET /api/v1/boards/{slug}", EVERYONE, args=lambda w: {"slug": board(w).slug}),
    api("GET /api/v1/topics", EVERYONE),
    api(
        "POST /api/v1/topics",
        SIGNED_IN,
        ok=201,
        data=lambda w: {"board": board(w).slug, "kind": "bug", "title": "It crashes", "body": "On start."},
        visitor=401,
    ),
    api("GET /api/v1/topics/{topic_id}", EVERYONE, args=topic_id(topic)),
    api("GET /api/v1/topics/{topic_id}", MODERATE, args=topic_id(hidden_topic), note="a hidden topic"),
    api(
        "PATCH /api/v1/topics/{topic_id}",
        EDIT_OWN,
        args=topic_id(own_topic),
        data=lambda w: {"title": "A dark mode, please", "body": "Edited."},
        others=403,
        visitor=401,
    ),
    api(
        "PATCH /api/v1/topics/{topic_id}",
        MODERATE,
        args=topic_id(hidden_topic),
        data=lambda w: {"title": "A dark mode, please", "body": "Edited."},
        visitor=401,
        note="a hidden topic",
    ),
    api("GET /api/v1/topics/{topic_id}/replies", EVERYONE, args=topic_id(topic)),
    api("GET /api/v1/topics/{topic_id}/replies", MODERATE, args=topic_id(hidden_topic)),
    api(
        "POST /api/v1/topics/{topic_id}/replies",
        SIGNED_IN,
        ok=201,
        args=topic_id(topic),
        data=lambda w: {"body": "Same here."},
        visitor=401,
    ),
    api(
        "POST /api/v1/topics/{topic_id}/replies",
        ANSWER,
        ok=201,
        args=topic_id(locked_topic),
        data=lambda w: {"body": "Same here."},
        others=403,
        visitor=401,
        note="a locked topic",
    ),
    api(
        "POST /api/v1/topics/{topic_id}/replies",
        MODERATE,
        ok=201,
        args=topic_id(hidden_topic),
        data=lambda w: {"body": "Same here."},
        visitor=401,
        note="a hidden topic",
    ),
    api(
        "PATCH /api/v1/replies/{reply_id}",
        EDIT_OWN,
        args=reply_id(own_reply),
        data=lambda w: {"body": "Edited."},
        others=403,
        visitor=401,
    ),
    api(
        "PATCH /api/v1/replies/{reply_id}",
        MODERATE,
        args=reply_id(hidden_reply),
        data=lambda w: {"body": "Edited."},
        visitor=401,
        note="a hidden reply",
    ),
    api("PUT /api/v1/topics/{topic_id}/vote", SIGNED_IN, args=topic_id(topic), visitor=401),
    api("PUT /api/v1/topics/{topic_id}/vote", MODERATE, args=topic_id(hidden_topic), visitor=401),
    api("DELETE /api/v1/topics/{topic_id}/vote", SIGNED_IN, args=topic_id(topic), visitor=401),
    api("PUT /api/v1/topics/{topic_id}/like", SIGNED_IN, args=topic_id(topic), visitor=401),
    api("PUT /api/v1/topics/{topic_id}/like", MODERATE, args=topic_id(hidden_topic), visitor=401),
    api("DELETE /api/v1/topics/{topic_id}/like", SIGNED_IN, args=topic_id(topic), visitor=401),
    api("PUT /api/v1/replies/{reply_id}/like", SIGNED_IN, args=reply_id(reply), visitor=401),
    api("PUT /api/v1/replies/{reply_id}/like", MODERATE, args=reply_id(hidden_reply), visitor=401),
    api("DELETE /api/v1/replies/{reply_id}/like", SIGNED_IN, args=reply_id(reply), visitor=401),
    api("GET /api/v1/topics/{topic_id}/statuses", EVERYONE, args=topic_id(topic)),
    api("GET /api/v1/topics/{topic_id}/statuses", MODERATE, args=topic_id(hidden_topic)),
    api(
        "POST /api/v1/topics/{topic_id}/statuses",
        ANSWER,
        ok=201,
        args=topic_id(topic),
        data=lambda w: {"status": "planned", "note": "On the list."},
        others=403,
        visitor=401,
    ),
    api(
        "POST /api/v1/topics/{topic_id}/statuses",
        MODERATE,
        ok=201,
        args=topic_id(hidden_topic),
        data=lambda w: {"status": "planned", "note": "On the list."},
        visitor=401,
        note="a hidden topic",
    ),
    api(
        "POST /api/v1/topics/{topic_id}/merge",
        ANSWER,
        args=topic_id(topic),
        data=lambda w: {"original_id": original(w).pk, "note": "Same request."},
        others=403,
        visitor=401,
    ),
)

test_access = access_test(ACCESS)
