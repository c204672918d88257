"""The hall, the host console, the avatar page, the scaled cast endpoint and the API:
what each role may do, and what bad input answers."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.core.models import AuditEntry
from fanrepublic.governance.tests.test_pages import bearer
from fanrepublic.launches import ballot_queue, services
from fanrepublic.launches.enums import EventStatus, QuestionStatus
from fanrepublic.launches.models import Attendance, Avatar, LaunchEvent, LiveBallot, LiveQuestion
from fanrepublic.launches.tests.factories import (
    LaunchEventFactory,
    LiveQuestionFactory,
    ScheduleItemFactory,
    open_question,
    settle,
)
from fanrepublic.members.tests.factories import MemberFactory, operator

pytestmark = pytest.mark.django_db


def cast_url(event, question_id, option_id):
    return reverse("launch_answer", args=[event.slug, question_id, option_id])


class TestHall:
    def test_anyone_sees_the_hall_schedule_and_current_question(self, client):
        question = open_question()
        ScheduleItemFactory(event=question.event, title="Unboxing")
        page = client.get(question.event.get_absolute_url()).content.decode()
        assert question.prompt in page and "Unboxing" in page and "Sign in to join" in page
        assert 'data-pass=""' in page

    def test_pages_in_chinese(self, client):
        question = open_question()
        ScheduleItemFactory(event=question.event)
        page = client.get(question.event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "橙子手机 3 要出钛金属版吗？" in page and "开场" in page and "日程" in page
        index = client.get(reverse("launches:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "橙子手机 3 发布会" in index and "正在直播" in index

    def test_a_member_joins_answers_and_sees_their_answer(self, client):
        question = open_question()
        fan = MemberFactory(display_name="Orange Owl")
        client.force_login(fan)
        client.post(reverse("launches:join", args=[question.event.slug]))
        page = client.get(question.event.get_absolute_url()).content.decode()
        assert 'data-testid="answer"' in page and "Orange Owl" in page
        # the page carries this member's pass for this event (signed at the page's second,
        # so it is read back rather than compared with one signed now)
        shown_pass = re.search(r'data-pass="([^"]+)"', page).group(1)
        assert services.read_pass(shown_pass, question.event.pk) == fan.pk
        yes = question.options.first()
        client.post(
            reverse("launches:answer", args=[question.event.slug]),
            {"question": question.pk, "option": yes.pk},
        )
        settle()
        page = client.get(question.event.get_absolute_url()).content.decode()
        assert "Your answer" in page and 'data-testid="answer"' not in page
        assert LiveBallot.objects.get(question=question).member == fan

    def test_answering_without_joining_or_twice_is_refused_with_a_message(self, client):
        question = open_question()
        yes = question.options.first()
        fan = MemberFactory()
        client.force_login(fan)
        url = reverse("launches:answer", args=[question.event.slug])
        page = client.post(url, {"question": question.pk, "option": yes.pk}, follow=True).content.decode()
        assert "Join the hall to vote" in page and not LiveBallot.objects.exists()
        client.post(reverse("launches:join", args=[question.event.slug]))
        client.post(url, {"question": question.pk, "option": yes.pk})
        page = client.post(url, {"question": question.pk, "option": yes.pk}, follow=True).content.decode()
        settle()
        assert "already answered" in page and LiveBallot.objects.count() == 1

    def test_the_form_answers_404_for_a_question_the_member_cannot_see(self, client):
        question = open_question()
        draft = LiveQuestionFactory(event=question.event)
        fan = MemberFactory()
        services.join(member=fan, event=question.event)
        client.force_login(fan)
        url = reverse("launches:answer", args=[question.event.slug])
        for hidden in (draft.pk, LiveQuestionFactory().pk, 999999, "rubbish"):
            assert client.post(url, {"question": hidden, "option": 1}).status_code == 404
        settle()
        assert not LiveBallot.objects.exists()

    def test_an_ineligible_member_is_told_why(self, client):
        event = LaunchEventFactory(min_trust_level=3)
        client.force_login(MemberFactory(trust_level=1))
        page = client.get(event.get_absolute_url()).content.decode()
        assert "Needs trust level 3" in page and 'data-testid="join"' not in page
        client.post(reverse("launches:join", args=[event.slug]))
        assert not Attendance.objects.exists()

    def test_a_missing_event_is_404(self, client):
        assert client.get("/launches/nothing-here/").status_code == 404
        assert client.get("/launches/nothing-here/live.json").status_code == 404

    def test_live_json_gives_the_state_for_polling(self, client):
        question = open_question()
        fan = MemberFactory()
        services.join(member=fan, event=question.event)
        services.cast(
            member_id=fan.pk,
            event_id=question.event_id,
            question_id=question.pk,
            option_id=question.options.first().pk,
        )
        state = client.get(reverse("launches:live_json", args=[question.event.slug])).json()
        assert state["current"]["id"] == question.pk and state["total"] == 1 and state["attendees"] == 1
        assert state["current"]["prompt"]["zh"] == question.prompt_zh


class TestCastEndpoint:
    def test_a_hall_pass_casts_without_a_session_or_csrf_token(self, client):
        question = open_question()
        fan = MemberFactory()
        services.join(member=fan, event=question.event)
        url = cast_url(question.event, question.pk, question.options.first().pk)
        headers = {"HTTP_X_HALL_PASS": services.hall_pass(fan.pk, question.event)}
        response = client.post(url, **headers)
        assert response.status_code == 201 and response.json() == {"ok": True}
        again = client.post(url, **headers)
        assert again.status_code == 409 and again.json()["error"]["code"] == "already_voted"
        settle()
        assert LiveBallot.objects.count() == 1

    @pytest.mark.parametrize(
        "change, status",
        [
            ({"pass": "forged"}, 401),
            ({"pass": ""}, 401),
            ({"option": 0}, 422),
            ({"option": 10**20}, 422),
            ({"option": "other"}, 422),
            ({"question": 999999}, 404),
            ({"other_event_pass": True}, 401),
            ({"draft": True}, 404),
        ],
    )
    def test_bad_input_answers_clearly_and_records_nothing(self, client, change, status):
        question = open_question()
        fan = MemberFactory()
        hall_pass = services.hall_pass(fan.pk, question.event)
        if change.get("other_event_pass"):
            hall_pass = services.hall_pass(fan.pk, LaunchEventFactory())
        option = change.get("option", question.options.first().pk)
        if option == "other":
            option = LiveQuestionFactory(event=question.event).options.first().pk
        if change.get("draft"):
            # not asked yet: as missing to a member, whatever the option
            draft = LiveQuestionFactory(event=question.event)
            change["question"], option = draft.pk, draft.options.first().pk
        url = cast_url(question.event, change.get("question", question.pk), option)
        response = client.post(url, HTTP_X_HALL_PASS=change.get("pass", hall_pass))
        assert response.status_code == status and response.json()["error"]["message"]
        settle()
        assert not LiveBallot.objects.exists()

    def test_a_session_alone_is_not_a_hall_pass_401_as_in_the_api(self, client):
        # Given a member who joined and is signed in, posting without the pass
        question = open_question()
        fan = MemberFactory()
        services.join(member=fan, event=question.event)
        client.force_login(fan)
        response = client.post(cast_url(question.event, question.pk, question.options.first().pk))
        # Then 401 (send a valid pass), as the API answers a caller without credentials —
        # not 403, which would say they may not answer — and nothing is stored.
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert "reload the hall" in response.json()["error"]["message"]
        settle()
        assert not LiveBallot.objects.exists()

    def test_a_question_not_asked_yet_is_missing_to_members_and_not_open_to_its_host(self, client):
        question = LiveQuestionFactory(event=open_question().event)
        option = question.options.first().pk
        fan = MemberFactory()
        as_member = client.post(
            cast_url(question.event, question.pk, option),
            HTTP_X_HALL_PASS=services.hall_pass(fan.pk, question.event),
        )
        assert as_member.status_code == 404
        as_host = client.post(
            cast_url(question.event, question.pk, option),
            HTTP_X_HALL_PASS=services.hall_pass(question.event.host_id, question.event),
        )
        assert as_host.status_code == 409 and "not been asked" in as_host.json()["error"]["message"]
        settle()
        assert not LiveBallot.objects.exists()

    def test_an_address_that_is_not_numbers_is_not_found(self, client):
        question = open_question()
        url = cast_url(question.event, question.pk, 1).replace("/answer/1", "/answer/abc")
        assert client.post(url, HTTP_X_HALL_PASS="x").status_code == 404

    def test_errors_come_in_the_members_language(self, client):
        question = open_question()
        response = client.post(
            cast_url(question.event, question.pk, question.options.first().pk),
            HTTP_X_HALL_PASS="forged",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert "通行证" in response.json()["error"]["message"]

    def test_a_closed_question_takes_no_answer_and_get_is_not_allowed(self, client):
        question = LiveQuestionFactory(status=QuestionStatus.CLOSED)
        fan = MemberFactory()
        url = cast_url(question.event, question.pk, question.options.first().pk)
        response = client.post(url, HTTP_X_HALL_PASS=services.hall_pass(fan.pk, question.event))
        assert response.status_code == 409 and "closed" in response.json()["error"]["message"]
        assert client.get(url).status_code == 405


class TestHostConsole:
    def test_only_the_host_and_operators_see_the_console_others_get_404(self, client):
        event = LaunchEventFactory()
        url = reverse("launches:host", args=[event.slug])
        assert client.get(url).status_code == 302  # sign in first
        client.force_login(MemberFactory())
        assert client.get(url).status_code == 404
        assert (
            client.post(reverse("launches:host_action", args=[event.slug]), {"action": "end"}).status_code
            == 404
        )
        client.force_login(event.host)
        assert client.get(url).status_code == 200
        client.force_login(operator())
        assert client.get(url).status_code == 200

    def test_the_host_adds_opens_and_closes_questions(self, client):
        event = LaunchEventFactory(status=EventStatus.SCHEDULED)
        client.force_login(event.host)
        action = reverse("launches:host_action", args=[event.slug])
        client.post(action, {"action": "start"})
        response = client.post(
            action,
            {
                "action": "add",
                "prompt": "Colour?",
                "prompt_zh": "颜色？",
                "options": "Orange | 橙\nBlack | 黑",
            },
        )
        assert response.status_code == 302
        question = LiveQuestion.objects.get(event=event)
        assert [o.label_zh for o in question.options.all()] == ["橙", "黑"]
        client.post(action, {"action": "open", "question": question.pk})
        question.refresh_from_db()
        assert question.status == QuestionStatus.OPEN
        client.post(action, {"action": "close", "question": question.pk})
        client.post(action, {"action": "end"})
        question.refresh_from_db()
        event.refresh_from_db()
        assert question.status == QuestionStatus.CLOSED and event.status == EventStatus.ENDED
        assert AuditEntry.objects.filter(action__startswith="launches.").count() == 5

    def test_a_bad_question_is_shown_on_the_form_and_nothing_is_added(self, client):
        event = LaunchEventFactory()
        client.force_login(event.host)
        response = client.post(
            reverse("launches:host_action", args=[event.slug]),
            {"action": "add", "prompt": "Q", "options": "only one"},
        )
        assert response.status_code == 422 and "at least two options" in response.content.decode()
        assert not LiveQuestion.objects.exists()

    def test_opening_a_question_of_another_event_is_404_and_an_unknown_action_is_refused(self, client):
        event = LaunchEventFactory()
        elsewhere = LiveQuestionFactory()
        client.force_login(event.host)
        action = reverse("launches:host_action", args=[event.slug])
        page = client.post(action, {"action": "open", "question": elsewhere.pk}, follow=True).content.decode()
        assert "Not found" in page
        page = client.post(action, {"action": "explode"}, follow=True).content.decode()
        assert "Unknown action" in page
        elsewhere.refresh_from_db()
        assert elsewhere.status == QuestionStatus.DRAFT

    def test_operators_create_events_with_a_schedule_members_cannot(self, client):
        url = reverse("launches:new")
        client.force_login(MemberFactory())
        assert client.get(url).status_code == 404
        client.force_login(operator())
        start = (timezone.localtime() + timedelta(days=2)).replace(hour=19, minute=0, second=0, microsecond=0)
        form = {
            "slug": "phone-3-launch",
            "title": "Phone 3 launch",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "min_trust_level": 0,
            "schedule": "19:00 Welcome | 欢迎\n19:30 Unboxing",
        }
        bad = client.post(url, {**form, "schedule": "soon: the reveal"})
        assert bad.status_code == 422 and "Line 1" in bad.content.decode()
        assert not LaunchEvent.objects.exists()
        assert client.post(url, form).status_code == 302
        event = LaunchEvent.objects.get()
        assert [(timezone.localtime(i.starts_at).hour, i.title_zh) for i in event.schedule.all()] == [
            (19, "欢迎"),
            (19, ""),
        ]


class TestAvatar:
    def test_a_member_customises_their_avatar(self, client):
        fan = MemberFactory()
        client.force_login(fan)
        assert client.get(reverse("launches:avatar")).status_code == 200
        client.post(
            reverse("launches:avatar"), {"hue": 30, "shape": "drop", "eyes": "wide", "accessory": "cap"}
        )
        avatar = Avatar.objects.get(member=fan)
        assert (avatar.hue, avatar.shape, avatar.accessory) == (30, "drop", "cap")

    def test_bad_values_are_refused_with_the_form(self, client):
        client.force_login(MemberFactory())
        response = client.post(
            reverse("launches:avatar"), {"hue": 400, "shape": "star", "eyes": "x", "accessory": ""}
        )
        assert response.status_code == 422 and not Avatar.objects.exists()

    def test_visitors_are_sent_to_sign_in(self, client):
        assert client.get(reverse("launches:avatar")).status_code == 302
        assert client.get(reverse("launches:avatar_preview")).status_code == 302

    def test_the_preview_follows_the_form_without_saving(self, client):
        fan = MemberFactory()
        client.force_login(fan)
        url = reverse("launches:avatar_preview")
        preview = client.get(
            url, {"hue": 42, "shape": "hexagon", "eyes": "wink", "accessory": "crown"}
        ).content.decode()
        assert "hsl(42," in preview and "polygon" in preview and not Avatar.objects.exists()
        # Rubbish keeps the member's current (generated) avatar instead of failing.
        generated = client.get(url, {"hue": "red", "shape": "<script>"}).content.decode()
        assert generated.startswith("<svg") and "<script>" not in generated


class TestApi:
    def test_join_answer_and_read_the_event(self, client):
        question = open_question()
        LiveQuestionFactory(event=question.event, prompt="Secret next question")
        fan = MemberFactory()
        slug = question.event.slug
        hall_pass = client.post(f"/api/v1/launches/{slug}/join", **bearer(fan)).json()["hall_pass"]
        assert services.read_pass(hall_pass, question.event_id) == fan.pk
        option = question.options.first().pk
        url = f"/api/v1/launches/{slug}/questions/{question.pk}/answer"
        assert client.post(url, {"option": option}, "application/json", **bearer(fan)).status_code == 201
        again = client.post(url, {"option": option}, "application/json", **bearer(fan))
        assert again.status_code == 409
        event = client.get(f"/api/v1/launches/{slug}").json()
        assert [q["total"] for q in event["questions"]] == [1]  # the draft stays hidden
        assert "Secret next question" not in str(event)
        assert client.get("/api/v1/launches").json()[0]["slug"] == slug

    def test_a_question_a_member_cannot_see_is_404_whether_or_not_they_joined(self, client):
        # Given a live event with an open question, a draft and another event's question
        question = open_question()
        draft = LiveQuestionFactory(event=question.event)
        elsewhere = open_question()
        fan = MemberFactory()
        slug = question.event.slug

        def answer(question_id, option):
            url = f"/api/v1/launches/{slug}/questions/{question_id}/answer"
            return client.post(url, {"option": option}, "application/json", **bearer(fan)).status_code

        # Then a member who has not joined is told to join for the open question only,
        # and the others are missing (404), as is one that does not exist
        assert answer(question.pk, question.options.first().pk) == 403
        for hidden in (draft, elsewhere):
            assert answer(hidden.pk, hidden.options.first().pk) == 404
        assert answer(999999, 1) == 404
        # And once joined, the same: never 409 "not asked yet" for a draft
        client.post(f"/api/v1/launches/{slug}/join", **bearer(fan))
        for hidden in (draft, elsewhere):
            assert answer(hidden.pk, hidden.options.first().pk) == 404
        settle()
        assert not LiveBallot.objects.exists()

    def test_session_callers_answer_as_on_the_rest_of_the_api_csrf_token_and_all(self):
        from django.test import Client

        question = open_question()
        fan = MemberFactory()
        slug = question.event.slug
        client = Client(enforce_csrf_checks=True)
        client.force_login(fan)
        body = {"option": question.options.first().pk}
        url = f"/api/v1/launches/{slug}/questions/{question.pk}/answer"
        # Without the CSRF token, answering is refused exactly as joining is
        joining = client.post(f"/api/v1/launches/{slug}/join")
        answering = client.post(url, body, "application/json")
        assert answering.status_code == joining.status_code == 403
        assert answering.json()["error"] == joining.json()["error"]
        # With it, the session works as for every other operation
        client.get(question.event.get_absolute_url())  # sets the CSRF cookie
        token = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
        assert client.post(f"/api/v1/launches/{slug}/join", **token).status_code == 200
        assert client.post(url, body, "application/json", **token).status_code == 201
        settle()
        assert LiveBallot.objects.get(question=question).member == fan

    def test_bad_answers_and_anonymous_callers(self, client):
        question = open_question()
        fan = MemberFactory()
        slug = question.event.slug
        url = f"/api/v1/launches/{slug}/questions/{question.pk}/answer"
        assert client.post(url, {"option": 1}, "application/json").status_code in (401, 403)
        assert (
            client.post(
                url, {"option": question.options.first().pk}, "application/json", **bearer(fan)
            ).status_code
            == 403
        )
        client.post(f"/api/v1/launches/{slug}/join", **bearer(fan))
        assert client.post(url, {"option": "x"}, "application/json", **bearer(fan)).status_code == 422
        assert client.post(url, {"option": 0}, "application/json", **bearer(fan)).status_code == 422
        other = LiveQuestionFactory().options.first().pk
        assert client.post(url, {"option": other}, "application/json", **bearer(fan)).status_code == 422
        assert not LiveBallot.objects.exists()

    def test_hosting_through_the_api_is_for_the_host_only(self, client):
        event = LaunchEventFactory()
        body = {"prompt": "Colour?", "options": [{"label": "Orange"}, {"label": "Black"}]}
        url = f"/api/v1/launches/{event.slug}/questions"
        assert client.post(url, body, "application/json", **bearer(MemberFactory())).status_code == 404
        created = client.post(url, body, "application/json", **bearer(event.host))
        assert created.status_code == 201
        qid = created.json()["id"]
        opened = client.post(f"{url}/{qid}/open", **bearer(event.host))
        assert opened.status_code == 200 and opened.json()["status"] == "open"
        assert client.post(f"{url}/{qid}/close", **bearer(MemberFactory())).status_code == 404
        closed = client.post(f"{url}/{qid}/close", **bearer(event.host))
        assert closed.json()["status"] == "closed"
        assert client.post(f"{url}/{qid}/close", **bearer(event.host)).status_code == 409
        bad = client.post(
            url, {"prompt": "", "options": [{"label": "a"}]}, "application/json", **bearer(event.host)
        )
        assert bad.status_code == 422

    def test_avatar_through_the_api(self, client):
        fan = MemberFactory()
        assert client.get("/api/v1/launches/avatar", **bearer(fan)).status_code == 200
        body = {"hue": 200, "shape": "square", "eyes": "smile", "accessory": "glasses"}
        assert client.put("/api/v1/launches/avatar", body, "application/json", **bearer(fan)).json() == body
        bad = client.put("/api/v1/launches/avatar", {**body, "hue": -1}, "application/json", **bearer(fan))
        assert bad.status_code == 422


@pytest.mark.skipif(not ballot_queue.enabled(), reason="the Redis ballot queue needs REDIS_URL")
def test_an_answer_waiting_in_the_queue_already_counts_as_answered_on_the_page(client, on_commit):
    with on_commit():
        question = open_question()
    fan = MemberFactory()
    services.join(member=fan, event=question.event)
    client.force_login(fan)
    client.post(
        reverse("launches:answer", args=[question.event.slug]),
        {"question": question.pk, "option": question.options.first().pk},
    )
    page = client.get(question.event.get_absolute_url()).content.decode()
    assert 'data-testid="answer"' not in page and "being recorded" in page
    assert 'data-my-choice="-1"' in page


class TestApiRefusals:
    def test_anonymous_callers_cannot_join_or_read_an_avatar(self, client):
        event = LaunchEventFactory()
        assert client.post(f"/api/v1/launches/{event.slug}/join").status_code in (401, 403)
        assert client.get("/api/v1/launches/avatar").status_code in (401, 403)
        assert not Attendance.objects.exists()

    def test_an_ineligible_member_cannot_join_and_a_missing_event_is_404(self, client):
        event = LaunchEventFactory(min_trust_level=3)
        fan = MemberFactory(trust_level=0)
        assert client.post(f"/api/v1/launches/{event.slug}/join", **bearer(fan)).status_code == 403
        assert client.post("/api/v1/launches/no-such-launch/join", **bearer(fan)).status_code == 404
        assert not Attendance.objects.exists()

    def test_only_the_host_starts_and_ends_the_event(self, client):
        event = LaunchEventFactory(status=EventStatus.SCHEDULED)
        for action in ("start", "end"):
            assert (
                client.post(f"/api/v1/launches/{event.slug}/{action}", **bearer(MemberFactory())).status_code
                == 404
            )
        event.refresh_from_db()
        assert event.status == EventStatus.SCHEDULED
        started = client.post(f"/api/v1/launches/{event.slug}/start", **bearer(event.host))
        assert started.status_code == 200 and started.json()["status"] == "live"
        assert client.post(f"/api/v1/launches/{event.slug}/start", **bearer(event.host)).status_code == 409
