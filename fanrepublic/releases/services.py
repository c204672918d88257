"""The weekly release train: plan a release on the product's cadence, add items linked
to what they came from until the freeze, publish — which ships the linked topics (their
authors and voters are told by the forum's status notifications), records one
`releases.item.shipped` event per item for the earning rules, and is audited."""

import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.forum.enums import ACCEPTED_STATUSES, TopicStatus
from fanrepublic.forum.services import topic_status_change

from . import sources
from .enums import TOPIC_SOURCES, Channel, ItemKind, ItemSource, ReleaseStatus
from .models import Release, ReleaseCadence, ReleaseItem
from .permissions import can_plan

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-+_]{0,39}$")
TITLE_MAX = 200
# The public changelog links an outside contribution: only a web address, never a
# javascript:, data: or vbscript: URL (the API takes any string up to 200 characters).
# Its message is Django's own ("Enter a valid URL."), translated by Django.
_WEB_URL = URLValidator(schemes=["http", "https"])


def cadence_for(product_line) -> ReleaseCadence:
    cadence = ReleaseCadence.objects.filter(product_line=product_line).first()
    return cadence or ReleaseCadence(product_line=product_line)  # Friday 10:00, freeze 48 h before


def next_release_date(product_line, *, now: datetime | None = None) -> date:
    """The next release day of the product's cadence whose freeze is still ahead: on a
    Wednesday afternoon, with a 48-hour freeze, that is next week's Friday."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidate = today + timedelta(days=(cadence_for(product_line).weekday - today.weekday()) % 7)
    if freeze_time(product_line, candidate) <= now:
        candidate += timedelta(days=7)
    return candidate


def freeze_time(product_line, planned_for: date) -> datetime:
    cadence = cadence_for(product_line)
    release_at = timezone.make_aware(datetime.combine(planned_for, time(hour=cadence.publish_hour)))
    return release_at - timedelta(hours=cadence.freeze_hours)


def _require_planner(actor):
    if not can_plan(actor):
        raise Forbidden(_("Only engineers and operators plan releases."))


def release_create(
    *,
    actor,
    product_line,
    version: str,
    channel: str = Channel.STABLE,
    planned_for: date | None = None,
    notes: str = "",
    notes_zh: str = "",
) -> Release:
    _require_planner(actor)
    version = (version or "").strip()
    if not VERSION_RE.match(version):
        raise ValidationFailed(
            _("Give a version such as 2.1.3 (letters, digits, dots and dashes; at most 40)."), field="version"
        )
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown release channel."), field="channel")
    planned_for = planned_for or next_release_date(product_line)
    if freeze_time(product_line, planned_for) <= timezone.now():
        raise ValidationFailed(
            _("The freeze for that date has passed; choose a later release date."), field="planned_for"
        )
    if Release.objects.filter(product_line=product_line, channel=channel, version=version).exists():
        raise ValidationFailed(_("This product already has that version on this channel."), field="version")
    with transaction.atomic():
        release = Release.objects.create(
            product_line=product_line,
            channel=channel,
            version=version,
            planned_for=planned_for,
            freeze_at=freeze_time(product_line, planned_for),
            notes=notes.strip(),
            notes_zh=notes_zh.strip(),
            created_by=actor,
        )
        audit_record(actor=actor, action="releases.release.created", target=release)
    return release


def release_item_add(
    *,
    actor,
    release: Release,
    source: str,
    title: str = "",
    title_zh: str = "",
    kind: str = ItemKind.FEATURE,
    topic=None,
    contributor=None,
    outside_url: str = "",
    source_id: int | None = None,
) -> ReleaseItem:
    """Add a changelog line before the freeze. A suggestion or bug report brings its topic
    (and its author as the contributor) and moves the topic to "planned"; a registered
    source (`releases.sources`) brings the object numbered `source_id` — as the source
    resolves it for `actor`: NotFound when they may not see it — and its contributor."""
    _require_planner(actor)
    registered = sources.get(source)
    if source not in ItemSource.values and registered is None:
        raise ValidationFailed(_("Choose where the change came from."), field="source")
    if kind not in ItemKind.values:
        raise ValidationFailed(_("Unknown kind of change."), field="kind")
    origin = None
    if source in TOPIC_SOURCES:
        if topic is None:
            raise ValidationFailed(_("Link the forum topic this change came from."), field="topic")
        if topic.kind != TOPIC_SOURCES[source]:
            raise ValidationFailed(_("That topic is not of this kind."), field="topic")
        if topic.status in (TopicStatus.DUPLICATE, TopicStatus.DECLINED) or topic.is_hidden:
            raise ValidationFailed(_("That topic was declined, merged or hidden."), field="topic")
        shipped_in = ReleaseItem.objects.filter(topic=topic, release__status=ReleaseStatus.PUBLISHED).first()
        if shipped_in is not None:
            raise ValidationFailed(
                _("That topic already shipped in %(release)s.")
                % {"release": shipped_in.release.display_name},
                field="topic",
            )
        contributor = topic.author
        title = title.strip() or topic.title
    elif registered is not None:
        if isinstance(source_id, bool) or not isinstance(source_id, int) or source_id < 1:
            raise ValidationFailed(
                _("Give the number of the item this change came from (%(source)s).")
                % {"source": registered.label},
                field="source_id",
            )
        origin = registered.resolve(actor, source_id)  # judged as it is now, for this actor
        if origin.confidential and not title.strip():
            # The changelog is public and the object is not: it needs its own words.
            raise ValidationFailed(str(registered.confidential_message), field="title")
        shipped_in = (
            ReleaseItem.objects.filter(
                source_type=registered.key, source_id=source_id, release__status=ReleaseStatus.PUBLISHED
            )
            .select_related("release__product_line")
            .first()
        )
        if shipped_in is not None:
            raise ValidationFailed(
                _("That already shipped in %(release)s.") % {"release": shipped_in.release.display_name},
                field="source_id",
            )
        contributor = origin.contributor if registered.user_contributed else None
        title = title.strip() or origin.title
    elif source != ItemSource.INTERNAL and contributor is None:
        raise ValidationFailed(_("Name the member who contributed this."), field="contributor")
    if source == ItemSource.OUTSIDE and not outside_url:
        raise ValidationFailed(_("Link the outside contribution."), field="outside_url")
    outside_url = (outside_url or "").strip()
    if outside_url:
        try:
            _WEB_URL(outside_url)
        except ValidationError:
            raise ValidationFailed(str(_WEB_URL.message), field="outside_url") from None
    if source == ItemSource.INTERNAL:
        contributor = None
    title, title_zh = title.strip(), title_zh.strip()
    if not title or len(title) > TITLE_MAX or len(title_zh) > TITLE_MAX:
        raise ValidationFailed(
            _("Give a title of at most %(n)d characters.") % {"n": TITLE_MAX}, field="title"
        )
    item_source = registered.item_source if registered is not None else source
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        if locked.is_published:
            raise Conflict(_("This release is already published."))
        if locked.is_frozen():
            raise Conflict(_("This release is frozen; plan the change into the next one."))
        if topic is not None and ReleaseItem.objects.filter(release=locked, topic=topic).exists():
            raise ValidationFailed(_("That topic is already in this release."), field="topic")
        if (
            registered is not None
            and ReleaseItem.objects.filter(
                release=locked, source_type=registered.key, source_id=source_id
            ).exists()
        ):
            raise ValidationFailed(_("That is already in this release."), field="source_id")
        item = ReleaseItem.objects.create(
            release=locked,
            title=title,
            title_zh=title_zh,
            kind=kind,
            source=item_source,
            user_contributed=item_source != ItemSource.INTERNAL,
            topic=topic,
            source_type=registered.key if registered is not None else "",
            source_id=source_id if registered is not None else None,
            contributor=contributor,
            outside_url=outside_url,
            added_by=actor,
        )
        if topic is not None and topic.status not in ACCEPTED_STATUSES:
            topic_status_change(
                actor=actor,
                topic=topic,
                status=TopicStatus.PLANNED,
                note=_("Planned for %(release)s (%(date)s).")
                % {"release": locked.display_name, "date": locked.planned_for.isoformat()},
            )
        data = {"item": item.pk, "source": source}
        if origin is not None:
            data.update(source_id=source_id, source_url=origin.url)
        audit_record(actor=actor, action="releases.item.added", target=locked, data=data)
    return item


def release_item_remove(*, actor, item: ReleaseItem) -> None:
    _require_planner(actor)
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=item.release_id)
        if release.is_published:
            raise Conflict(_("This release is already published."))
        if release.is_frozen():
            raise Conflict(_("This release is frozen; plan the change into the next one."))
        audit_record(actor=actor, action="releases.item.removed", target=release, data={"title": item.title})
        item.delete()


def _refuse_shipped_twice(release: Release, items: list[ReleaseItem]) -> None:
    """An object of a registered source (a merged change, a bounty finding) ships once,
    even when two open releases both planned it. Every item of those objects, in every
    release, is locked in one order first: two such releases publishing at the same
    moment go one after the other, and the second sees the first."""
    same = Q()
    for item in items:
        if item.source_type:
            same |= Q(source_type=item.source_type, source_id=item.source_id)
    if not same:
        return
    list(ReleaseItem.objects.select_for_update().filter(same).order_by("pk").values_list("pk", flat=True))
    shipped = (
        ReleaseItem.objects.filter(same, release__status=ReleaseStatus.PUBLISHED)
        .exclude(release=release)
        .select_related("release__product_line")
        .first()
    )
    if shipped is not None:
        raise Conflict(
            _("“%(title)s” already shipped in %(release)s: remove it from this release before publishing.")
            % {"title": shipped.display_title, "release": shipped.release.display_name}
        )


def release_publish(*, actor, release: Release, now: datetime | None = None) -> Release:
    """Publish once: the changelog goes public, linked topics are marked shipped (with a
    link to the release; authors and voters are notified), and each item's contributor
    is credited through one event per item, which the earning rules pay exactly once."""
    _require_planner(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Release.objects.select_for_update().select_related("product_line").get(pk=release.pk)
        if locked.is_published:
            raise Conflict(_("This release is already published."))
        items = list(locked.items.select_related("topic", "contributor"))
        if not items:
            raise ValidationFailed(_("Add at least one change before publishing."))
        _refuse_shipped_twice(locked, items)
        Release.objects.filter(pk=locked.pk).update(
            status=ReleaseStatus.PUBLISHED, published_at=now, published_by=actor
        )
        locked.status, locked.published_at, locked.published_by = ReleaseStatus.PUBLISHED, now, actor
        url = reverse("releases:release", args=[locked.product_line.slug, locked.version])
        for item in items:
            if item.topic is not None and item.topic.status != TopicStatus.SHIPPED:
                topic_status_change(
                    actor=actor,
                    topic=item.topic,
                    status=TopicStatus.SHIPPED,
                    note=_("Shipped in [%(release)s](%(url)s).")
                    % {"release": locked.display_name, "url": url},
                )
            record_event(
                verb="releases.item.shipped",
                actor=actor,
                obj=item,
                owner=item.contributor,
                properties={
                    "source": item.source,
                    "user_contributed": item.user_contributed,
                    "release_id": locked.pk,
                    "product": locked.product_line.slug,
                    "topic_id": item.topic_id,
                    "source_type": item.source_type,
                    "source_id": item.source_id,
                },
                idempotency_key=f"releases.item.shipped:{item.pk}",
                occurred_at=now,
            )
        record_event(
            verb="releases.release.published",
            actor=actor,
            obj=locked,
            properties={"items": len(items), "user_contributed": sum(i.user_contributed for i in items)},
            idempotency_key=f"releases.release.published:{locked.pk}",
            occurred_at=now,
        )
        audit_record(
            actor=actor, action="releases.release.published", target=locked, data={"items": len(items)}
        )
    return locked
