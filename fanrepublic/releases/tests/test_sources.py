"""Release-item sources (releases/sources.py), given/when/then: a source another app
registers — here a throw-away one, declared in the test — is planned, published and
credited without a line of releases naming it; an object the planner may not see is a
404; the registry checks what is declared; the migration moved the old links."""

from dataclasses import replace

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fanrepublic.activity.models import Event
from fanrepublic.betas.tests.factories import TestReportFactory
from fanrepublic.bounty.tests.factories import BountyReportFactory
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum.tests.factories import BoardFactory
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.services import api_token_create
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.points import services as points
from fanrepublic.points.tests.factories import EarningRuleFactory
from fanrepublic.releases import services, sources
from fanrepublic.releases.enums import ItemKind, ReleaseStatus
from fanrepublic.releases.models import ReleaseItem
from fanrepublic.releases.sources import Candidate, Origin, ReleaseSource
from fanrepublic.releases.tests.factories import ReleaseFactory, ReleaseItemFactory

pytestmark = pytest.mark.django_db


class Lab:
    """A stand-in for another app's objects: ideas from the lab, numbered, each with the
    member who had it. Engineers see them all, other planners only the public ones."""

    def __init__(self):
        self.ideas = {}

    def add(self, pk, title, member, *, ready=True, public=True, confidential=False):
        self.ideas[pk] = {
            "title": title,
            "member": member,
            "ready": ready,
            "public": public,
            "confidential": confidential,
        }

    def sees(self, actor, pk):
        idea = self.ideas.get(pk)
        return idea is not None and (idea["public"] or actor.has_role(StaffRole.ENGINEER))

    def resolve(self, actor, source_id):
        if not self.sees(actor, source_id):
            raise NotFound()
        idea = self.ideas[source_id]
        if not idea["ready"]:
            raise ValidationFailed("This idea is not ready to ship.", field="source_id")
        return Origin(
            title=idea["title"],
            contributor=idea["member"],
            url=f"/lab/{source_id}/",
            confidential=idea["confidential"],
        )

    def offer(self, actor, product_line, *, taken):
        taken = set(taken.values_list("source_id", flat=True))
        return [
            Candidate(pk, idea["title"], idea["member"], f"/lab/{pk}/", confidential=idea["confidential"])
            for pk, idea in sorted(self.ideas.items())
            if idea["ready"] and pk not in taken and self.sees(actor, pk)
        ]

    def links(self, viewer, ids):
        return {pk: f"/lab/{pk}/" for pk in ids if self.ideas.get(pk, {}).get("public")}

    def source(self, **overrides):
        declared = {
            "key": "lab_idea",
            "label": gettext_lazy("Idea from the lab"),
            "resolve": self.resolve,
            "offer": self.offer,
            "links": self.links,
            "kind": ItemKind.FEATURE,
        }
        return ReleaseSource(**{**declared, **overrides})


@pytest.fixture
def lab():
    found = Lab()
    with sources.registered(found.source()):
        yield found


def planned(product_line=None, actor=None):
    return services.release_create(
        actor=actor or engineer(), product_line=product_line or BoardFactory().product_line, version="2.1.3"
    )


def bearer(user):
    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestAThrowAwaySource:
    def test_its_object_is_planned_published_and_credited_without_releases_naming_it(self, lab, on_commit):
        EarningRuleFactory(verb="releases.item.shipped", match_properties={"source": "lab_idea"}, points=300)
        member, eng = MemberFactory(), engineer()
        lab.add(7, "Quieter fan curve", member)
        release = planned(actor=eng)
        item = services.release_item_add(actor=eng, release=release, source="lab_idea", source_id=7)
        assert (item.source, item.source_type, item.source_id) == ("lab_idea", "lab_idea", 7)
        assert item.title == "Quieter fan curve" and item.contributor == member and item.user_contributed
        assert item.source_label == "Idea from the lab"
        assert AuditEntry.objects.get(action="releases.item.added").data["source_url"] == "/lab/7/"
        with on_commit():
            services.release_publish(actor=eng, release=release)
        event = Event.objects.get(verb="releases.item.shipped")
        assert (event.properties["source_type"], event.properties["source_id"]) == ("lab_idea", 7)
        assert Notification.objects.filter(recipient=member, kind="release").exists()
        assert points.wallet_for(member).balance_minor == 300

    def test_the_workbench_offers_it_and_adds_it_in_one_click(self, client, lab):
        lab.add(7, "Quieter fan curve", MemberFactory())
        lab.add(8, "Not ready", MemberFactory(), ready=False)
        release = planned()
        client.force_login(engineer())
        url = reverse("releases:workbench", args=[release.pk])
        page = client.get(url).content.decode()
        assert 'data-source="lab_idea"' in page and "#7 Quieter fan curve" in page and "Not ready" not in page
        assert '<option value="lab_idea">Idea from the lab</option>' in page  # the form's sources
        added = client.post(url, {"source": "lab_idea", "source_id": "7", "kind": "feature"})
        assert added.status_code == 302 and release.items.get().source_id == 7
        page = client.get(url).content.decode()
        assert "#7 Quieter fan curve" not in page  # in this release now, no longer waiting
        assert "Idea from the lab #7" in page

    def test_the_changelog_links_what_the_source_says_anyone_may_open(self, client, lab):
        lab.add(7, "Public idea", MemberFactory())
        lab.add(8, "Private idea", MemberFactory(), public=False)
        eng = engineer()
        release = planned(actor=eng)
        for pk in (7, 8):
            services.release_item_add(actor=eng, release=release, source="lab_idea", source_id=pk)
        services.release_publish(actor=eng, release=release)
        page = client.get(release.get_absolute_url()).content.decode()
        assert '<a href="/lab/7/">Public idea</a>' in page
        assert "Private idea" in page and "/lab/8/" not in page
        assert '<a href="/lab/7/">' in client.get(reverse("releases:index")).content.decode()

    def test_the_api_adds_it_by_source_and_number_and_lists_the_sources(self, client, lab):
        member = MemberFactory()
        lab.add(7, "Quieter fan curve", member)
        release = planned()
        response = client.post(
            f"/api/v1/releases/{release.pk}/items",
            {"source": "lab_idea", "source_id": 7, "kind": "feature"},
            "application/json",
            **bearer(engineer()),
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["source_type"], body["source_id"], body["contributor"]) == (
            "lab_idea",
            7,
            member.username,
        )
        assert body["source_label"] == "Idea from the lab"
        listed = {s["key"]: s for s in client.get("/api/v1/releases/sources").json()}
        assert listed["lab_idea"] == {
            "key": "lab_idea",
            "label": "Idea from the lab",
            "user_contributed": True,
            "linked": True,
        }
        assert listed["internal"]["user_contributed"] is False and not listed["suggestion"]["linked"]

    def test_gone_when_unregistered(self, client):
        assert "lab_idea" not in {s["key"] for s in client.get("/api/v1/releases/sources").json()}
        with pytest.raises(ValidationFailed) as exc:
            services.release_item_add(actor=engineer(), release=planned(), source="lab_idea", source_id=7)
        assert "source" in exc.value.errors


class TestWhatASourceMayNotDo:
    def test_an_object_the_planner_may_not_see_is_a_404_everywhere(self, client, lab):
        lab.add(8, "Private idea", MemberFactory(), public=False)
        release = planned()
        planner = operator()  # plans releases, but the lab shows private ideas to engineers only
        with pytest.raises(NotFound):
            services.release_item_add(actor=planner, release=release, source="lab_idea", source_id=8)
        with pytest.raises(NotFound):  # a missing one: the same answer
            services.release_item_add(actor=planner, release=release, source="lab_idea", source_id=999)
        api = client.post(
            f"/api/v1/releases/{release.pk}/items",
            {"source": "lab_idea", "source_id": 8},
            "application/json",
            **bearer(planner),
        )
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
        client.force_login(planner)
        url = reverse("releases:workbench", args=[release.pk])
        assert "Private idea" not in client.get(url).content.decode()
        page = client.post(url, {"source": "lab_idea", "source_id": "8", "kind": "feature"})
        assert page.status_code == 404
        assert not ReleaseItem.objects.exists()

    @pytest.mark.parametrize(
        "source_id, title, field",
        [(None, "", "source_id"), (9, "", "source_id"), (10, "", "title"), (10, "x" * 201, "title")],
    )
    def test_a_number_is_needed_it_must_be_ready_and_a_confidential_one_needs_a_title(
        self, lab, source_id, title, field
    ):
        lab.add(9, "Not ready", MemberFactory(), ready=False)
        lab.add(10, "Secret idea", MemberFactory(), confidential=True)
        with pytest.raises(ValidationFailed) as exc:
            services.release_item_add(
                actor=engineer(), release=planned(), source="lab_idea", source_id=source_id, title=title
            )
        assert field in exc.value.errors
        assert not ReleaseItem.objects.exists()

    def test_a_confidential_object_ships_under_its_own_title(self, lab):
        lab.add(10, "Secret idea", MemberFactory(), confidential=True)
        item = services.release_item_add(
            actor=engineer(), release=planned(), source="lab_idea", source_id=10, title="Smarter cooling"
        )
        assert item.title == "Smarter cooling"

    def test_an_object_is_in_a_release_once_and_never_ships_twice(self, lab):
        lab.add(7, "Quieter fan curve", MemberFactory())
        eng = engineer()
        release = planned(actor=eng)
        services.release_item_add(actor=eng, release=release, source="lab_idea", source_id=7)
        with pytest.raises(ValidationFailed) as exc:
            services.release_item_add(actor=eng, release=release, source="lab_idea", source_id=7)
        assert "source_id" in exc.value.errors
        services.release_publish(actor=eng, release=release)
        later = services.release_create(actor=eng, product_line=release.product_line, version="2.1.4")
        with pytest.raises(ValidationFailed) as exc:
            services.release_item_add(actor=eng, release=later, source="lab_idea", source_id=7)
        assert "already shipped" in str(exc.value.errors["source_id"])
        assert lab.offer(eng, release.product_line, taken=ReleaseItem.objects.values("source_id")) == []

    def test_a_source_not_contributed_by_members_counts_as_internal(self):
        lab = Lab()
        lab.add(7, "Ticket from the tracker", MemberFactory())
        with sources.registered(lab.source(key="tracker", user_contributed=False)) as tracker:
            assert tracker.item_source == "internal"
            item = services.release_item_add(
                actor=engineer(), release=planned(), source="tracker", source_id=7
            )
        assert (item.source, item.source_type, item.user_contributed, item.contributor) == (
            "internal",
            "tracker",
            False,
            None,
        )


class TestTheRegistry:
    def test_a_declaration_is_checked(self):
        lab = Lab()
        with pytest.raises(ValueError):  # a built-in source's name
            lab.source(key="suggestion")
        with pytest.raises(ValueError):
            lab.source(key="x" * 41)
        with pytest.raises(ValueError):  # user-contributed, yet counted as internal
            lab.source(item_source="internal")
        with pytest.raises(ValueError):  # posing as an outside contribution
            lab.source(item_source="outside")
        with pytest.raises(ValueError):
            lab.source(kind="sideways")

    def test_a_key_is_registered_once(self):
        lab = Lab()
        with sources.registered(lab.source()) as declared:
            assert sources.register(declared) is declared  # the same declaration again: fine
            with pytest.raises(ValueError):
                sources.register(replace(declared, label=gettext_lazy("Another")))
        assert sources.get("lab_idea") is None

    def test_the_choices_loop_over_the_registry(self):
        lab = Lab()
        with sources.registered(lab.source()):
            values = [value for value, _label in sources.choices()]
            assert values[:2] == ["suggestion", "bug_report"] and values[-2:] == ["outside", "internal"]
            assert "lab_idea" in values
            assert ReleaseItemFactory(source="lab_idea").get_source_display() == "Idea from the lab"
        assert "lab_idea" not in [value for value, _label in sources.choices()]

    def test_the_database_holds_the_link_together(self):
        release = ReleaseFactory()
        common = {"release": release, "title": "x", "source": "outside", "user_contributed": True}
        common["added_by"] = release.created_by
        with pytest.raises(IntegrityError), transaction.atomic():
            ReleaseItem.objects.create(source_type="lab_idea", **common)  # a source without a number
        with pytest.raises(IntegrityError), transaction.atomic():
            ReleaseItem.objects.create(source_id=7, **common)  # a number without a source
        ReleaseItem.objects.create(source_type="lab_idea", source_id=7, **common)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReleaseItem.objects.create(source_type="lab_idea", source_id=7, **common)  # twice in a release
        with pytest.raises(IntegrityError), transaction.atomic():
            ReleaseItem.objects.create(**{**common, "source": "lab_idea", "user_contributed": False})


BEFORE = ("releases", "0003_releaseitem_beta_report")
AFTER = ("releases", "0006_remove_releaseitem_bounty_report_and_more")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def migrate_everything_forward():
    """Going back to BEFORE also unapplies every app whose migrations depend on later
    releases migrations (open source, ideas...); the tests after this one need them all."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_bounty_and_beta_links_into_the_generic_fields():
    report, beta = BountyReportFactory(status="valid"), TestReportFactory(status="approved")
    release = ReleaseFactory(status=ReleaseStatus.PUBLISHED, published_at=timezone.now())
    try:
        old = migrate(BEFORE).get_model("releases", "ReleaseItem")
        common = {"release_id": release.pk, "user_contributed": True, "added_by_id": release.created_by_id}
        found = old.objects.create(
            title="Lens fix", source="bounty_finding", bounty_report_id=report.pk, **common
        )
        again = old.objects.create(
            title="Twice", source="bounty_finding", bounty_report_id=report.pk, **common
        )
        tested = old.objects.create(title="Warmer", source="beta_report", beta_report_id=beta.pk, **common)
        own = old.objects.create(title="Patch", source="internal", **{**common, "user_contributed": False})
        with pytest.raises(RuntimeError, match="twice in one release"):  # nothing guessed, nothing lost
            migrate(AFTER)
        old.objects.filter(pk=again.pk).delete()
        migrate(AFTER)
    finally:
        migrate_everything_forward()
    moved = {item.pk: (item.source, item.source_type, item.source_id) for item in ReleaseItem.objects.all()}
    assert moved == {
        found.pk: ("bounty_finding", "bounty_finding", report.pk),
        tested.pk: ("beta_report", "beta_report", beta.pk),
        own.pk: ("internal", "", None),
    }
    assert not any(f.name in ("bounty_report", "beta_report") for f in ReleaseItem._meta.get_fields())
