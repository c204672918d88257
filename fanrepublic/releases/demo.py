"""Demo data for the release train: weeks of releases planned and published through the
services at the moments they happened, shipping about half of the suggestions and bug
reports the forum left in progress (publishing marks them shipped and credits their
authors), the team's own changes beside them, and next week's release being planned.
Idempotent."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.forum.enums import TopicKind, TopicStatus
from fanrepublic.forum.models import StatusChange, Topic
from fanrepublic.products.models import ProductLine

from .enums import ItemKind, ItemSource
from .models import Release, ReleaseCadence
from .services import next_release_date, release_create, release_item_add, release_publish

WEEKS = 8
VERSION_BASE = {"orange-15-pro": "2.0", "orange-su7": "1.6", "orange-home": "3.2", "orange-band-9": "1.4"}
# The car ships on Thursday evenings with a longer freeze; everything else on Friday.
CADENCES = {"orange-su7": {"weekday": 3, "publish_hour": 20, "freeze_hours": 72}}
# The team's own changes, common to every product and then by product line.
INTERNAL_COMMON = [
    ("Security patch of the month", "本月安全补丁", ItemKind.FIX),
    ("Fixed a rare Wi-Fi reconnect delay", "修复偶发的 Wi-Fi 重连延迟", ItemKind.FIX),
    ("Bluetooth stack stability improvements", "蓝牙协议栈稳定性改进", ItemKind.IMPROVEMENT),
    ("Quicker over-the-air update download", "OTA 升级包下载更快", ItemKind.IMPROVEMENT),
]
INTERNAL_BY_PRODUCT = {
    "orange-15-pro": [
        ("Faster cold start of the camera", "相机冷启动更快", ItemKind.IMPROVEMENT),
        ("Lower standby power draw", "降低待机功耗", ItemKind.IMPROVEMENT),
        ("Smoother animations when switching apps", "切换应用的动画更流畅", ItemKind.IMPROVEMENT),
        ("Fixed notification sounds after a reboot", "修复重启后通知提示音异常", ItemKind.FIX),
    ],
    "orange-su7": [
        ("More accurate range estimate in cold weather", "低温下续航估算更准确", ItemKind.IMPROVEMENT),
        ("New energy dashboard", "全新能耗面板", ItemKind.FEATURE),
        ("Fixed a delay waking the centre display", "修复中控屏唤醒延迟", ItemKind.FIX),
    ],
    "orange-home": [
        ("Faster pairing of new devices", "新设备配网更快", ItemKind.IMPROVEMENT),
        ("Fixed scenes not running after a power cut", "修复断电后场景不执行", ItemKind.FIX),
        ("Quieter night mode for the purifier", "净化器夜间模式更安静", ItemKind.IMPROVEMENT),
    ],
    "orange-band-9": [
        ("More accurate step counting", "计步更准确", ItemKind.IMPROVEMENT),
        ("Updated system fonts for more languages", "系统字体支持更多语言", ItemKind.FEATURE),
        ("Fixed a crash when pairing some headphones", "修复部分耳机配对时的崩溃", ItemKind.FIX),
    ],
}


def _ship_dates(line, rng) -> dict:
    """About half of the line's topics that the forum left in progress are ready to ship
    a few days after work started; the rest are still being worked on."""
    started = dict(
        StatusChange.objects.filter(
            to_status=TopicStatus.IN_PROGRESS,
            topic__status=TopicStatus.IN_PROGRESS,
            topic__board__product_line=line,
            topic__kind__in=[TopicKind.SUGGESTION, TopicKind.BUG],
        )
        .order_by("created_at")
        .values_list("topic_id", "created_at")
    )
    topics = Topic.objects.in_bulk(list(started))
    return {
        topics[pk]: at + timedelta(days=rng.uniform(2, 10))
        for pk, at in started.items()
        if rng.random() < 0.55
    }


def _past_release(run, rng, *, engineer, line, cadence, n, day, ready) -> bool:
    """Plan one past week's release through the services at the moments it happened: opened
    four days before its freeze, changes added before the freeze, published on the day."""
    at = timezone.make_aware(datetime.combine(day, time(hour=cadence.publish_hour)))
    freeze = at - timedelta(hours=cadence.freeze_hours)
    shipped = [topic for topic, ready_at in ready.items() if ready_at <= freeze]
    if not shipped and (line.slug != "orange-15-pro" or n % 2):
        return False  # a quiet week: only the phone ships, every other week
    opened = freeze - timedelta(days=4)
    with run.at(opened):
        release = release_create(
            actor=engineer, product_line=line, version=f"{VERSION_BASE[line.slug]}.{n}", planned_for=day
        )
    for topic in shipped:
        del ready[topic]
        with run.at(min(max(opened, freeze - timedelta(days=2)), freeze - timedelta(hours=1))):
            release_item_add(
                actor=engineer,
                release=release,
                source=ItemSource.SUGGESTION if topic.kind == TopicKind.SUGGESTION else ItemSource.BUG_REPORT,
                topic=topic,
            )
    # Roughly 30 % of a release comes from members, as in the article.
    internal = round(len(shipped) * 2.2) + rng.randint(0, 1) if shipped else 1
    own = INTERNAL_COMMON + INTERNAL_BY_PRODUCT[line.slug]
    with run.at(opened + timedelta(hours=2)):
        for title, title_zh, kind in rng.sample(own, min(internal, len(own))):
            release_item_add(
                actor=engineer,
                release=release,
                source=ItemSource.INTERNAL,
                title=title,
                title_zh=title_zh,
                kind=kind,
            )
    with run.at(at):
        release_publish(actor=engineer, release=release)
    return True


def seed(run) -> None:
    if Release.objects.exists():
        return
    rng = run.rng("releases")
    engineer = get_user_model().objects.filter(username="eng_lin").first()
    if engineer is None:
        return
    now = run.now
    published = planned_items = 0
    for line in ProductLine.objects.filter(slug__in=VERSION_BASE).order_by("position", "pk"):
        cadence, _ = ReleaseCadence.objects.get_or_create(
            product_line=line, defaults=CADENCES.get(line.slug, {})
        )
        ready = _ship_dates(line, rng)
        release_day = timezone.localdate(now) - timedelta(
            days=(timezone.localdate(now).weekday() - cadence.weekday) % 7
        )
        days = [release_day - timedelta(weeks=w) for w in range(WEEKS)][::-1]
        for n, day in enumerate(days, start=1):
            if timezone.make_aware(datetime.combine(day, time(hour=cadence.publish_hour))) > now:
                continue
            published += _past_release(
                run, rng, engineer=engineer, line=line, cadence=cadence, n=n, day=day, ready=ready
            )
        upcoming = release_create(
            actor=engineer,
            product_line=line,
            version=f"{VERSION_BASE[line.slug]}.{len(days) + 1}",
            planned_for=next_release_date(line),
        )
        waiting = Topic.objects.filter(
            board__product_line=line,
            kind=TopicKind.SUGGESTION,
            status__in=[TopicStatus.PLANNED, TopicStatus.IN_PROGRESS],
            is_hidden=False,
        ).order_by("-vote_count")[:2]
        for topic in waiting:
            release_item_add(actor=engineer, release=upcoming, source=ItemSource.SUGGESTION, topic=topic)
            planned_items += 1
        release_item_add(
            actor=engineer,
            release=upcoming,
            source=ItemSource.INTERNAL,
            title=INTERNAL_COMMON[0][0],
            title_zh=INTERNAL_COMMON[0][1],
            kind=INTERNAL_COMMON[0][2],
        )
    run.report("releases (published / ideas planned next)", f"{published} / {planned_items}")
