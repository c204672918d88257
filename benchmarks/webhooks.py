"""Git-host webhook deliveries per second, next to the bare view, on the production stack.

    .venv/bin/python benchmarks/webhooks.py [--deliveries 4000] [--threads 4]

(PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379, as for run_all.py.)

1. Database `fanrepublic_bench_webhooks` (made and migrated here): an opened GitHub
   repository with its secret, the contributor licence agreement, and --deliveries / 2
   contributors whose accounts are linked and who accepted it.
2. The production server (uvicorn, 2 workers, production settings, Redis; Celery tasks
   queued to Redis, not run) receives --deliveries signed deliveries from --threads client
   threads: for each contributor a pull request opened, then merged — the merge counts
   (an event in the git host's integration's name, a notification, titles re-evaluated,
   an Academician number for the first 127). Each is checked as GitHub's would be:
   HMAC-SHA256 of the body, the GUID stored once.
3. The baseline, in the same run: as many GETs of the bare view (`/bench/bare/`: the same
   stack and middleware, no work) from the same threads.
Writes benchmarks/results/webhooks.md and prints it.
"""

import argparse
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run_all import ENV, PORT, PY, machine, member_fill, start_server  # noqa: E402
from trust import django_setup, psql  # noqa: E402

DB = "fanrepublic_bench_webhooks"


def prepare_database() -> None:
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname='{DB}'") == "1":
        psql("postgres", f"DROP DATABASE {DB} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {DB}")
    env = {**ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)


def world(contributors: int):
    """The repository, the agreement, and linked contributors who accepted it."""
    from django.utils import timezone

    from fanrepublic.members.tests.factories import engineer
    from fanrepublic.opensource import services
    from fanrepublic.opensource.models import GitAccount, LicenceAcceptance

    staff = engineer(username="bench_engineer")
    agreement = services.agreement_publish(
        actor=staff,
        body="You license your contribution under the project's licence.",
        body_zh="您以项目许可证授权您的贡献。",
    )
    repository = services.repository_open(actor=staff, host="github", full_name="orange-auto/navigation")
    columns = psql(
        DB,
        "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) "
        "FROM information_schema.columns WHERE table_name = 'members_user' AND is_nullable = 'NO' "
        "AND column_default IS NULL AND column_name <> 'id'",
    ).split(",")
    names = [entry.split(":", 1)[0] for entry in columns]
    values = [member_fill(*entry.split(":", 1), "wh") for entry in columns]
    psql(
        DB,
        f"INSERT INTO members_user ({', '.join(names)}) SELECT {', '.join(values)} "
        f"FROM generate_series(1, {contributors}) n",
    )
    from fanrepublic.members.models import User

    members = list(User.objects.filter(username__startswith="wh_").order_by("pk"))
    now = timezone.now()
    GitAccount.objects.bulk_create(
        [
            GitAccount(member=m, host="github", login=f"dev{n}", account_id=str(100_000 + n), verified_at=now)
            for n, m in enumerate(members)
        ]
    )
    LicenceAcceptance.objects.bulk_create(
        [LicenceAcceptance(member=m, agreement=agreement, accepted_at=now) for m in members]
    )
    return repository, len(members)


def fire(requests_: list[tuple[str, bytes | None, dict]], threads: int) -> tuple[float, dict[int, int]]:
    """Send every (url, body or None for GET, headers) from `threads` threads; the
    seconds from first to last and the count of each status."""
    work = list(reversed(requests_))
    lock = threading.Lock()
    statuses: dict[int, int] = {}

    def run():
        while True:
            with lock:
                if not work:
                    return
                url, body, headers = work.pop()
            request = urllib.request.Request(
                url, data=body, headers=headers, method="POST" if body else "GET"
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started, statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    prepare_database()
    django_setup(DB)
    from django.utils import timezone

    from fanrepublic.opensource import samples
    from fanrepublic.opensource.models import Contribution, Title

    repository, contributors = world(args.deliveries // 2)
    base = f"http://127.0.0.1:{PORT}"
    hook = f"{base}/opensource/hooks/{repository.pk}/"
    opened, merged = [], []
    for n in range(contributors):
        author = (f"dev{n}", 100_000 + n)
        for into, merged_at in ((opened, None), (merged, timezone.now())):
            event, payload = samples.pull_request(
                repository=repository, number=n + 1, title=f"Change {n}", author=author, merged_at=merged_at
            )
            headers, body = samples.signed(repository, event, payload)
            into.append((hook, body, headers))
    deliveries = opened + merged  # each pull request opened before it is merged
    server = start_server(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        }
    )
    try:
        fire([(f"{base}/bench/bare/", None, {})] * 200, args.threads)  # warm-up
        hook_seconds, hook_statuses = fire(deliveries, args.threads)
        bare_seconds, bare_statuses = fire(
            [(f"{base}/bench/bare/", None, {})] * len(deliveries), args.threads
        )
    finally:
        server.terminate()
        server.wait()
    counted = Contribution.objects.filter(counted_at__isnull=False).count()
    academicians = Title.objects.filter(rank="academician").count()
    hook_rate, bare_rate = len(deliveries) / hook_seconds, len(deliveries) / bare_seconds
    report = "\n".join(
        [
            "# Webhook deliveries per second",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
            "",
            f"{len(deliveries):,} signed GitHub deliveries ({contributors:,} pull requests opened, then "
            f"merged) from {args.threads} client threads to uvicorn (2 workers, production settings), next "
            "to as many GETs of the bare view in the same run.",
            "",
            "| what | requests | seconds | per second | share of bare | statuses |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            f"| POST /opensource/hooks/<id>/ (verify, record, count merges) | {len(deliveries):,} | "
            f"{hook_seconds:.1f} | {hook_rate:,.0f} | {hook_rate / bare_rate:.0%} | {hook_statuses} |",
            f"| GET /bench/bare/ (baseline) | {len(deliveries):,} | {bare_seconds:.1f} | "
            f"{bare_rate:,.0f} | 100% | {bare_statuses} |",
            "",
            f"Afterwards: {counted:,} merges counted, {academicians} Academicians numbered (the first 127).",
            "",
        ]
    )
    (ROOT / "benchmarks" / "results" / "webhooks.md").write_text(report)
    print(report)
    if hook_statuses != {200: len(deliveries)} or counted != contributors:
        sys.exit(1)


if __name__ == "__main__":
    main()
