"""The hall's WebSocket: one connection per open hall page.

A connection receives the hall's state when it connects and after every host action
(pushed through the channel layer), and the running counts every LAUNCH_TICK_SECONDS
(half a second by default). The counts come from one ticker per event per web process,
not per connection: a process with ten thousand members watching reads the counters
once per tick and sends the same message to all of them, so the cost grows with
processes, not with members."""

import asyncio
import contextlib
import json
import logging
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from . import live, selectors
from .models import LaunchEvent, LiveQuestion

logger = logging.getLogger(__name__)
# Longest a send may wait on one slow connection before it is dropped.
SEND_TIMEOUT = 2.0


class HallTicker:
    """Per process: the connections of each event, and the loop that feeds them."""

    def __init__(self):
        self.halls: dict[int, set] = {}
        self.tasks: dict[int, asyncio.Task] = {}
        self.current: dict[int, LiveQuestion | None] = {}
        self.seen: dict[int, deque] = {}
        self.states: dict[int, tuple[float, dict]] = {}

    def register(self, consumer) -> None:
        self.halls.setdefault(consumer.event_id, set()).add(consumer)
        task = self.tasks.get(consumer.event_id)
        if task is None or task.done():
            loop = asyncio.get_running_loop()
            self.tasks[consumer.event_id] = loop.create_task(self._run(consumer.event_id))

    def unregister(self, consumer) -> None:
        hall = self.halls.get(consumer.event_id, set())
        hall.discard(consumer)
        if not hall:
            task = self.tasks.pop(consumer.event_id, None)
            if task:
                task.cancel()
            self.halls.pop(consumer.event_id, None)
            self.current.pop(consumer.event_id, None)
            self.seen.pop(consumer.event_id, None)
            self.states.pop(consumer.event_id, None)

    async def _send_one(self, consumer, text: str) -> None:
        try:
            await asyncio.wait_for(consumer.send(text_data=text), SEND_TIMEOUT)
        except TimeoutError:
            # A client that cannot keep up must not hold up everyone else's updates:
            # drop it (its page reconnects and gets the whole state again).
            self.unregister(consumer)
            with contextlib.suppress(Exception):
                await consumer.close()
        except Exception:  # noqa: S110 - a connection closing mid-send
            pass

    async def _send_all(self, event_id: int, payload: dict) -> None:
        text = json.dumps(payload)  # once, not once per connection
        await asyncio.gather(*(self._send_one(c, text) for c in list(self.halls.get(event_id, ()))))

    async def state(self, event_id: int) -> dict:
        """The hall's state for a connection that just opened. Shared for a tick: after a
        restart every page reconnects at once, and they need not each read it."""
        now = asyncio.get_running_loop().time()
        cached = self.states.get(event_id)
        if cached is None or now - cached[0] > settings.LAUNCH_TICK_SECONDS:
            cached = (now, await database_sync_to_async(selectors.hall_state)(event_id))
            self.states[event_id] = cached
        return cached[1]

    async def changed(self, event_id: int, version: str) -> None:
        """A host action: every connection of the process receives the push; the first
        reads the new state and sends it to all, the others find it done."""
        seen = self.seen.setdefault(event_id, deque(maxlen=64))
        if version in seen:
            return
        seen.append(version)
        self.current.pop(event_id, None)
        self.states.pop(event_id, None)
        try:
            state = await database_sync_to_async(selectors.hall_state)(event_id)
        except Exception:
            # The next connection's copy of the same push tries again.
            logger.exception("hall state failed for event %s", event_id)
            seen.remove(version)
            return
        await self._send_all(event_id, state)

    @database_sync_to_async
    def _tick(self, event_id: int, since) -> dict:
        if event_id not in self.current:
            self.current[event_id] = selectors.current_question(event_id)
        question = self.current[event_id]
        return {
            "type": "tick",
            **selectors.counts_payload(question),
            "attendees": live.attendee_count(event_id),
            "arrivals": selectors.arrivals(event_id, since=since, limit=24),
        }

    async def _run(self, event_id: int) -> None:
        since = timezone.now()
        loop = asyncio.get_running_loop()
        interval = settings.LAUNCH_TICK_SECONDS
        next_tick = loop.time() + interval
        while self.halls.get(event_id):
            # On a fixed cadence: the time a tick takes does not stretch the interval.
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            next_tick = max(next_tick + interval, loop.time())
            now = timezone.now()
            try:
                payload = await self._tick(event_id, since)
            except Exception:  # a failed read must not stop the hall's clock
                logger.exception("hall tick failed for event %s", event_id)
                continue
            since = now
            payload["at"] = int(now.timestamp() * 1000)
            await self._send_all(event_id, payload)


ticker = HallTicker()


@database_sync_to_async
def _event_id(slug: str) -> int | None:
    return LaunchEvent.objects.filter(slug=slug).values_list("pk", flat=True).first()


class HallConsumer(AsyncJsonWebsocketConsumer):
    """Anyone may watch a hall (launches are public); voting goes through HTTP with a
    hall pass, so the socket only ever sends."""

    event_id: int | None = None

    async def connect(self):
        self.event_id = await _event_id(self.scope["url_route"]["kwargs"]["slug"])
        if self.event_id is None:
            await self.close(code=4404)
            return
        await self.channel_layer.group_add(live.group_name(self.event_id), self.channel_name)
        await self.accept()
        # Registered first, so a host action pushed while the state is read still arrives.
        ticker.register(self)
        await self.send_json(await ticker.state(self.event_id))

    async def disconnect(self, code):
        if self.event_id is not None:
            ticker.unregister(self)
            await self.channel_layer.group_discard(live.group_name(self.event_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Nothing to receive: answers are cast over HTTP, where the pass is checked.
        return

    async def hall_changed(self, message):
        await ticker.changed(self.event_id, message["version"])
