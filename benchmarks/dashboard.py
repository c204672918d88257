"""The republic's dashboard at a million customers and thirty million events.

    .venv/bin/python benchmarks/dashboard.py [--members 1000000] [--events 30000000]
                                             [--requests 40] [--skip-estimates]
                                             [--skip-refresh]

(PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379, as for run_all.py.)

1. Data, in database `fanrepublic_bench_dashboard` (made and migrated here; every step is
   skipped when the rows are already there): the forum of run_all.py (load_data.py:
   100,000 topics, 1,000,000 replies); --members members who joined over three years;
   --events events in the log over two years, by members drawn with a heavy tail (a few
   very active, most quiet), a small share of them co-creation (shipped contributions,
   beta seats, valid bug reports, committee seats), the rest posts, votes, visits and
   everyday verbs; yuan purchases by 40 % of the members (2.4 orders each over three
   years); a WeCom contact for every member, each a
   customer of one of 50 stores with a trust temperature; one ballot per member in one
   vote; 100,000 NPS answers; bounty payouts to 2,000 hunters through the ledger; a
   rewards catalogue with retail prices. Loaded with INSERT … SELECT FROM
   generate_series; the event log's secondary indexes are dropped for the load and built
   again after it.
2. The refresh jobs, in this process (as a Celery worker runs them): the dashboard's
   snapshot (`insights.services.dashboard_refresh`, each part timed too) and the
   interaction comparisons it reads (`insights.estimating.refresh_estimates`: seven
   kinds, co-creation and the NPS gap), with this process's peak memory.
3. The page: the production server (uvicorn, 2 workers, production settings) serves
   /insights/dashboard/ to a signed-in operator, --requests sequential requests after a
   warm-up, next to /health/ (the baseline: the stack without the page's work) in the
   same run. Target: the page in ≤ 1 s.
Writes benchmarks/results/dashboard.md and prints it.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import ENV, PORT, PY, machine, member_fill, start_server  # noqa: E402
from trust import django_setup, psql  # noqa: E402

DB = "fanrepublic_bench_dashboard"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
STORES, HUNTERS, ANSWERS = 50, 2_000, 100_000
BUYERS_SHARE, ORDERS_PER_BUYER = 0.4, 2.4
TARGET_SECONDS = 1.0
# Verb of an event from one uniform draw u: [bound, verb] — co-creation rare, as it is.
VERB_BOUNDS = [
    (0.002, "releases.item.shipped"),
    (0.004, "betas.application.selected"),
    (0.006, "bounty.report.valid"),
    (0.008, "committees.seated"),
    (0.05, "stores.visit.recorded"),
    (0.15, "governance.ballot.cast"),
    (0.35, "forum.reply.created"),
    (0.40, "forum.topic.created"),
    (0.70, "forum.topic.liked"),
    (1.01, "points.awarded"),
]


def count(table: str, where: str = "") -> int:
    return int(psql(DB, f"SELECT count(*) FROM {table} {where}"))


def prepare_database() -> None:
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname='{DB}'") != "1":
        psql("postgres", f"CREATE DATABASE {DB}")
    env = {**ENV, "DATABASE_URL": DB_URL}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    subprocess.run([PY, "benchmarks/load_data.py"], check=True, env=env, cwd=ROOT)


def load_members(members: int) -> tuple[int, int]:
    have = count("members_user", "WHERE username LIKE 'dm\\_%'")
    if have < members:
        print(f"loading {members - have:,} members …", flush=True)
        columns = psql(
            DB,
            "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
            "FROM information_schema.columns WHERE table_name = 'members_user' AND is_nullable = 'NO' "
            "AND column_default IS NULL AND column_name <> 'id'",
        ).split(",")
        names, values = [], []
        for entry in columns:
            name, data_type = entry.split(":", 1)
            names.append(name)
            values.append(
                "now() - (n % 1095) * interval '1 day'"
                if name == "date_joined"
                else member_fill(name, data_type, "dm")
            )
        psql(
            DB,
            f"INSERT INTO members_user ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM generate_series({have + 1}, {members}) n",
        )
    first, last = psql(DB, "SELECT min(id), max(id) FROM members_user WHERE username LIKE 'dm\\_%'").split(
        "|"
    )
    return int(first), int(last)


def load_events(events: int, first: int, members: int) -> None:
    have = count("activity_event", "WHERE idempotency_key LIKE 'bd:%'")
    if have >= events:
        return
    indexes = psql(
        DB,
        "SELECT string_agg(indexname || '|' || indexdef, E'\\n') FROM pg_indexes "
        "WHERE tablename = 'activity_event' AND indexname NOT LIKE '%pkey' AND indexdef NOT LIKE '%UNIQUE%'",
    ).splitlines()
    for line in indexes:
        psql(DB, f"DROP INDEX IF EXISTS {line.split('|', 1)[0]}")
    verb = "CASE " + " ".join(f"WHEN u < {bound} THEN '{name}'" for bound, name in VERB_BOUNDS) + " END"
    step = 3_000_000
    for start in range(have + 1, events + 1, step):
        end = min(events, start + step - 1)
        print(f"loading events {start:,}–{end:,} …", flush=True)
        # The member: u² skews towards the first ids, so activity is heavy-tailed.
        psql(
            DB,
            "INSERT INTO activity_event (idempotency_key, verb, object_type, object_id, channel, source, "
            "occurred_at, recorded_at, properties, actor_id, owner_id) "
            f"SELECT 'bd:' || g, {verb}, 'members.user', m::text, 'web', '', "
            "now() - random() * interval '730 days', now(), '{}', m, m FROM ("
            f"SELECT g, random() AS u, {first} + floor(power(random(), 2) * {members})::bigint AS m "
            f"FROM generate_series({start}, {end}) g) s",
        )
    for line in indexes:
        name, definition = line.split("|", 1)
        print(f"building {name} …", flush=True)
        psql(DB, definition)


def load_world(first: int, members: int) -> None:
    """The rows made through the ORM (few, with their rules) and the large ones by SQL."""
    from django.utils import timezone

    from fanrepublic.governance.tests.factories import VoteFactory
    from fanrepublic.insights.tests.factories import SurveyFactory, shop
    from fanrepublic.members.models import User
    from fanrepublic.members.tests.factories import operator
    from fanrepublic.points.services import points_award
    from fanrepublic.rewards.demo import RETAIL_PRICES
    from fanrepublic.rewards.models import Reward
    from fanrepublic.stores.models import Store
    from fanrepublic.stores.tests.factories import StoreFactory

    if not User.objects.filter(username="bench_operator").exists():
        operator(username="bench_operator")
    for _n in range(STORES - Store.objects.count()):
        StoreFactory()
    for position, (slug, price) in enumerate(RETAIL_PRICES.items()):
        Reward.objects.get_or_create(
            slug=slug,
            defaults={
                "name": slug,
                "price_points": 1000 + 500 * position,
                "stock": 100,
                "retail_price": price,
            },
        )
    integration = shop()
    buyers = int(members * BUYERS_SHARE)
    orders = int(buyers * ORDERS_PER_BUYER)
    have = count("stores_order", f"WHERE integration_id = {integration.pk}")
    if have < orders:
        print(f"loading {orders - have:,} purchases …", flush=True)
        psql(
            DB,
            "INSERT INTO stores_order (external_id, kind, channel, occurred_at, currency, total, "
            "fingerprint, imported_at, integration_id, member_id) "
            f"SELECT 'bd' || g, 'sale', 'online', now() - random() * interval '1095 days', 'CNY', "
            f"round((50 + random() * 2950)::numeric, 2), '', now(), {integration.pk}, "
            f"{first} + (g::bigint * 7919) % {buyers} FROM generate_series({have + 1}, {orders}) g",
        )
    have = count("stores_contact", "WHERE wecom_external_userid LIKE 'wmbd%'")
    if have < members:
        print(f"loading {members - have:,} contacts, store links and temperatures …", flush=True)
        psql(
            DB,
            "INSERT INTO stores_contact (name, phone, wecom_external_userid, origin, created_at, member_id) "
            f"SELECT '', '', 'wmbd' || g, 'wecom', now(), {first} + g - 1 "
            f"FROM generate_series({have + 1}, {members}) g",
        )
        stores = psql(DB, "SELECT min(id) FROM stores_store")
        psql(
            DB,
            "INSERT INTO stores_storecustomer (added_at, contact_id, store_id) "
            f"SELECT now(), c.id, {stores} + c.id % {STORES} FROM stores_contact c "
            "WHERE c.wecom_external_userid LIKE 'wmbd%' "
            "AND NOT EXISTS (SELECT 1 FROM stores_storecustomer s WHERE s.contact_id = c.id)",
        )
        psql(
            DB,
            "INSERT INTO trust_temperature (contact_id, value, sums, computed_at) "
            "SELECT c.id, 36 + random() * 4, '{}', now() FROM stores_contact c "
            "WHERE c.wecom_external_userid LIKE 'wmbd%' ON CONFLICT (contact_id) DO NOTHING",
        )
    if not count("governance_ballot"):
        print(f"loading {members:,} ballots …", flush=True)
        vote = VoteFactory(question="Which colour for the Band 10?")
        psql(
            DB,
            "INSERT INTO governance_ballot (voter_key, receipt, choice, abstain, trust_level, cast_at, "
            "changes, voter_id, vote_id) "
            f"SELECT 'k' || g, 'r' || g, '[]', false, 1, now(), 0, {first} + g - 1, {vote.pk} "
            f"FROM generate_series(1, {members}) g",
        )
    if not count("insights_surveyresponse"):
        print(f"loading {ANSWERS:,} NPS answers …", flush=True)
        survey = SurveyFactory(status="closed", sent_at=timezone.now())
        psql(
            DB,
            "INSERT INTO insights_surveyresponse (score, reason, follow_up_answer, language, was_co_creator, "
            "trust_level, tags, tag_keys, created_at, member_id, survey_id) "
            "SELECT floor(random() * 11)::int, '', '', 'zh-hans', random() < 0.1, 1, '[]', '', "
            f"now() - random() * interval '300 days', {first} + (g::bigint * 104729) % {members}, "
            f"{survey.pk} "
            f"FROM generate_series(1, {ANSWERS}) g",
        )
    paid = count("points_transaction", "WHERE kind = 'bounty'")
    if paid < HUNTERS:
        print(f"paying {HUNTERS - paid:,} bounties through the ledger …", flush=True)
        for n, hunter in enumerate(
            User.objects.filter(pk__gte=first).order_by("pk")[paid:HUNTERS], start=paid
        ):
            points_award(
                member=hunter,
                points=500 + (n * 37) % 5000,
                key=f"bd:bounty:{n}",
                memo="valid report",
                kind="bounty",
            )
    psql(DB, "VACUUM ANALYZE")


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def refresh_jobs(skip_estimates: bool) -> dict:
    from django.utils import timezone

    from fanrepublic.insights import dashboard, estimating, services

    found = {}
    if not skip_estimates:
        _n, found["estimates"] = timed(estimating.refresh_estimates)
        found["estimates_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now, today = timezone.now(), timezone.localdate()
    parts = {
        "engineers (forum)": lambda: dashboard._engineer(today),
        "release train": dashboard._releases,
        "betas": dashboard._betas,
        "bounty": lambda: dashboard._bounty(now),
        "trust per store": lambda: dashboard._trust(now),
        "campaigns": dashboard._campaigns,
        "votes and launch": dashboard._votes,
        "co-creators": dashboard._cocreators,
    }
    found["parts"] = {name: timed(part)[1] for name, part in parts.items()}
    snapshot, found["dashboard"] = timed(services.dashboard_refresh)
    found["snapshot_seconds"] = snapshot.seconds
    found["figures"] = {code: value.get("value") for code, value in snapshot.figures.items()}
    return found


def operator_cookie() -> str:
    from importlib import import_module

    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from fanrepublic.members.models import User
    from fanrepublic.members.second_factor import totp_activate

    boss = User.objects.get(username="bench_operator")
    # Staff pages need a session that passed a second factor: an authenticator app, and
    # allauth's record of the session having used it.
    authenticator = Authenticator.objects.filter(user=boss, type="totp").first() or totp_activate(
        member=boss, secret="JBSWY3DPEHPK3PXP"
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(boss.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = boss.get_session_auth_hash()
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "username": boss.username},
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(boss.pk)
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def serve(requests: int, cookie: str) -> dict:
    server = start_server({"DATABASE_URL": DB_URL})
    try:
        found = {}
        for name, path, headers in (
            ("dashboard", "/insights/dashboard/", {"Cookie": cookie}),
            ("health", "/health/", {}),
        ):
            times, size = [], 0
            for n in range(requests + 3):
                request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=30) as response:
                    body = response.read()
                    assert response.status == 200, response.status
                if n >= 3:  # warm-up: connections, templates, translations
                    times.append(time.perf_counter() - started)
                size = len(body)
            if name == "dashboard":
                assert b"figure-beta_seats" in body, "the page is not the dashboard (signed out?)"
            times.sort()
            found[name] = {
                "median": statistics.median(times),
                "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
                "max": times[-1],
                "bytes": size,
            }
        return found
    finally:
        server.terminate()
        server.wait()


def report(sizes: dict, jobs: dict, served: dict) -> str:
    page = served["dashboard"]
    lines = [
        "# The republic's dashboard at a million customers",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        "| rows | count |",
        "| --- | ---: |",
        *(f"| {name} | {value:,} |" for name, value in sizes.items()),
        "",
        "| refresh job | seconds |",
        "| --- | ---: |",
    ]
    if "estimates" in jobs:
        lines.append(
            "| interaction comparisons (7 kinds, co-creation, NPS gap; "
            f"peak {jobs['estimates_rss_mb']:.0f} MB) "
            f"| {jobs['estimates']:.1f} |"
        )
    lines += [f"| dashboard: {name} | {seconds:.2f} |" for name, seconds in jobs["parts"].items()]
    lines += [
        f"| **dashboard snapshot, whole** | **{jobs['dashboard']:.1f}** |",
        "",
        "| served by the production server | median ms | p95 ms | max ms | bytes |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| `{path}` | {v['median'] * 1000:.1f} | {v['p95'] * 1000:.1f} | {v['max'] * 1000:.1f} "
            f"| {v['bytes']:,} |"
            for path, v in (("/insights/dashboard/", page), ("/health/ (baseline)", served["health"]))
        ),
        "",
        f"Target: the page in ≤ {TARGET_SECONDS:.0f} s: "
        f"**{'met' if page['max'] <= TARGET_SECONDS else 'missed'}** "
        f"(the slowest request {page['max'] * 1000:.0f} ms).",
        "",
        "Figures: " + json.dumps(jobs["figures"], ensure_ascii=False, default=str),
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=30_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--skip-estimates", action="store_true")
    parser.add_argument(
        "--skip-refresh", action="store_true", help="reuse the refresh timings of the last run (page only)"
    )
    args = parser.parse_args()
    prepare_database()
    first, _last = load_members(args.members)
    load_events(args.events, first, args.members)
    django_setup(DB)
    load_world(first, args.members)
    sizes = {
        "members": count("members_user"),
        "events in the log": count("activity_event"),
        "forum topics and replies": count("forum_topic") + count("forum_reply"),
        "yuan purchases": count("stores_order"),
        "store customers with a temperature": count("trust_temperature"),
        "ballots": count("governance_ballot"),
        "NPS answers": count("insights_surveyresponse"),
        "ledger postings": count("points_posting"),
    }
    saved = ROOT / "benchmarks" / "results" / "dashboard-refresh.json"
    if args.skip_refresh and saved.exists():
        jobs = json.loads(saved.read_text())
    else:
        jobs = refresh_jobs(args.skip_estimates)
        saved.write_text(json.dumps(jobs, indent=1, default=str))
        print(json.dumps(jobs, indent=1, default=str), flush=True)
    served = serve(args.requests, operator_cookie())
    text = report(sizes, jobs, served)
    out = ROOT / "benchmarks" / "results" / "dashboard.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
