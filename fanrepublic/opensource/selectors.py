"""Reads for the open-source programme, limited to what the viewer may see."""

from django.db.models import Count, Q, QuerySet

from fanrepublic.core.errors import NotFound

from . import permissions
from .enums import COUNTED_STATES, ContributionState, TitleRank
from .models import (
    Contribution,
    GitAccount,
    LicenceAcceptance,
    LicenceAgreement,
    Repository,
    Title,
    WebhookDelivery,
)


def repositories_open() -> QuerySet[Repository]:
    return Repository.objects.filter(is_open=True).annotate(
        counted=Count("contributions", filter=Q(contributions__counted_at__isnull=False))
    )


def repository_get(*, viewer, pk) -> Repository:
    found = Repository.objects.filter(pk=pk).first()
    if found is None or not (found.is_open or permissions.is_programme_staff(viewer)):
        raise NotFound()
    return found


def contributions_counted(*, repository: Repository | None = None) -> QuerySet[Contribution]:
    found = Contribution.objects.filter(counted_at__isnull=False).select_related(
        "member", "repository", "release_item__release"
    )
    return found.filter(repository=repository) if repository is not None else found


def academicians() -> QuerySet[Title]:
    """The Academicians in the order they earned it, revoked ones included (their number
    stays theirs; the page marks them)."""
    return Title.objects.filter(rank=TitleRank.ACADEMICIAN).select_related("member").order_by("number")


def top_title(member) -> Title | None:
    """The highest title the member holds (not revoked): the one shown beside their name."""
    held = {t.rank: t for t in Title.objects.filter(member=member, revoked_at__isnull=True)}
    for rank in (TitleRank.ACADEMICIAN, TitleRank.CORE, TitleRank.CONTRIBUTOR):
        if rank in held:
            return held[rank]
    return None


def profile_of(member) -> dict:
    """A contributor's record for their profile: counted contributions by kind, the
    releases their merged changes shipped in, their titles."""
    counted = contributions_counted().filter(member=member)
    return {
        "title": top_title(member),
        "titles": list(Title.objects.filter(member=member).order_by("awarded_at")),
        "merged": list(counted.filter(state=ContributionState.MERGED).order_by("-merged_at")[:20]),
        "reviews": counted.filter(kind="review").count(),
        "other": list(counted.exclude(kind__in=("code", "review")).order_by("-decided_at")[:20]),
        "releases": sorted(
            {c.release_item.release for c in counted if c.release_item_id},
            key=lambda release: release.pk,
            reverse=True,
        ),
        "total": counted.count(),
    }


def mine(*, member) -> dict:
    return {
        **profile_of(member),
        "accounts": list(GitAccount.objects.filter(member=member)),
        "waiting": Contribution.objects.filter(
            member=member, state__in=COUNTED_STATES, counted_at__isnull=True
        ).count(),
        "pending": list(Contribution.objects.filter(member=member, state=ContributionState.PENDING)),
        "declined": list(Contribution.objects.filter(member=member, state=ContributionState.DECLINED)[:10]),
        "agreement": current_agreement(),
        "accepted": accepted_versions(member),
    }


def current_agreement() -> LicenceAgreement | None:
    return LicenceAgreement.objects.order_by("-version").first()


def accepted_versions(member) -> set[int]:
    return set(member_agreements(member).values_list("agreement__version", flat=True))


def member_agreements(member):
    return LicenceAcceptance.objects.filter(member=member).select_related("agreement")


def queue(*, viewer) -> QuerySet[Contribution]:
    """Non-code contributions waiting for a maintainer the viewer is."""
    found = Contribution.objects.filter(state=ContributionState.PENDING).select_related(
        "member", "repository"
    )
    if permissions.is_programme_staff(viewer):
        return found.order_by("created_at")
    return found.filter(repository__maintainers=viewer).order_by("created_at")


def contribution_for_maintainer(*, viewer, pk) -> Contribution:
    found = Contribution.objects.select_related("repository", "member").filter(pk=pk).first()
    if found is None or not permissions.can_maintain(viewer, found.repository):
        raise NotFound()
    return found


def title_for_maintainer(*, viewer, pk) -> Title:
    found = Title.objects.select_related("member").filter(pk=pk).first()
    if found is None or not permissions.is_programme_staff(viewer):
        raise NotFound()
    return found


def deliveries(*, viewer, repository: Repository) -> QuerySet[WebhookDelivery]:
    if not permissions.is_programme_staff(viewer):
        raise NotFound()
    return WebhookDelivery.objects.filter(repository=repository)[:50]
