"""Forum reads, already limited to what the asking member may see."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fanrepublic.core.errors import NotFound
from fanrepublic.core.stats import percentile
from fanrepublic.members.permissions import can_moderate

from .enums import ANSWERABLE_KINDS, TopicSort, TopicStatus
from .models import Attachment, Board, Flag, Like, Reply, StatusChange, Topic, Vote
from .search import search_topics

BOARD_COUNTS_CACHE_SECONDS = 60
# Deleted by the moderation services (services._visitors_see_it_now).
BOARD_COUNTS_CACHE_KEY = "forum:board-topic-counts"


def _visible_topics_per_board() -> dict[int, int]:
    rows = Topic.objects.filter(is_hidden=False).values("board_id").annotate(n=Count("id")).order_by()
    return {r["board_id"]: r["n"] for r in rows}


def boards_list() -> list[Board]:
    """Open boards with their number of visible topics. Counting 100k topics per page
    view costs more than the page, so the counts are cached for a minute."""
    boards = list(
        Board.objects.filter(is_archived=False).select_related("product_line").order_by("position", "name")
    )
    counts = cache.get_or_set(BOARD_COUNTS_CACHE_KEY, _visible_topics_per_board, BOARD_COUNTS_CACHE_SECONDS)
    for board in boards:
        board.topic_total = counts.get(board.pk, 0)
    return boards


def board_get(*, slug: str) -> Board:
    board = Board.objects.filter(slug=slug).select_related("product_line").first()
    if board is None:
        raise NotFound()
    return board


def visible_topics(*, viewer) -> QuerySet[Topic]:
    qs = Topic.objects.all()
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    return qs


def visible_replies(*, viewer) -> QuerySet[Reply]:
    qs = Reply.objects.all()
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False, topic__is_hidden=False)
    return qs


def topic_list(
    *,
    viewer,
    board: Board | None = None,
    kind: str = "",
    status: str = "",
    sort: str = TopicSort.ACTIVE,
    query: str = "",
    author=None,
) -> QuerySet[Topic]:
    qs = visible_topics(viewer=viewer)
    if board is not None:
        qs = qs.filter(board=board)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if author is not None:
        qs = qs.filter(author=author)
    if query:
        qs = search_topics(qs, visible_replies(viewer=viewer), query)
    qs = qs.select_related("board", "author")
    if sort == TopicSort.NEW:
        return qs.order_by("-created_at", "-id")
    if sort == TopicSort.TOP:
        return qs.order_by("-vote_count", "-created_at", "-id")
    if query:
        return qs.order_by("-last_activity_at", "-id")
    return qs.order_by("-is_pinned", "-last_activity_at", "-id")


def topic_get(*, viewer, pk: int) -> Topic:
    topic = (
        visible_topics(viewer=viewer)
        .select_related("board", "board__product_line", "author", "duplicate_of", "claimed_by")
        .filter(pk=pk)
        .first()
    )
    if topic is None:
        raise NotFound()
    return topic


def reply_get(*, viewer, pk: int) -> Reply:
    reply = visible_replies(viewer=viewer).select_related("topic", "author").filter(pk=pk).first()
    if reply is None:
        raise NotFound()
    return reply


def flag_get(*, pk: int) -> Flag:
    flag = Flag.objects.select_related("topic", "reply", "reply__topic").filter(pk=pk).first()
    if flag is None:
        raise NotFound()
    return flag


@dataclass
class TopicPage:
    topic: Topic
    replies: list[Reply]
    status_changes: list[StatusChange]
    topic_attachments: list[Attachment]
    liked_topic: bool
    liked_reply_ids: set[int]
    voted: bool


def topic_replies(*, viewer, topic: Topic) -> QuerySet[Reply]:
    qs = topic.replies.all()
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    return (
        qs.select_related("author", "quoted", "quoted__author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "id")
    )


def topic_page(*, viewer, topic: Topic, replies: list[Reply]) -> TopicPage:
    """Everything a topic page shows, in a fixed number of queries however many replies."""
    liked_topic, liked_reply_ids, voted = False, set(), False
    if viewer.is_authenticated:
        reply_ids = [r.pk for r in replies]
        likes = Like.objects.filter(member=viewer).filter(Q(topic=topic) | Q(reply_id__in=reply_ids))
        for topic_id, reply_id in likes.values_list("topic_id", "reply_id"):
            if topic_id:
                liked_topic = True
            else:
                liked_reply_ids.add(reply_id)
        voted = Vote.objects.filter(member=viewer, topic=topic).exists()
    return TopicPage(
        topic=topic,
        replies=replies,
        status_changes=list(topic.status_changes.select_related("actor").order_by("created_at", "id")),
        topic_attachments=list(topic.attachments.order_by("pk")),
        liked_topic=liked_topic,
        liked_reply_ids=liked_reply_ids,
        voted=voted,
    )


def voter_ids(*, topic_id: int) -> list[int]:
    return list(Vote.objects.filter(topic_id=topic_id).values_list("member_id", flat=True))


def open_flags() -> QuerySet[Flag]:
    return (
        Flag.objects.filter(status="open")
        .select_related("reporter", "topic", "topic__author", "reply", "reply__author", "reply__topic")
        .order_by("created_at")
    )


# The engineer desk --------------------------------------------------------------------

DESK_SORTS = {"oldest": ("created_at", "-vote_count"), "votes": ("-vote_count", "created_at")}


def desk_queue(
    *, board: Board | None = None, kind: str = "", claim: str = "", engineer=None, sort: str = "oldest"
) -> QuerySet[Topic]:
    """Feedback, suggestions and bugs still waiting for a first staff response."""
    qs = Topic.objects.filter(
        first_staff_response_at__isnull=True,
        kind__in=ANSWERABLE_KINDS,
        is_hidden=False,
    ).exclude(status=TopicStatus.DUPLICATE)
    if board is not None:
        qs = qs.filter(board=board)
    if kind:
        qs = qs.filter(kind=kind)
    if claim == "mine" and engineer is not None:
        qs = qs.filter(claimed_by=engineer)
    elif claim == "unclaimed":
        qs = qs.filter(claimed_by__isnull=True)
    return qs.select_related("board", "author", "claimed_by").order_by(
        *DESK_SORTS.get(sort, DESK_SORTS["oldest"]), "id"
    )


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


@dataclass
class EngineerToday:
    replies_today: int
    target: int
    open_claims: list[Topic]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.replies_today / self.target)) if self.target else 100


def engineer_today(*, engineer) -> EngineerToday:
    start, end = _day_bounds(timezone.localdate())
    replies = Reply.objects.filter(author=engineer, created_at__gte=start, created_at__lt=end).count()
    claims = list(
        Topic.objects.filter(claimed_by=engineer, first_staff_response_at__isnull=True, is_hidden=False)
        .select_related("board")
        .order_by("claimed_at")[:50]
    )
    return EngineerToday(replies_today=replies, target=engineer.daily_reply_target, open_claims=claims)


@dataclass
class ResponseMetrics:
    start: date
    end: date
    target_days: int
    topics: int
    answered: int
    median_hours: float | None
    p90_hours: float | None
    within_target_share: float | None
    judged: int
    overdue: int
    overdue_topics: list[Topic]
    daily: list[dict]  # day, topics, answered, median_hours, staff_replies
    per_engineer: list[dict]  # engineer, days: {day: n}, total, per_day


def response_metrics(*, start: date, end: date, target_days: int | None = None) -> ResponseMetrics:
    """First-staff-response figures for answerable topics created between start and end
    (inclusive). A topic counts towards "answered within target" once it is answered or
    older than the target; younger unanswered topics cannot be judged yet."""
    target_days = target_days or settings.FORUM_RESPONSE_TARGET_DAYS
    target = timedelta(days=target_days)
    now = timezone.now()
    range_start, _x = _day_bounds(start)
    _y, range_end = _day_bounds(end)
    rows = list(
        Topic.objects.filter(
            kind__in=ANSWERABLE_KINDS, created_at__gte=range_start, created_at__lt=range_end, is_hidden=False
        ).values_list("created_at", "first_staff_response_at")
    )
    tz = timezone.get_current_timezone()
    durations: list[float] = []
    judged = within = 0
    by_day: dict[date, dict] = {}
    for created, answered in rows:
        day = timezone.localtime(created, tz).date()
        bucket = by_day.setdefault(day, {"topics": 0, "answered": 0, "hours": []})
        bucket["topics"] += 1
        if answered is not None:
            hours = (answered - created).total_seconds() / 3600
            durations.append(hours)
            bucket["answered"] += 1
            bucket["hours"].append(hours)
            judged += 1
            within += answered - created <= target
        elif now - created > target:
            judged += 1
    staff_replies = (
        Reply.objects.filter(created_at__gte=range_start, created_at__lt=range_end)
        .exclude(author_role="")
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("author__username", "author__display_name", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    per_engineer: dict[str, dict] = {}
    replies_by_day: dict[date, int] = {}
    for row in staff_replies:
        # Engineers by the name members see on their replies, not by login.
        shown = row["author__display_name"] or row["author__username"]
        entry = per_engineer.setdefault(row["author__username"], {"engineer": shown, "days": {}, "total": 0})
        entry["days"][row["day"]] = row["n"]
        entry["total"] += row["n"]
        replies_by_day[row["day"]] = replies_by_day.get(row["day"], 0) + row["n"]
    for entry in per_engineer.values():
        entry["per_day"] = round(entry["total"] / len(days), 1)
        entry["row"] = [entry["days"].get(d, 0) for d in days]
    overdue_qs = Topic.objects.filter(
        kind__in=ANSWERABLE_KINDS,
        first_staff_response_at__isnull=True,
        is_hidden=False,
        created_at__lt=now - target,
    ).exclude(status=TopicStatus.DUPLICATE)
    daily = []
    for d in days:
        b = by_day.get(d, {"topics": 0, "answered": 0, "hours": []})
        daily.append(
            {
                "day": d,
                "topics": b["topics"],
                "answered": b["answered"],
                "median_hours": round(statistics.median(b["hours"]), 1) if b["hours"] else None,
                "staff_replies": replies_by_day.get(d, 0),
            }
        )
    return ResponseMetrics(
        start=start,
        end=end,
        target_days=target_days,
        topics=len(rows),
        answered=len(durations),
        median_hours=round(statistics.median(durations), 1) if durations else None,
        p90_hours=round(percentile(durations, 90), 1) if durations else None,
        within_target_share=round(within / judged, 3) if judged else None,
        judged=judged,
        overdue=overdue_qs.count(),
        overdue_topics=list(overdue_qs.select_related("board", "author").order_by("created_at")[:25]),
        daily=daily,
        per_engineer=sorted(per_engineer.values(), key=lambda e: -e["total"]),
    )
