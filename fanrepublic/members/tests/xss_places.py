"""The stored-XSS suite's places for members (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from django.test import Client

from fanrepublic.core.tests.xss import Pages, _reverse, for_forms, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, MARKERS, PAYLOADS, fitting, joined, packs


@place(
    "members",
    "members.User.display_name",
    "members.User.bio",
    "members.User.suspension_reason",
    "members.ApiToken.name",
    "core.AuditEntry.reason",
    "core.AuditEntry.target_repr",
)
def member_profiles(pages: Pages):
    """Display names and bios (profile, profile edit, the posts and notifications they
    sign), a suspension's reason (shown to the member), a pinned trust level's reason
    and the audit log, personal token names."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.core.models import AuditEntry
    from fanrepublic.forum import services as forum
    from fanrepublic.forum.tests.factories import BoardFactory
    from fanrepublic.members import services
    from fanrepublic.members.models import ApiToken
    from fanrepublic.members.tests.factories import MemberFactory, operator

    host, op = MemberFactory(), operator()
    topic = forum.topic_create(
        author=host, board=BoardFactory(), kind="discussion", title="Say hello", body="Hello all"
    )
    bios = packs(1000, sep="\n\n")
    people = []
    with pages.committed():
        for n, p in enumerate(fitting(50)):
            member = MemberFactory()
            bio = joined(bios[n % len(bios)], "\n\n")
            services.profile_update(member=member, data={"display_name": p.text, "bio": bio})
            forum.reply_create(author=member, topic=topic, body=f"Hello @{host.username}")
            people.append((p, member, bios[n % len(bios)]))
        suspended, pinned, owner = people[0][1], people[1][1], people[2][1]
        services.member_suspend(
            actor=op, member=suspended, until=timezone.now() + timedelta(days=1), reason=CORPUS
        )
        services.trust_level_set(actor=op, member=pinned, level=3, reason=CORPUS)
        for group in packs(100):
            services.api_token_create(owner=owner, name=joined(group), scopes=["read"])
    for p, member, bio in people:
        pages.check(None, _reverse("members:profile", member.username), shows=[p.marker, *markers(bio)])
    for p, member, bio in for_forms(people, [[p] for p, _m, _b in people]):
        pages.check(member, _reverse("members:profile_edit"), shows=[p.marker, *markers(bio)])
    names = [p.marker for p, _m, _b in people]
    pages.check(op, _reverse("members:profile", pinned.username), shows=names[1:2])
    pages.check(host, _reverse("forum:topic", topic.pk), shows=names)
    pages.check(host, _reverse("notifications:list"), shows=names)
    pages.check(suspended, _reverse("forum:home"), shows=markers(PAYLOADS))
    pages.check(owner, _reverse("members:tokens"), shows=markers(sum(packs(100), [])))
    pages.check(op, _reverse("audit_log"), shows=markers(PAYLOADS))
    pages.check(op, _reverse("audit_log"), action=PAYLOADS[10].text, actor=PAYLOADS[0].text)

    pages.admin(suspended, ApiToken.objects.filter(owner=owner).first(), AuditEntry.objects.last())


@place("accounts", "members.User.email")
def email_addresses(pages: Pages):
    """An email address may quote markup ("<svg/onload=…>"@example.com passes Django's
    and allauth's validation); it is shown to its owner on the account pages and to staff
    in the admin. And the User-Agent a browser sends, which the member's session list
    shows."""
    from allauth.account.models import EmailAddress
    from django.core.validators import validate_email

    from fanrepublic.members.tests.factories import MemberFactory

    addresses = [f'"{p.text}"@example.com' for p in PAYLOADS if " " not in p.text and '"' not in p.text]
    assert len(addresses) >= 5
    for n, address in enumerate(addresses):
        validate_email(address)  # what a sign-up form accepts
        member = MemberFactory(username=f"mail{n}", email=address)
        EmailAddress.objects.create(user=member, email=address, primary=True, verified=True)
        shown = MARKERS.findall(address)
        pages.check(member, _reverse("account_email"), shows=shown)
    pages.admin(member, shows=MARKERS.findall(address))
    # A browser's User-Agent header is stored with the member's session and listed back.
    for p in PAYLOADS[:8]:
        browser = Client(HTTP_USER_AGENT=p.text)
        browser.force_login(member)
        browser.get(_reverse("forum:home"))
    pages.check(member, _reverse("members:security"), shows=markers(PAYLOADS[:8]))
    pages.check(member, _reverse("usersessions_list"))


@place("ownership evidence", "members.VerifiedOwnership.reference")
def ownership_evidence(pages: Pages):
    """What proves a member owns a product (an order number, a serial number) comes from
    a store's system; staff read it in the admin."""
    from fanrepublic.members import services
    from fanrepublic.members.models import VerifiedOwnership
    from fanrepublic.members.tests.factories import MemberFactory
    from fanrepublic.products.tests.factories import ProductLineFactory

    member, line = MemberFactory(), ProductLineFactory()
    groups = packs(200)
    with pages.committed():
        for group in groups:
            services.ownership_verify(
                member=member, product_line=line, source="purchase", reference=joined(group)
            )
    for group in groups:
        row = VerifiedOwnership.objects.get(member=member, reference=joined(group).strip())
        pages.admin(row, shows=markers(group))
