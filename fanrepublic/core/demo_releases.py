"""Demo data for the release train: weeks of published releases built from the demo's
shipped suggestions and bug reports (each in the first release after it shipped), the
team's own changes beside them, and next week's release being planned. Idempotent."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.activity.services import record_event
from fanrepublic.forum.enums import TopicKind, TopicStatus
from fanrepublic.forum.models import StatusChange, Topic
from fanrepublic.products.models import ProductLine
from fanrepublic.releases.enums import ItemKind, ItemSource, ReleaseStatus
from fanrepublic.releases.models import Release, ReleaseCadence, ReleaseItem
from fanrepublic.releases.services import next_release_date, release_create, release_item_add

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


def seed_releases(out) -> None:
    if Release.objects.exists():
        return
    rng = random.Random(2026)
    engineer = get_user_model().objects.filter(username="eng_lin").first()
    if engineer is None:
        return
    now = timezone.now()
    shipped_at = dict(
        StatusChange.objects.filter(to_status=TopicStatus.SHIPPED).values_list("topic_id", "created_at")
    )
    published = planned_items = 0
    for line in ProductLine.objects.filter(slug__in=VERSION_BASE):
        cadence, _ = ReleaseCadence.objects.get_or_create(
            product_line=line, defaults=CADENCES.get(line.slug, {})
        )
        topics = list(
            Topic.objects.filter(
                board__product_line=line,
                status=TopicStatus.SHIPPED,
                kind__in=[TopicKind.SUGGESTION, TopicKind.BUG],
            ).select_related("author")
        )
        release_day = timezone.localdate(now) - timedelta(
            days=(timezone.localdate(now).weekday() - cadence.weekday) % 7
        )
        days = [release_day - timedelta(weeks=w) for w in range(WEEKS)][::-1]
        for n, day in enumerate(days, start=1):
            at = timezone.make_aware(datetime.combine(day, time(hour=cadence.publish_hour)))
            if at > now:
                continue
            week_start = at - timedelta(weeks=1)
            shipped = [t for t in topics if t.pk in shipped_at and week_start < shipped_at[t.pk] <= at]
            if not shipped and (line.slug != "orange-15-pro" or n % 2):
                continue  # a quiet week: only the phone ships, every other week
            release = Release.objects.create(
                product_line=line,
                version=f"{VERSION_BASE[line.slug]}.{n}",
                planned_for=day,
                freeze_at=at - timedelta(hours=cadence.freeze_hours),
                status=ReleaseStatus.PUBLISHED,
                published_at=at,
                published_by=engineer,
                created_by=engineer,
            )
            for topic in shipped:
                source = (
                    ItemSource.SUGGESTION if topic.kind == TopicKind.SUGGESTION else ItemSource.BUG_REPORT
                )
                item = ReleaseItem.objects.create(
                    release=release,
                    title=topic.title,
                    kind=ItemKind.FEATURE if source == ItemSource.SUGGESTION else ItemKind.FIX,
                    source=source,
                    user_contributed=True,
                    topic=topic,
                    contributor=topic.author,
                    added_by=engineer,
                )
                record_event(
                    verb="releases.item.shipped",
                    actor=engineer,
                    obj=item,
                    owner=topic.author,
                    properties={
                        "source": source,
                        "user_contributed": True,
                        "release_id": release.pk,
                        "product": line.slug,
                        "topic_id": topic.pk,
                    },
                    idempotency_key=f"releases.item.shipped:{item.pk}",
                    occurred_at=at,
                )
            # Roughly 30 % of a release comes from members, as in the article.
            internal = round(len(shipped) * 2.2) + rng.randint(0, 1) if shipped else 1
            own = INTERNAL_COMMON + INTERNAL_BY_PRODUCT[line.slug]
            for title, title_zh, kind in rng.sample(own, min(internal, len(own))):
                ReleaseItem.objects.create(
                    release=release,
                    title=title,
                    title_zh=title_zh,
                    kind=kind,
                    source=ItemSource.INTERNAL,
                    user_contributed=False,
                    added_by=engineer,
                )
            published += 1
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
    out.write(
        f"  release train: {published} published releases, {planned_items} member ideas planned for next week"
    )
