"""The hearing's pages as each person uses them: the parties upload evidence and only
who may see the case downloads it; the company responds; the foreperson writes a draft
with remedies typed in yuan and points; jurors vote and get a receipt; the parties
accept; the owner pays through the ledger and the claimant confirms. The case page's
queries are pinned so a list of remedies or evidence never costs a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanrepublic.court.models import Evidence, Obligation, Verdict
from fanrepublic.members.tests.factories import MemberFactory, legal
from fanrepublic.points.enums import Currency
from fanrepublic.points.selectors import wallet_account

from .builders import REASONS, RESPONSE, admitted_case, final_case, pdf_upload, png_upload, seated_case

pytestmark = pytest.mark.django_db


def test_evidence_is_uploaded_by_a_party_and_served_privately_to_who_may_see_the_case(client):
    case, clerk, company, _boss = admitted_case()
    client.force_login(case.claimant)
    url = reverse("court:evidence_add", args=[case.number])
    response = client.post(url, {"file": png_upload("my face.png"), "caption": "The burn-in"})
    assert response.status_code == 302
    bad = client.post(
        url, {"file": png_upload().__class__("x.png", b"GIF89a nope", "image/png"), "caption": "x"}
    )
    assert bad.status_code == 422 and "image" in bad.content.decode()
    client.force_login(company)
    assert client.post(url, {"file": pdf_upload(), "caption": "Warranty terms"}).status_code == 302
    image, pdf = Evidence.objects.order_by("pk")
    for viewer in (case.claimant, company, clerk):
        client.force_login(viewer)
        page = client.get(case.get_absolute_url()).content.decode()
        assert "my face.png" in page and "Warranty terms" in page
        shown = client.get(reverse("court:evidence_file", args=[case.number, image.pk]))
        assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
        assert shown["X-Content-Type-Options"] == "nosniff" and "private" in shown["Cache-Control"]
        assert "sandbox" in shown["Content-Security-Policy"]
        download = client.get(reverse("court:evidence_file", args=[case.number, pdf.pk]))
        assert (
            download["Content-Disposition"].startswith("attachment")
            and download["Content-Type"] == "application/pdf"
        )
    for stranger in (MemberFactory(), seated_case().jurors[0]):
        client.force_login(stranger)
        assert client.get(reverse("court:evidence_file", args=[case.number, image.pk])).status_code == 404
    client.force_login(case.claimant)
    other, *_ = admitted_case(claimant=case.claimant)
    # The right case number with another case's evidence is no way in either.
    assert client.get(reverse("court:evidence_file", args=[other.number, image.pk])).status_code == 404


def test_the_company_responds_from_the_case_page(client):
    case, _clerk, company, _boss = admitted_case(respond=False)
    client.force_login(company)
    assert client.get(reverse("court:mine")).content.decode().count(case.number) >= 1
    short = client.post(reverse("court:respond", args=[case.number]), {"response": "No."})
    assert short.status_code == 422
    assert (
        client.post(reverse("court:respond", args=[case.number]), {"response": RESPONSE}).status_code == 302
    )
    client.force_login(case.claimant)
    assert RESPONSE.split(";")[0] in client.get(case.get_absolute_url()).content.decode()


def test_the_foreperson_writes_a_draft_with_remedies_in_yuan_and_points_and_the_jury_votes(client):
    h = seated_case()
    client.force_login(h.foreperson)
    room = reverse("court:room", args=[h.case.number])
    page = client.get(room).content.decode()
    assert 'data-testid="verdict-form"' in page
    form = {
        "outcome": "upheld",
        "reasons": REASONS,
        "remedies-TOTAL_FORMS": "3",
        "remedies-INITIAL_FORMS": "0",
        "remedies-0-kind": "replace",
        "remedies-0-description": "Replace the phone with a new one.",
        "remedies-1-kind": "compensate_yuan",
        "remedies-1-amount": "200.50",
        "remedies-1-description": "For the weeks without a phone.",
        "remedies-2-kind": "compensate_points",
        "remedies-2-amount": "12.5",
        "remedies-2-description": "Points for the trouble.",
    }
    refused = client.post(reverse("court:verdict_propose", args=[h.case.number]), form)
    assert refused.status_code == 422 and not Verdict.objects.exists()  # half a point
    form["remedies-2-amount"] = "5000"
    assert client.post(reverse("court:verdict_propose", args=[h.case.number]), form).status_code == 302
    verdict = Verdict.objects.get()
    assert sorted(verdict.remedies.values_list("kind", "amount")) == [
        ("compensate_points", 5000),
        ("compensate_yuan", 20050),
        ("replace", 0),
    ]
    for juror in h.jurors[:8]:
        client.force_login(juror)
        response = client.post(
            reverse("court:ballot", args=[h.case.number, verdict.pk]), {"choice": "approve"}, follow=True
        )
        assert "receipt" in response.content.decode()
    h.refresh()
    assert h.case.status == "decided"
    client.force_login(h.jurors[9])
    page = client.get(room).content.decode()
    assert "8 approved, 0 rejected, of 12" in page
    # Nobody but the jury and legal staff enters the room.
    for outsider in (h.claimant, h.company, MemberFactory()):
        client.force_login(outsider)
        assert client.get(room).status_code == 404


def test_the_parties_accept_then_the_owner_pays_and_the_claimant_confirms(client):
    h = final_case()
    owed = {o.kind: o for o in Obligation.objects.filter(case=h.case)}
    client.force_login(h.company)
    page = client.get(h.case.get_absolute_url()).content.decode()
    assert 'data-testid="execute-compensate_yuan"' in page
    client.post(reverse("court:obligation_execute", args=[owed["compensate_yuan"].pk]))
    client.post(reverse("court:obligation_execute", args=[owed["compensate_yuan"].pk]))  # a double click
    assert wallet_account(member=h.claimant, currency=Currency.CNY).balance_minor == 20_000
    client.force_login(h.claimant)
    response = client.post(
        reverse("court:obligation_answer", args=[owed["compensate_yuan"].pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    owed["compensate_yuan"].refresh_from_db()
    assert owed["compensate_yuan"].state == "confirmed"
    page = client.get(h.case.get_absolute_url()).content.decode()
    assert "¥200.00" in page and "Confirmed by the claimant" in page


def test_the_case_and_room_pages_cost_the_same_queries_however_many_remedies_and_files(client):
    def count(h, viewer, url):
        client.force_login(viewer)
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = final_case(remedies=[{"kind": "replace", "amount": 0, "description": "Replace the phone."}])
    large = final_case()
    for h in (small, large):
        for _ in range(1 if h is small else 4):
            Evidence.objects.create(
                case=h.case,
                side="claimant",
                uploaded_by=h.claimant,
                file="court/x.png",
                name="x.png",
                caption="x",
                content_type="image/png",
                size=1,
                sha256="0" * 64,
                uploaded_at=h.case.filed_at,
            )
    assert count(small, small.claimant, small.case.get_absolute_url()) == count(
        large, large.claimant, large.case.get_absolute_url()
    )
    clerk = legal()
    assert count(small, clerk, reverse("court:room", args=[small.case.number])) == count(
        large, clerk, reverse("court:room", args=[large.case.number])
    )
    # Pinned: a change that adds queries to the case page shows up here.
    assert count(large, large.claimant, large.case.get_absolute_url()) <= 22
