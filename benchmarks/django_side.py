"""The parts of the benchmark that run inside Django (called by run_all.py):

python benchmarks/django_side.py info            # ids, counts, an ingestion token
python benchmarks/django_side.py copy N          # COPY N events into a copy of the table
python benchmarks/django_side.py queries A B     # queries of topic pages A and B
"""

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from fanrepublic.forum.models import Board, Reply, Topic  # noqa: E402
from fanrepublic.members.models import User  # noqa: E402
from fanrepublic.members.services import api_token_create  # noqa: E402

EVENT_PROPERTIES = {"amount": "1999.00", "store": "Beijing-Xidan", "qty": 1}


def info() -> dict:
    hot = Topic.objects.order_by("-reply_count").first()
    small = Topic.objects.filter(reply_count=5).first() or hot
    user, _ = User.objects.get_or_create(username="bench_integration", defaults={"email": "i@bench.local"})
    user.groups.add(Group.objects.get(name="operator"))
    _token, secret = api_token_create(owner=user, name="bench", scopes=["events:ingest"], channel="store")
    return {
        "member_session": member_session(),
        "hot": hot.pk,
        "hot_replies": hot.reply_count,
        "small": small.pk,
        "board": Board.objects.filter(slug__startswith="bench").order_by("pk").first().slug,
        "token": secret,
        "topics": Topic.objects.count(),
        "replies": Reply.objects.count(),
    }


def member_session() -> str:
    """A signed-in member's session cookie, so wrk can measure the uncached member path."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    member, _ = User.objects.get_or_create(username="bench_member", defaults={"email": "m@bench.local"})
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session["visit_day"] = timezone.localdate().isoformat()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def copy(n: int) -> dict:
    """The baseline for ingestion: the same events, COPYed into a table with the same
    columns, indexes and constraints as the event log."""
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_event_copy")
        cursor.execute("CREATE TABLE bench_event_copy (LIKE activity_event INCLUDING ALL)")
    raw.commit()
    props = json.dumps(EVENT_PROPERTIES)
    buf = io.StringIO()
    for i in range(n):
        buf.write(
            f"copy-{i}\tstore.purchase\t\\N\t\\N\tsku\tSKU-{i % 97}\tstore\ttoken\t"
            f"2026-11-25 10:00:00+08\t2026-11-25 10:00:01+08\t{props}\n"
        )
    data = buf.getvalue()
    columns = (
        "idempotency_key, verb, actor_id, owner_id, object_type, object_id, channel, source, "
        "occurred_at, recorded_at, properties"
    )
    started = time.perf_counter()
    with raw.cursor() as cursor, cursor.copy(f"COPY bench_event_copy ({columns}) FROM STDIN") as cp:
        cp.write(data)
    raw.commit()
    elapsed = time.perf_counter() - started
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE bench_event_copy")
    raw.commit()
    return {"events": n, "seconds": elapsed, "rows_per_s": n / elapsed}


def queries(small: int, hot: int) -> dict:
    client = Client(HTTP_HOST="127.0.0.1", secure=True)
    result = {}
    for pk in (small, hot):
        topic = Topic.objects.get(pk=pk)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/t/{pk}/").status_code == 200
        result[f"{min(50, topic.reply_count)} replies shown"] = len(captured)
    return result


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "info":
        print(json.dumps(info()))
    elif command == "copy":
        print(json.dumps(copy(int(args[0]))))
    elif command == "queries":
        print(json.dumps(queries(int(args[0]), int(args[1]))))
    else:
        raise SystemExit(__doc__)
