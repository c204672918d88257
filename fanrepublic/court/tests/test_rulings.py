"""Published rulings and the court's figures, given/when/then: legal staff start a ruling
from a decided case (pre-filled, redacted), cannot publish it while the case's names,
order or contact details remain, publish it; anyone finds it by words in Chinese or
English, by outcome and product; a new case cites it as precedent. The figures are
checked against a count made by hand from the rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.court import execution, hearing, rulings, selectors
from fanrepublic.court.models import Citation, Obligation
from fanrepublic.members.tests.factories import MemberFactory, engineer, legal, operator

from .builders import REASONS, admitted_case, decided_case, final_case, seated_case, settle

pytestmark = pytest.mark.django_db


def closed_case(claimant=None, **kwargs):
    claimant = claimant or MemberFactory(username="xiaoming88", display_name="王小明", email="xm@example.com")
    return final_case(claimant=claimant, **kwargs)


def test_a_ruling_is_drafted_redacted_refused_while_personal_data_remains_and_published():
    h = closed_case()
    case = h.case
    case.account = (
        "I am 王小明 (xiaoming88), call me on 138 0013 8000 or xm@example.com. The screen burned in."
    )
    case.save(update_fields=["account"])
    for outsider in (MemberFactory(), operator(), engineer(), h.claimant):
        with pytest.raises(NotFound):
            rulings.ruling_draft(actor=outsider, case=case)
    draft = rulings.ruling_draft(actor=h.clerk, case=case)
    for leaked in ("王小明", "xiaoming88", "138 0013 8000", "xm@example.com"):
        assert leaked not in draft.facts
    assert (
        "[the claimant]" in draft.facts and draft.state == "draft" and "Replace the product" in draft.remedies
    )
    assert rulings.ruling_draft(actor=h.clerk, case=case).pk == draft.pk  # one per case
    with pytest.raises(ValidationFailed):  # a name typed back in is caught
        rulings.ruling_publish(
            actor=h.clerk,
            ruling_id=draft.pk,
            title="Burn-in",
            facts=draft.facts + " Thanks, XiaoMing88!",
            reasons=draft.reasons,
            remedies=draft.remedies,
        )
    assert rulings.published().count() == 0
    published = rulings.ruling_publish(
        actor=h.clerk,
        ruling_id=draft.pk,
        title="烧屏属于保修范围 Burn-in is covered",
        facts=draft.facts,
        reasons=draft.reasons,
        remedies=draft.remedies,
    )
    assert published.state == "published" and published.published_at
    assert AuditEntry.objects.filter(action="court.ruling.published").count() == 1


def test_settlements_and_open_cases_have_no_ruling():
    case, clerk, company, _boss = admitted_case()
    with pytest.raises(Conflict):
        rulings.ruling_draft(actor=clerk, case=case)
    settle(case, company)
    case.refresh_from_db()
    with pytest.raises(Conflict):
        rulings.ruling_draft(actor=clerk, case=case)


def _publish(h, title, reasons=None):
    draft = rulings.ruling_draft(actor=h.clerk, case=h.case)
    return rulings.ruling_publish(
        actor=h.clerk,
        ruling_id=draft.pk,
        title=title,
        facts="The screen burned in after three months.",
        reasons=reasons or draft.reasons,
        remedies=draft.remedies,
    )


def test_rulings_are_found_by_words_in_chinese_and_english_and_by_outcome(client):
    screen = _publish(
        closed_case(), "屏幕烧屏 Screen burn-in", reasons="保修期内的烧屏不是正常磨损。" + REASONS
    )
    dismissed = closed_case(claimant=MemberFactory(), outcome="dismissed", remedies=[])
    strap = _publish(dismissed, "表带断裂 Broken strap", reasons="The strap broke from misuse. " + REASONS)
    assert list(rulings.rulings_search(query="烧屏")) == [screen]
    assert list(rulings.rulings_search(query="strap")) == [strap]
    assert list(rulings.rulings_search(query="磨损")) == [screen]
    assert set(rulings.rulings_search(query="warranty")) == {screen, strap}
    assert list(rulings.rulings_search(outcome="dismissed")) == [strap]
    assert list(rulings.rulings_search(query="nothing-like-this")) == []
    page = client.get(reverse("court:rulings"), {"q": "烧屏"}).content.decode()
    assert screen.case.number in page and strap.case.number not in page
    shown = client.get(reverse("court:ruling", args=[screen.case.number]))
    assert shown.status_code == 200 and "屏幕烧屏" in shown.content.decode()
    draft_only = rulings.ruling_draft(actor=legal(), case=closed_case(claimant=MemberFactory()).case)
    assert client.get(reverse("court:ruling", args=[draft_only.case.number])).status_code == 404


def test_a_new_case_cites_a_published_ruling_as_precedent():
    ruling = _publish(closed_case(), "Screen burn-in")
    h = seated_case(claimant=MemberFactory())
    citation = rulings.case_cite(actor=h.claimant, case=h.case, number=ruling.case.number)
    assert citation.ruling == ruling
    with pytest.raises(Conflict):
        rulings.case_cite(actor=h.jurors[0], case=h.case, number=ruling.case.number)
    with pytest.raises(ValidationFailed):
        rulings.case_cite(actor=h.company, case=h.case, number="2026-99999")
    for outsider in (MemberFactory(), h.clerk):
        with pytest.raises(NotFound):
            rulings.case_cite(actor=outsider, case=h.case, number=ruling.case.number)
    assert Citation.objects.filter(ruling=ruling).count() == 1


def test_the_figures_match_a_count_by_hand():
    now = timezone.now()
    executed_case = final_case()
    owed = list(Obligation.objects.filter(case=executed_case.case).order_by("pk"))
    execution.obligation_execute(actor=executed_case.company, obligation_id=owed[0].pk, proof="Order SH-1")
    settled_case, _clerk, company, _boss = admitted_case()
    settle(settled_case, company)
    figures = selectors.court_metrics(now=now + timedelta(days=30))  # every remedy now due
    all_owed = Obligation.objects.count()
    done = Obligation.objects.exclude(state="open").count()
    assert (figures.executed, figures.owed) == (done, all_owed) == (1, 5)
    assert figures.execution_rate == round(100 * 1 / 5, 1)
    assert figures.settled_share == 50.0 and figures.with_outcome == 2
    assert figures.days_to_verdict is not None and figures.days_to_verdict < 1
    assert figures.by_product == [["", 1, 0, 1]]
    before_due = selectors.court_metrics(now=now)  # only what was done counts before the deadline
    assert (before_due.executed, before_due.owed, before_due.execution_rate) == (1, 1, 100.0)


def test_the_figures_page_and_the_dashboard_show_the_court(client):
    final_case()
    page = client.get(reverse("court:stats")).content.decode()
    assert 'data-testid="execution-rate"' in page and "<svg" in page
    from fanrepublic.insights import dashboard

    snapshot = dashboard.refresh()
    assert snapshot.figures["court_execution_rate"]["detail"] == [0, 0]


@pytest.mark.parametrize(
    "text, leaks",
    [
        ("See ruling 2026-00001 of 2026-03-01.", False),  # a case number and a date are no phone
        ("Call 138.1234.5678 after six.", True),
        ("QQ 12345678 for the photos.", True),
        ("Written by Ｘｉａｏｍｉｎｇ８８ in full-width letters.", True),
        ("Wang\nXiaoming wrote it.", False),
        ("The [the claimant] asked for it.", False),
    ],
)
def test_the_check_before_publishing_reads_phones_and_folded_names_but_not_case_numbers(text, leaks):
    h = closed_case()
    assert bool(rulings.personal_data_left(text, h.case)) is leaks


def test_a_name_split_over_lines_is_still_caught():
    h = closed_case(claimant=MemberFactory(username="wangxm", display_name="Wang Xiaoming"))
    assert rulings.personal_data_left("Wang\n  Xiaoming wrote it.", h.case)
    assert "Wang" not in rulings.redacted("Wang Xiaoming wrote it.", h.case)


def test_an_appeal_closes_old_offers_and_pending_questions_and_lets_the_second_jury_be_escalated():
    from fanrepublic.court import mediation
    from fanrepublic.court.enums import QuestionState

    from .builders import TERMS_FOR_TEST, senior

    senior(30)
    legal(), legal()
    h = seated_case()
    offer = mediation.settlement_propose(actor=h.company, case=h.case, terms=TERMS_FOR_TEST, remedies=[])
    question = hearing.question_ask(
        member=h.jurors[1], case=h.case, to="company", text="Did the store test it?"
    )
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="dismissed", reasons=REASONS, remedies=[]
    )
    for member in h.jurors[:8]:
        hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve")
    offer.refresh_from_db()
    question.refresh_from_db()
    assert offer.state == "withdrawn" and question.state == QuestionState.CLOSED
    case = hearing.verdict_appeal(actor=h.claimant, case=h.case, reason="The jury ignored my photographs.")
    with pytest.raises(Conflict):  # the old offer does not come back to life
        mediation.settlement_answer(actor=h.claimant, settlement_id=offer.pk, accept=True)
    assert case.decided_at is None and case.deliberation_escalated_at is None
    assert not selectors.can_see(h.jurors[3], case)  # the first jury is done with the case
    other = decided_case()
    hearing.verdict_accept(actor=other.claimant, case=other.case)
    with pytest.raises(Conflict):  # one who accepted the verdict does not appeal it
        hearing.verdict_appeal(actor=other.claimant, case=other.case, reason="I changed my mind about it.")
    assert hearing.verdict_appeal(
        actor=other.company, case=other.case, reason="We think the jury erred here."
    )
