"""The stored-XSS suite's places for product lines (core/tests/xss.py): names and
descriptions staff give product lines and boards in the admin, everywhere they show."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, joined, packs

# Text fields of this app that no page shows as typed text, and why.
ALLOWED = {"products.ProductLine.slug": "slug"}


@place(
    "catalogue",
    "products.ProductLine.name",
    "products.ProductLine.name_zh",
    "products.ProductLine.description",
    "products.ProductLine.description_zh",
    "forum.Board.name",
    "forum.Board.name_zh",
    "forum.Board.description",
    "forum.Board.description_zh",
)
def product_catalogue(pages: Pages):
    """Product lines and forum boards, named and described by staff in the admin; the
    forum home and board pages, the products a member owns on their profile, the bug
    bounty's reward tables and report form, the changelog's product tabs."""
    from fanrepublic.bounty.tests.factories import RewardTierFactory
    from fanrepublic.forum.tests.factories import BoardFactory
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, founder
    from fanrepublic.products.tests.factories import ProductLineFactory
    from fanrepublic.releases.tests.factories import ReleaseFactory

    owner, zh = MemberFactory(), MemberFactory(language="zh-hans")
    names, descriptions = packs(100), packs(300)
    lines, boards = [], []
    for n, group in enumerate(names):
        text = joined(descriptions[n % len(descriptions)])
        line = ProductLineFactory(
            name=joined(group), name_zh=joined(group), description=CORPUS, description_zh=CORPUS
        )
        boards.append(
            BoardFactory(
                product_line=line,
                name=joined(group),
                name_zh=joined(group),
                description=text,
                description_zh=text,
            )
        )
        RewardTierFactory(product_line=line, severity="high", points=100)
        ReleaseFactory(product_line=line, status="published")
        lines.append(line)
    members.profile_update(member=owner, data={}, products_owned=lines)
    all_names = markers(sum(names, []))
    for viewer in (None, zh):
        pages.check(viewer, _reverse("forum:home"), shows=all_names + markers(sum(descriptions, [])))
        pages.check(viewer, _reverse("members:profile", owner.username), shows=all_names)
        pages.check(viewer, _reverse("bounty:programme"), shows=all_names)
        pages.check(viewer, _reverse("releases:index"), shows=all_names)
    for board, group in zip(boards, names, strict=True):
        pages.check(None, _reverse("forum:board", board.slug), shows=markers(group))
    pages.check(owner, _reverse("bounty:new"), shows=all_names)
    pages.check(owner, _reverse("forum:topic_create", boards[0].slug), shows=markers(names[0]))

    boss = founder()
    for form in (_reverse("betas:new"), _reverse("launches:new")):
        pages.check(boss, form, shows=all_names)
    pages.check(owner, _reverse("members:profile_edit"), shows=all_names)
    pages.admin(lines[0], boards[0], shows=markers(PAYLOADS[:3]))
