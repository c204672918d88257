"""The demo forum: boards, and two months of topics, replies, votes, likes, status
changes, merged duplicates, claims, flags, reads and visits.

First the whole history is planned (who writes what, when; a fixed random seed, times
relative to now), then it is replayed in time order through the forum's and the
members' services with the clock set to each moment (`DemoRun.at`). So every row,
counter, event, notification, contribution score and point is what the product itself
produced; nothing here writes a forum row. Idempotent: a forum that has demo topics is
left alone. The texts live in demo_content.py.
"""

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.db.models import Count, Q, Sum
from django.test.utils import override_settings
from django.utils import timezone

from fanrepublic.activity.enums import Channel
from fanrepublic.members import demo_content as people
from fanrepublic.members.demo import demo_accounts, fan_username
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import User
from fanrepublic.members.services import trust_levels_recompute, visit_record
from fanrepublic.notifications.models import Notification
from fanrepublic.products.models import ProductLine

from . import demo_content as C
from . import services
from .enums import ANSWERABLE_KINDS, TRACKED_KINDS, TopicStatus
from .models import Board, Flag, Reply, StatusChange, Topic

DAYS = 60
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
    # The release train ships about half of these later (releases/demo.py): "shipped"
    # is set by publishing a release, never by hand.
    (["acknowledged", "planned", "in_progress"], 33),
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


@dataclass(eq=False)
class Person:
    username: str
    lang: str  # "zh" | "en"
    display_name: str = ""
    role: str = ""
    tier: int = 0
    families: list = field(default_factory=list)
    user: User | None = None

    @property
    def pk(self) -> int:
        return self.user.pk


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


class ForumDemo:
    def __init__(self, run):
        self.run = run
        self.n_topics = run.topics
        self.rng = run.rng("forum")
        self.now = run.now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now)
        self.decks: dict[tuple, list[int]] = {}
        self.plans: list[TopicPlan] = []

    def progress(self, message: str) -> None:
        self.run.progress(message)

    def run_all(self) -> None:
        self.progress("boards")
        self.create_boards()
        self.load_people()
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
        self.plan_reads_and_visits()
        self.progress(f"replaying {len(self.actions)} actions through the services, in time order")
        self.replay()
        self.progress("trust levels")
        trust_levels_recompute()
        self.report()

    # Boards and people -------------------------------------------------------------------------

    def create_boards(self) -> None:
        lines = {line.slug: line for line in ProductLine.objects.all()}
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

    def load_people(self) -> None:
        """The accounts the members demo created, with a target trust tier for each fan."""
        users = {u.username: u for u in demo_accounts()}

        def person(username, **fields) -> Person:
            user = users[username]
            lang = "en" if user.language == "en" else "zh"
            return Person(username, lang, user.display_name, user=user, **fields)

        self.staff = {
            s["username"]: person(s["username"], role=s["role"], families=s["families"]) for s in people.STAFF
        }
        self.admin = person("admin")
        self.mifan = person(people.DEMO_MEMBER["username"], tier=3)
        self.fans = [person(fan_username(i)) for i in range(1, self.run.members + 1)]
        # Target trust tiers: a handful of leaders, some regulars, most new to members.
        order = list(self.fans)
        self.rng.shuffle(order)
        start = 0
        for tier, share in TIER_SHARES:
            count = max(1, round(share * len(order)))
            for fan in order[start : start + count]:
                fan.tier = tier
            start += count
        self.everyone = [*self.staff.values(), self.admin, self.mifan, *self.fans]
        self.fan_pool = [self.mifan, *self.fans]  # everyone who takes part as a member
        self.by_lang = {lang: [p for p in self.fan_pool if p.lang == lang] for lang in ("zh", "en")}

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

    # Replaying the plan -----------------------------------------------------------------------------

    def plan_reads_and_visits(self) -> None:
        """Who read which topic and which days each account visited; then every planned
        action goes on one time line."""
        rng = self.rng
        touched: dict[Person, dict[TopicPlan, datetime]] = defaultdict(dict)

        def touch(person, plan, at):
            seen = touched[person]
            if plan not in seen or at < seen[plan]:
                seen[plan] = at

        for plan in self.plans:
            touch(plan.author, plan, plan.at)
            for reply in plan.replies:
                touch(reply.author, plan, reply.at)
                for liker, at in reply.likers:
                    touch(liker, plan, at)
            for voter, at in plan.voters[1:]:
                touch(voter, plan, at)
            for liker, at in plan.likers:
                touch(liker, plan, at)
            for change in plan.changes:
                touch(change.actor, plan, change.at)
        self.reads: list[tuple[datetime, Person, TopicPlan]] = []
        self.visits: list[tuple[datetime, Person, str]] = []
        for person in self.everyone:
            seen = touched.get(person, {})
            reads = {
                plan: max(plan.at, at - timedelta(minutes=rng.randint(1, 30))) for plan, at in seen.items()
            }
            if not person.role and person is not self.admin:
                low, high = READS[person.tier]
                target = rng.randint(low, high)
                others = [p for p in self.plans if p not in reads]
                for plan in rng.sample(others, max(0, min(len(others), target - len(reads)))):
                    reads[plan] = self.between(plan.at, self.now, skew=1.5)
            self.reads += [(at, person, plan) for plan, at in reads.items()]
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
            for day in sorted(days):
                moment = self.at_local(day, rng.choices(range(24), HOUR_WEIGHTS)[0], rng.randint(0, 59))
                if day == self.today and moment > self.now:
                    moment = self.between(self.at_local(day, 0, 0), self.now)
                # A visit comes before the first thing done that day.
                first = min([at for at in reads.values() if self.local_day(at) == day], default=moment)
                channel = Channel.APP if rng.random() < 0.15 else Channel.WEB
                self.visits.append((min(moment, first), person, channel))
        self.schedule()

    def schedule(self) -> None:
        """Every action as (moment, phase, order, callable). At the same moment a topic
        exists before its replies, and a post before what is done to it."""
        actions = []

        def add(at, phase, action):
            actions.append((at, phase, len(actions), action))

        for at, person, channel in self.visits:
            add(
                at,
                0,
                lambda p=person, at=at, c=channel: visit_record(
                    member=p.user, day=self.local_day(at), channel=c
                ),
            )
        for plan in self.plans:
            add(plan.at, 1, lambda plan=plan: self.create_topic(plan))
            for reply in plan.replies:
                add(reply.at, 2, lambda plan=plan, reply=reply: self.create_reply(plan, reply))
                for liker, at in reply.likers:
                    add(
                        at,
                        3,
                        lambda r=reply, p=liker: services.like_set(member=p.user, target=r.obj, liked=True),
                    )
                for reporter, reason, detail, at in reply.flags:
                    add(
                        at,
                        3,
                        lambda r=reply, p=reporter, why=reason, d=detail: services.flag_create(
                            reporter=p.user, target=r.obj, reason=why, detail=d
                        ),
                    )
            for voter, at in plan.voters[1:]:  # the author's support comes with the topic
                add(
                    at,
                    3,
                    lambda plan=plan, p=voter: services.vote_set(member=p.user, topic=plan.obj, voted=True),
                )
            for liker, at in plan.likers:
                add(
                    at,
                    3,
                    lambda plan=plan, p=liker: services.like_set(member=p.user, target=plan.obj, liked=True),
                )
            for change in plan.changes:
                add(change.at, 4, lambda plan=plan, c=change: self.change_status(plan, c))
            if plan.merge_change:
                add(plan.merged_at, 4, lambda plan=plan: self.merge(plan))
            if plan.claimed:
                engineer, at = plan.claimed
                add(
                    at, 4, lambda plan=plan, p=engineer: services.topic_claim(engineer=p.user, topic=plan.obj)
                )
        for at, person, plan in self.reads:
            add(at, 5, lambda p=person, plan=plan: services.topic_read(member=p.user, topic=plan.obj))
        actions.sort(key=lambda a: a[:3])
        self.actions = actions

    def replay(self) -> None:
        # Weeks of posting replayed in seconds: the spam limit is for live members.
        with override_settings(FORUM_POST_RATE="1000000/s"):
            total = len(self.actions)
            for done, (at, _phase, _order, action) in enumerate(self.actions, start=1):
                with self.run.at(at):
                    action()
                if done % 5000 == 0 and done < total:
                    self.progress(f"{done:,} of {total:,} actions")

    def create_topic(self, plan: TopicPlan) -> None:
        plan.obj = services.topic_create(
            author=plan.author.user,
            board=plan.board,
            kind=plan.kind,
            title=plan.title,
            body=plan.body,
            channel=self.channel(),
        )
        if plan.pinned:
            services.topic_moderate(actor=plan.author.user, topic=plan.obj, action="pin")

    def create_reply(self, plan: TopicPlan, reply: ReplyPlan) -> None:
        reply.obj = services.reply_create(
            author=reply.author.user,
            topic=plan.obj,
            body=reply.body,
            quoted=reply.quote.obj if reply.quote else None,
            channel=self.channel(),
        )

    def change_status(self, plan: TopicPlan, change: ChangePlan) -> None:
        plan.obj.refresh_from_db()
        change.obj = services.topic_status_change(
            actor=change.actor.user, topic=plan.obj, status=change.to_status, note=change.note
        )

    def merge(self, duplicate: TopicPlan) -> None:
        original = duplicate.duplicate_of
        duplicate.obj.refresh_from_db()
        original.obj.refresh_from_db()
        note = duplicate.merge_change.note.format(original=original.obj.pk)
        services.topic_merge(
            actor=duplicate.merge_change.actor.user, duplicate=duplicate.obj, original=original.obj, note=note
        )

    def channel(self) -> str:
        return Channel.APP if self.rng.random() < 0.08 else Channel.WEB

    # What was loaded --------------------------------------------------------------------------------

    def report(self) -> None:
        """Counted from the database, not from the plan."""
        topics = Topic.objects.filter(author__in=demo_accounts())
        levels = dict(
            demo_accounts()
            .filter(pk__in=[p.pk for p in self.fan_pool])
            .values_list("trust_level")
            .annotate(n=Count("pk"))
        )
        answerable = topics.filter(kind__in=ANSWERABLE_KINDS, is_pinned=False).exclude(
            status=TopicStatus.DUPLICATE
        )
        answered = answerable.filter(first_staff_response_at__isnull=False)
        hours = sorted(
            (t.first_staff_response_at - t.created_at).total_seconds() / 3600
            for t in answered.only("created_at", "first_staff_response_at")
        )
        median = hours[len(hours) // 2] if hours else 0
        late = sum(1 for h in hours if h > 7 * 24)
        waiting = answerable.filter(first_staff_response_at__isnull=True)
        overdue = waiting.filter(created_at__lt=self.now - timedelta(days=7))
        zh = topics.filter(author__language="zh-hans").count()
        total = topics.count()
        run = self.run
        run.report("topics (by zh / en speakers)", f"{total} ({zh} / {total - zh})")
        replies = Reply.objects.filter(topic__in=topics)
        totals = topics.aggregate(votes=Sum("vote_count"), likes=Sum("like_count"))
        reply_likes = replies.aggregate(likes=Sum("like_count"))["likes"] or 0
        run.report("replies", replies.count())
        run.report("votes / likes", f"{totals['votes'] or 0} / {(totals['likes'] or 0) + reply_likes}")
        run.report(
            "status changes / merges",
            f"{StatusChange.objects.filter(topic__in=topics).exclude(to_status=TopicStatus.DUPLICATE).count()}"
            f" / {topics.filter(status=TopicStatus.DUPLICATE).count()}",
        )
        run.report(
            "answerable topics answered",
            f"{answered.count()} of {answerable.count()} (median {median:.1f} h, {late} after 7+ days)",
        )
        run.report("waiting / overdue (>7 d)", f"{waiting.count()} / {overdue.count()}")
        run.report(
            "open flags", Flag.objects.filter(Q(topic__in=topics) | Q(reply__topic__in=topics)).count()
        )
        run.report("notifications for mifan", Notification.objects.filter(recipient=self.mifan.user).count())
        run.report("trust levels 0/1/2/3/4", " / ".join(str(levels.get(i, 0)) for i in range(5)))


def seed(run) -> None:
    existing = Topic.objects.filter(author__in=demo_accounts()).count()
    if existing:
        run.progress(f"the demo forum is already loaded ({existing} demo topics)")
        return
    ForumDemo(run).run_all()
