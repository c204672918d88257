"""Load a large forum into PostgreSQL for the benchmarks: 100,000 topics and 1,000,000
replies by 20,000 members, with COPY (minutes, not hours).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fanrepublic_bench \
        .venv/bin/python benchmarks/load_data.py [--topics 100000] [--replies 1000000]

Idempotent: if the database already holds that many topics it does nothing.
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from fanrepublic.core.markdown import render_markdown  # noqa: E402
from fanrepublic.core.search import search_document  # noqa: E402
from fanrepublic.forum.models import Board, Reply, Topic  # noqa: E402
from fanrepublic.members.models import User  # noqa: E402
from fanrepublic.products.models import ProductLine  # noqa: E402

TITLES = [
    "相机夜景模式偏暗",
    "游戏免打扰模式建议",
    "Battery drains overnight after update",
    "冬季续航标定不准",
    "Wireless charging stops at 80%",
    "空气净化器宠物毛发过滤",
    "Add a schedule to the robot vacuum",
    "车机导航拥堵预测",
    "Band 9 sleep tracking misses naps",
    "系统更新后蓝牙断连",
]
BODIES = [
    "升级到最新版本以后，**夜景模式**拍出来明显偏暗，希望工程师看看。",
    "Since the last OTA the phone loses 20% overnight.\n\n- Model: Orange 15 Pro\n- Version: 2.1.3",
    "零下十度的时候续航掉得很厉害，表显和实际差了 80 公里。",
    "It would be great to pick rooms and times for cleaning.",
]
REPLIES = [
    "同样的问题，+1",
    "I see this too on my device.",
    "已经反馈给售后了",
    "Thanks, following this.",
    "更新之后好了一些",
    "Same here, please fix!",
    "建议增加开关",
    "Workaround: restart Bluetooth.",
]


def copy_rows(table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(_cell(v) for v in row) + "\n")
    buf.seek(0)
    connection.ensure_connection()
    raw = connection.connection  # the psycopg 3 connection, for COPY
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buf.read(1 << 20):
            copy.write(data)


def _cell(v) -> str:
    if v is None:
        return r"\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=20_000)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "benchmarks run on PostgreSQL"
    if Topic.objects.count() >= args.topics:
        print(f"already loaded: {Topic.objects.count()} topics, {Reply.objects.count()} replies")
        return
    rng = random.Random(7)
    started = time.monotonic()
    now = timezone.now()

    product, _ = ProductLine.objects.get_or_create(
        slug="bench-phone", defaults={"name": "Bench Phone", "kind": "phone"}
    )
    boards = [
        Board.objects.get_or_create(
            slug=f"bench-{i}", defaults={"name": f"Bench board {i}", "product_line": product}
        )[0]
        for i in range(8)
    ]
    password = make_password("bench-pass")
    first_member = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    User.objects.bulk_create(
        [
            User(
                username=f"bench{first_member + i}",
                email=f"bench{first_member + i}@bench.local",
                password=password,
            )
            for i in range(args.members)
        ],
        batch_size=5000,
    )
    member_ids = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
    print(f"members: {len(member_ids)} ({time.monotonic() - started:.0f}s)")

    docs = {t: search_document(t) for t in TITLES}
    body_html = {b: render_markdown(b) for b in BODIES}
    body_docs = {b: search_document(b) for b in BODIES}
    reply_html = {r: render_markdown(r) for r in REPLIES}
    reply_docs = {r: search_document(r) for r in REPLIES}

    # Replies per topic: a long tail, and topic 1 of the run gets 500 (the "hot" topic).
    weights = [rng.paretovariate(1.2) for _ in range(args.topics)]
    scale = args.replies / sum(weights)
    counts = [int(w * scale) for w in weights]
    counts[0] = 500
    counts[-1] += args.replies - sum(counts)

    topic_cols = [
        "board_id",
        "author_id",
        "author_role",
        "kind",
        "title",
        "body",
        "body_html",
        "status",
        "is_pinned",
        "is_locked",
        "is_hidden",
        "vote_count",
        "like_count",
        "reply_count",
        "last_activity_at",
        "created_at",
        "search_document",
    ]

    def topic_rows():
        for i in range(args.topics):
            title, body = TITLES[i % len(TITLES)], BODIES[i % len(BODIES)]
            created = now - timedelta(minutes=(args.topics - i) * 5)
            yield (
                boards[i % len(boards)].pk,
                member_ids[i % len(member_ids)],
                "",
                ("suggestion", "bug", "feedback", "discussion")[i % 4],
                f"{title} #{i}",
                body,
                body_html[body],
                "new",
                False,
                False,
                False,
                i % 50,
                i % 20,
                counts[i],
                created + timedelta(hours=1),
                created,
                docs[title] + " " + body_docs[body] + f" {i}",
            )

    first_topic = (Topic.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    copy_rows("forum_topic", topic_cols, topic_rows())
    print(f"topics: {args.topics} ({time.monotonic() - started:.0f}s)")

    reply_cols = [
        "topic_id",
        "author_id",
        "author_role",
        "body",
        "body_html",
        "is_hidden",
        "like_count",
        "created_at",
        "search_document",
    ]

    def reply_rows():
        for t_index, n in enumerate(counts):
            topic_id = first_topic + t_index
            base = now - timedelta(minutes=(args.topics - t_index) * 5)
            for j in range(n):
                text = REPLIES[(t_index + j) % len(REPLIES)]
                yield (
                    topic_id,
                    member_ids[(t_index * 7 + j) % len(member_ids)],
                    "",
                    text,
                    reply_html[text],
                    False,
                    j % 3,
                    base + timedelta(seconds=30 * (j + 1)),
                    reply_docs[text],
                )

    copy_rows("forum_reply", reply_cols, reply_rows())
    print(f"replies: {sum(counts)} ({time.monotonic() - started:.0f}s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forum_topic; ANALYZE forum_reply; ANALYZE members_user;")
    print(f"done in {time.monotonic() - started:.0f}s; hot topic id {first_topic}")


if __name__ == "__main__":
    main()
