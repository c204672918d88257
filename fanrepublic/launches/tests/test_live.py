"""The hall's WebSocket through the real ASGI application and channel layer (in-memory
here, Redis pub/sub when REDIS_URL is set): the state on connecting, counts each tick,
and host actions pushed to every connection."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from fanrepublic.launches import services
from fanrepublic.launches.tests.factories import LaunchEventFactory, LiveQuestionFactory
from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _quick_ticks(settings):
    settings.LAUNCH_TICK_SECONDS = 0.25


def connect(slug):
    return WebsocketCommunicator(
        application, f"/ws/launches/{slug}/", headers=[(b"origin", b"http://testserver")]
    )


async def receive_until(communicator, predicate, timeout=5.0):
    async def wait():
        while True:
            message = await communicator.receive_json_from(timeout=timeout)
            if predicate(message):
                return message

    return await asyncio.wait_for(wait(), timeout)


def test_a_watcher_gets_the_state_then_counts_as_members_answer_then_the_close():
    question = LiveQuestionFactory()
    services.question_open(actor=question.event.host, question=question)
    yes, no = question.options.values_list("pk", flat=True)
    fans = [MemberFactory() for _ in range(3)]
    for fan in fans:
        services.join(member=fan, event=question.event)

    async def scenario():
        watcher = connect(question.event.slug)
        connected, _proto = await watcher.connect()
        assert connected
        state = await receive_until(watcher, lambda m: m["type"] == "state")
        assert state["current"]["id"] == question.pk and state["total"] == 0
        assert state["current"]["options"][0]["label"] == {"en": "Yes", "zh": "要"}
        for fan, option in zip(fans, (yes, yes, no), strict=True):
            await database_sync_to_async(services.cast)(
                member_id=fan.pk, event_id=question.event_id, question_id=question.pk, option_id=option
            )
        tick = await receive_until(watcher, lambda m: m["type"] == "tick" and m["total"] == 3)
        assert tick["counts"] == {str(yes): 2, str(no): 1} and tick["attendees"] == 3
        await database_sync_to_async(services.question_close)(actor=question.event.host, question=question)
        closed = await receive_until(watcher, lambda m: m["type"] == "state")
        assert closed["current"]["status"] == "closed" and closed["counts"] == {str(yes): 2, str(no): 1}
        await watcher.disconnect()

    async_to_sync(scenario)()


def test_every_connection_gets_each_host_action_once_and_new_arrivals():
    event = LaunchEventFactory()
    question = LiveQuestionFactory(event=event)

    async def scenario():
        first, second = connect(event.slug), connect(event.slug)
        for communicator in (first, second):
            assert (await communicator.connect())[0]
            assert (await receive_until(communicator, lambda m: m["type"] == "state"))["current"] is None
        await database_sync_to_async(services.question_open)(actor=event.host, question=question)
        for communicator in (first, second):
            state = await receive_until(communicator, lambda m: m["type"] == "state")
            assert state["current"]["id"] == question.pk and state["current"]["status"] == "open"
        fan = await database_sync_to_async(MemberFactory)(display_name="Late Lark")
        await database_sync_to_async(services.join)(member=fan, event=event)
        tick = await receive_until(first, lambda m: m["type"] == "tick" and m["arrivals"])
        assert tick["arrivals"][0]["name"] == "Late Lark" and "<svg" in tick["arrivals"][0]["svg"]
        # Only one state message per host action reached each connection.
        await asyncio.sleep(0.6)
        extra = []
        while not await second.receive_nothing(timeout=0.05):
            extra.append(await second.receive_json_from())
        assert [m for m in extra if m["type"] == "state"] == []
        for communicator in (first, second):
            await communicator.disconnect()

    async_to_sync(scenario)()


def test_an_unknown_hall_refuses_the_connection_and_other_sites_are_turned_away():
    event = LaunchEventFactory()

    async def scenario():
        connected, _code = await connect("no-such-launch").connect()
        assert not connected
        foreign = WebsocketCommunicator(
            application, f"/ws/launches/{event.slug}/", headers=[(b"origin", b"https://evil.example")]
        )
        connected, _code = await foreign.connect()
        assert not connected

    async_to_sync(scenario)()
