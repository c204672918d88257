"""The court's pages as each person uses them: a member files through the form, legal
staff admit and draw from the case page, the invited juror answers from their page, and
anyone opens the draw's record and downloads its file."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.court.enums import CaseStatus, JurorState
from fanrepublic.court.models import Case, Juror
from fanrepublic.members.tests.factories import MemberFactory, legal
from fanrepublic.notifications.models import Notification
from fanrepublic.stores.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
FORM = {
    "title": "Burned-in screen",
    "account": "The screen burned in after three months of normal use; the store refused a repair.",
    "remedy_sought": "Replace the phone and compensate me.",
}


def test_file_admit_draw_answer_and_check_the_draw_through_the_pages(client):
    old = timezone.now() - timedelta(days=800)
    fans = [MemberFactory(trust_level=3, date_joined=old) for _ in range(12)]
    lawyers = [legal() for _ in range(3)]
    claimant = MemberFactory()
    bought = OrderFactory(member=claimant)
    client.force_login(claimant)
    page = client.get(reverse("court:file")).content.decode()
    assert bought.external_id in page  # the member's own purchases are offered
    response = client.post(reverse("court:file"), {**FORM, "order": bought.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.order == bought and case.status == CaseStatus.FILED
    assert "Burned-in screen" in client.get(reverse("court:mine")).content.decode()

    clerk = lawyers[0]
    client.force_login(clerk)
    assert case.number in client.get(reverse("court:queue")).content.decode()
    assert client.post(reverse("court:admit", args=[case.number])).status_code == 302
    draw_page = client.get(reverse("court:draw_page", args=[case.number, 1])).content.decode()
    assert 'data-testid="commitment"' in draw_page and 'data-testid="seed"' not in draw_page
    assert client.post(reverse("court:draw", args=[case.number])).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAWN
    assert Notification.objects.filter(recipient=claimant, kind="court", params__what="drawn").exists()

    invited = Juror.objects.filter(state=JurorState.INVITED, kind="fan").order_by("position").first()
    assert Notification.objects.filter(
        recipient=invited.member, kind="court", params__what="invited"
    ).exists()
    client.force_login(invited.member)
    assert f'data-testid="accept-{invited.pk}"' in client.get(reverse("court:mine")).content.decode()
    client.post(reverse("court:answer", args=[invited.pk]), {"accept": "on"})
    invited.refresh_from_db()
    assert invited.state == JurorState.ACCEPTED
    assert client.get(case.get_absolute_url()).status_code == 200  # a juror sees the case
    record = client.get(reverse("court:draw_page", args=[case.number, 1])).content.decode()
    assert f"You are in this pool as <code>{invited.pseudonym}</code>" in record
    download = client.get(reverse("court:draw_file", args=[case.number, 1]))
    data = json.loads(download.content)
    assert data["seed"] and len(data["pool"]["fans"]) == len(fans) and download["Content-Disposition"]

    client.force_login(MemberFactory())
    assert client.get(case.get_absolute_url()).status_code == 404  # not a party, not on the jury
    assert client.post(reverse("court:answer", args=[invited.pk]), {"accept": "on"}).status_code == 404


def test_a_refusal_from_the_page_needs_a_ground_and_reasons(client):
    claimant = MemberFactory()
    client.force_login(claimant)
    client.post(reverse("court:file"), FORM)
    case = Case.objects.get()
    client.force_login(legal())
    bad = client.post(reverse("court:refuse", args=[case.number]), {"ground": "duplicate", "reason": "short"})
    assert bad.status_code == 422
    good = client.post(
        reverse("court:refuse", args=[case.number]),
        {"ground": "duplicate", "reason": "The same matter as case 2026-00001, which is being heard."},
    )
    assert good.status_code == 302
    client.force_login(claimant)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="refusal"' in page and "being heard" in page


def test_someone_elses_purchase_is_not_accepted_on_the_form(client):
    member = MemberFactory()
    client.force_login(member)
    other = OrderFactory(member=MemberFactory())
    assert client.post(reverse("court:file"), {**FORM, "order": other.pk}).status_code == 422
    assert not Case.objects.exists()
