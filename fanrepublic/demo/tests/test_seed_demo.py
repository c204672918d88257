"""The demo loader: idempotent, internally consistent, written through the services,
and the advertised logins work.

One demo is loaded per module (and per xdist worker) inside a transaction that is rolled
back at the end; each test runs in a savepoint within it. What a commit would run
(event handlers: scores, points, notifications, a fixed bounty report) runs right after
each action, as it does on a laptop, where every service call commits.
"""

import re
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from fanrepublic.activity.models import Event
from fanrepublic.forum.models import Reply, StatusChange, Topic
from fanrepublic.members.demo_content import PASSWORD
from fanrepublic.members.models import User

# One worker loads the demo once for the whole module (make test runs --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

CJK = re.compile(r"[\u4e00-\u9fff]")
# Big enough for weeks of releases, a published vote and an elected committee.
MEMBERS, TOPICS = 60, 120


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", members=MEMBERS, topics=TOPICS, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "topics": Topic.objects.count(),
        "replies": Reply.objects.count(),
        "events": Event.objects.count(),
    }


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    def run_now(func, using=None, robust=False):
        func()

    with django_db_blocker.unblock(), transaction.atomic():
        with mock.patch.object(transaction, "on_commit", run_now):
            output = seed()
        yield {"output": output, **counts()}
        transaction.set_rollback(True)


@pytest.fixture
def seeded(loaded):
    return loaded


def test_second_run_adds_nothing(seeded):
    assert seeded["topics"] >= 25 and seeded["replies"] and seeded["events"]

    output = seed()

    assert "already loaded" in output
    assert counts() == {key: value for key, value in seeded.items() if key != "output"}


def test_every_demo_event_has_a_declared_verb(seeded):
    # The demo writes some events in bulk, past record_event's check of the catalogue.
    from fanrepublic.core.capabilities import verbs

    used = set(Event.objects.values_list("verb", flat=True).distinct())
    assert used and used - set(verbs()) == set()


def test_the_demo_store_pays_visits_only_from_its_point_of_sale(seeded):
    from fanrepublic.activity.models import Integration
    from fanrepublic.points.models import EarningRule

    rule = EarningRule.objects.get(verb="store.visited")
    assert not rule.pays_platform_events
    assert [i.slug for i in rule.trusted_integrations.all()] == ["beijing-flagship-pos"]
    assert set(Integration.objects.values_list("slug", flat=True)) >= {"mi-home-app", "beijing-flagship-pos"}


def test_vote_counts_equal_vote_rows(seeded):
    topics = Topic.objects.annotate(rows=Count("votes"))
    assert topics.filter(kind__in=["suggestion", "bug"]).exists()
    assert [(t.pk, t.vote_count) for t in topics if t.vote_count != t.rows] == []


def test_demo_logins_authenticate(seeded):
    for username in ["mifan", "eng_lin", "op_zhou", "founder_lei", "admin", "fan001"]:
        user = authenticate(None, username=username, password=PASSWORD)

        assert user is not None and user.username == username
        assert user.emailaddress_set.filter(verified=True, primary=True).exists()


def test_the_login_banner_lists_every_readme_login_and_the_served_address(seeded):
    import re as regex
    from pathlib import Path

    out = StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8100", stdout=out)
    banner = out.getvalue()
    assert "http://127.0.0.1:8100" in banner and "8000" not in banner
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    table = readme.split("### Demo logins", 1)[1].split("##", 1)[0]
    logins = set(regex.findall(r"^\| `([a-z_0-9]+)` \|", table, regex.MULTILINE))
    assert {"mifan", "sec_gao", "sm_liu"} <= logins
    for login in logins:
        assert f"  {login} " in banner, login


def test_the_forum_history_was_written_by_the_forum_services(seeded):
    # Each post's event was recorded by the service at the moment the post was written.
    created = dict(Event.objects.filter(verb="forum.reply.created").values_list("object_id", "occurred_at"))
    replies = list(Reply.objects.values_list("pk", "created_at"))
    assert replies and all(created[str(pk)] == at for pk, at in replies)
    # Counters equal their rows, and visible replies are counted.
    topics = Topic.objects.annotate(
        n_likes=Count("likes", distinct=True), n_replies=Count("replies", distinct=True)
    )
    assert [t.pk for t in topics if t.like_count != t.n_likes or t.reply_count != t.n_replies] == []
    # The first staff response is the earliest staff reply or status change.
    for topic in Topic.objects.filter(first_staff_response_at__isnull=False):
        staff_moments = [
            *topic.replies.exclude(author_role="").values_list("created_at", flat=True),
            *StatusChange.objects.filter(topic=topic).values_list("created_at", flat=True),
        ]
        assert topic.first_staff_response_at == min(staff_moments)
    # Two months of history, not one instant.
    first, last = Reply.objects.order_by("created_at")[0], Reply.objects.order_by("-created_at")[0]
    assert (last.created_at - first.created_at).days > 30


def test_no_demo_seeder_writes_forum_rows_itself():
    source = (Path(__file__).resolve().parents[2] / "forum" / "demo.py").read_text()
    for write in ["bulk_create(", "bulk_update(", ".objects.create(", ").update(", ".save(", ".delete("]:
        assert write not in source, write


def test_staff_replies_carry_their_role(seeded):
    staff_replies = Reply.objects.exclude(author_role="").select_related("author")
    assert staff_replies.filter(author_role="engineer").exists()
    for reply in staff_replies:
        assert reply.author_role == reply.author.staff_role
    assert (
        not Reply.objects.filter(author__username__startswith="eng_").exclude(author_role="engineer").exists()
    )
    assert not Reply.objects.filter(author__username__startswith="fan").exclude(author_role="").exists()


def test_chinese_and_english_topics(seeded):
    titles = list(Topic.objects.values_list("title", flat=True))

    assert any(CJK.search(t) for t in titles)
    assert any(not CJK.search(t) for t in titles)


def test_demo_economy_earns_points_the_real_way(seeded):
    from fanrepublic.points.models import Transaction
    from fanrepublic.points.selectors import ledger_problems, wallet_summary
    from fanrepublic.rewards.models import Order, Reward

    seed()  # a second run adds nothing
    assert Reward.objects.count() == 7  # loaded once, however often the command runs
    assert [c.code for c in Reward.objects.get(slug="band-9-voucher").regions] == ["CN"]
    assert Reward.objects.get(slug="orange-knight-jacket").required_badges.get().slug == "orange-knight"
    mifan = User.objects.get(username="mifan")
    assert Order.objects.filter(member=mifan).count() == 1
    assert wallet_summary(member=mifan).balance > 0
    accepted = Event.objects.filter(verb="forum.topic.accepted").exclude(owner__isnull=True).count()
    assert accepted > 0 and 0 < Transaction.objects.filter(memo="Suggestion accepted").count() <= accepted
    assert ledger_problems() == []


def test_demo_release_train_has_weeks_of_releases_and_next_week_planned(seeded):
    from fanrepublic.points.models import Transaction
    from fanrepublic.releases.enums import ReleaseStatus
    from fanrepublic.releases.models import Release
    from fanrepublic.releases.selectors import release_metrics

    seed()  # idempotent
    published = Release.objects.filter(status=ReleaseStatus.PUBLISHED)
    assert published.count() >= 3
    assert len({r.published_at.date() for r in published}) >= 3  # several weeks, not one day
    upcoming = Release.objects.filter(status=ReleaseStatus.PLANNED)
    assert upcoming.count() == 4 and all(r.items.exists() for r in upcoming)
    m = release_metrics()
    assert m.user_share is not None and 10 <= m.user_share <= 50
    shipped_items = Event.objects.filter(verb="releases.item.shipped").count()
    assert shipped_items > 0
    assert Transaction.objects.filter(
        memo__in=["Suggestion shipped in a release", "Bug report fixed in a release"]
    ).exists()


def test_demo_bug_bounty_has_paid_duplicate_and_private_reports(seeded):
    from fanrepublic.bounty.models import BountyReport, RewardTier
    from fanrepublic.bounty.selectors import hall_of_fame
    from fanrepublic.points.selectors import ledger_problems

    seed()  # idempotent
    assert RewardTier.objects.filter(product_line__isnull=True).count() == 4
    reports = BountyReport.objects.all()
    assert reports.count() >= 6
    assert reports.filter(reward__isnull=False).exists() and reports.filter(status="duplicate").exists()
    assert reports.filter(is_security=True, disclosed_at__isnull=True).exists()
    assert hall_of_fame()[0]["points"] > 0
    assert ledger_problems() == []


def test_demo_betas_show_every_stage(seeded):
    from fanrepublic.betas.models import BetaProgramme, Entitlement

    seed()  # idempotent
    stages = dict(BetaProgramme.objects.values_list("slug", "status"))
    assert stages == {
        "su7-winter-calibration": "selected",
        "orange-15-pro-camera-beta": "open",
        "band-9-sleep-beta": "finished",
    }
    winter = BetaProgramme.objects.get(slug="su7-winter-calibration")
    assert winter.applications.filter(status="selected").count() == min(
        winter.capacity, winter.applications.count()
    )
    assert winter.reports.exists() and Entitlement.objects.exists()


def test_demo_votes_include_a_published_pricing_vote_that_recounts(seeded):
    from fanrepublic.governance import merkle, services
    from fanrepublic.governance.models import Vote
    from fanrepublic.governance.tally import tabulate

    seed()  # idempotent
    price = Vote.objects.get(slug="orange-15-pro-price")
    assert price.status == "published" and price.outcome and price.result["quorum_met"]
    ballots = services.anonymised_ballots(price)
    assert merkle.root(ballots) == price.digest
    recount = tabulate(
        method=price.method,
        option_ids=list(price.options.values_list("pk", flat=True)),
        ballots=[b["choice"] for b in ballots],
        seats=price.seats,
        seed=price.digest,
    )
    assert recount["counts"] == price.result["counts"]
    assert Vote.objects.filter(status="open").count() == 2


def test_demo_committees_have_an_elected_phone_committee_and_an_open_election(seeded):
    from fanrepublic.committees.models import Committee
    from fanrepublic.committees.selectors import current_seats

    seed()  # idempotent
    phone = Committee.objects.get(product_line__slug="orange-15-pro")
    assert current_seats(phone).count() == phone.seats
    assert phone.elections.get().vote.status == "published"
    assert Committee.objects.get(product_line__slug="orange-su7").elections.get().status == "candidacy"


def test_demo_backlog_has_decisions_traced(seeded):
    from fanrepublic.committees.models import Decision, Need

    assert Need.objects.filter(status="decided").count() >= 2
    assert Decision.objects.exclude(follow_up="pending").exists()


def test_demo_launch_hall_has_a_past_a_live_and_an_upcoming_event(seeded):
    from fanrepublic.launches.models import LaunchEvent, LiveBallot
    from fanrepublic.members.models import User

    seed()  # idempotent
    assert sorted(LaunchEvent.objects.values_list("status", flat=True)) == ["ended", "live", "scheduled"]
    live = LaunchEvent.objects.get(status="live")
    assert live.questions.filter(status="open").count() == 1
    for question in live.questions.filter(status="closed"):
        assert question.result["total"] == LiveBallot.objects.filter(question=question).count() > 0
    # The demo member can still join the live hall and answer.
    assert not live.attendees.filter(member=User.objects.get(username="mifan")).exists()


def test_demo_staff_sign_in_with_the_published_second_factor(seeded, client):
    import time

    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    from fanrepublic.members.demo_content import DEMO_TOTP_SECRET
    from fanrepublic.members.second_factor import totp_code

    # Every demo staff account (and the admin) has the demo's authenticator app; fans do not
    staff = ["eng_lin", "op_zhou", "sm_liu", "legal_he", "founder_lei", "sec_gao", "admin"]
    holders = set(Authenticator.objects.filter(type="totp").values_list("user__username", flat=True))
    assert set(staff) <= holders and "mifan" not in holders and "fan001" not in holders
    # `demo_totp` prints the code of the moment
    out = StringIO()
    before = time.time()
    call_command("demo_totp", "op_zhou", stdout=out)
    printed = out.getvalue().split()[0]
    assert printed in {totp_code(DEMO_TOTP_SECRET, at=before), totp_code(DEMO_TOTP_SECRET)}
    assert DEMO_TOTP_SECRET in out.getvalue()
    # and signing in with the password and the code opens the staff pages
    client.post(reverse("account_login"), {"login": "op_zhou", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})
    assert client.get("/staff/metrics/").status_code == 200
    # A second run adds no second authenticator
    seed()
    assert Authenticator.objects.filter(user__username="op_zhou", type="totp").count() == 1


def test_demo_totp_prints_no_real_members_code(seeded):
    from django.core.management.base import CommandError

    from fanrepublic.members.tests.factories import operator

    operator(username="real_op")
    with pytest.raises(CommandError):
        call_command("demo_totp", "real_op", stdout=StringIO())


def test_the_idea_marketplace_shows_every_stage(seeded):
    from fanrepublic.ideas.models import Proposal, ProposalRevision, Review

    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses == {"supporting", "in_review", "adopted", "declined", "expired", "withdrawn"}
    adopted = Proposal.objects.get(status="adopted")
    assert adopted.review_round is not None and adopted.decision_reason
    assert Review.objects.filter(proposal=adopted).count() >= 1
    assert ProposalRevision.objects.filter(proposal=adopted).exists()
    # Counts are what the supporting produced.
    for proposal in Proposal.objects.all():
        assert proposal.support_count == proposal.supports.count()
    # Months of the cooker's sales, each month's royalties paid into its author's wallet.
    from fanrepublic.points.enums import Currency
    from fanrepublic.points.selectors import ledger_problems
    from fanrepublic.points.services import wallet_for

    statements = list(adopted.adoption.statements.all())
    assert len(statements) >= 3 and sum(s.refunds_fen for s in statements) > 0
    paid = sum(s.credited_fen for s in statements)
    # The author had the whole yuan of it paid out (the demo provider settles at once).
    from fanrepublic.payments.models import Payout

    payout = Payout.objects.get(member=adopted.author)
    assert payout.state == "done" and payout.amount_fen == paid - paid % 100
    assert wallet_for(adopted.author, Currency.CNY).balance_minor == paid % 100
    assert ledger_problems() == []


def test_the_open_source_programme_has_webhook_fed_contributions_and_academicians(seeded, client):
    from fanrepublic.opensource.models import Contribution, GitAccount, Repository, Title, WebhookDelivery
    from fanrepublic.points.selectors import ledger_problems
    from fanrepublic.points.services import wallet_for

    assert set(Repository.objects.values_list("host", flat=True)) == {"github", "gitee"}
    linked = GitAccount.objects.filter(verified_at__isnull=False)
    assert linked.count() >= 10
    academicians = list(Title.objects.filter(rank="academician").order_by("number"))
    assert len(academicians) >= 8 and [t.number for t in academicians] == list(
        range(1, len(academicians) + 1)
    )
    # Two contributors have not accepted the agreement: their merged work waits.
    assert Contribution.objects.filter(state="merged", counted_at__isnull=True, member__isnull=False).exists()
    shipped = Contribution.objects.get(release_item__isnull=False)
    assert shipped.title.startswith("Congestion prediction") and shipped.member is not None
    # It shipped as its own item of a published car release, credited to the student.
    item = shipped.release_item
    assert item.source_type == "opensource_change" and item.source_id == shipped.pk
    assert item.contributor == shipped.member and item.release.product_line.slug == "orange-su7"
    assert item.release.is_published
    assert Contribution.objects.filter(kind="translation", state="approved").exists()
    assert Contribution.objects.filter(kind="design", state="pending").exists()
    assert WebhookDelivery.objects.filter(outcome="refused").exists()
    # Points for merges, through the rule that trusts the hosts' integrations only.
    first = academicians[0].member
    assert wallet_for(first).balance_minor >= 500
    assert ledger_problems() == []
    page = client.get("/opensource/").content.decode()
    assert academicians[0].member.public_name in page
    repository_page = client.get(shipped.repository.get_absolute_url()).content.decode()
    assert (
        shipped.title in repository_page
        and shipped.release_item.release.get_absolute_url() in repository_page
    )


def test_the_court_carries_cases_from_filing_to_execution_settlement_appeal_and_deliberation(
    seeded, client, tmp_path
):
    import json

    from django.core.management import call_command

    from fanrepublic.activity.models import Event
    from fanrepublic.badges.models import MemberBadge
    from fanrepublic.court import selectors
    from fanrepublic.court.models import Case, JuryDraw, Ruling
    from fanrepublic.points.models import Transaction

    assert set(Case.objects.values_list("status", flat=True)) >= {"inadmissible", "filed", "closed", "seated"}
    screen = Case.objects.get(title__startswith="Burned-in screen")
    assert screen.order is not None and screen.order.member_id == screen.claimant_id
    record = JuryDraw.objects.get(case=screen)
    assert record.rules["min_tenure_days"] == 60  # the operator's rules for a young community
    assert record.jurors.filter(state="declined").count() == 1  # and the next of the order sat
    assert record.jurors.filter(state="accepted", kind="fan").count() == 10
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(selectors.draw_published(record)))
    call_command("recount_jury_draw", str(path))  # the demo's draw recomputes
    page = client.get(f"/court/draws/{screen.number}/1/").content.decode()
    assert record.seed in page and record.pool_digest in page
    # Filing to close: upheld, every remedy executed (payments through the ledger), confirmed.
    assert (screen.status, screen.outcome) == ("closed", "upheld") and screen.evidence.count() == 1
    assert set(screen.obligations.values_list("state", flat=True)) == {"confirmed"}
    assert Transaction.objects.filter(kind="court_remedy").count() >= 2
    assert Ruling.objects.get(case=screen).state == "published"
    assert client.get(f"/court/rulings/{screen.number}/").status_code == 200
    served = set(Event.objects.filter(verb="court.juror.served").values_list("owner_id", flat=True))
    assert served and served <= set(
        MemberBadge.objects.filter(badge__slug="juror").values_list("member_id", flat=True)
    )
    settled = Case.objects.get(title__startswith="Left earbud")
    assert (settled.status, settled.outcome) == ("closed", "settled")
    appealed = Case.objects.get(title__startswith="Pre-order delivered")
    assert appealed.appealed_at and appealed.draws.count() == 2
    assert Case.objects.get(title__startswith="相机").status == "seated"
