"""The release train under real concurrent connections on PostgreSQL: planners racing
to add the same object, and to publish, leave one item and one publication."""

import pytest

from fanrepublic.core.errors import Conflict, ValidationFailed
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.forum.tests.test_concurrency import run_concurrently
from fanrepublic.members.tests.factories import MemberFactory, engineer
from fanrepublic.releases import services, sources
from fanrepublic.releases.models import ReleaseItem
from fanrepublic.releases.sources import Origin, ReleaseSource

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_six_planners_adding_one_registered_object_at_once_add_it_once():
    member = MemberFactory()
    lab = ReleaseSource(
        key="lab_idea",
        label="Idea from the lab",
        resolve=lambda actor, source_id: Origin(title="Quieter fan curve", contributor=member),
    )
    planners = [engineer() for _ in range(6)]
    release = services.release_create(
        actor=planners[0], product_line=BoardFactory().product_line, version="2.1.3"
    )
    with sources.registered(lab):
        results, errors = run_concurrently(
            lambda who: services.release_item_add(actor=who, release=release, source="lab_idea", source_id=7),
            [(p,) for p in planners],
        )
    assert len(results) == 1 and len(errors) == 5
    assert all(isinstance(e, ValidationFailed) and "source_id" in e.errors for e in errors)
    assert ReleaseItem.objects.filter(source_type="lab_idea", source_id=7).count() == 1


def test_six_planners_publishing_at_once_publish_once():
    eng = engineer()
    release = services.release_create(actor=eng, product_line=BoardFactory().product_line, version="2.1.3")
    services.release_item_add(actor=eng, release=release, source="internal", title="Security patch")
    results, errors = run_concurrently(
        lambda who: services.release_publish(actor=who, release=release),
        [(engineer(),) for _ in range(6)],
    )
    assert len(results) == 1 and len(errors) == 5 and all(isinstance(e, Conflict) for e in errors)
