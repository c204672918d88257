"""Who may use each launch page and API operation: the table, run against every role
(fanrepublic/core/tests/access.py). Operators and founders create events; an event's
host (here: the member) and the organisers run its console; members take part.

A question not asked yet (a draft) is the host's surprise: on every answer path it is
as missing (404) to anyone who does not run the event, as is a question that does not
exist. An open question is visible to all: members who have not joined the hall are
told to join first (403)."""

from fanrepublic.core.tests.access import EVERYONE, MEMBER, SIGNED_IN, access_test, api, page
from fanrepublic.launches.tests.factories import LaunchEventFactory, LiveQuestionFactory, open_question

ORGANISERS = ("operator", "founder")
HOSTS = (MEMBER, *ORGANISERS)


def event(w):
    """A live event the member hosts."""
    return w.once("event", lambda: LaunchEventFactory(host=w.member))


def slug(w):
    return {"slug": event(w).slug}


def question(w):
    return w.once("question", lambda: LiveQuestionFactory(event=event(w)))


def question_args(w):
    return {"slug": event(w).slug, "question_id": question(w).pk}


def asked(w):
    """A question the host has opened: everyone sees it."""
    return w.once("asked", lambda: open_question(event=event(w)))


def asked_args(w):
    return {"slug": event(w).slug, "question_id": asked(w).pk}


def form_answer(question_of):
    return lambda w: {"question": question_of(w).pk, "option": question_of(w).options.first().pk}


AVATAR = {"hue": 30, "shape": "round", "eyes": "dots", "accessory": "none"}

ACCESS = (
    page("launches:index", EVERYONE),
    page("launches:hall", EVERYONE, args=slug),
    page("launches:live_json", EVERYONE, args=slug),
    page("launches:new", ORGANISERS, visitor=302),
    page("launches:avatar", SIGNED_IN, visitor=302),
    page("launches:avatar_preview", SIGNED_IN, visitor=302),
    page("launches:join", SIGNED_IN, ok=302, args=slug, method="post", visitor=302),
    page(
        "launches:answer",
        SIGNED_IN,
        ok=302,
        args=slug,
        data=form_answer(asked),
        method="post",
        visitor=302,
        note="an open question: back to the hall, told to join first",
    ),
    page(
        "launches:answer",
        HOSTS,
        ok=302,
        args=slug,
        data=form_answer(question),
        method="post",
        visitor=302,
        note="a draft: the hosts see it (told to join first), everyone else 404",
    ),
    page(
        "launch_answer",
        (),
        args=lambda w: {"slug": event(w).slug, "question_id": question(w).pk, "option_id": 1},
        method="post",
        others=401,
        note="the answer path takes a hall pass (X-Hall-Pass), never a session: without one, "
        "401, as the API answers a caller without valid credentials",
    ),
    page("launches:host", HOSTS, args=slug, visitor=302),
    page("launches:host_action", HOSTS, ok=302, args=slug, method="post", visitor=302),
    api("GET /api/v1/launches", EVERYONE),
    api("GET /api/v1/launches/{slug}", EVERYONE, args=slug),
    api("GET /api/v1/launches/avatar", SIGNED_IN, visitor=401),
    api("PUT /api/v1/launches/avatar", SIGNED_IN, data=lambda w: AVATAR, visitor=401),
    api("POST /api/v1/launches/{slug}/join", SIGNED_IN, args=slug, visitor=401),
    api(
        "POST /api/v1/launches/{slug}/questions/{question_id}/answer",
        SIGNED_IN,
        ok=403,
        args=asked_args,
        data=lambda w: {"option": asked(w).options.first().pk},
        visitor=401,
        note="an open question: members reach the service, which wants them to join first (403)",
    ),
    api(
        "POST /api/v1/launches/{slug}/questions/{question_id}/answer",
        HOSTS,
        ok=403,
        args=question_args,
        data=lambda w: {"option": question(w).options.first().pk},
        visitor=401,
        note="a draft: the hosts see it (join first, 403), everyone else 404 as for a missing one",
    ),
    api(
        "POST /api/v1/launches/{slug}/questions",
        HOSTS,
        ok=201,
        args=slug,
        data=lambda w: {"prompt": "Titanium?", "options": [{"label": "Yes"}, {"label": "No"}]},
        visitor=401,
    ),
    api("POST /api/v1/launches/{slug}/questions/{question_id}/open", HOSTS, args=question_args, visitor=401),
    api(
        "POST /api/v1/launches/{slug}/questions/{question_id}/close",
        HOSTS,
        ok=409,
        args=question_args,
        visitor=401,
    ),
    api(
        "POST /api/v1/launches/{slug}/start", HOSTS, ok=409, args=slug, visitor=401, note="already live: 409"
    ),
    api("POST /api/v1/launches/{slug}/end", HOSTS, args=slug, visitor=401),
)

test_access = access_test(ACCESS)
