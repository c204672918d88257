"""The stored-XSS suite's places for the idea marketplace (see fanrepublic/core/tests/xss.py)."""

from fanrepublic.core.tests.xss import Pages, _reverse, for_forms, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "ideas.Proposal.language": "a language code from the choices, checked by the service",
    "ideas.ReviewRound.name": 'made by the schedule from the cutoff ("2026-2")',
}
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        [
            "ideas:support",
            "ideas:withdraw",
            "ideas:comment",
            "ideas:review",
            "ideas:decide",
            "ideas:offer",
            "ideas:accept",
        ],
        "POST only: redirects to the idea's page, which is visited, or shows it with the form's errors",
    ),
    "ideas:new": "an empty form: shows no stored text (the similar ideas come from ideas:similar, visited)",
}


@place(
    "ideas",
    "ideas.Proposal.title",
    "ideas.Proposal.pitch",
    "ideas.Proposal.specs",
    "ideas.Proposal.title_translated",
    "ideas.Proposal.pitch_translated",
    "ideas.Proposal.specs_translated",
    "ideas.Proposal.decision_reason",
    "ideas.ProposalRevision.title",
    "ideas.ProposalRevision.pitch",
    "ideas.ProposalRevision.specs",
    "ideas.ProposalRevision.title_translated",
    "ideas.ProposalRevision.pitch_translated",
    "ideas.ProposalRevision.specs_translated",
    "ideas.Comment.body",
    "ideas.Review.reasons",
)
def ideas(pages: Pages):
    from datetime import timedelta

    from django.test import override_settings
    from django.utils import timezone

    from fanrepublic.ideas import services
    from fanrepublic.ideas.models import Proposal
    from fanrepublic.ideas.services import ProposalText
    from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
    from fanrepublic.products.tests.factories import ProductLineFactory

    line = ProductLineFactory()
    titles, long_texts = packs(120), packs(4000)
    made = []
    for index in range(max(len(titles), len(long_texts))):
        title = " ".join(p.text for p in titles[index % len(titles)])
        body = "\n".join(p.text for p in long_texts[index % len(long_texts)])
        author = MemberFactory()
        with override_settings(IDEAS_PROPOSE_RATE="1000/d"):
            proposal = services.proposal_create(
                author=author,
                product_line=line,
                language="en" if index % 2 else "zh-hans",
                text=ProposalText(
                    title=title,
                    pitch=body,
                    specs=body,
                    title_translated=title,
                    pitch_translated=body,
                    specs_translated=body,
                ),
                target_price="199.00",
            )
        shown = markers(titles[index % len(titles)]) + markers(long_texts[index % len(long_texts)])
        made.append((proposal, shown))
    first, first_markers = made[0]
    # The first idea: edited (its earlier text in the history), commented, reviewed, decided.
    author = first.author
    services.proposal_edit(
        actor=author,
        proposal=first,
        text=ProposalText(title="Edited", pitch="An edited pitch, long enough."),
        target_price="99",
    )
    comments = []
    for group in packs(4000):
        text = "\n".join(p.text for p in group)
        with override_settings(FORUM_POST_RATE="1000/m"):
            services.comment_add(author=author, proposal=first, body=text)
        comments += markers(group)
    Proposal.objects.filter(pk=first.pk).update(
        status="in_review", qualified_at=timezone.now() - timedelta(days=400)
    )
    services.rounds_open_due()
    reasons_markers = []
    reviewers = [engineer(), operator()]
    reasons_groups = packs(4000)
    for reviewer, group in zip(reviewers, reasons_groups * 2, strict=False):
        services.review_record(
            reviewer=reviewer,
            proposal=first,
            recommendation="adopt",
            reasons="\n".join(p.text for p in group),
        )
        reasons_markers += markers(group)
    decision = "\n".join(p.text for p in reasons_groups[0])
    services.proposal_decide(actor=operator(), proposal=first, decision="adopt", reasons=decision)

    for found, shown in made:
        pages.check(None, _reverse("ideas:proposal", found.pk), shows=shown[:1])
        pages.check(None, _reverse("ideas:proposal", found.pk), original="1")
    pages.check(None, _reverse("ideas:index"))
    pages.check(None, _reverse("ideas:index"), sort="new")
    pages.check(None, _reverse("ideas:proposal", first.pk), shows=comments[:1] + reasons_markers[:1])
    pages.check(None, _reverse("ideas:history", first.pk), shows=first_markers[:1])
    pages.check(author, _reverse("ideas:mine"))
    pages.check(engineer(), _reverse("ideas:queue"))
    for found, _shown in for_forms(made, [titles[i % len(titles)] for i in range(len(made))]):
        if Proposal.objects.get(pk=found.pk).status in ("supporting", "in_review"):
            pages.check(found.author, _reverse("ideas:edit", found.pk))
    pages.check(author, _reverse("ideas:similar"), title=made[1][0].title[:200])


@place(
    "ideas.royalties",
    "ideas.AgreementText.body",
    "ideas.AgreementText.body_zh",
    "ideas.Adoption.product_name",
    "ideas.AdoptionSku.sku",
)
def ideas_royalties(pages: Pages):
    """The agreement's text (the author reads it on the idea's page, staff edit it), the
    product's name and SKUs, and the order numbers and SKUs of the shops' sales counted
    on the royalty page and in its file."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.ideas import services
    from fanrepublic.ideas.models import Adoption
    from fanrepublic.insights.tests.factories import shop
    from fanrepublic.members.tests.factories import operator
    from fanrepublic.stores.purchases import orders_import

    from .factories import ProposalFactory

    boss = operator()
    [agreement_group] = packs(20000, sep="\n")[:1]
    text = "\n".join(p.text for p in agreement_group)
    services.agreement_publish(actor=boss, body=text, body_zh=text, rate="0.01")
    numbers, skus, names = packs(100), packs(64), packs(120)
    made = []
    for index in range(max(len(numbers), len(skus), len(names))):
        groups = [g[index % len(g)] for g in (numbers, skus, names)]
        sku = " ".join(p.text for p in groups[1])
        proposal = ProposalFactory(status="adopted")
        adoption = services.adoption_offer(
            actor=boss, proposal=proposal, product_name=" ".join(p.text for p in groups[2]), skus=[sku]
        )
        if index == 0:
            pages.check(
                proposal.author, _reverse("ideas:proposal", proposal.pk), shows=markers(agreement_group)[:1]
            )
        services.adoption_accept(actor=proposal.author, adoption=adoption, version=adoption.agreement.version)
        Adoption.objects.filter(pk=adoption.pk).update(accepted_at=timezone.now() - timedelta(days=70))
        when = timezone.now() - timedelta(days=60)
        [result] = orders_import(
            integration=shop(),
            items=[
                {
                    "order_id": " ".join(p.text for p in groups[0]),
                    "occurred_at": when.isoformat(),
                    "channel": "online",
                    "currency": "CNY",
                    "lines": [{"sku": sku, "quantity": 1, "unit_price": "199.00"}],
                }
            ],
        )
        if result.status == "created":
            made.append((proposal, groups))
    assert made, "no order with the corpus was accepted"
    services.statements_issue_due()
    for proposal, groups in made:
        shown = markers(groups[0]) + markers(groups[1])
        pages.check(proposal.author, _reverse("ideas:royalties", proposal.pk), shows=shown[:2])
        pages.check(boss, _reverse("ideas:proposal", proposal.pk), shows=markers(groups[2])[:1])
    pages.check(boss, _reverse("ideas:agreement"))
    first = made[0][0]
    response = pages.client(first.author).get(_reverse("ideas:royalties_csv", first.pk))
    assert response.status_code == 200
