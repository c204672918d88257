"""The stored-XSS suite's places for points (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, joined, packs


@place(
    "points",
    "points.EarningRule.name",
    "points.EarningRule.name_zh",
    "activity.Integration.name",
    "activity.Integration.description",
)
def points_ledger(pages: Pages):
    """Earning rules (names; the integrations they trust, named in the admin) and what
    they pay, manual adjustments with their reasons; the rules page, wallets (the
    member's and the operator's view) and the audit log."""
    from fanrepublic.activity.tests.factories import IntegrationFactory
    from fanrepublic.forum import services as forum
    from fanrepublic.forum.tests.factories import BoardFactory
    from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
    from fanrepublic.points import services
    from fanrepublic.points.models import EarningRule, Transaction
    from fanrepublic.points.rules import rule_save

    op, fan, zh = operator(), MemberFactory(), MemberFactory(language="zh-hans")
    integrations = [IntegrationFactory(name=joined(g), description=CORPUS) for g in packs(100)]
    names = packs(120)
    reasons = packs(500)
    with pages.committed():
        for n, group in enumerate(names):
            data = {
                "name": joined(group),
                "name_zh": joined(group),
                "points": 10,
                "pays_platform_events": True,
            }
            if n % 2:
                data.update(verb="store.purchased", trusted_integrations=integrations)
            else:
                data.update(verb="forum.topic.accepted")
            rule_save(actor=op, rule=None, data=data)
        for n, group in enumerate(reasons):
            services.points_adjust(actor=op, member=fan, points=5, reason=joined(group), key=f"xss:{n}")
    with pages.committed():  # the rules pay once they are known
        topic = forum.topic_create(
            author=fan, board=BoardFactory(), kind="suggestion", title="Pay me", body="Please"
        )
        forum.topic_status_change(actor=engineer(), topic=topic, status="planned", note="Planned")
    all_names = markers(sum(names, []))
    pages.check(op, _reverse("points:rules"), shows=all_names + markers(sum(packs(100), [])))
    paid = markers(sum(names[::2], []))
    pages.check(fan, _reverse("points:wallet"), shows=paid + markers(sum(reasons, [])))
    pages.check(op, _reverse("points:member_wallet", fan.username), shows=paid + markers(sum(reasons, [])))
    pages.check(zh, _reverse("points:wallet"))
    pages.check(op, _reverse("audit_log"), shows=markers(sum(reasons, [])))

    pages.admin(integrations[0], EarningRule.objects.first(), shows=["XSS01"])
    pages.admin(Transaction.objects.filter(kind="manual").first())
