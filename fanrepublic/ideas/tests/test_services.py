"""The idea marketplace's use cases end to end through the services: proposing (and
every bad input), supporting once up to the threshold, rounds on the schedule, reviews
by role, decisions with reasons told to everyone who supported, expiry, withdrawal, the
edit history and the author's updates."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.committees.tests.factories import CommitteeFactory, SeatFactory
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.ideas import services
from fanrepublic.ideas.enums import Decision, ProposalStatus, ReviewerRole, RoundStatus
from fanrepublic.ideas.models import Proposal, ProposalRevision, Review, ReviewRound, Support
from fanrepublic.ideas.services import ProposalText
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator, store_manager
from fanrepublic.notifications.models import Notification
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db
TEXT = ProposalText(
    title="Multi-purpose dorm cooker",
    pitch="A 600 W pot that boils noodles and never trips the breaker.",
    specs="- 600 W\n- 1.2 l",
)


def propose(author=None, **overrides):
    fields = {
        "author": author or MemberFactory(),
        "product_line": ProductLineFactory(),
        "language": "en",
        "text": TEXT,
        "target_price": "199.00",
        **overrides,
    }
    return services.proposal_create(**fields)


def supported(proposal, count):
    members = [MemberFactory() for _ in range(count)]
    for member in members:
        proposal = services.proposal_support(member=member, proposal=proposal)
    return members


def test_a_member_proposes_and_it_gathers_support_for_a_year():
    author = MemberFactory()
    proposal = propose(author)
    assert proposal.status == ProposalStatus.SUPPORTING and proposal.support_count == 0
    assert proposal.expires_at - proposal.created_at == timedelta(days=365)
    assert Event.objects.filter(verb="ideas.proposal.created", actor=author).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"text": ProposalText(title="", pitch=TEXT.pitch)}, "title"),
        ({"text": ProposalText(title="x" * 121, pitch=TEXT.pitch)}, "title"),
        ({"text": ProposalText(title="Pot", pitch="too short")}, "pitch"),
        ({"text": ProposalText(title="Pot\u0000", pitch=TEXT.pitch)}, "title"),
        ({"text": ProposalText(title="Pot\ud800", pitch=TEXT.pitch)}, "title"),
        ({"text": ProposalText(title="Pot", pitch=TEXT.pitch, title_translated="锅")}, "title_translated"),
        ({"target_price": "0"}, "target_price"),
        ({"target_price": "-5"}, "target_price"),
        ({"target_price": "12.345"}, "target_price"),
        ({"target_price": "NaN"}, "target_price"),
        ({"target_price": "Infinity"}, "target_price"),
        ({"target_price": "=1+1"}, "target_price"),
        ({"target_price": "1000000"}, "target_price"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_proposed(overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        propose(**overrides)
    assert refused.value.field == field
    assert not Proposal.objects.exists()


def test_a_suspended_member_cannot_propose_support_or_comment():
    proposal = propose()
    banned = MemberFactory(suspended_until=timezone.now() + timedelta(days=1))
    with pytest.raises(Forbidden):
        propose(banned)
    with pytest.raises(Conflict):
        services.proposal_support(member=banned, proposal=proposal)
    with pytest.raises(Forbidden):
        services.comment_add(author=banned, proposal=proposal, body="hello there")


@override_settings(IDEAS_PROPOSE_RATE="2/d")
def test_proposing_is_rate_limited():
    author = MemberFactory()
    propose(author)
    propose(author)
    with pytest.raises(RateLimited):
        propose(author)
    assert Proposal.objects.count() == 2


@override_settings(IDEAS_SUPPORT_THRESHOLD=3)
def test_support_is_once_never_ones_own_and_the_threshold_sends_the_idea_to_review():
    author = MemberFactory()
    proposal = propose(author)
    with pytest.raises(Conflict):
        services.proposal_support(member=author, proposal=proposal)
    first = MemberFactory()
    services.proposal_support(member=first, proposal=proposal)
    with pytest.raises(Conflict):
        services.proposal_support(member=first, proposal=proposal)
    supported(proposal, 2)
    proposal.refresh_from_db()
    assert proposal.support_count == 3 == Support.objects.filter(proposal=proposal).count()
    assert proposal.status == ProposalStatus.IN_REVIEW and proposal.qualified_at
    assert Notification.objects.filter(recipient=author, kind="ideas", params__what="qualified").exists()
    with pytest.raises(Conflict):  # in review: no more support gathered
        services.proposal_support(member=MemberFactory(), proposal=proposal)


@override_settings(IDEAS_SUPPORT_THRESHOLD=50)
def test_the_author_hears_of_milestones():
    author = MemberFactory()
    proposal = propose(author)
    supported(proposal, 10)
    notice = Notification.objects.get(recipient=author, kind="ideas")
    assert notice.params["what"] == "milestone" and notice.params["count"] == 10


def test_an_expired_idea_takes_no_support_and_the_schedule_expires_it():
    author = MemberFactory()
    proposal = propose(author)
    later = proposal.expires_at + timedelta(minutes=1)
    assert services.proposals_expire_due(now=later) == 1
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.EXPIRED
    assert Notification.objects.filter(recipient=author, params__what="expired").exists()
    with pytest.raises(Conflict):
        services.proposal_support(member=MemberFactory(), proposal=proposal)
    assert services.proposals_expire_due(now=later) == 0


def test_the_author_withdraws_while_it_gathers_support_and_others_then_get_404():
    author = MemberFactory()
    proposal = propose(author)
    with pytest.raises(Conflict):
        services.proposal_withdraw(actor=MemberFactory(), proposal=proposal)
    services.proposal_withdraw(actor=author, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    with pytest.raises(NotFound):
        services.proposal_support(member=MemberFactory(), proposal=proposal)


def test_edits_keep_what_it_said_before_and_only_the_author_or_product_staff_edit():
    author = MemberFactory()
    proposal = propose(author)
    with pytest.raises(Forbidden):
        services.proposal_edit(actor=MemberFactory(), proposal=proposal, text=TEXT, target_price="1")
    changed = ProposalText(title="Dorm cooker with a timer", pitch=TEXT.pitch, specs=TEXT.specs)
    services.proposal_edit(actor=author, proposal=proposal, text=changed, target_price="219.00")
    services.proposal_edit(actor=author, proposal=proposal, text=changed, target_price="219.00")  # no change
    boss = operator()
    services.proposal_edit(
        actor=boss,
        proposal=proposal,
        text=ProposalText(title="Dorm cooker", pitch=TEXT.pitch),
        target_price="219",
    )
    proposal.refresh_from_db()
    assert proposal.title == "Dorm cooker" and proposal.target_price == Decimal("219.00")
    revisions = list(ProposalRevision.objects.filter(proposal=proposal).order_by("number"))
    assert [(r.number, r.title, r.target_price) for r in revisions] == [
        (1, TEXT.title, Decimal("199.00")),
        (2, "Dorm cooker with a timer", Decimal("219.00")),
    ]
    assert AuditEntry.objects.filter(actor=boss, action="ideas.proposal.edited").exists()


@override_settings(IDEAS_SUPPORT_THRESHOLD=2)
def test_the_authors_comments_are_updates_sent_to_the_supporters():
    author = MemberFactory()
    proposal = propose(author)
    fans = supported(proposal, 2)
    comment = services.comment_add(author=fans[0], proposal=proposal, body="Could it have a timer?")
    assert not comment.is_update
    update = services.comment_add(author=author, proposal=proposal, body="Timer added to the specs!")
    assert update.is_update
    told = set(Notification.objects.filter(params__what="update").values_list("recipient_id", flat=True))
    assert told == {fan.pk for fan in fans}
    with pytest.raises(ValidationFailed):
        services.comment_add(author=fans[1], proposal=proposal, body="   ")


def local(year, month, day):
    return datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


@override_settings(IDEAS_SUPPORT_THRESHOLD=1)
def test_the_january_round_opens_at_local_midnight_and_takes_what_a_past_round_left_undecided():
    left, fresh = propose(), propose()
    supported(left, 1)
    supported(fresh, 1)
    Proposal.objects.filter(pk=left.pk).update(qualified_at=local(2026, 8, 1))
    Proposal.objects.filter(pk=fresh.pk).update(qualified_at=local(2026, 12, 1))
    september = services.rounds_open_due(now=local(2026, 9, 2))
    assert list(september.proposals.all()) == [left]
    # 00:30 on 1 January, local time (still 31 December in UTC).
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=timezone.get_current_timezone())
    january = services.rounds_open_due(now=new_year)
    assert january is not None and january.name == "2027-1"
    assert set(january.proposals.all()) == {left, fresh}


def test_no_one_reviews_or_decides_their_own_idea(settings):
    settings.IDEAS_SUPPORT_THRESHOLD = 1
    boss = operator()
    proposal = propose(boss)
    supported(proposal, 1)
    Proposal.objects.filter(pk=proposal.pk).update(qualified_at=timezone.now() - timedelta(days=400))
    services.rounds_open_due()
    proposal.refresh_from_db()
    with pytest.raises(Forbidden):
        services.review_record(
            reviewer=boss, proposal=proposal, recommendation="adopt", reasons="Mine is great."
        )
    services.review_record(
        reviewer=engineer(), proposal=proposal, recommendation="adopt", reasons="Feasible."
    )
    with pytest.raises(Forbidden):
        services.proposal_decide(actor=boss, proposal=proposal, decision="adopt", reasons="Mine is great.")


@override_settings(IDEAS_SIMILAR_RATE="2/m")
def test_looking_for_similar_ideas_is_rate_limited(client):
    client.force_login(MemberFactory())
    for _ in range(2):
        assert client.get("/ideas/similar/", {"title": "dorm cooker"}).status_code == 200
    response = client.get("/ideas/similar/", {"title": "dorm cooker"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_three_rounds_a_year_on_fixed_dates_each_reviewing_until_the_next():
    cutoffs = services.round_cutoffs(2026)
    assert [(c.month, c.day) for c in cutoffs] == [(1, 1), (5, 1), (9, 1)]


@override_settings(IDEAS_SUPPORT_THRESHOLD=1)
def test_a_round_opens_at_its_cutoff_with_the_ideas_that_qualified_before_it():
    early, late = propose(), propose()
    supported(early, 1)
    supported(late, 1)
    Proposal.objects.filter(pk=early.pk).update(qualified_at=local(2026, 4, 20))
    Proposal.objects.filter(pk=late.pk).update(qualified_at=local(2026, 5, 3))
    assert services.rounds_open_due(now=local(2026, 4, 30)) is None  # the Jan round: none qualified before it
    found = services.rounds_open_due(now=local(2026, 5, 2))
    assert found.name == "2026-2" and found.decide_by == services.round_cutoffs(2026)[2]
    assert list(found.proposals.all()) == [early]
    assert services.rounds_open_due(now=local(2026, 5, 10)) is None  # again: nothing new
    second = services.rounds_open_due(now=local(2026, 9, 1))
    # The May round ended undecided: its idea is reviewed again in September's.
    assert second.name == "2026-3" and set(second.proposals.all()) == {early, late}
    assert Notification.objects.filter(recipient=early.author, params__what="in_round").exists()


@pytest.fixture
def in_round(settings):
    settings.IDEAS_SUPPORT_THRESHOLD = 1
    line = ProductLineFactory()
    proposal = propose(product_line=line)
    fans = supported(proposal, 1)
    Proposal.objects.filter(pk=proposal.pk).update(qualified_at=timezone.now() - timedelta(days=400))
    services.rounds_open_due()
    proposal.refresh_from_db()
    proposal.fans = fans
    return proposal


def test_reviewers_are_engineers_product_staff_and_the_lines_committee(in_round):
    seated = SeatFactory(election__committee=CommitteeFactory(product_line=in_round.product_line)).member
    other_committee = SeatFactory().member
    for who, role in (
        (engineer(), ReviewerRole.ENGINEER),
        (operator(), ReviewerRole.PRODUCT),
        (seated, ReviewerRole.COMMITTEE),
    ):
        review = services.review_record(
            reviewer=who, proposal=in_round, recommendation=Decision.ADOPT, reasons="Feasible and wanted."
        )
        assert review.role == role
    for who in (MemberFactory(), store_manager(), other_committee, in_round.author):
        with pytest.raises(Forbidden):
            services.review_record(
                reviewer=who, proposal=in_round, recommendation=Decision.ADOPT, reasons="Feasible and wanted."
            )
    with pytest.raises(Conflict):
        services.review_record(
            reviewer=seated, proposal=in_round, recommendation=Decision.DECLINE, reasons="Changed my mind."
        )
    with pytest.raises(ValidationFailed):
        services.review_record(
            reviewer=founder(), proposal=in_round, recommendation="maybe", reasons="x" * 20
        )
    with pytest.raises(ValidationFailed):
        services.review_record(reviewer=founder(), proposal=in_round, recommendation="adopt", reasons="ok")
    assert Review.objects.filter(proposal=in_round).count() == 3


def test_product_staff_decide_after_a_review_and_everyone_who_supported_is_told(in_round):
    boss = operator()
    with pytest.raises(Conflict):  # no review yet
        services.proposal_decide(
            actor=boss, proposal=in_round, decision=Decision.ADOPT, reasons="Good idea, go."
        )
    services.review_record(
        reviewer=engineer(), proposal=in_round, recommendation=Decision.ADOPT, reasons="Feasible."
    )
    for who in (engineer(), MemberFactory(), in_round.author):
        with pytest.raises(Forbidden):
            services.proposal_decide(
                actor=who, proposal=in_round, decision=Decision.ADOPT, reasons="Good idea."
            )
    decided = services.proposal_decide(
        actor=boss, proposal=in_round, decision=Decision.ADOPT, reasons="Wanted by dorm students; feasible."
    )
    assert decided.status == ProposalStatus.ADOPTED and decided.decided_by == boss
    told = set(Notification.objects.filter(params__what="adopted").values_list("recipient_id", flat=True))
    assert told == {in_round.author_id, *(fan.pk for fan in in_round.fans)}
    assert AuditEntry.objects.filter(actor=boss, action="ideas.proposal.decided").exists()
    assert ReviewRound.objects.get(pk=in_round.review_round_id).status == RoundStatus.CLOSED
    with pytest.raises(Conflict):
        services.proposal_decide(
            actor=boss, proposal=decided, decision=Decision.DECLINE, reasons="Changed my mind."
        )


def test_an_idea_not_in_a_round_cannot_be_reviewed_or_decided():
    proposal = propose()
    with pytest.raises(Conflict):
        services.review_record(
            reviewer=engineer(), proposal=proposal, recommendation="adopt", reasons="Feasible."
        )
    with pytest.raises(Conflict):
        services.proposal_decide(
            actor=operator(), proposal=proposal, decision="adopt", reasons="Feasible idea."
        )
