"""The chain pages as members, starters and moderators use them."""

import csv
import io

import pytest
from django.urls import reverse

from fanrepublic.chains import services
from fanrepublic.chains.models import Chain, Entry
from fanrepublic.members.tests.factories import MemberFactory, operator

from .factories import BoardRuleFactory, ChainFactory

pytestmark = pytest.mark.django_db


def test_a_member_signs_edits_and_withdraws_on_the_page(client):
    chain = ChainFactory(pledge_label="I will pre-order", pledge_max=2)
    member = MemberFactory(display_name="Xiao Mi")
    client.force_login(member)
    url = reverse("chains:chain", args=[chain.slug])
    assert "Add your line" in client.get(url).content.decode()

    signed = client.post(
        reverse("chains:sign", args=[chain.slug]), {"message": "永不离开", "pledge": 2}, follow=True
    )
    page = signed.content.decode()
    assert "You are number 1 in the chain." in page and "Your line (number 1)" in page
    chain.refresh_from_db()
    assert (chain.entry_count, chain.pledge_total) == (1, 2)

    too_many = client.post(reverse("chains:sign", args=[chain.slug]), {"message": "x", "pledge": 5})
    assert too_many.status_code == 422 and Entry.objects.get().pledge == 2

    client.post(reverse("chains:sign", args=[chain.slug]), {"message": "still here", "pledge": 1})
    assert Entry.objects.get().message == "still here"
    client.post(reverse("chains:withdraw", args=[chain.slug]))
    assert not Entry.objects.exists()


def test_the_live_part_shows_the_count_and_the_newest_lines_in_chinese(client):
    chain = ChainFactory()
    for text in ("第一", "第二", "第三"):
        services.entry_sign(actor=MemberFactory(), chain=chain, message=text, pledge=1)
    client.cookies["django_language"] = "zh-hans"
    live = client.get(
        reverse("chains:live", args=[chain.slug]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert 'data-testid="chain-count">3<' in live and 'data-testid="chain-pledged">3<' in live
    assert live.index("第三") < live.index("第二") < live.index("第一")
    assert "最新" in live  # the heading, translated


def test_visitors_are_asked_to_sign_in_and_closed_chains_say_so(client):
    chain = ChainFactory()
    assert "Sign in to add your line" in client.get(chain.get_absolute_url()).content.decode()
    services.chain_close(actor=operator(), chain=chain)
    client.force_login(MemberFactory())
    page = client.get(chain.get_absolute_url()).content.decode()
    assert "This chain is closed" in page and 'data-testid="sign"' not in page
    refused = client.post(reverse("chains:sign", args=[chain.slug]), {"message": "late"})
    assert refused.status_code == 409 and not Entry.objects.exists()


def test_a_member_starts_a_chain_on_a_board_that_lets_them_and_runs_it(client):
    rule = BoardRuleFactory(min_trust_level=1)
    starter = MemberFactory(trust_level=1)
    client.force_login(starter)
    assert client.get(reverse("chains:index")).content.decode().count(reverse("chains:start")) == 1
    page = client.get(reverse("chains:start")).content.decode()
    assert f'value="{rule.board.pk}"' in page
    created = client.post(
        reverse("chains:start"),
        {"theme": "Band 9 head count", "board": rule.board.pk, "pledge_label": "Units", "pledge_max": 2},
    )
    chain = Chain.objects.get()
    assert created.status_code == 302 and created["Location"] == chain.get_absolute_url()
    services.entry_sign(
        actor=MemberFactory(display_name='=HYPERLINK("http://x")'), chain=chain, message="+1", pledge=1
    )

    exported = client.get(reverse("chains:export", args=[chain.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0][:3] == ["Number", "Name", "Line"]
    assert rows[1][0] == "1" and rows[1][1].startswith("'=")  # a formula is neutralised
    assert client.post(reverse("chains:close", args=[chain.slug])).status_code == 302
    chain.refresh_from_db()
    assert chain.status == "closed"

    client.force_login(MemberFactory())
    assert client.get(reverse("chains:export", args=[chain.slug])).status_code == 404
    assert client.post(reverse("chains:close", args=[chain.slug])).status_code == 404


def test_a_member_below_the_boards_trust_level_is_not_offered_to_start(client):
    BoardRuleFactory(min_trust_level=3)
    client.force_login(MemberFactory(trust_level=1))
    assert reverse("chains:start") not in client.get(reverse("chains:index")).content.decode()
    assert client.get(reverse("chains:start")).status_code == 404


def test_a_moderator_hides_a_line_and_the_member_sees_why(client):
    chain = ChainFactory()
    member = MemberFactory()
    services.entry_sign(actor=member, chain=chain, message="buy followers here")
    client.force_login(operator())
    client.post(reverse("chains:hide_entry", args=[chain.slug, 1]), {"reason": "Advertising"})
    chain.refresh_from_db()
    assert chain.entry_count == 0
    client.force_login(member)
    page = client.get(chain.get_absolute_url()).content.decode()
    assert "A moderator hid your line: <bdi>Advertising</bdi>" in page
    client.force_login(MemberFactory())
    assert "buy followers" not in client.get(chain.get_absolute_url()).content.decode()


def test_the_share_box_and_the_printable_code_carry_the_chains_link(client):
    chain = ChainFactory()
    page = client.get(chain.get_absolute_url()).content.decode()
    link = f"http://testserver{chain.get_absolute_url()}"
    assert f'value="{link}"' in page and "<svg" in page
    printable = client.get(reverse("chains:qr", args=[chain.slug])).content.decode()
    assert "<svg" in printable and link in printable


def test_long_chains_are_paged_in_number_order(client):
    chain = ChainFactory()
    members = [MemberFactory() for _ in range(105)]
    for m in members:
        services.entry_sign(actor=m, chain=chain, message=f"line-of-{m.username}")
    first = client.get(chain.get_absolute_url()).content.decode()
    second = client.get(chain.get_absolute_url() + "?page=2").content.decode()
    assert 'id="line-100"' in first and 'id="line-101"' not in first
    assert 'id="line-101"' in second and 'id="line-105"' in second
