"""Vote pages: casting with each method through the form, errors that change nothing,
running results only where allowed, receipts checked, ballots downloaded, staff only
where staff belong."""

import json

import pytest
from django.urls import reverse

from fanrepublic.governance import services
from fanrepublic.governance.enums import VoteStatus
from fanrepublic.governance.models import Ballot
from fanrepublic.governance.tests.factories import VoteFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator

pytestmark = pytest.mark.django_db


def ids(vote):
    return list(vote.options.values_list("pk", flat=True))


class TestCastingPages:
    def test_single_choice_through_the_form_shows_the_receipt(self, client):
        vote = VoteFactory()
        fan = MemberFactory()
        client.force_login(fan)
        response = client.post(
            reverse("governance:cast", args=[vote.slug]), {"option": ids(vote)[1]}, follow=True
        )
        ballot = Ballot.objects.get()
        page = response.content.decode()
        assert ballot.receipt in page and 'data-testid="my-ballot"' in page

    def test_ranked_ballot_from_numbered_options(self, client):
        vote = VoteFactory(method="irv")
        a, b, c = ids(vote)
        client.force_login(MemberFactory())
        client.post(reverse("governance:cast", args=[vote.slug]), {f"rank_{c}": "1", f"rank_{a}": "2"})
        assert Ballot.objects.get().choice == [c, a]

    @pytest.mark.parametrize("data", [{"rank_X": "1"}, "same-rank", "letters"])
    def test_malformed_rankings_are_refused(self, client, data):
        vote = VoteFactory(method="irv")
        a, b, _c = ids(vote)
        if data == "same-rank":
            data = {f"rank_{a}": "1", f"rank_{b}": "1"}
        elif data == "letters":
            data = {f"rank_{a}": "first"}
        client.force_login(MemberFactory())
        response = client.post(reverse("governance:cast", args=[vote.slug]), data)
        assert response.status_code == 422 and 'data-testid="vote-error"' in response.content.decode()
        assert not Ballot.objects.exists()

    def test_approval_and_abstain(self, client):
        vote = VoteFactory(method="approval")
        a, b, _c = ids(vote)
        client.force_login(MemberFactory())
        client.post(reverse("governance:cast", args=[vote.slug]), {"option": [b, a]})
        assert Ballot.objects.get().choice == sorted([a, b])
        client.force_login(MemberFactory())
        client.post(reverse("governance:cast", args=[vote.slug]), {"abstain": "1"})
        assert Ballot.objects.filter(abstain=True).count() == 1

    def test_an_ineligible_member_sees_why_and_cannot_cast(self, client):
        vote = VoteFactory(min_trust_level=3)
        client.force_login(MemberFactory(trust_level=1))
        page = client.get(vote.get_absolute_url()).content.decode()
        assert 'data-testid="not-eligible"' in page
        assert (
            client.post(reverse("governance:cast", args=[vote.slug]), {"option": ids(vote)[0]}).status_code
            == 403
        )
        assert not Ballot.objects.exists()

    def test_running_results_only_when_the_vote_shows_them(self, client):
        hidden, shown = VoteFactory(hide_results=True), VoteFactory(hide_results=False)
        for vote in (hidden, shown):
            services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[ids(vote)[0]])
        assert 'data-testid="counts"' not in client.get(hidden.get_absolute_url()).content.decode()
        assert 'data-testid="counts"' in client.get(shown.get_absolute_url()).content.decode()

    def test_drafts_are_404_to_members(self, client):
        draft = VoteFactory(status=VoteStatus.DRAFT)
        client.force_login(MemberFactory())
        assert client.get(draft.get_absolute_url()).status_code == 404
        client.force_login(operator())
        assert client.get(draft.get_absolute_url()).status_code == 200


class TestAfterClosing:
    def test_staff_close_and_publish_then_anyone_checks_a_receipt_and_downloads(self, client):
        vote = VoteFactory(binding=True)
        ballot = services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=[ids(vote)[0]])
        client.force_login(operator())
        for action in ("close", "publish"):
            client.post(reverse("governance:action", args=[vote.slug]), {"action": action})
        client.post(
            reverse("governance:action", args=[vote.slug]),
            {"action": "outcome", "outcome": "Price set to 2,999 yuan"},
        )
        client.logout()
        page = client.get(vote.get_absolute_url()).content.decode()
        assert 'data-testid="digest"' in page and "Price set to 2,999 yuan" in page and "2,999 yuan" in page
        checked = client.get(reverse("governance:verify", args=[vote.slug]) + f"?receipt={ballot.receipt}")
        assert 'data-testid="receipt-found"' in checked.content.decode()
        missing = client.get(reverse("governance:verify", args=[vote.slug]) + "?receipt=" + "0" * 32)
        assert 'data-testid="receipt-missing"' in missing.content.decode()
        data = json.loads(client.get(reverse("governance:ballots", args=[vote.slug])).content)
        assert data["ballots"] == [{"receipt": ballot.receipt, "choice": [ids(vote)[0]]}]

    def test_a_ranked_result_names_its_rule_and_shows_the_count_and_the_merkle_proof(self, client):
        vote = VoteFactory(method="stv", seats=2, labels=["Ada", "Bo", "Cy", "Di"])
        a, b, c, d = ids(vote)
        choices = [[b, d, c], [d], [c], [a], [b, c], [b, c], [a]]
        cast = [services.ballot_cast(member=MemberFactory(), vote=vote, option_ids=x) for x in choices]
        assert 'data-testid="rule"' in client.get(vote.get_absolute_url()).content.decode()
        services.vote_close(actor=operator(), vote=vote)
        vote = services.vote_publish(actor=operator(), vote=vote)
        page = client.get(vote.get_absolute_url()).content.decode()
        assert "SSI 2007/42" in page and 'data-testid="stages"' in page and "quota 3" in page
        winners = page.split('data-testid="winners"')[1].split("</p>")[0]
        assert "Ada" in winners and "Bo" in winners and "Cy" not in winners
        checked = client.get(reverse("governance:verify", args=[vote.slug]) + f"?receipt={cast[3].receipt}")
        text = checked.content.decode()
        proof = services.receipt_check(vote=vote, receipt=cast[3].receipt)["proof"]
        assert "rfc9162-sha256" in text and proof["leaf_hash"] in text and 'data-testid="audit-path"' in text
        assert all(h in text for h in proof["audit_path"]) and f"of {len(choices)}" in text
        api = client.get(f"/api/v1/votes/{vote.slug}/verify?receipt={cast[3].receipt}").json()
        assert api["audit_path"] == proof["audit_path"] and api["tree_size"] == 7 and api["digest_matches"]
        assert api["digest_scheme"] == "rfc9162-sha256" and api["leaf_index"] == proof["leaf_index"]

    def test_the_ballots_file_exists_only_once_published(self, client):
        vote = VoteFactory()
        assert client.get(reverse("governance:ballots", args=[vote.slug])).status_code == 404
        assert client.get(reverse("governance:verify", args=[vote.slug]) + "?receipt=x").status_code == 404

    @pytest.mark.parametrize("role", [None, engineer])
    def test_members_and_engineers_cannot_run_votes(self, client, role):
        vote = VoteFactory()
        client.force_login(role() if role else MemberFactory())
        assert (
            client.post(reverse("governance:action", args=[vote.slug]), {"action": "close"}).status_code
            == 404
        )
        assert client.get(reverse("governance:new")).status_code == 404
        vote.refresh_from_db()
        assert vote.status == VoteStatus.OPEN

    def test_creating_a_vote_from_the_form(self, client):
        client.force_login(operator())
        data = {
            "slug": "price-15",
            "question": "Price of the Orange 15 Pro?",
            "options": "2,999 | 2999元 | 12+256 GB\n3,299 | 3299元",
            "method": "single",
            "seats": "1",
            "min_trust_level": "0",
            "quorum": "0",
            "opens_at": "2030-01-01T10:00",
            "closes_at": "2030-01-08T10:00",
            "secret": "on",
            "allow_abstain": "on",
        }
        assert client.post(reverse("governance:new"), {**data, "options": "only one"}).status_code == 422
        response = client.post(reverse("governance:new"), data)
        assert response.status_code == 302
        vote = services.Vote.objects.get(slug="price-15")
        assert [o.label_zh for o in vote.options.all()] == [
            "2999元",
            "3299元",
        ] and vote.status == VoteStatus.DRAFT

    def test_pages_in_chinese(self, client):
        vote = VoteFactory()
        page = client.get(vote.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "橙子 15 Pro 应该定价多少？" in page and "米粉议会" in page


def bearer(user):
    from fanrepublic.members.services import api_token_create

    _t, secret = api_token_create(owner=user, name="t", scopes=["read", "write"])
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TestApi:
    def test_cast_read_publish_and_verify(self, client):
        vote = VoteFactory(method="irv", allow_change=False)
        a, b, c = ids(vote)
        fan = MemberFactory()
        cast = client.post(
            f"/api/v1/votes/{vote.slug}/ballot", {"options": [c, a]}, "application/json", **bearer(fan)
        )
        assert cast.status_code == 201 and cast.json()["choice"] == [c, a]
        again = client.post(
            f"/api/v1/votes/{vote.slug}/ballot", {"options": [a]}, "application/json", **bearer(fan)
        )
        assert again.status_code == 409
        bad = client.post(
            f"/api/v1/votes/{vote.slug}/ballot",
            {"options": [a, a]},
            "application/json",
            **bearer(MemberFactory()),
        )
        assert bad.status_code == 422 and "choice" in bad.json()["error"]["fields"]
        assert client.get(f"/api/v1/votes/{vote.slug}").json()["result"] is None
        staff = bearer(operator())
        client.post(f"/api/v1/votes/{vote.slug}/close", **staff)
        published = client.post(f"/api/v1/votes/{vote.slug}/publish", **staff).json()
        assert published["result"]["winners"] == [c] and len(published["digest"]) == 64
        receipt = cast.json()["receipt"]
        checked = client.get(f"/api/v1/votes/{vote.slug}/verify?receipt={receipt}").json()
        assert checked["counted"] and checked["choice"] == [c, a] and checked["digest_matches"]
        assert client.get(f"/api/v1/votes/{vote.slug}/ballots").json() == [
            {"receipt": receipt, "choice": [c, a]}
        ]

    def test_members_cannot_run_votes_through_the_api(self, client):
        vote = VoteFactory()
        for action in ("close", "publish", "open"):
            assert (
                client.post(f"/api/v1/votes/{vote.slug}/{action}", **bearer(MemberFactory())).status_code
                == 404
            )
        vote.refresh_from_db()
        assert vote.status == VoteStatus.OPEN


def test_the_admin_keeps_an_open_votes_options_and_rules_fixed(admin_client):
    vote = VoteFactory()
    page = admin_client.get(f"/admin/governance/vote/{vote.pk}/change/").content.decode()
    assert 'name="options-0-label"' not in page and 'name="method"' not in page
    draft = VoteFactory(status=VoteStatus.DRAFT)
    page = admin_client.get(f"/admin/governance/vote/{draft.pk}/change/").content.decode()
    assert 'name="options-0-label"' in page and 'name="method"' in page
