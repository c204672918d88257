"""The trust thermometer's paths on PostgreSQL, each next to its baseline in the same run.

    .venv/bin/python benchmarks/trust.py [--messages 20000] [--customers 1000000]
                                         [--events 30000000] [--skip-ingest] [--skip-recompute]

(PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379, as for run_all.py.)

1. Ingestion (database `fanrepublic_bench`, run_all.ensure_database): a store, its
   manager and 67 WeCom customer groups of 60 customers. The production server (uvicorn,
   2 workers, production settings, Celery NOT eager: processing queues in Redis, as
   behind a real worker pool) receives --messages archived group messages
   a) through the WeCom callback door, sealed (signed + AES) by wechatpy the way WeCom
      and the archive relay do, 500 records per callback, 4 client threads;
   b) the same through POST /api/v1/trust/messages (1,000 per batch, 4 threads);
   c) 2,000 one-record callbacks (how WeCom delivers its own events), 4 threads;
   next to a psycopg COPY of the same rows into a copy of trust_chatmessage (same
   columns and indexes). Target: each batch path >= 5 % of the COPY's rows/s.
2. Processing, in this process (Celery eager, as the embedded default and as one worker
   does it): the messages stored by 1a are understood by services.messages_process —
   classification, events, questions — with the handlers the events trigger
   (temperatures, rules) run inline: messages/s of one process. From it and 1a's figures,
   docs/scaling.md derives the processes a day of the article's load needs at 1,000 stores.
3. Recompute (database `fanrepublic_bench_trust`, made and migrated here; the event log's
   secondary indexes are dropped for the load, the recompute and the baseline read the
   whole log anyway): --customers contacts and --events events about them (11 kinds,
   random ages within a year) loaded with INSERT ... SELECT FROM generate_series; then
   a plain GROUP BY (customer, kind) with count(*) over the same events (baseline, best
   of 2) and temperature.temperatures_recompute (first run: inserts every row; second:
   updates them). Target: recompute <= 3 x the GROUP BY. Peak memory: this process's
   maximum RSS and the temporary files PostgreSQL wrote (pg_stat_database.temp_bytes).
Writes benchmarks/results/trust.md and prints it.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import ENV, PORT, PY, ensure_database, machine, start_server  # noqa: E402

GROUPS, CUSTOMERS_PER_GROUP = 67, 60
RECOMPUTE_DB = "fanrepublic_bench_trust"
TARGET_SHARE, TARGET_RECOMPUTE_X = 0.05, 3.0
COPY_COLUMNS = (
    "msgid, group_id, sender_userid, contact_id, staff_id, sent_at, msgtype, text, intents, sentiment, "
    "is_question, recalled"
)


def django_setup(database: str | None = None):
    env = dict(ENV)
    if database:
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.update(
        {
            k: v
            for k, v in env.items()
            if k not in os.environ or k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
        }
    )
    os.environ["DB_POOL"] = "false"
    import django

    django.setup()


def post_all(requests_: list[tuple[str, bytes, dict]], threads: int = 4) -> float:
    """POST every (url, body, headers) from `threads` threads; seconds from first to last."""
    work = list(requests_)
    lock = threading.Lock()
    errors = []

    def run():
        while True:
            with lock:
                if not work:
                    return
                url, body, headers = work.pop()
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    response.read()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    started = time.perf_counter()
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, first: {errors[0]}")
    return time.perf_counter() - started


def setup_world():
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from fanrepublic.activity.models import Integration
    from fanrepublic.members.enums import StaffRole
    from fanrepublic.members.models import User
    from fanrepublic.stores.models import Store
    from fanrepublic.trust import services
    from fanrepublic.trust.models import WeComStaff

    manager, _ = User.objects.get_or_create(username="bench_manager", defaults={"email": "bench@example.com"})
    manager.groups.add(Group.objects.get_or_create(name=StaffRole.STORE_MANAGER)[0])
    store, _ = Store.objects.get_or_create(
        slug="bench-store",
        defaults={
            "name": "Bench store",
            "city": "Shenzhen",
            "address": "1 Bench Road",
            "manager": manager,
            "checkin_key": "bench",
        },
    )
    WeComStaff.objects.get_or_create(member=manager, defaults={"userid": "bench.manager"})
    relay, _ = Integration.objects.get_or_create(
        slug="bench-relay",
        defaults={"name": "Bench archive relay", "channel": "chat", "verbs": ["trust.chat.said"]},
    )
    rng = random.Random(12)
    groups = []
    for n in range(GROUPS):
        chat_id = f"wrbench{n:04d}"
        customers = [f"wmbench{n:04d}{k:04d}" for k in range(CUSTOMERS_PER_GROUP)]
        services.group_sync(
            snapshot={
                "chat_id": chat_id,
                "name": f"Bench group {n}",
                "owner": "bench.manager",
                "member_list": [{"userid": c, "type": 2} for c in customers],
            },
            at=timezone.now(),
        )
        groups.append((chat_id, customers))
    return manager, relay, groups, rng


def token_for(manager, relay) -> str:
    """The relay's ingestion token, written the way api_token_create writes one (which
    would first ask the benchmark's staff account for a second factor)."""
    import secrets

    from fanrepublic.members.models import ApiToken

    secret = "fr_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        owner=manager,
        name="bench",
        prefix=secret[:10],
        key_hash=ApiToken.hash_key(secret),
        scopes=["events:ingest"],
        integration=relay,
    )
    return secret


def sample_texts() -> list[str]:
    with (ROOT / "fanrepublic/trust/data/inquiry_sample.csv").open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def records(prefix: str, count: int, groups, rng, texts) -> list[str]:
    from fanrepublic.trust import wecom

    now = datetime.now(UTC)
    out = []
    for n in range(count):
        chat_id, customers = rng.choice(groups)
        staff = rng.random() < 0.07
        out.append(
            wecom.archive_message_json(
                msgid=f"{prefix}-{n}",
                chat_id=chat_id,
                sender="bench.manager" if staff else rng.choice(customers),
                text=rng.choice(texts),
                at=now - timedelta(seconds=count - n),
            )
        )
    return out


def part_ingest(args) -> dict:
    from django.db import connection

    from fanrepublic.trust import wecom
    from fanrepublic.trust.models import ChatMessage

    manager, relay, groups, rng = setup_world()
    secret = token_for(manager, relay)
    texts = sample_texts()
    run = f"{int(time.time())}"
    base = f"http://127.0.0.1:{PORT}"
    callback_records = records(f"cb{run}", args.messages, groups, rng, texts)
    api_records = records(f"api{run}", args.messages, groups, rng, texts)
    single_records = records(f"one{run}", 2000, groups, rng, texts)
    server = start_server(
        {"CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9"}
    )
    try:
        sealed = []
        for start in range(0, len(callback_records), 500):
            body, query = wecom.seal_callback(
                payload=wecom.archive_batch_json(callback_records[start : start + 500])
            )
            sealed.append((f"{base}/trust/wecom/callback/?{urllib.parse.urlencode(query)}", body, {}))
        callback_seconds = post_all(sealed)
        api = [
            (
                f"{base}/api/v1/trust/messages",
                json.dumps({"messages": [json.loads(r) for r in api_records[start : start + 1000]]}).encode(),
                {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
            )
            for start in range(0, len(api_records), 1000)
        ]
        api_seconds = post_all(api)
        singles = []
        for record in single_records:
            body, query = wecom.seal_callback(payload=record)
            singles.append((f"{base}/trust/wecom/callback/?{urllib.parse.urlencode(query)}", body, {}))
        single_seconds = post_all(singles)
    finally:
        server.terminate()
        server.wait()
    stored = {
        prefix: ChatMessage.objects.filter(msgid__startswith=f"{prefix}{run}-").count()
        for prefix in ("cb", "api", "one")
    }
    assert stored == {"cb": args.messages, "api": args.messages, "one": 2000}, stored
    # Baseline: the same rows COPYed into a copy of the table (same columns and indexes).
    rows = list(
        ChatMessage.objects.filter(msgid__startswith=f"cb{run}-").values_list(
            "msgid", "group_id", "sender_userid", "contact_id", "staff_id", "sent_at", "msgtype", "text"
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_chatmessage")
        cursor.execute("CREATE TABLE bench_chatmessage (LIKE trust_chatmessage INCLUDING ALL)")
        started = time.perf_counter()
        with cursor.copy(f"COPY bench_chatmessage ({COPY_COLUMNS}) FROM STDIN") as copy:
            for msgid, group_id, sender, contact_id, staff_id, sent_at, msgtype, text in rows:
                copy.write_row(
                    (
                        msgid,
                        group_id,
                        sender,
                        contact_id,
                        staff_id,
                        sent_at,
                        msgtype,
                        text,
                        "[]",
                        "neutral",
                        False,
                        False,
                    )
                )
        copy_seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_chatmessage")
    return {
        "messages": args.messages,
        "callback_seconds": callback_seconds,
        "api_seconds": api_seconds,
        "single_seconds": single_seconds,
        "copy_seconds": copy_seconds,
        "run": run,
    }


def part_process(run: str, limit: int) -> dict:
    from django.test import override_settings

    from fanrepublic.activity.models import Event
    from fanrepublic.trust import services
    from fanrepublic.trust.models import ChatMessage, Question, Temperature

    ids = list(
        ChatMessage.objects.filter(msgid__startswith=f"cb{run}-", processed_at__isnull=True)
        .order_by("sent_at")
        .values_list("pk", flat=True)[:limit]
    )
    events_before = Event.objects.count()
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        from config.celery import app

        app.conf.task_always_eager = True
        started = time.perf_counter()
        for start in range(0, len(ids), 500):
            services.messages_process(ids=ids[start : start + 500])
        seconds = time.perf_counter() - started
    return {
        "processed": len(ids),
        "seconds": seconds,
        "events": Event.objects.count() - events_before,
        "questions": Question.objects.filter(message_id__in=ids).count(),
        "temperatures": Temperature.objects.count(),
    }


VERBS = [
    "stores.purchase.recorded",
    "stores.purchase.refunded",
    "stores.visit.recorded",
    "trust.question.answered",
    "trust.case.responded",
    "trust.chat.praised",
    "trust.chat.asked",
    "trust.chat.said",
    "trust.chat.grumbled",
    "trust.chat.complained",
    "trust.question.unanswered",
]


def psql(database: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def prepare_recompute_db(customers: int, events: int) -> None:
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname='{RECOMPUTE_DB}'")
    if exists != "1":
        psql("postgres", f"CREATE DATABASE {RECOMPUTE_DB}")
    env = {**ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{RECOMPUTE_DB}"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    have_contacts = int(psql(RECOMPUTE_DB, "SELECT count(*) FROM stores_contact"))
    have_events = int(psql(RECOMPUTE_DB, "SELECT count(*) FROM activity_event"))
    if have_contacts < customers:
        print(f"loading {customers - have_contacts:,} contacts …", flush=True)
        psql(
            RECOMPUTE_DB,
            "INSERT INTO stores_contact (name, phone, wecom_external_userid, origin, created_at) "
            "SELECT '', '', 'wmbt' || g, 'wecom', now() "
            f"FROM generate_series({have_contacts + 1}, {customers}) g",
        )
    if have_events < events:
        # The recompute and the baseline read the whole log: secondary indexes only slow the load.
        for index in (
            "event_actor_verb",
            "event_owner_verb",
            "event_object",
            "event_verb_time",
            "event_integration",
        ):
            psql(RECOMPUTE_DB, f"DROP INDEX IF EXISTS {index}")
        first = int(psql(RECOMPUTE_DB, "SELECT min(id) FROM stores_contact"))
        verbs = "ARRAY[" + ",".join(f"'{v}'" for v in VERBS) + "]"
        step = 3_000_000
        for start in range(have_events + 1, events + 1, step):
            end = min(events, start + step - 1)
            print(f"loading events {start:,}–{end:,} …", flush=True)
            psql(
                RECOMPUTE_DB,
                "INSERT INTO activity_event (idempotency_key, verb, object_type, object_id, channel, source, "
                "occurred_at, recorded_at, properties) "
                f"SELECT 'bt:' || g, ({verbs})[1 + (g * 7) % {len(VERBS)}], 'stores.contact', "
                f"({first} + (g::bigint * 7919) % {customers})::text, 'chat', '', "
                "now() - (((g::bigint * 104729) % 31536000) || ' seconds')::interval, now(), '{}' "
                f"FROM generate_series({start}, {end}) g",
            )
        psql(RECOMPUTE_DB, "VACUUM ANALYZE activity_event")


def part_recompute(args) -> dict:
    prepare_recompute_db(args.customers, args.events)
    django_setup(RECOMPUTE_DB)
    from django.db import connection
    from django.utils import timezone

    from fanrepublic.trust import temperature

    def temp_bytes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activity_event WHERE object_type = 'stores.contact'")
        events = cursor.fetchone()[0]
    baseline = []
    for _ in range(2):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT object_id, verb, count(*) FROM activity_event "
                "WHERE object_type = 'stores.contact' GROUP BY object_id, verb) s"
            )
            groups = cursor.fetchone()[0]
        baseline.append(time.perf_counter() - started)
    runs = []
    temp_before = temp_bytes()
    for _ in range(2):
        started = time.perf_counter()
        count = temperature.temperatures_recompute(at=timezone.now())
        runs.append(time.perf_counter() - started)
    return {
        "events": events,
        "groups": groups,
        "customers": count,
        "baseline": min(baseline),
        "recompute_first": runs[0],
        "recompute_second": runs[1],
        "temp_mb": (temp_bytes() - temp_before) / 2**20 / 2,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "work_mem": psql(RECOMPUTE_DB, "SHOW work_mem"),
    }


def report(ingest, process, recompute) -> str:
    lines = [
        "# Trust thermometer: measured",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
    ]
    if ingest:
        copy_rate = ingest["messages"] / ingest["copy_seconds"]
        lines += [
            "| ingestion of archived group messages | messages | seconds | rows/s | share of COPY |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for label, count, seconds in (
            (
                "WeCom callback door, 500 records per sealed callback, 4 clients",
                ingest["messages"],
                ingest["callback_seconds"],
            ),
            (
                "POST /api/v1/trust/messages, 1,000 per batch, 4 clients",
                ingest["messages"],
                ingest["api_seconds"],
            ),
            ("WeCom callback door, one record per callback, 4 clients", 2000, ingest["single_seconds"]),
            ("PostgreSQL COPY of the same rows (baseline)", ingest["messages"], ingest["copy_seconds"]),
        ):
            rate = count / seconds
            lines.append(
                f"| {label} | {count:,} | {seconds:.2f} | {rate:,.0f} | {100 * rate / copy_rate:.1f}% |"
            )
        lines.append("")
    if process:
        rate = process["processed"] / process["seconds"]
        p = process
        lines += [
            "Processing in one process (classification, events, questions; temperatures and rules run by "
            f"the events' handlers inline): {p['processed']:,} messages in {p['seconds']:.1f} s = "
            f"**{rate:,.0f} messages/s**, {p['events']:,} events, {p['questions']:,} questions.",
            "",
        ]
    if recompute:
        x = recompute["recompute_first"] / recompute["baseline"]
        x2 = recompute["recompute_second"] / recompute["baseline"]
        r = recompute
        lines += [
            "| temperatures from the log | seconds | × GROUP BY |",
            "| --- | ---: | ---: |",
            f"| plain GROUP BY (customer, kind) over {r['events']:,} events → {r['groups']:,} groups "
            f"(baseline, best of 2) | {r['baseline']:.1f} | 1.00 |",
            f"| temperatures_recompute, first run: {r['customers']:,} customers inserted "
            f"| {r['recompute_first']:.1f} | {x:.2f} |",
            "| temperatures_recompute, second run: every customer updated "
            f"| {r['recompute_second']:.1f} | {x2:.2f} |",
            "",
            f"Peak memory: this process {r['rss_mb']:.0f} MB (the recompute is one SQL statement); "
            f"PostgreSQL temporary files {r['temp_mb']:.0f} MB per run (work_mem {r['work_mem']}).",
            "",
        ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=30_000_000)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-recompute", action="store_true")
    args = parser.parse_args()
    ingest = process = recompute = None
    if not args.skip_ingest:
        ensure_database()
        django_setup()
        ingest = part_ingest(args)
        process = part_process(ingest["run"], args.messages)
    if not args.skip_recompute:
        if ingest is not None:
            # A second Django database in one process: run the recompute part in its own.
            out = subprocess.run(
                [
                    PY,
                    __file__,
                    "--skip-ingest",
                    "--customers",
                    str(args.customers),
                    "--events",
                    str(args.events),
                ],
                check=True,
                env=ENV,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout
            print(out)
            recompute_json = ROOT / "benchmarks/results/trust-recompute.json"
            recompute = json.loads(recompute_json.read_text())
        else:
            recompute = part_recompute(args)
            (ROOT / "benchmarks/results/trust-recompute.json").write_text(json.dumps(recompute))
    text = report(ingest, process, recompute)
    if ingest is not None or args.skip_ingest is False:
        (ROOT / "benchmarks/results/trust.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
