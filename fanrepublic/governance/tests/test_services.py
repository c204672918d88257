"""Votes end to end: who may vote, one ballot per member, changing it, every bad input,
secrecy, closing and publishing (audited), receipts, the recount command."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from fanrepublic.badges.tests.factories import BadgeFactory, MemberBadgeFactory
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.governance import merkle, services
from fanrepublic.governance.enums import VoteStatus
from fanrepublic.governance.models import Ballot, Vote
from fanrepublic.governance.tests.factories import VoteFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, founder, operator
from fanrepublic.products.tests.factories import ProductLineFactory

pytestmark = pytest.mark.django_db


def options(vote):
    return list(vote.options.values_list("pk", flat=True))


def published(vote):
    services.vote_close(actor=operator(), vote=vote)
    return services.vote_publish(actor=operator(), vote=vote)


class TestCasting:
    def test_a_member_votes_once_and_gets_a_receipt(self):
        vote = VoteFactory(allow_change=False)
        fan = MemberFactory()
        ballot = services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        assert len(ballot.receipt) == 32 and ballot.choice == [options(vote)[0]]
        with pytest.raises(Conflict):
            services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[1]])
        assert Ballot.objects.count() == 1

    def test_changing_a_ballot_keeps_one_ballot_and_the_receipt(self):
        vote = VoteFactory(allow_change=True)
        fan = MemberFactory()
        first = services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        second = services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[2]])
        assert first.receipt == second.receipt and Ballot.objects.get().choice == [options(vote)[2]]
        assert services.my_ballot(member=fan, vote=vote).changes == 1

    @pytest.mark.parametrize(
        "method, choice, message",
        [
            ("single", [], "Choose an option"),
            ("single", "two", "exactly one"),
            ("single", "foreign", "among the vote"),
            ("approval", "dupe", "only once"),
            ("irv", "dupe", "only once"),
            ("irv", ["x"], "among the vote"),
        ],
    )
    def test_bad_ballots_record_nothing(self, method, choice, message):
        vote = VoteFactory(method=method)
        ids = options(vote)
        if choice == "two":
            choice = ids[:2]
        elif choice == "foreign":
            choice = [options(VoteFactory())[0]]
        elif choice == "dupe":
            choice = [ids[0], ids[0]]
        with pytest.raises(ValidationFailed) as exc:
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=choice)
        assert message in str(exc.value.errors["choice"])
        assert not Ballot.objects.exists()

    def test_abstaining_only_where_offered(self):
        vote = VoteFactory(allow_abstain=False)
        with pytest.raises(ValidationFailed):
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[], abstain=True)
        offered = VoteFactory(allow_abstain=True)
        ballot = services.ballot_cast(member=MemberFactory(), vote=offered, option_ids=[], abstain=True)
        assert ballot.abstain and ballot.choice == []

    @pytest.mark.parametrize("state", ["draft", "not_yet", "ended", "closed"])
    def test_no_ballot_on_a_vote_that_is_not_open(self, state):
        kwargs = {
            "draft": {"status": VoteStatus.DRAFT},
            "not_yet": {
                "opens_at": timezone.now() + timedelta(hours=1),
                "closes_at": timezone.now() + timedelta(hours=2),
            },
            "ended": {
                "opens_at": timezone.now() - timedelta(hours=2),
                "closes_at": timezone.now() - timedelta(hours=1),
            },
            "closed": {"status": VoteStatus.CLOSED},
        }[state]
        vote = VoteFactory(**kwargs)
        with pytest.raises(Conflict):
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[options(vote)[0]])
        assert not Ballot.objects.exists()

    def test_eligibility_by_trust_level_badges_and_ownership(self):
        line = ProductLineFactory()
        knight = BadgeFactory(name="Orange Knight")
        vote = VoteFactory(min_trust_level=2, product_line=line, owners_only=True)
        vote.required_badges.add(knight)
        fan = MemberFactory(trust_level=1)
        with pytest.raises(Forbidden) as exc:
            services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        assert "trust level 2" in str(exc.value.message) and "Orange Knight" in str(exc.value.message)
        fan.trust_level = 2
        fan.save()
        fan.products_owned.add(line)
        MemberBadgeFactory(member=fan, badge=knight)
        services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        assert services.eligible_members(vote).count() == 1


class TestSecrecy:
    def test_a_secret_ballot_names_no_member_and_the_published_file_neither(self):
        vote = VoteFactory(secret=True)
        fan = MemberFactory(username="quietfan")
        ballot = services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        assert ballot.voter is None and len(ballot.voter_key) == 64  # an HMAC, not an id
        published(vote)
        dumped = json.dumps(services.anonymised_ballots(vote))
        assert "quietfan" not in dumped and ballot.voter_key not in dumped
        assert set(services.anonymised_ballots(vote)[0]) == {"receipt", "choice"}

    def test_voting_reaches_the_event_log_once_without_the_choice(self):
        # Every interaction is an event; a secret ballot's event says who voted in which
        # vote (turnout is public anyway) and nothing that leads to the choice.
        from fanrepublic.activity.models import Event

        vote = VoteFactory(secret=True, allow_change=True)
        fan = MemberFactory()
        services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[1]])
        (event,) = Event.objects.filter(verb="governance.ballot.cast")
        assert event.actor_id == fan.pk and event.object_type == "governance.vote"
        assert event.object_id == str(vote.pk) and event.properties == {}

    def test_a_refused_ballot_records_no_event(self):
        from fanrepublic.activity.models import Event

        vote = VoteFactory(allow_change=False)
        fan = MemberFactory()
        services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        with pytest.raises(Conflict):
            services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[1]])
        assert Event.objects.filter(verb="governance.ballot.cast").count() == 1

    def test_a_public_ballot_records_the_voter(self):
        vote = VoteFactory(secret=False)
        fan = MemberFactory()
        assert services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]]).voter == fan


class TestPublishing:
    def test_close_publish_check_receipts_and_recount(self, tmp_path, capsys):
        vote = VoteFactory(quorum=3)
        ids = options(vote)
        receipts = [
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[ids[n % 2]]).receipt
            for n in range(5)
        ]
        abstained = services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[], abstain=True)
        with pytest.raises(Conflict):
            services.vote_publish(actor=operator(), vote=vote)  # still open
        vote = published(vote)
        assert vote.status == VoteStatus.PUBLISHED and len(vote.digest) == 64
        assert vote.result["counts"] == {str(ids[0]): 3, str(ids[1]): 2, str(ids[2]): 0}
        assert (
            vote.result["winners"] == [ids[0]] and vote.result["quorum_met"] and vote.result["abstained"] == 1
        )
        checked = services.receipt_check(vote=vote, receipt=receipts[0])
        assert checked["verified"] and checked["ballot"]["receipt"] == receipts[0]
        assert services.receipt_check(vote=vote, receipt=abstained.receipt)["ballot"]["choice"] == []
        assert services.receipt_check(vote=vote, receipt="0" * 32) is None
        assert AuditEntry.objects.filter(action="governance.vote.closed").exists()
        assert AuditEntry.objects.filter(action="governance.vote.published").exists()
        # Anyone can recount from the published file.
        from django.test import Client

        data = Client().get(f"/votes/{vote.slug}/ballots.json").content
        path = tmp_path / "ballots.json"
        path.write_bytes(data)
        call_command("recount_vote", str(path))
        out = capsys.readouterr().out
        assert "matches the published result" in out and vote.digest in out
        tampered = json.loads(data)
        tampered["ballots"][0]["choice"] = [ids[2]]
        path.write_text(json.dumps(tampered))
        with pytest.raises(SystemExit) as exited:
            call_command("recount_vote", str(path))
        assert exited.value.code == 1

    def test_quorum_not_met_is_reported(self):
        vote = VoteFactory(quorum=10)
        services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[options(vote)[0]])
        assert published(vote).result["quorum_met"] is False

    def test_a_binding_vote_gets_its_outcome_record(self):
        vote = VoteFactory(binding=True)
        services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[options(vote)[0]])
        with pytest.raises(Conflict):
            services.outcome_record(actor=founder(), vote=vote, outcome="Price set to 2,999 yuan")
        published(vote)
        with pytest.raises(ValidationFailed):
            services.outcome_record(actor=founder(), vote=vote, outcome="")
        services.outcome_record(actor=founder(), vote=vote, outcome="Price set to 2,999 yuan")
        assert Vote.objects.get(pk=vote.pk).outcome == "Price set to 2,999 yuan"

    @pytest.mark.parametrize("role", [None, engineer])
    def test_only_operators_and_the_founder_run_votes(self, role):
        vote = VoteFactory()
        actor = role() if role else MemberFactory()
        for act in (services.vote_close, services.vote_publish):
            with pytest.raises(Forbidden):
                act(actor=actor, vote=vote)
        assert Vote.objects.get(pk=vote.pk).status == VoteStatus.OPEN


class TestBallotsAreEvidence:
    def test_a_ballot_cannot_be_changed_once_the_vote_closed(self):
        vote = VoteFactory()
        ballot = services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[options(vote)[0]])
        services.vote_close(actor=operator(), vote=vote)
        with pytest.raises(DatabaseError), transaction.atomic():
            Ballot.objects.filter(pk=ballot.pk).update(choice=[options(vote)[1]])
        assert Ballot.objects.get(pk=ballot.pk).choice == [options(vote)[0]]

    @pytest.mark.postgres
    def test_postgres_refuses_deleting_a_ballot(self):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL trigger")
        vote = VoteFactory()
        services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[options(vote)[0]])
        with pytest.raises(DatabaseError), transaction.atomic():
            Ballot.objects.all().delete()
        assert Ballot.objects.count() == 1


class TestCreating:
    def test_an_operator_creates_a_draft_and_bad_input_changes_nothing(self):
        now = timezone.now()
        base = {
            "slug": "price",
            "question": "Price?",
            "method": "single",
            "opens_at": now,
            "closes_at": now + timedelta(days=1),
        }
        two = [{"label": "2,999"}, {"label": "3,299"}]
        with pytest.raises(ValidationFailed):
            services.vote_create(actor=operator(), options=[{"label": "only one"}], **base)
        with pytest.raises(ValidationFailed):
            services.vote_create(
                actor=operator(), options=two, **{**base, "closes_at": now - timedelta(days=1)}
            )
        with pytest.raises(ValidationFailed):
            services.vote_create(actor=operator(), options=two, **{**base, "method": "stv", "seats": 2})
        with pytest.raises(Forbidden):
            services.vote_create(actor=MemberFactory(), options=two, **base)
        assert not Vote.objects.exists()
        vote = services.vote_create(actor=operator(), options=two, **base)
        assert vote.status == VoteStatus.DRAFT and vote.options.count() == 2
        with pytest.raises(ValidationFailed):
            services.vote_create(actor=operator(), options=two, **base)  # slug taken


class TestTurnout:
    def test_the_denominator_follows_the_casting_rule_and_is_frozen_at_closing(self):
        # Given three members who may cast, one suspended and one not trusted enough
        vote = VoteFactory(min_trust_level=3)
        fans = [MemberFactory(trust_level=3) for _ in range(3)]
        suspended = MemberFactory(trust_level=3, suspended_until=timezone.now() + timedelta(days=2))
        MemberFactory(trust_level=2)
        with pytest.raises(Forbidden):
            services.ballot_cast(member=suspended, vote=vote, option_ids=[options(vote)[0]])
        assert services.eligible_members(vote).count() == 3
        for fan in fans[:2]:
            services.ballot_cast(member=fan, vote=vote, option_ids=[options(vote)[0]])
        # When the vote closes and members become eligible before the count
        services.vote_close(actor=operator(), vote=vote)
        assert Vote.objects.get(pk=vote.pk).eligible_at_close == 3
        for _ in range(4):
            MemberFactory(trust_level=3)
        suspended.suspended_until = None
        suspended.save()
        vote = services.vote_publish(actor=operator(), vote=vote)
        # Then turnout is counted against those who could vote at closing
        assert vote.result["eligible"] == 3 and vote.result["turnout"] == 66.7


class TestBreakdownByTrustLevel:
    @pytest.mark.parametrize(
        "rows, sizes",
        [
            ({"0": {"1": 3}, "1": {"1": 2}, "2": {"1": 20}}, {"2": 20, "other": 5}),
            ({"1": {"1": 2}, "2": {"1": 9}}, {"other": 11}),
            ({"0": {"1": 3}, "1": {"1": 6, "2": 1}, "2": {"1": 20}}, {"2": 20, "other": 10}),
            ({"0": {"1": 1}, "1": {"2": 1}, "2": {"1": 1}, "3": {"1": 5}}, {"other": 8}),
            ({"1": {"1": 2}, "2": {"2": 2}}, {}),
            ({"1": {"1": 5}, "2": {"2": 7}}, {"1": 5, "2": 7}),
        ],
    )
    def test_no_group_of_fewer_than_five_ballots_is_shown(self, rows, sizes):
        merged = services.merge_small_groups(rows)
        assert {group: sum(counts.values()) for group, counts in merged.items()} == sizes
        if merged:  # every ballot is still in some group, by its choice
            total = lambda table, option: sum(c.get(option, 0) for c in table.values())  # noqa: E731
            assert all(total(merged, o) == total(rows, o) for o in ("1", "2"))

    def test_a_published_vote_hides_a_lone_small_group(self):
        # Given three ballots from trust level 1 and seven from level 2
        vote = VoteFactory()
        ids = options(vote)
        for n in range(3):
            services.ballot_cast(member=MemberFactory(trust_level=1), vote=vote, option_ids=[ids[n % 2]])
        for _ in range(7):
            services.ballot_cast(member=MemberFactory(trust_level=2), vote=vote, option_ids=[ids[2]])
        # When it is published
        breakdown = published(vote).result["by_trust_level"]
        # Then the small group is not shown on its own, nor as an "other" of three
        assert {g: sum(c.values()) for g, c in breakdown.items()} == {"other": 10}


class TestDigest:
    def cast_and_publish(self, n=5, method="single"):
        vote = VoteFactory(method=method)
        ids = options(vote)
        for i in range(n):
            choice = [ids[i % 3]] if method == "single" else [ids[i % 3], ids[(i + 1) % 3]]
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=choice)
        return published(vote)

    def download(self, vote, tmp_path):
        from django.test import Client

        data = json.loads(Client().get(f"/votes/{vote.slug}/ballots.json").content)
        return data, tmp_path / "ballots.json"

    def test_publishing_records_the_scheme_and_receipts_verify_by_rfc_9162(self):
        vote = self.cast_and_publish(n=7)
        assert vote.digest_scheme == merkle.SCHEME == "rfc9162-sha256"
        for ballot in services.anonymised_ballots(vote):
            checked = services.receipt_check(vote=vote, receipt=ballot["receipt"])
            proof = checked["proof"]
            assert checked["verified"] and proof["tree_size"] == 7
            assert merkle.verify_inclusion(
                merkle.leaf_hash(ballot),
                proof["leaf_index"],
                7,
                [bytes.fromhex(h) for h in proof["audit_path"]],
                bytes.fromhex(vote.digest),
            )

    def test_the_recount_refuses_a_duplicate_receipt_and_says_which_digest_it_checked(self, tmp_path, capsys):
        vote = self.cast_and_publish(n=7)
        data, path = self.download(vote, tmp_path)
        assert data["digest_scheme"] == "rfc9162-sha256"
        path.write_text(json.dumps(data))
        call_command("recount_vote", str(path), digest=vote.digest.upper())
        out = capsys.readouterr().out
        assert "matches the digest the site published" in out and "matches the digest you gave" in out
        # A copy of the last ballot appended: refused, whatever the root.
        doubled = {**data, "ballots": [*data["ballots"], data["ballots"][-1]]}
        path.write_text(json.dumps(doubled))
        with pytest.raises(SystemExit) as exited:
            call_command("recount_vote", str(path))
        assert exited.value.code == 1 and "appears twice" in capsys.readouterr().err
        # A digest that is not the site's.
        path.write_text(json.dumps(data))
        with pytest.raises(SystemExit):
            call_command("recount_vote", str(path), digest="0" * 64)
        assert "does not match the digest you gave" in capsys.readouterr().err

    def test_a_ranked_vote_recounts_by_the_named_rule(self, tmp_path, capsys):
        vote = self.cast_and_publish(n=9, method="irv")
        assert vote.result["rule"] == "scottish-stv-2007" and vote.result["order"]
        data, path = self.download(vote, tmp_path)
        assert data["result"]["rule"] == "scottish-stv-2007"
        path.write_text(json.dumps(data))
        call_command("recount_vote", str(path))
        assert "The count matches the published result" in capsys.readouterr().out

    def test_a_vote_published_under_the_first_tree_still_verifies_and_recounts(self, tmp_path, capsys):
        # Given a vote published before the scheme was recorded (root by the first tree)
        vote = VoteFactory()
        for i in range(5):
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[options(vote)[i % 2]])
        vote = published(vote)
        ballots = services.anonymised_ballots(vote)
        legacy = merkle.root(ballots, merkle.LEGACY_SCHEME)
        Vote.objects.filter(pk=vote.pk).update(digest=legacy, digest_scheme=merkle.LEGACY_SCHEME)
        vote.refresh_from_db()
        # Then receipts still lead to its root, and its file (without a scheme) recounts
        assert services.receipt_check(vote=vote, receipt=ballots[0]["receipt"])["verified"]
        data, path = self.download(vote, tmp_path)
        del data["digest_scheme"]
        path.write_text(json.dumps(data))
        call_command("recount_vote", str(path))
        assert "fr-merkle-v1" in capsys.readouterr().out
