"""The stored-XSS suite's places for releases (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import BAD_URLS, Pages, _reverse, attempt, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, joined, packs


@place(
    "releases",
    "releases.Release.notes",
    "releases.Release.notes_zh",
    "releases.ReleaseItem.title",
    "releases.ReleaseItem.title_zh",
    "releases.ReleaseItem.outside_url",
)
def release_train(pages: Pages):
    """Release highlights and changelog lines in both languages, outside contributions'
    links; the changelog pages and Atom feeds, the planning workbench and metrics."""
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, engineer
    from fanrepublic.products.tests.factories import ProductLineFactory
    from fanrepublic.releases import services

    line = ProductLineFactory()
    eng, reader, zh = engineer(), MemberFactory(), MemberFactory(language="zh-hans")
    contributor = MemberFactory()
    members.profile_update(member=contributor, data={"display_name": PAYLOADS[2].text})
    published = services.release_create(
        actor=eng, product_line=line, version="9.0.0", notes=CORPUS, notes_zh=CORPUS
    )
    planned = services.release_create(
        actor=eng, product_line=line, version="9.1.0", notes=CORPUS, notes_zh=CORPUS
    )
    groups = packs(200)
    with pages.committed():
        for release in (published, planned):
            for group in groups:
                services.release_item_add(
                    actor=eng, release=release, source="internal", title=joined(group), title_zh=joined(group)
                )
            for url in BAD_URLS:
                attempt(
                    services.release_item_add,
                    actor=eng,
                    release=release,
                    source="outside",
                    title="Outside help",
                    contributor=contributor,
                    outside_url=url,
                )
        services.release_publish(actor=eng, release=published)
    every = markers(PAYLOADS)
    for viewer in (None, zh):
        pages.check(viewer, _reverse("releases:index"), shows=every)
        pages.check(viewer, _reverse("releases:product", line.slug), shows=every)
        pages.check(viewer, _reverse("releases:release", line.slug, published.version), shows=every)
    pages.check_feed(_reverse("releases:feed"), shows=every)
    pages.check_feed(_reverse("releases:product_feed", line.slug), shows=every)
    pages.check(eng, _reverse("releases:plan"))
    pages.check(eng, _reverse("releases:workbench", planned.pk), shows=every)
    pages.check(reader, _reverse("releases:metrics"))
    pages.check(contributor, _reverse("notifications:list"))
    pages.admin(published, published.items.first(), shows=every[:4])
