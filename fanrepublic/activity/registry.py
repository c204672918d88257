"""Who reacts to which events.

A module subscribes by decorating a function in its own `handlers.py` and importing
that module from its AppConfig.ready():

    from fanrepublic.activity.registry import on

    @on("forum.reply.created")
    def notify_topic_author(event): ...

Handlers run after the event's transaction commits, in a Celery task (in-process in the
embedded default). A task may run twice, so every handler must be idempotent (write
with a unique key, check before sending). No module edits another to subscribe.
A pattern ending in ".*" matches every verb under that prefix; "*" matches all.
"""

from collections import defaultdict
from collections.abc import Callable

Handler = Callable[["object"], None]

_handlers: dict[str, list[Handler]] = defaultdict(list)
# Handlers that decide at run time which verbs they want (e.g. the points app's earning
# rules, which operators change): (wants(verb) -> bool, handler).
_filtered: list[tuple[Callable[[str], bool], Handler]] = []


def on(*patterns: str):
    def register(func: Handler) -> Handler:
        for pattern in patterns:
            if func not in _handlers[pattern]:
                _handlers[pattern].append(func)
        return func

    return register


def on_verbs_where(wants: Callable[[str], bool]):
    """Subscribe to the verbs for which `wants(verb)` is true when the event is recorded.
    `wants` must be cheap: it runs for every event."""

    def register(func: Handler) -> Handler:
        if all(func is not h for _w, h in _filtered):
            _filtered.append((wants, func))
        return func

    return register


def handlers_for(verb: str) -> list[Handler]:
    found: list[Handler] = list(_handlers.get(verb, ()))
    found.extend(h for wants, h in _filtered if h not in found and wants(verb))
    parts = verb.split(".")
    for i in range(len(parts) - 1, -1, -1):
        pattern = ".".join(parts[:i]) + ".*" if i else "*"
        found.extend(h for h in _handlers.get(pattern, ()) if h not in found)
    return found


def has_handlers(verb: str) -> bool:
    return bool(handlers_for(verb))


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"
