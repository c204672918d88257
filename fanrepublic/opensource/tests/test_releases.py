"""A merged pull request ships in a release (opensource/release_sources.py): the planner
finds it on the release workbench, adds it, and publishing the release puts the release
on the contributor's profile; unmerged or hidden changes cannot be planned."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.opensource import release_sources, selectors, services
from fanrepublic.opensource.enums import ContributionKind, ContributionState, Host
from fanrepublic.opensource.tests.factories import ContributionFactory
from fanrepublic.products.tests.factories import ProductLineFactory
from fanrepublic.releases import services as releases
from fanrepublic.releases.sources import link_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def car():
    return ProductLineFactory(slug="car")


@pytest.fixture
def repo(car):
    return services.repository_open(
        actor=engineer(), host=Host.GITHUB, full_name="orange/navigation", product_line=car
    )


def change(repo, *, state=ContributionState.MERGED, member=None, title="Congestion prediction", number=7):
    return ContributionFactory(
        repository=repo,
        kind=ContributionKind.CODE,
        state=state,
        member=member or MemberFactory(),
        title=title,
        number=number,
        url=f"https://github.com/{repo.full_name}/pull/{number}",
        merged_at=timezone.now() if state == ContributionState.MERGED else None,
        counted_at=timezone.now() if state == ContributionState.MERGED else None,
    )


def test_a_merged_change_is_planned_published_and_shown_on_its_contributors_profile(repo, car, on_commit):
    student = MemberFactory()
    merged = change(repo, member=student)
    eng = engineer()
    release = releases.release_create(actor=eng, product_line=car, version="1.6.9")
    item = releases.release_item_add(
        actor=eng, release=release, source=release_sources.KEY, source_id=merged.pk, kind="improvement"
    )
    assert item.title == "Congestion prediction" and item.contributor == student and item.user_contributed
    merged.refresh_from_db()
    assert merged.release_item is None  # planned, not shipped yet: the profile waits
    with on_commit():
        releases.release_publish(actor=eng, release=release)
    merged.refresh_from_db()
    assert merged.release_item == item
    assert selectors.profile_of(student)["releases"] == [release]
    # The changelog links the change on the git host.
    link_items([item], viewer=MemberFactory())
    assert item.source_url == "https://github.com/orange/navigation/pull/7"


def test_only_a_merged_change_is_planned_and_a_closed_repository_is_hidden_from_planners_outside_it(
    repo, car
):
    waiting = change(repo, state=ContributionState.OPEN, number=8)
    release = releases.release_create(actor=engineer(), product_line=car, version="1.6.9")
    with pytest.raises(ValidationFailed):
        releases.release_item_add(
            actor=engineer(), release=release, source=release_sources.KEY, source_id=waiting.pk
        )
    merged = change(repo, number=9)
    repo.is_open = False
    repo.save(update_fields=["is_open"])
    with pytest.raises(NotFound):  # an operator plans releases but is not programme staff
        releases.release_item_add(
            actor=operator(), release=release, source=release_sources.KEY, source_id=merged.pk
        )
    with pytest.raises(NotFound):
        releases.release_item_add(
            actor=engineer(), release=release, source=release_sources.KEY, source_id=10**6
        )
    # A review is not a change that ships.
    review = ContributionFactory(
        repository=repo, kind=ContributionKind.REVIEW, state=ContributionState.MERGED
    )
    with pytest.raises(NotFound):
        releases.release_item_add(
            actor=engineer(), release=release, source=release_sources.KEY, source_id=review.pk
        )
    assert not release.items.exists()


def test_the_workbench_offers_merged_changes_of_its_product_and_of_repositories_of_none(client, repo, car):
    own = change(repo, title="Lane guidance at forked exits", number=11)
    anywhere = services.repository_open(actor=engineer(), host=Host.GITEE, full_name="orange/app-i18n")
    shared = change(anywhere, title="Traditional Chinese strings", number=12)
    elsewhere = services.repository_open(
        actor=engineer(), host=Host.GITHUB, full_name="orange/watch-faces", product_line=ProductLineFactory()
    )
    change(elsewhere, title="A new watch face", number=13)
    change(repo, state=ContributionState.CLOSED, title="Abandoned idea", number=14)
    planner = engineer()
    client.force_login(planner)
    release = releases.release_create(actor=planner, product_line=car, version="1.6.9")
    url = reverse("releases:workbench", args=[release.pk])
    page = client.get(url).content.decode()
    assert 'data-source="opensource_change"' in page
    assert f"#{own.pk} {own.title}" in page and f"#{shared.pk} {shared.title}" in page
    assert "A new watch face" not in page and "Abandoned idea" not in page
    assert (
        client.post(url, {"source": "opensource_change", "source_id": own.pk, "kind": "feature"}).status_code
        == 302
    )
    assert release.items.get().source_id == own.pk
    assert f"#{own.pk} {own.title}" not in client.get(url).content.decode()  # in the release now


def test_a_change_ships_once_its_first_release_stays(repo, car, on_commit):
    merged = change(repo)
    eng = engineer()
    first = releases.release_create(actor=eng, product_line=car, version="1.6.9")
    releases.release_item_add(actor=eng, release=first, source=release_sources.KEY, source_id=merged.pk)
    with on_commit():
        releases.release_publish(actor=eng, release=first)
    merged.refresh_from_db()
    shipped_as = merged.release_item
    beta = releases.release_create(actor=eng, product_line=car, version="1.7.0-beta")
    with pytest.raises(ValidationFailed, match="already shipped"):
        releases.release_item_add(actor=eng, release=beta, source=release_sources.KEY, source_id=merged.pk)
    merged.refresh_from_db()
    assert merged.release_item == shipped_as


def test_a_change_planned_in_two_open_releases_ships_in_the_first_published_only(car, on_commit):
    anywhere = services.repository_open(actor=engineer(), host=Host.GITHUB, full_name="orange/shared")
    merged = change(anywhere)
    eng = engineer()
    watch = ProductLineFactory()
    first = releases.release_create(actor=eng, product_line=car, version="1.6.9")
    second = releases.release_create(actor=eng, product_line=watch, version="3.0.1")
    for release in (first, second):
        releases.release_item_add(actor=eng, release=release, source=release_sources.KEY, source_id=merged.pk)
    with on_commit():
        releases.release_publish(actor=eng, release=first)
    with pytest.raises(Conflict, match="already shipped"):
        releases.release_publish(actor=eng, release=second)
    second.refresh_from_db()
    assert not second.is_published


@pytest.mark.django_db(transaction=True)
def test_two_releases_publishing_the_same_change_at_once_ship_it_once(car):
    from django.db import connection

    from fanrepublic.core.tests.concurrency import run_at_once
    from fanrepublic.releases.models import Release, ReleaseItem

    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")
    anywhere = services.repository_open(actor=engineer(), host=Host.GITHUB, full_name="orange/shared")
    merged = change(anywhere)
    eng = engineer()
    planned = []
    for n in range(2):
        release = releases.release_create(actor=eng, product_line=ProductLineFactory(), version=f"3.0.{n}")
        releases.release_item_add(actor=eng, release=release, source=release_sources.KEY, source_id=merged.pk)
        planned.append(release.pk)
    results, errors = run_at_once(
        lambda i: releases.release_publish(actor=eng, release=Release.objects.get(pk=planned[i])), 2
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    shipped = ReleaseItem.objects.filter(source_type=release_sources.KEY, release__status="published")
    assert shipped.count() == 1


def test_a_closed_repositorys_change_ships_under_a_title_staff_write_and_links_only_to_its_host(repo, car):
    merged = change(repo, title="Internal: secret partner API")
    repo.is_open = False
    repo.save(update_fields=["is_open"])
    eng = engineer()
    release = releases.release_create(actor=eng, product_line=car, version="1.6.9")
    with pytest.raises(ValidationFailed) as refused:
        releases.release_item_add(actor=eng, release=release, source=release_sources.KEY, source_id=merged.pk)
    assert refused.value.field == "title"
    item = releases.release_item_add(
        actor=eng, release=release, source=release_sources.KEY, source_id=merged.pk, title="Faster rerouting"
    )
    assert item.title == "Faster rerouting"
    # Links: the host's https address only, for viewers who may see the repository.
    elsewhere = change(
        services.repository_open(actor=eng, host=Host.GITHUB, full_name="orange/open"), number=3
    )
    elsewhere.url = "http://evil.example/pull/3"
    elsewhere.save(update_fields=["url"])
    assert release_sources.links(eng, {elsewhere.pk, merged.pk}) == {merged.pk: merged.url}
    assert release_sources.links(MemberFactory(), {merged.pk}) == {}
