"""Load a believable bilingual demo community: product lines, boards, staff, fans, topics,
replies, votes, likes, status changes, merged duplicates, activity events, contribution
scores, trust levels and a few notifications for the demo member.

The rows are written directly (the forum services rate-limit and stamp the current time)
but match what the services would have produced: counters equal their rows, every
action has its activity event, staff posts carry their role. Deterministic (fixed random
seed, times relative to now) and idempotent: a second run notices the demo topics and
stops. The texts live in fanrepublic/core/demo_content.py.
"""

import heapq
import math
import random
import time as clock
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from fanrepublic.activity.enums import Channel
from fanrepublic.activity.models import Event
from fanrepublic.core import demo_content as C
from fanrepublic.core.demo_betas import seed_betas
from fanrepublic.core.demo_bounty import seed_bounty
from fanrepublic.core.demo_committees import seed_committees
from fanrepublic.core.demo_economy import seed_economy
from fanrepublic.core.demo_launches import seed_launches
from fanrepublic.core.demo_releases import seed_releases
from fanrepublic.core.demo_security import seed_second_factors
from fanrepublic.core.demo_votes import seed_votes
from fanrepublic.core.markdown import extract_mentions, render_markdown
from fanrepublic.core.models import AuditEntry
from fanrepublic.core.search import search_document
from fanrepublic.forum.enums import ACCEPTED_STATUSES, ANSWERABLE_KINDS, TRACKED_KINDS, TopicStatus
from fanrepublic.forum.models import Board, Flag, Like, Reply, StatusChange, Topic, Vote
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import User
from fanrepublic.members.services import reputation_apply_event, trust_levels_recompute
from fanrepublic.members.trust import REPUTATION_RULES
from fanrepublic.notifications.models import Notification
from fanrepublic.products.models import ProductLine

SEED = 2026
DAYS = 60
BATCH = 1000
LANGUAGE_CODES = {"zh": "zh-hans", "en": "en"}
KIND_WEIGHTS = {"suggestion": 40, "bug": 25, "feedback": 20, "discussion": 15}
# Share of topics of a kind posted in the lounge rather than on a product board.
LOUNGE_SHARE = {"suggestion": 0.05, "bug": 0.0, "feedback": 0.08, "discussion": 0.35}
REPLY_COUNT_WEIGHTS = [8, 10, 12, 12, 11, 10, 9, 8, 6, 5, 4, 3, 2]  # index = replies (0..12)
HOUR_WEIGHTS = [2, 1, 0.6, 0.3, 0.2, 0.3, 0.8, 2, 4, 5, 5, 5, 6, 5, 5, 5, 5, 5, 6, 8, 9, 9, 7, 4]
# Staff answer times are log-normal: median ~20 h before the shift to working hours.
RESPONSE_MEDIAN_HOURS = 20
RESPONSE_SIGMA = 1.3
STATUS_PATHS = [
    (["acknowledged"], 30),
    (["acknowledged", "planned"], 20),
    (["acknowledged", "planned", "in_progress"], 15),
    (["acknowledged", "planned", "in_progress", "shipped"], 18),
    (["planned"], 5),
    (["acknowledged", "declined"], 12),
]
ANSWERING_ROLES = {StaffRole.ENGINEER, StaffRole.OPERATOR, StaffRole.FOUNDER}

# Fans get a target trust level (0-4); activity is drawn so that most reach it.
TIER_SHARES = [(4, 0.02), (3, 0.10), (2, 0.30), (1, 0.33)]  # the rest: tier 0
AUTHOR_WEIGHT = {0: 0.0, 1: 0.4, 2: 2.0, 3: 5.0, 4: 12.0}
REPLY_WEIGHT = {0: 0.0, 1: 0.3, 2: 5.0, 3: 10.0, 4: 70.0}
VOTE_WEIGHT = {0: 0.1, 1: 1.0, 2: 2.0, 3: 3.0, 4: 3.0}
LIKE_WEIGHT = {0: 0.05, 1: 1.0, 2: 3.0, 3: 8.0, 4: 15.0}
READS = {0: (0, 4), 1: (5, 29), 2: (30, 99), 3: (100, 150), 4: (10_000, 10_000)}  # 4: everything
VISITS = {0: (0, 2, 30), 1: (1, 14, 90), 2: (15, 49, 150), 3: (50, 99, 240), 4: (100, 180, 365)}


# Where demo members live: most Chinese-speaking members on the mainland, some in Hong
# Kong and Taiwan; English speakers spread over a few countries.
DEMO_COUNTRIES_ZH = ["CN"] * 7 + ["HK", "TW", "SG"]
DEMO_COUNTRIES_EN = ["US", "GB", "SG", "DE", "MY", "US", "GB", "AU", "CA", "FR"]


@dataclass(eq=False)
class Person:
    username: str
    lang: str  # "zh" | "en"
    display_name: str = ""
    role: str = ""
    tier: int = 0
    families: list = field(default_factory=list)
    pk: int | None = None


@dataclass(eq=False)
class ReplyPlan:
    author: Person
    body: str
    at: datetime
    role: str = ""
    quote: "ReplyPlan | None" = None
    likers: list = field(default_factory=list)  # [(Person, datetime)]
    flags: list = field(default_factory=list)  # [(Person, reason, detail, datetime)]
    obj: Reply | None = None


@dataclass(eq=False)
class ChangePlan:
    actor: Person
    from_status: str
    to_status: str
    note: str
    at: datetime
    obj: StatusChange | None = None


@dataclass(eq=False)
class TopicPlan:
    board: Board
    family: str
    lang: str
    kind: str
    template: tuple
    values: dict
    title: str
    body: str
    at: datetime
    author: Person | None = None
    pinned: bool = False
    force_accept: bool = False
    replies: list = field(default_factory=list)
    voters: list = field(default_factory=list)  # [(Person, datetime)], the author first
    moved_votes: list = field(default_factory=list)  # [(Person, datetime, TopicPlan)]
    likers: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    first_response: tuple | None = None  # (Person, datetime)
    duplicate_of: "TopicPlan | None" = None
    merged_at: datetime | None = None
    merge_change: ChangePlan | None = None
    claimed: tuple | None = None  # (Person, datetime)
    obj: Topic | None = None

    @property
    def tracked(self) -> bool:
        return self.kind in TRACKED_KINDS

    @property
    def answerable(self) -> bool:
        return self.kind in ANSWERABLE_KINDS

    @property
    def status(self) -> str:
        return self.changes[-1].to_status if self.changes else TopicStatus.NEW


@contextmanager
def explicit_timestamps(*models):
    """Let bulk_create keep the created_at we set on models whose field is auto_now_add
    (votes, likes, flags, audit entries, notifications happened in the past)."""
    fields = [m._meta.get_field("created_at") for m in models]
    saved = [f.auto_now_add for f in fields]
    try:
        for f in fields:
            f.auto_now_add = False
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


class Command(BaseCommand):
    help = (
        "Load a bilingual demo community (product lines, boards, staff, fans, topics, replies, "
        "votes, events, trust levels). Safe to run twice: an already loaded demo is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300, help="Number of fans (default 300).")
        parser.add_argument("--topics", type=int, default=250, help="Number of topics (default 250).")

    def handle(self, *args, members: int, topics: int, **options):
        # The demo's notifications are composed and counted, not printed: on a laptop the
        # console mail backend would bury the summary and the logins under ~1,000 emails.
        from django.conf import settings
        from django.core import mail

        backend, settings.EMAIL_BACKEND = (
            settings.EMAIL_BACKEND,
            "django.core.mail.backends.locmem.EmailBackend",
        )
        before = len(getattr(mail, "outbox", []))
        try:
            self.seed(members=members, topics=topics)
        finally:
            settings.EMAIL_BACKEND = backend
        composed = len(getattr(mail, "outbox", [])) - before
        if composed:
            self.stdout.write(f"  {composed} demo notification emails composed (not sent).")

    def seed(self, *, members: int, topics: int):
        if members < 10 or topics < 5:
            raise CommandError("Use at least --members 10 and --topics 5.")
        existing = Topic.objects.filter(author__email__iendswith=f"@{C.EMAIL_DOMAIN}").count()
        if existing:
            self.stdout.write(
                f"The demo community is already loaded ({existing} demo topics). "
                "Run `manage.py demo_logins` for the logins."
            )
            with transaction.atomic():
                seed_economy(self.stdout)  # idempotent: adds what later versions brought
                seed_releases(self.stdout)
                seed_bounty(self.stdout)
                seed_betas(self.stdout)
                seed_votes(self.stdout)
                seed_committees(self.stdout)
                seed_launches(self.stdout)
                seed_second_factors(self.stdout)
            return
        started = clock.monotonic()
        with transaction.atomic():
            summary = DemoSeeder(self, n_members=members, n_topics=topics).run()
        with transaction.atomic():
            seed_economy(self.stdout)
            seed_releases(self.stdout)
            seed_bounty(self.stdout)
            seed_betas(self.stdout)
            seed_votes(self.stdout)
            seed_committees(self.stdout)
            seed_launches(self.stdout)
            seed_second_factors(self.stdout)
        elapsed = clock.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo community loaded in {elapsed:.1f} s."))
        for label, value in summary:
            self.stdout.write(f"  {label:<28} {value}")
        self.stdout.write("Run `manage.py demo_logins` to see how to sign in.")


class DemoSeeder:
    def __init__(self, command: BaseCommand, *, n_members: int, n_topics: int):
        self.out = command.stdout
        self.style = command.style
        self.n_members = n_members
        self.n_topics = n_topics
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now)
        self.decks: dict[tuple, list[int]] = {}
        self.plans: list[TopicPlan] = []
        self.events: list[Event] = []
        self.created_usernames: set[str] = set()

    def progress(self, message: str) -> None:
        self.out.write(f"  … {message}")

    # Orchestration -------------------------------------------------------------------------

    def run(self) -> list[tuple[str, object]]:
        self.progress("product lines and boards")
        self.create_products_and_boards()
        self.progress("staff, demo member and fans")
        self.create_people()
        self.progress("planning topics, replies, votes and status changes")
        self.plan_topics()
        self.assign_authors()
        for plan in self.plans:
            self.plan_replies(plan)
        self.plan_extra_posts()
        self.plan_merges()
        for plan in self.plans:
            self.settle_first_response(plan)
            self.plan_status_changes(plan)
        self.plan_claims()
        for plan in self.plans:
            self.plan_votes_and_likes(plan)
        self.plan_moved_votes()
        self.progress("writing topics, replies, votes, likes and status changes")
        self.write_forum()
        self.progress("writing activity events (reads, visits, posts, votes, likes)")
        self.collect_forum_events()
        self.collect_reads_and_visits()
        self.write_events()
        self.progress("contribution scores and trust levels")
        applied = self.apply_reputation()
        trust_levels_recompute()
        self.progress("notifications for the demo member, join dates, products owned")
        notes = self.write_notifications()
        self.finish_members()
        return self.summary(applied, notes)

    # Products, boards, people ----------------------------------------------------------------

    def create_products_and_boards(self) -> None:
        lines = {}
        for position, spec in enumerate(C.PRODUCT_LINES):
            fields = {k: v for k, v in spec.items() if k != "slug"}
            lines[spec["slug"]], _ = ProductLine.objects.get_or_create(
                slug=spec["slug"], defaults={**fields, "position": position}
            )
        self.lines = lines
        self.boards: dict[str, Board] = {}
        self.board_weights: dict[str, int] = {}
        for position, spec in enumerate(C.BOARDS):
            board, _ = Board.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "product_line": lines.get(spec["product"]),
                    "name": spec["name"],
                    "name_zh": spec["name_zh"],
                    "description": spec["description"],
                    "description_zh": spec["description_zh"],
                    "position": position,
                },
            )
            self.boards[spec["family"]] = board
            if spec["weight"]:
                self.board_weights[spec["family"]] = spec["weight"]
        self.family_product = {s["family"]: lines.get(s["product"]) for s in C.BOARDS}

    def chinese_name(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.68:
            return rng.choice(C.SURNAMES) + rng.choice(C.GIVEN_NAMES)
        if r < 0.88:
            return rng.choice(C.NICKNAME_PREFIXES) + rng.choice(C.NICKNAME_STEMS) + rng.choice(C.SURNAMES)
        suffix = rng.choice(["", "", str(rng.randint(1, 99)), "_" + str(rng.randint(2015, 2025))])
        return rng.choice(C.NICKNAMES) + suffix

    def english_name(self) -> str:
        first, last = self.rng.choice(C.EN_FIRST_NAMES), self.rng.choice(C.EN_LAST_NAMES)
        return f"{first} {last}" if self.rng.random() < 0.6 else f"{first} {last[0]}."

    def create_people(self) -> None:
        rng = self.rng
        password = make_password(C.PASSWORD)  # hashed once, shared by every demo account
        specs: list[dict] = []
        self.staff: dict[str, Person] = {}
        for spec in C.STAFF:
            lang = "en" if spec["language"] == "en" else "zh"
            self.staff[spec["username"]] = Person(
                spec["username"], lang, spec["display_name"], spec["role"], families=spec["families"]
            )
            specs.append(
                {
                    "username": spec["username"],
                    "display_name": spec["display_name"],
                    "language": spec["language"],
                    "bio": spec["bio"],
                    "daily_reply_target": spec["target"],
                }
            )
        self.admin = Person("admin", "en", "Admin")
        specs.append(
            {
                "username": "admin",
                "display_name": "Admin",
                "language": "en",
                "is_staff": True,
                "is_superuser": True,
            }
        )
        m = C.DEMO_MEMBER
        self.mifan = Person(m["username"], "zh", m["display_name"], tier=3)
        specs.append(
            {
                "username": m["username"],
                "display_name": m["display_name"],
                "language": m["language"],
                "bio": m["bio"],
                "country": "CN",
            }
        )

        self.fans: list[Person] = []
        for i in range(1, self.n_members + 1):
            lang = "zh" if rng.random() < 0.7 else "en"
            if lang == "zh":
                name = self.chinese_name()
            else:
                name = self.english_name() if rng.random() < 0.8 else self.chinese_name()
            bio = ""
            if rng.random() < 0.35:
                bio = rng.choice(C.BIOS_ZH if lang == "zh" else C.BIOS_EN)
            person = Person(f"fan{i:03d}", lang, name)
            self.fans.append(person)
            specs.append(
                {
                    "username": person.username,
                    "display_name": name,
                    "language": LANGUAGE_CODES[lang],
                    "bio": bio,
                    # By position rather than the shared random stream, so adding the
                    # field did not reshuffle the rest of the demo.
                    "country": (DEMO_COUNTRIES_ZH if lang == "zh" else DEMO_COUNTRIES_EN)[i % 10],
                }
            )
        # Target trust tiers: a handful of leaders, some regulars, most new to members.
        order = list(self.fans)
        rng.shuffle(order)
        start = 0
        for tier, share in TIER_SHARES:
            count = max(1, round(share * len(order)))
            for person in order[start : start + count]:
                person.tier = tier
            start += count

        existing = set(
            User.objects.filter(username__in=[s["username"] for s in specs]).values_list(
                "username", flat=True
            )
        )
        if existing:
            self.out.write(
                self.style.WARNING(
                    "  Existing accounts kept as they are (password unchanged): "
                    + ", ".join(sorted(existing)[:10])
                )
            )
        new_users = []
        for spec in specs:
            if spec["username"] in existing:
                continue
            new_users.append(
                User(
                    email=f"{spec['username']}@{C.EMAIL_DOMAIN}",
                    password=password,
                    date_joined=self.now,
                    **spec,
                )
            )
            self.created_usernames.add(spec["username"])
        User.objects.bulk_create(new_users, batch_size=500)
        pks = dict(
            User.objects.filter(username__in=[s["username"] for s in specs]).values_list("username", "pk")
        )
        self.everyone = [*self.staff.values(), self.admin, self.mifan, *self.fans]
        for person in self.everyone:
            person.pk = pks[person.username]

        # Role groups exist from a migration; add the staff to theirs.
        groups = {}
        for person in self.staff.values():
            if person.role not in groups:
                groups[person.role], _ = Group.objects.get_or_create(name=person.role)
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [Membership(user_id=p.pk, group_id=groups[p.role].pk) for p in self.staff.values()],
            ignore_conflicts=True,
        )
        # A verified primary address per account, so allauth lets them sign in.
        with_address = set(
            EmailAddress.objects.filter(user_id__in=pks.values()).values_list("user_id", flat=True)
        )
        users = User.objects.filter(pk__in=[pk for pk in pks.values() if pk not in with_address])
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True)
                for u in users
                if u.email
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        self.fan_pool = [self.mifan, *self.fans]  # everyone who takes part as a member
        self.by_lang = {lang: [p for p in self.fan_pool if p.lang == lang] for lang in ("zh", "en")}
        self.known_usernames = {p.username.lower() for p in self.everyone}

    # Time helpers ------------------------------------------------------------------------------

    def at_local(self, day: date, hour: int, minute: int, second: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute, second), tzinfo=self.tz)

    def random_past(self, max_days: int) -> datetime:
        rng = self.rng
        for _attempt in range(20):
            day = self.today - timedelta(days=rng.randint(0, max_days - 1))
            hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
            moment = self.at_local(day, hour, rng.randint(0, 59), rng.randint(0, 59))
            if moment < self.now - timedelta(minutes=10):
                return moment
        return self.now - timedelta(minutes=rng.randint(10, 600))

    def between(self, start: datetime, end: datetime, skew: float = 1.0) -> datetime:
        """A moment in [start, end); skew > 1 leans towards the start."""
        span = max(0.0, (end - start).total_seconds())
        return start + timedelta(seconds=span * self.rng.random() ** skew)

    def working_hours(self, moment: datetime) -> datetime:
        """Staff answer between 8:00 and 23:00 local time."""
        local = timezone.localtime(moment, self.tz)
        if local.hour < 8:
            return self.at_local(local.date(), 8 + self.rng.randint(0, 2), self.rng.randint(0, 59))
        if local.hour >= 23:
            return self.at_local(
                local.date() + timedelta(days=1), 8 + self.rng.randint(0, 2), self.rng.randint(0, 59)
            )
        return moment

    def local_day(self, moment: datetime) -> date:
        return timezone.localtime(moment, self.tz).date()

    # Choosing people -----------------------------------------------------------------------------

    def pick(self, pool: list[Person], weights: dict[int, float], exclude=()) -> Person | None:
        candidates = [p for p in pool if p not in exclude and weights[p.tier] > 0]
        if not candidates:
            candidates = [p for p in pool if p not in exclude]
        if not candidates:
            return None
        cum = list(accumulate(weights[p.tier] or 0.05 for p in candidates))
        return self.rng.choices(candidates, cum_weights=cum)[0]

    def sample(self, pool: list[Person], weights: dict[int, float], k: int, exclude=()) -> list[Person]:
        """k distinct people, drawn by weight without replacement (Efraimidis-Spirakis)."""
        keyed = [
            (self.rng.random() ** (1.0 / weights[p.tier]), i, p)
            for i, p in enumerate(pool)
            if p not in exclude and weights[p.tier] > 0
        ]
        return [p for _key, _i, p in heapq.nlargest(k, keyed, key=lambda x: x[0])]

    def engineers(self, lang: str | None = None, family: str | None = None) -> list[Person]:
        return [
            p
            for p in self.staff.values()
            if p.role == StaffRole.ENGINEER
            and (lang is None or p.lang == lang)
            and (family is None or family in p.families)
        ]

    def responder_for(self, plan: TopicPlan) -> Person:
        rng = self.rng
        operator = self.staff["op_zhou"] if plan.lang == "zh" else self.staff["op_anna"]
        if plan.family == "lounge" and rng.random() < 0.7:
            return operator
        if rng.random() < 0.1:
            if plan.lang == "zh" and rng.random() < 0.35:
                return self.staff["founder_lei"]
            return operator
        if plan.lang == "en":
            native = self.engineers("en", plan.family) or self.engineers("en")
            if rng.random() < 0.8:
                return rng.choice(native)
            return rng.choice(self.engineers(family=plan.family) or self.engineers())
        return rng.choice(self.engineers("zh", plan.family) or self.engineers("zh"))

    # Topics ----------------------------------------------------------------------------------------

    def next_template(self, family: str, lang: str, kind: str) -> tuple[int, tuple]:
        templates = C.TOPICS[family][lang]
        key = (family, lang, kind)
        if not self.decks.get(key):
            deck = [i for i, t in enumerate(templates) if t[0] == kind]
            self.rng.shuffle(deck)
            self.decks[key] = deck
        index = self.decks[key].pop()
        return index, templates[index]

    def values_for(self, family: str, lang: str) -> dict:
        return {k: self.rng.choice(v) for k, v in C.VARIABLES[family][lang].items()}

    def plan_topics(self) -> None:
        rng = self.rng
        kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
        families, family_weights = zip(*self.board_weights.items(), strict=True)
        for _i in range(self.n_topics):
            kind = rng.choices(kinds, kind_weights)[0]
            lang = "zh" if rng.random() < 0.7 else "en"
            if rng.random() < LOUNGE_SHARE[kind]:
                family = "lounge"
            else:
                family = rng.choices(families, family_weights)[0]
            index, (_kind, title, body) = self.next_template(family, lang, kind)
            values = self.values_for(family, lang)
            prefix = rng.choice(C.TITLE_PREFIXES[lang][kind])
            self.plans.append(
                TopicPlan(
                    board=self.boards[family],
                    family=family,
                    lang=lang,
                    kind=kind,
                    template=(family, lang, index),
                    values=values,
                    title=(prefix + title.format_map(values))[:200],
                    body=body.format_map(values) + rng.choice(C.SIGN_OFFS[lang]),
                    at=self.random_past(DAYS),
                )
            )
        # Two pinned staff topics opened the community.
        for offset, (username, title, body) in enumerate(C.PINNED_TOPICS):
            self.plans.append(
                TopicPlan(
                    board=self.boards["lounge"],
                    family="lounge",
                    lang="zh",
                    kind="discussion",
                    template=("pinned", offset),
                    values=self.values_for("lounge", "zh"),
                    title=title,
                    body=body,
                    at=self.now - timedelta(days=DAYS, hours=6 - offset),
                    author=self.staff[username],
                    pinned=True,
                )
            )
        self.plans.sort(key=lambda p: p.at)

    def age(self, plan: TopicPlan) -> timedelta:
        return self.now - plan.at

    def assign_authors(self) -> None:
        rng = self.rng
        free = [p for p in self.plans if p.author is None]
        # The demo member: an older suggestion that gets accepted, a fresh one, and a few more.
        zh = [p for p in free if p.lang == "zh"]
        mine: list[TopicPlan] = []
        older = [
            p for p in zh if p.kind == "suggestion" and timedelta(days=12) < self.age(p) < timedelta(days=45)
        ]
        if older:
            chosen = rng.choice(older)
            chosen.force_accept = True
            mine.append(chosen)
        fresh = [p for p in zh if p.tracked and self.age(p) < timedelta(days=4) and p not in mine]
        if fresh:
            mine.append(rng.choice(fresh))
        rest = [p for p in zh if p not in mine]
        mine += rng.sample(rest, min(len(rest), 6 - len(mine)))
        for plan in mine:
            plan.author = self.mifan
        # Leaders: three older tracked topics each, accepted later (trust level 4 asks for it).
        for leader in [p for p in self.fans if p.tier == 4]:
            options = [
                p
                for p in self.plans
                if p.author is None
                and p.tracked
                and p.lang == leader.lang
                and self.age(p) > timedelta(days=6)
            ]
            for plan in rng.sample(options, min(3, len(options))):
                plan.author = leader
                plan.force_accept = True
        for plan in self.plans:
            if plan.author is None:
                plan.author = self.pick(self.by_lang[plan.lang], AUTHOR_WEIGHT, exclude={self.mifan})

    # Replies ---------------------------------------------------------------------------------------

    def fill(self, text: str, plan: TopicPlan, **extra) -> str:
        return text.format_map({**plan.values, **extra})

    def plan_replies(self, plan: TopicPlan) -> None:
        rng = self.rng
        staff: list[ReplyPlan] = []
        if plan.pinned:
            count = rng.randint(4, 9)
        else:
            count = rng.choices(range(len(REPLY_COUNT_WEIGHTS)), REPLY_COUNT_WEIGHTS)[0]
        # The first staff answer (feedback, suggestions, bugs): log-normal delay, some never.
        if plan.answerable and not plan.pinned:
            forgotten = rng.random() < (0.25 if self.age(plan) < timedelta(days=7) else 0.09)
            if plan.force_accept or not forgotten:
                hours = rng.lognormvariate(math.log(RESPONSE_MEDIAN_HOURS), RESPONSE_SIGMA)
                hours = min(max(hours, 0.25), 20 * 24)
                if plan.force_accept:
                    hours = min(hours, self.age(plan).total_seconds() / 3600 * 0.3)
                moment = plan.at + timedelta(hours=hours)
                if not plan.force_accept:
                    moment = self.working_hours(moment)
                if moment < self.now - timedelta(minutes=1):
                    responder = self.responder_for(plan)
                    kind_texts = C.STAFF_REPLIES[plan.lang][plan.kind]
                    staff.append(
                        ReplyPlan(responder, self.fill(rng.choice(kind_texts), plan), moment, responder.role)
                    )
                    # Some get a follow-up from the same person days later.
                    if plan.tracked and rng.random() < 0.3:
                        later = moment + timedelta(hours=rng.expovariate(1 / 72))
                        if later < self.now:
                            text = self.fill(rng.choice(C.STAFF_FOLLOW_UPS[plan.lang]), plan)
                            staff.append(ReplyPlan(responder, text, later, responder.role))
        elif plan.kind == "discussion" and not plan.pinned and rng.random() < 0.1:
            engineer = rng.choice(self.engineers(plan.lang, plan.family) or self.engineers(plan.lang))
            moment = self.working_hours(plan.at + timedelta(hours=rng.lognormvariate(math.log(30), 1)))
            if moment < self.now:
                text = self.fill(rng.choice(C.STAFF_REPLIES[plan.lang]["discussion"]), plan)
                staff.append(ReplyPlan(engineer, text, moment, engineer.role))
        # Other staff chime in now and then on Chinese topics.
        if plan.lang == "zh" and not plan.pinned:
            extra = None
            r = rng.random()
            if r < 0.03:
                extra = (self.staff["founder_lei"], rng.choice(C.FOUNDER_REPLIES))
            elif r < 0.06 and plan.kind in ("feedback", "discussion"):
                extra = (self.staff["sm_liu"], rng.choice(C.STORE_MANAGER_REPLIES))
            elif r < 0.07:
                extra = (self.staff["legal_he"], rng.choice(C.LEGAL_REPLIES))
            if extra:
                moment = self.working_hours(plan.at + timedelta(hours=rng.uniform(2, 96)))
                if moment < self.now:
                    staff.append(ReplyPlan(extra[0], extra[1], moment, extra[0].role))

        replies: list[ReplyPlan] = []
        moment = plan.at
        for k in range(count):
            moment += timedelta(hours=rng.expovariate(1 / 8) * (1 + 0.3 * k))
            if moment >= self.now - timedelta(minutes=2):
                break
            replies.append(ReplyPlan(plan.author, "", moment))  # author and text decided below
        timeline = sorted(staff + replies, key=lambda r: r.at)
        mentioned = False
        for reply in timeline:
            if reply.body:
                continue
            reply.author = self.reply_author(plan)
            answered = any(s.role in ANSWERING_ROLES and s.at < reply.at for s in staff)
            username = ""
            if plan.pinned:
                text = rng.choice(C.PINNED_REPLIES[reply.author.lang])
            elif reply.author is plan.author:
                pool = C.THANKS_REPLIES if answered and rng.random() < 0.6 else C.AUTHOR_REPLIES
                text = rng.choice(pool[plan.lang])
            elif answered and rng.random() < 0.25:
                text = rng.choice(C.THANKS_REPLIES[plan.lang])
            elif plan.answerable and not answered and not mentioned and rng.random() < 0.05:
                engineer = rng.choice(self.engineers(plan.lang, plan.family) or self.engineers(plan.lang))
                text, username, mentioned = (
                    rng.choice(C.ENGINEER_MENTION_REPLIES[plan.lang]),
                    engineer.username,
                    True,
                )
            elif rng.random() < 0.3:
                text = rng.choice(C.FAMILY_REPLIES[plan.family][plan.lang])
            else:
                text = rng.choice(C.FAN_REPLIES[plan.lang][plan.kind])
            reply.body = self.fill(text, plan, username=username)
        # A few fans quote an earlier reply.
        for i, reply in enumerate(timeline):
            if i and not reply.role and rng.random() < 0.06:
                reply.quote = rng.choice(timeline[:i])
        plan.replies = timeline

    def reply_author(self, plan: TopicPlan) -> Person:
        if plan.pinned:
            return self.pick(self.fan_pool, REPLY_WEIGHT)
        if not plan.author.role and self.rng.random() < 0.15:
            return plan.author
        return self.pick(self.by_lang[plan.lang], REPLY_WEIGHT, exclude={plan.author}) or plan.author

    def plan_extra_posts(self) -> None:
        """Today's follow-ups by engineers, a reply mentioning the demo member, and a few
        rule-breaking replies that members flagged."""
        rng = self.rng
        start_of_today = self.at_local(self.today, 0, 0)
        regular = [p for p in self.plans if not p.pinned]
        for engineer in self.engineers():
            answered = [
                p
                for p in regular
                if any(r.author is engineer for r in p.replies) and self.age(p) < timedelta(days=21)
            ]
            if not answered:
                answered = [p for p in regular if p.lang == engineer.lang and p.answerable]
            count = rng.randint(3, 6) if engineer.username == "eng_lin" else rng.randint(1, 4)
            for plan in rng.sample(answered, min(count, len(answered))):
                earliest = max(start_of_today, plan.at + timedelta(minutes=10))
                latest = self.now - timedelta(minutes=1)
                if earliest >= latest:
                    continue
                text = self.fill(rng.choice(C.STAFF_FOLLOW_UPS[plan.lang]), plan)  # the topic's language
                plan.replies.append(ReplyPlan(engineer, text, self.between(earliest, latest), engineer.role))
                plan.replies.sort(key=lambda r: r.at)

        # Someone asks the demo member a question.
        joined = [
            p
            for p in regular
            if p.lang == "zh"
            and p.author is not self.mifan
            and any(r.author is self.mifan for r in p.replies)
        ] or [p for p in regular if p.lang == "zh" and p.author is not self.mifan]
        if joined:
            plan = rng.choice(joined)
            asker = self.pick(self.by_lang["zh"], REPLY_WEIGHT, exclude={self.mifan})
            last = max([plan.at, *[r.at for r in plan.replies]])
            moment = self.between(max(last, self.now - timedelta(hours=30)), self.now - timedelta(minutes=5))
            text = rng.choice(C.MENTION_REPLIES["zh"]).format(username=self.mifan.username)
            self.mention = ReplyPlan(asker, text, moment)
            plan.replies.append(self.mention)
            plan.replies.sort(key=lambda r: r.at)
            self.mention_topic = plan
        else:
            self.mention = self.mention_topic = None

        newcomers = {lang: [p for p in self.by_lang[lang] if p.tier <= 1] for lang in ("zh", "en")}
        for lang, reason, text in C.SPAM_REPLIES:
            topics = [p for p in regular if p.lang == lang and self.age(p) > timedelta(hours=6)]
            if not topics or not newcomers[lang]:
                continue
            plan = rng.choice(topics)
            author = rng.choice(newcomers[lang])
            moment = self.between(max(plan.at, self.now - timedelta(days=3)), self.now - timedelta(hours=1))
            reply = ReplyPlan(author, text, moment)
            reporters = self.sample(
                self.by_lang[lang], {0: 0, 1: 0, 2: 1, 3: 2, 4: 2}, rng.randint(1, 3), {author}
            )
            for reporter in reporters:
                detail = rng.choice(C.FLAG_DETAILS[reason])
                reply.flags.append((reporter, reason, detail, self.between(moment, self.now)))
            plan.replies.append(reply)
            plan.replies.sort(key=lambda r: r.at)

    # Duplicates, first responses, status changes, claims --------------------------------------------

    def plan_merges(self) -> None:
        """Merge three later topics into an earlier one on the same subject."""
        rng = self.rng
        special = {self.mention_topic} | {p for p in self.plans if any(r.flags for r in p.replies)}
        candidates = [
            p
            for p in self.plans
            if p.tracked
            and not p.pinned
            and not p.force_accept
            and p.author is not self.mifan
            and p not in special
        ]
        groups: dict[tuple, list[TopicPlan]] = defaultdict(list)
        for plan in candidates:
            groups[plan.template].append(plan)
        pairs = []
        for _key, group in sorted(groups.items(), key=lambda kv: str(kv[0])):
            late = [p for p in group[1:] if self.age(p) > timedelta(days=2)]
            if len(group) > 1 and late:
                pairs.append((group[0], rng.choice(late)))
        if len(pairs) < 3:  # small demos: same board, language and kind will do
            by_kind: dict[tuple, list[TopicPlan]] = defaultdict(list)
            for plan in candidates:
                by_kind[(plan.family, plan.lang, plan.kind)].append(plan)
            for _key, group in sorted(by_kind.items()):
                late = [p for p in group[1:] if self.age(p) > timedelta(days=2)]
                if len(group) > 1 and late:
                    pairs.append((group[0], rng.choice(late)))
        rng.shuffle(pairs)
        used: set = set()
        self.merges: list[TopicPlan] = []
        for original, duplicate in pairs:
            if len(self.merges) == 3:
                break
            if original in used or duplicate in used:
                continue
            used.update({original, duplicate})
            merged_at = min(
                duplicate.at + timedelta(hours=rng.uniform(2, 48)), self.now - timedelta(minutes=30)
            )
            actor = next(
                (r.author for r in duplicate.replies if r.role in ANSWERING_ROLES and r.at < merged_at), None
            )
            actor = actor or self.responder_for(duplicate)
            duplicate.duplicate_of = original
            duplicate.merged_at = merged_at
            # A locked topic takes no replies after the merge.
            duplicate.replies = [r for r in duplicate.replies if r.at < merged_at]
            note = rng.choice(C.STATUS_NOTES[duplicate.lang]["duplicate"])  # {original} filled on write
            duplicate.merge_change = ChangePlan(
                actor, TopicStatus.NEW, TopicStatus.DUPLICATE, note, merged_at
            )
            self.merges.append(duplicate)

    def settle_first_response(self, plan: TopicPlan) -> None:
        if not plan.answerable:
            return
        answers = [(r.at, r.author) for r in plan.replies if r.role in ANSWERING_ROLES]
        if plan.merge_change:
            answers.append((plan.merged_at, plan.merge_change.actor))
        if answers:
            moment, person = min(answers, key=lambda a: a[0])
            plan.first_response = (person, moment)

    def plan_status_changes(self, plan: TopicPlan) -> None:
        rng = self.rng
        if not plan.tracked or plan.pinned or plan.duplicate_of or plan.first_response is None:
            return
        if not plan.force_accept and rng.random() >= 0.47:
            return
        paths = [(p, w) for p, w in STATUS_PATHS if not plan.force_accept or "planned" in p]
        path = rng.choices([p for p, _w in paths], [w for _p, w in paths])[0]
        responder, moment = plan.first_response
        moment += timedelta(minutes=rng.randint(0, 120))
        previous = TopicStatus.NEW
        for step, status in enumerate(path):
            if step:
                gap = timedelta(hours=rng.expovariate(1 / 96))
                if plan.force_accept and moment + gap >= self.now:
                    gap = (self.now - moment) * rng.uniform(0.2, 0.5)
                moment += gap
            if moment >= self.now:
                break
            actor = responder
            if step and rng.random() < 0.2:
                actor = self.staff["founder_lei"] if plan.lang == "zh" else self.staff["op_anna"]
            note = self.fill(rng.choice(C.STATUS_NOTES[plan.lang][status]), plan)
            plan.changes.append(ChangePlan(actor, previous, status, note, moment))
            previous = status

    def plan_claims(self) -> None:
        """Engineers have claimed some of the unanswered topics in the desk queue."""
        rng = self.rng
        waiting = [
            p
            for p in self.plans
            if p.answerable and p.first_response is None and not p.pinned and self.age(p) < timedelta(days=10)
        ]
        for plan in rng.sample(waiting, min(5, len(waiting) // 3)):
            engineer = rng.choice(self.engineers(family=plan.family) or self.engineers())
            plan.claimed = (engineer, self.between(max(plan.at, self.now - timedelta(days=2)), self.now))

    # Votes and likes ------------------------------------------------------------------------------

    def plan_votes_and_likes(self, plan: TopicPlan) -> None:
        rng = self.rng
        end = plan.merged_at or self.now
        if plan.tracked:
            plan.voters = [(plan.author, plan.at)]  # like Canny: the author supports their own idea
            k = int(60 * rng.random() ** 1.7) + (8 if plan.author.tier == 4 else 0)
            for voter in self.sample(self.fan_pool, VOTE_WEIGHT, k, exclude={plan.author}):
                plan.voters.append((voter, self.between(plan.at, end, skew=2)))
        k = int(18 * rng.random() ** 1.8) + (6 if plan.author.tier == 4 else 0) + (25 if plan.pinned else 0)
        for liker in self.sample(self.fan_pool, LIKE_WEIGHT, k, exclude={plan.author}):
            plan.likers.append((liker, self.between(plan.at, self.now, skew=2)))
        for reply in plan.replies:
            if reply.flags:
                continue
            if reply.role:
                k = rng.randint(1, 8)
            else:
                k = rng.choices([0, 1, 2, 3, 4, 6], [55, 20, 12, 7, 4, 2])[0]
                k += {3: 1, 4: 2}.get(reply.author.tier, 0)
            same_lang = self.by_lang[plan.lang] if rng.random() < 0.8 else self.fan_pool
            for liker in self.sample(same_lang, LIKE_WEIGHT, k, exclude={reply.author}):
                reply.likers.append((liker, self.between(reply.at, self.now, skew=2)))

    def plan_moved_votes(self) -> None:
        for duplicate in self.merges:
            original = duplicate.duplicate_of
            supporters = [p for p, _at in duplicate.voters] or [duplicate.author]
            already = {p for p, _at in original.voters}
            original.moved_votes += [
                (p, duplicate.merged_at, duplicate) for p in supporters if p not in already
            ]

    # Writing the forum ------------------------------------------------------------------------------

    def render(self, text: str) -> str:
        mentions = extract_mentions(text) & self.known_usernames
        return render_markdown(text, mentions=mentions)

    def write_forum(self) -> None:
        topics = []
        for plan in self.plans:
            last = max([plan.at, *[r.at for r in plan.replies], *[c.at for c in plan.changes]])
            if plan.merged_at:
                last = max(last, plan.merged_at)
            responder, responded_at = plan.first_response or (None, None)
            plan.obj = Topic(
                board=plan.board,
                author_id=plan.author.pk,
                author_role=plan.author.role,
                kind=plan.kind,
                title=plan.title,
                body=plan.body,
                body_html=self.render(plan.body),
                status=plan.status,  # duplicates are marked after the originals have ids
                is_pinned=plan.pinned,
                vote_count=0 if plan.duplicate_of else len(plan.voters) + len(plan.moved_votes),
                like_count=len(plan.likers),
                reply_count=len(plan.replies),
                last_activity_at=last,
                first_staff_response_at=responded_at,
                first_staff_responder_id=responder.pk if responder else None,
                claimed_by_id=plan.claimed[0].pk if plan.claimed else None,
                claimed_at=plan.claimed[1] if plan.claimed else None,
                created_at=plan.at,
                search_document=search_document(plan.title, plan.body),
            )
            topics.append(plan.obj)
        Topic.objects.bulk_create(topics, batch_size=500)
        for duplicate in self.merges:
            Topic.objects.filter(pk=duplicate.obj.pk).update(
                status=TopicStatus.DUPLICATE, duplicate_of=duplicate.duplicate_of.obj, is_locked=True
            )
            duplicate.merge_change.note = duplicate.merge_change.note.format(
                original=duplicate.duplicate_of.obj.pk
            )

        replies = sorted(((r, p) for p in self.plans for r in p.replies), key=lambda rp: rp[0].at)
        for reply, plan in replies:
            reply.obj = Reply(
                topic=plan.obj,
                author_id=reply.author.pk,
                author_role=reply.role,
                body=reply.body,
                body_html=self.render(reply.body),
                like_count=len(reply.likers),
                created_at=reply.at,
                search_document=search_document(reply.body),
            )
        Reply.objects.bulk_create([r.obj for r, _p in replies], batch_size=500)
        quoting = [r for r, _p in replies if r.quote is not None]
        for reply in quoting:
            reply.obj.quoted_id = reply.quote.obj.pk
        Reply.objects.bulk_update([r.obj for r in quoting], ["quoted"], batch_size=500)

        with explicit_timestamps(Vote, Like, Flag, AuditEntry):
            votes = []
            for plan in self.plans:
                if plan.duplicate_of:
                    continue  # the merge moved these votes to the original
                votes += [Vote(member_id=p.pk, topic=plan.obj, created_at=at) for p, at in plan.voters]
                votes += [
                    Vote(member_id=p.pk, topic=plan.obj, created_at=at, carried_from=dup.obj)
                    for p, at, dup in plan.moved_votes
                ]
            Vote.objects.bulk_create(votes, batch_size=BATCH)
            likes = [
                Like(member_id=p.pk, topic=plan.obj, created_at=at)
                for plan in self.plans
                for p, at in plan.likers
            ]
            likes += [
                Like(member_id=p.pk, reply=r.obj, created_at=at) for r, _plan in replies for p, at in r.likers
            ]
            Like.objects.bulk_create(likes, batch_size=BATCH)
            changes = sorted(
                [
                    (c, plan)
                    for plan in self.plans
                    for c in [*plan.changes, *filter(None, [plan.merge_change])]
                ],
                key=lambda cp: cp[0].at,
            )
            for change, plan in changes:
                change.obj = StatusChange(
                    topic=plan.obj,
                    actor_id=change.actor.pk,
                    actor_role=change.actor.role,
                    from_status=change.from_status,
                    to_status=change.to_status,
                    note=change.note,
                    note_html=self.render(change.note),
                    created_at=change.at,
                )
            StatusChange.objects.bulk_create([c.obj for c, _p in changes], batch_size=BATCH)
            audit = []
            for change, plan in changes:
                merged = change.to_status == TopicStatus.DUPLICATE
                data = (
                    {"into": plan.duplicate_of.obj.pk, "votes_moved": self.votes_moved(plan)}
                    if merged
                    else {"from": change.from_status, "to": change.to_status}
                )
                audit.append(
                    AuditEntry(
                        actor_id=change.actor.pk,
                        action="forum.topic.merged" if merged else "forum.topic.status_changed",
                        target_type="forum.topic",
                        target_id=str(plan.obj.pk),
                        target_repr=plan.title[:200],
                        reason=change.note,
                        data=data,
                        created_at=change.at,
                    )
                )
            AuditEntry.objects.bulk_create(audit, batch_size=BATCH)
            self.flags = []
            for reply, _plan in replies:
                for reporter, reason, detail, at in reply.flags:
                    flag = Flag(
                        reporter_id=reporter.pk, reply=reply.obj, reason=reason, detail=detail, created_at=at
                    )
                    self.flags.append((flag, reply))
            Flag.objects.bulk_create([f for f, _r in self.flags], batch_size=BATCH)
        self.counts = {
            "votes": len(votes),
            "likes": len(likes),
            "status changes": len(changes),
            "replies": len(replies),
            "audit entries": len(audit),
        }

    def votes_moved(self, duplicate: TopicPlan) -> int:
        original = duplicate.duplicate_of
        return sum(1 for _p, _at, dup in original.moved_votes if dup is duplicate)

    # Events -------------------------------------------------------------------------------------------

    def channel(self) -> str:
        return Channel.APP if self.rng.random() < 0.08 else Channel.WEB

    def event(
        self, key: str, verb: str, at: datetime, actor=None, owner=None, obj=None, **properties
    ) -> None:
        self.events.append(
            Event(
                idempotency_key=key,
                verb=verb,
                actor_id=actor.pk if actor else None,
                owner_id=owner.pk if owner else None,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                channel=self.channel(),
                occurred_at=at,
                properties=properties,
            )
        )

    def collect_forum_events(self) -> None:
        """The events the forum services record, one per stored action."""
        self.touched: dict[Person, dict[TopicPlan, datetime]] = defaultdict(dict)

        def touch(person, plan, at):
            seen = self.touched[person]
            if plan not in seen or at < seen[plan]:
                seen[plan] = at

        for plan in self.plans:
            topic, author = plan.obj, plan.author
            self.event(
                f"demo:topic:{topic.pk}",
                "forum.topic.created",
                plan.at,
                author,
                author,
                topic,
                board=plan.board.slug,
                kind=plan.kind,
                mentions=sorted(extract_mentions(plan.body)),
            )
            touch(author, plan, plan.at)
            for reply in plan.replies:
                self.event(
                    f"demo:reply:{reply.obj.pk}",
                    "forum.reply.created",
                    reply.at,
                    reply.author,
                    author,
                    reply.obj,
                    topic_id=topic.pk,
                    mentions=sorted(extract_mentions(reply.body)),
                    quoted_author_id=reply.quote.author.pk if reply.quote else None,
                    staff=bool(reply.role),
                )
                touch(reply.author, plan, reply.at)
                for liker, at in reply.likers:
                    self.event(
                        f"demo:like:reply:{reply.obj.pk}:{liker.pk}",
                        "forum.reply.liked",
                        at,
                        liker,
                        reply.author,
                        reply.obj,
                        topic_id=topic.pk,
                    )
                    touch(liker, plan, at)
                for reporter, reason, _detail, at in reply.flags:
                    self.event(
                        f"demo:flag:{reply.obj.pk}:{reporter.pk}",
                        "forum.reply.flagged",
                        at,
                        reporter,
                        reply.author,
                        reply.obj,
                        reason=reason,
                    )
            if plan.first_response:
                responder, at = plan.first_response
                self.event(
                    f"demo:first_response:{topic.pk}",
                    "forum.topic.first_response",
                    at,
                    responder,
                    author,
                    topic,
                    seconds=int((at - plan.at).total_seconds()),
                )
            for voter, at in plan.voters[1:]:  # the author's own vote has no event
                self.event(f"demo:vote:{topic.pk}:{voter.pk}", "forum.topic.voted", at, voter, author, topic)
                touch(voter, plan, at)
            for liker, at in plan.likers:
                self.event(
                    f"demo:like:topic:{topic.pk}:{liker.pk}",
                    "forum.topic.liked",
                    at,
                    liker,
                    author,
                    topic,
                    topic_id=topic.pk,
                )
                touch(liker, plan, at)
            accepted = False
            for change in plan.changes:
                self.event(
                    f"demo:status:{change.obj.pk}",
                    "forum.topic.status_changed",
                    change.at,
                    change.actor,
                    author,
                    topic,
                    **{"from": change.from_status, "to": change.to_status, "status_change_id": change.obj.pk},
                )
                touch(change.actor, plan, change.at)
                if change.to_status in ACCEPTED_STATUSES and not accepted:
                    accepted = True  # once per topic, with the key the service uses
                    self.event(
                        f"forum.topic.accepted:{topic.pk}",
                        "forum.topic.accepted",
                        change.at,
                        change.actor,
                        author,
                        topic,
                    )
            if plan.merge_change:
                change = plan.merge_change
                supporters = sorted({p.pk for p, _at in plan.voters} | {author.pk})
                self.event(
                    f"demo:merged:{topic.pk}",
                    "forum.topic.merged",
                    change.at,
                    change.actor,
                    author,
                    topic,
                    **{
                        "into": plan.duplicate_of.obj.pk,
                        "from": change.from_status,
                        "status_change_id": change.obj.pk,
                        "supporters": supporters,
                    },
                )
            if plan.claimed:
                engineer, at = plan.claimed
                self.event(f"demo:claim:{topic.pk}", "forum.topic.claimed", at, engineer, author, topic)

    def collect_reads_and_visits(self) -> None:
        rng = self.rng
        self.last_seen: dict[Person, datetime] = {}
        self.first_seen: dict[Person, datetime] = {}
        for person in self.everyone:
            touched = self.touched.get(person, {})
            reads = {
                plan: max(plan.at, at - timedelta(minutes=rng.randint(1, 30))) for plan, at in touched.items()
            }
            if not person.role and person is not self.admin:
                low, high = READS[person.tier]
                target = rng.randint(low, high)
                others = [p for p in self.plans if p not in reads]
                for plan in rng.sample(others, max(0, min(len(others), target - len(reads)))):
                    reads[plan] = self.between(plan.at, self.now, skew=1.5)
            for plan, at in reads.items():
                self.event(f"read:{person.pk}:{plan.obj.pk}", "forum.topic.read", at, person, None, plan.obj)

            # One visit per day: the days they did anything, plus quieter days.
            days = {self.local_day(at) for at in reads.values()}
            if person.role:
                days |= {
                    self.today - timedelta(days=d)
                    for d in range(DAYS)
                    if (self.today - timedelta(days=d)).weekday() < 5
                }
            elif person is self.admin:
                days |= {self.today - timedelta(days=d) for d in rng.sample(range(DAYS), 6)}
            else:
                low, high, span = VISITS[person.tier]
                target = rng.randint(low, high)
                pool = [
                    self.today - timedelta(days=d)
                    for d in range(span)
                    if self.today - timedelta(days=d) not in days
                ]
                days |= set(rng.sample(pool, max(0, min(len(pool), target - len(days)))))
            moments = []
            for day in sorted(days):
                hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
                moment = self.at_local(day, hour, rng.randint(0, 59))
                if day == self.today and moment > self.now:
                    moment = self.between(self.at_local(day, 0, 0), self.now)
                moments.append(moment)
                channel_app = rng.random() < 0.15
                self.events.append(
                    Event(
                        idempotency_key=f"visit:{person.pk}:{day.isoformat()}",
                        verb="member.visited",
                        actor_id=person.pk,
                        channel=Channel.APP if channel_app else Channel.WEB,
                        occurred_at=moment,
                    )
                )
            seen = moments + list(reads.values())
            if seen:
                self.first_seen[person] = min(seen)
                self.last_seen[person] = max(moments) if moments else max(seen)

    def write_events(self) -> None:
        keys = [e.idempotency_key for e in self.events]
        duplicates = [k for k, n in Counter(keys).items() if n > 1]
        if duplicates:
            raise CommandError(f"Duplicate event keys in the demo plan: {duplicates[:5]}")
        self.events.sort(key=lambda e: e.occurred_at)
        # ignore_conflicts: a visit an existing account already recorded today stays as it was.
        Event.objects.bulk_create(self.events, batch_size=BATCH, ignore_conflicts=True)

    def apply_reputation(self) -> int:
        applied = 0
        scored = Event.objects.filter(verb__in=list(REPUTATION_RULES)).only(
            "pk", "verb", "actor_id", "owner_id"
        )
        for event in list(scored.order_by("pk")):
            if reputation_apply_event(event=event) is not None:
                applied += 1
        return applied

    # Notifications, members -------------------------------------------------------------------------

    def write_notifications(self) -> int:
        mifan = self.mifan
        items = []  # (kind, actor, plan, at, anchor reply or None, status)
        own = [p for p in self.plans if p.author is mifan]
        replies = sorted(
            ((r, p) for p in own for r in p.replies if r.author is not mifan), key=lambda rp: rp[0].at
        )
        for reply, plan in replies[-3:]:
            items.append(("reply", reply.author, plan, reply.at, reply, ""))
        # The latest status change of their own topics, then of topics they voted for.
        voted = [
            p
            for p in self.plans
            if p.author is not mifan and p.changes and any(v is mifan for v, _at in p.voters)
        ]
        voted.sort(key=lambda p: p.changes[-1].at, reverse=True)
        latest = [(p.changes[-1], p) for p in [*own, *voted] if p.changes]
        for change, plan in latest[:2]:
            items.append(("status", change.actor, plan, change.at, None, change.to_status))
        if self.mention is not None:
            items.append(
                (
                    "mention",
                    self.mention.author,
                    self.mention_topic,
                    self.mention.at,
                    self.mention,
                    "",
                )
            )
        rows = []
        with explicit_timestamps(Notification):
            for number, (kind, actor, plan, at, reply, status) in enumerate(
                sorted(items, key=lambda i: i[3]), 1
            ):
                url = reverse("forum:topic", args=[plan.obj.pk])
                if reply is not None:
                    url += f"#reply-{reply.obj.pk}"
                params = {
                    "actor": actor.display_name or actor.username,
                    "topic": plan.title,
                    "topic_id": plan.obj.pk,
                }
                if kind == "status":
                    params["status"] = status
                rows.append(
                    Notification(
                        recipient_id=mifan.pk,
                        kind=kind,
                        actor_id=actor.pk,
                        url=url,
                        params=params,
                        dedupe_key=f"demo:{number}",
                        created_at=at,
                    )
                )
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)

    def finish_members(self) -> None:
        rng = self.rng
        users = User.objects.in_bulk([p.pk for p in self.everyone if p.username in self.created_usernames])
        changed = []
        for person in self.everyone:
            user = users.get(person.pk)
            if user is None:
                continue
            if person.role or person is self.admin:
                user.date_joined = self.now - timedelta(days=rng.randint(400, 900))
            elif person in self.first_seen:
                user.date_joined = self.first_seen[person] - timedelta(hours=rng.uniform(1, 240))
            else:
                user.date_joined = self.now - timedelta(days=rng.uniform(1, 40))
            user.last_login = self.last_seen.get(person)
            changed.append(user)
        User.objects.bulk_update(changed, ["date_joined", "last_login"], batch_size=500)

        # Products: what they write about, plus a few more.
        owned: set[tuple[int, int]] = set()
        lines = list(self.lines.values())
        for plan in self.plans:
            product = self.family_product.get(plan.family)
            if product and not plan.author.role and rng.random() < 0.9:
                owned.add((plan.author.pk, product.pk))
        for person in self.fans:
            if rng.random() < 0.55:
                for line in rng.sample(lines, rng.randint(1, 2)):
                    owned.add((person.pk, line.pk))
        for slug in C.DEMO_MEMBER["products"]:
            owned.add((self.mifan.pk, self.lines[slug].pk))
        Through = User.products_owned.through
        Through.objects.bulk_create(
            [Through(user_id=u, productline_id=p) for u, p in sorted(owned)],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    def summary(self, applied: int, notes: int) -> list[tuple[str, object]]:
        levels = Counter(
            User.objects.filter(pk__in=[p.pk for p in self.fan_pool]).values_list("trust_level", flat=True)
        )
        answerable = [p for p in self.plans if p.answerable and not p.pinned and not p.duplicate_of]
        answered = [p for p in answerable if p.first_response]
        waiting = [p for p in answerable if not p.first_response]
        overdue = [p for p in waiting if self.age(p) > timedelta(days=7)]
        hours = sorted((p.first_response[1] - p.at).total_seconds() / 3600 for p in answered)
        median = hours[len(hours) // 2] if hours else 0
        late = sum(1 for h in hours if h > 7 * 24)
        zh = sum(1 for p in self.plans if p.lang == "zh")
        return [
            ("product lines / boards", f"{len(self.lines)} / {len(self.boards)}"),
            ("staff accounts", len(self.staff) + 1),
            ("members (incl. mifan)", len(self.fan_pool)),
            ("topics (zh / en)", f"{len(self.plans)} ({zh} / {len(self.plans) - zh})"),
            ("replies", self.counts["replies"]),
            ("votes / likes", f"{self.counts['votes']} / {self.counts['likes']}"),
            ("status changes / merges", f"{self.counts['status changes']} / {len(self.merges)}"),
            (
                "answerable topics answered",
                f"{len(answered)} of {len(answerable)} (median {median:.1f} h, {late} after 7+ days)",
            ),
            ("waiting / overdue (>7 d)", f"{len(waiting)} / {len(overdue)}"),
            ("activity events", Event.objects.count()),
            ("contribution score entries", applied),
            ("open flags", len(self.flags)),
            ("notifications for mifan", notes),
            ("trust levels 0/1/2/3/4", " / ".join(str(levels.get(i, 0)) for i in range(5))),
        ]
