"""The weekly release train: plan a release on the product's cadence, add items linked
to what they came from until the freeze, publish — which ships the linked topics (their
authors and voters are told by the forum's status notifications), records one
`releases.item.shipped` event per item for the earning rules, and is audited."""

import re
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.forum.enums import ACCEPTED_STATUSES, TopicStatus
from fanrepublic.forum.services import topic_status_change
from fanrepublic.members.enums import StaffRole

from .enums import TOPIC_SOURCES, Channel, ItemKind, ItemSource, ReleaseStatus
from .models import Release, ReleaseCadence, ReleaseItem

VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-+_]{0,39}$")
TITLE_MAX = 200


def can_plan(user) -> bool:
    return user.is_authenticated and user.has_role(
        StaffRole.ENGINEER, StaffRole.SECURITY, StaffRole.OPERATOR, StaffRole.FOUNDER
    )


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
    bounty_report=None,
    beta_report=None,
) -> ReleaseItem:
    """Add a changelog line before the freeze. A suggestion or bug report brings its topic
    (and its author as the contributor) and moves the topic to "planned"."""
    _require_planner(actor)
    if source not in ItemSource.values:
        raise ValidationFailed(_("Choose where the change came from."), field="source")
    if kind not in ItemKind.values:
        raise ValidationFailed(_("Unknown kind of change."), field="kind")
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
    elif source == ItemSource.BOUNTY_FINDING:
        from fanrepublic.bounty.enums import ReportStatus
        from fanrepublic.bounty.models import BountyReport
        from fanrepublic.bounty.permissions import can_see

        if bounty_report is not None:  # judge the report as it is now, not the caller's copy
            bounty_report = BountyReport.objects.select_related("reporter").get(pk=bounty_report.pk)
        if bounty_report is None or not can_see(actor, bounty_report):
            raise ValidationFailed(_("Link the bug bounty report this fixes."), field="bounty_report")
        if bounty_report.status != ReportStatus.VALID:
            raise ValidationFailed(_("Only a report judged valid can ship as a fix."), field="bounty_report")
        if bounty_report.is_security and not title.strip():
            # The changelog is public and the report is not: it needs its own words.
            raise ValidationFailed(
                _("Give a public title; the security report stays private."), field="title"
            )
        contributor = bounty_report.reporter
        title = title.strip() or bounty_report.title
    elif source == ItemSource.BETA_REPORT:
        from fanrepublic.betas.enums import ReportStatus as BetaReportStatus
        from fanrepublic.betas.models import TestReport
        from fanrepublic.betas.services import can_manage as can_see_betas

        if beta_report is not None:  # as it is now, and only for staff who may see betas
            beta_report = TestReport.objects.select_related("tester").filter(pk=beta_report.pk).first()
            if beta_report is not None and not can_see_betas(actor):
                beta_report = None
        if beta_report is None:
            raise ValidationFailed(_("Link the beta test report this came from."), field="beta_report")
        if beta_report.status != BetaReportStatus.APPROVED:
            raise ValidationFailed(_("Only an approved test report can ship."), field="beta_report")
        if not title.strip():
            # Beta programmes are confidential: the public changelog needs its own words.
            raise ValidationFailed(_("Give a public title; beta reports stay confidential."), field="title")
        contributor = beta_report.tester
    elif source != ItemSource.INTERNAL and contributor is None:
        raise ValidationFailed(_("Name the member who contributed this."), field="contributor")
    if source == ItemSource.OUTSIDE and not outside_url:
        raise ValidationFailed(_("Link the outside contribution."), field="outside_url")
    if source == ItemSource.INTERNAL:
        contributor = None
    title, title_zh = title.strip(), title_zh.strip()
    if not title or len(title) > TITLE_MAX or len(title_zh) > TITLE_MAX:
        raise ValidationFailed(
            _("Give a title of at most %(n)d characters.") % {"n": TITLE_MAX}, field="title"
        )
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        if locked.is_published:
            raise Conflict(_("This release is already published."))
        if locked.is_frozen():
            raise Conflict(_("This release is frozen; plan the change into the next one."))
        if topic is not None and ReleaseItem.objects.filter(release=locked, topic=topic).exists():
            raise ValidationFailed(_("That topic is already in this release."), field="topic")
        item = ReleaseItem.objects.create(
            release=locked,
            title=title,
            title_zh=title_zh,
            kind=kind,
            source=source,
            user_contributed=source != ItemSource.INTERNAL,
            topic=topic,
            bounty_report=bounty_report if source == ItemSource.BOUNTY_FINDING else None,
            beta_report=beta_report if source == ItemSource.BETA_REPORT else None,
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
        audit_record(
            actor=actor, action="releases.item.added", target=locked, data={"item": item.pk, "source": source}
        )
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
                    "bounty_report_id": item.bounty_report_id,
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
