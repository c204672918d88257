"""The stored-XSS suite's places for forum (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, joined, packs


@place(
    "forum",
    "forum.Topic.title",
    "forum.Topic.body",
    "forum.Topic.body_html",
    "forum.Reply.body",
    "forum.Reply.body_html",
    "forum.StatusChange.note",
    "forum.StatusChange.note_html",
    "forum.Flag.detail",
    "forum.Flag.resolution_note",
)
def forum_posts(pages: Pages):
    """Topics (title, Markdown body), replies, staff status and merge notes, flags with
    their detail, a moderator's reason; the topic, edit, list, search, desk, flag queue,
    profile and notification pages."""
    from fanrepublic.forum import services
    from fanrepublic.forum.enums import TopicKind
    from fanrepublic.forum.models import Flag, StatusChange
    from fanrepublic.forum.tests.factories import BoardFactory
    from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
    from fanrepublic.releases.tests.factories import ReleaseFactory

    board = BoardFactory()
    author, replier, flagger, eng, op = (
        MemberFactory(),
        MemberFactory(),
        MemberFactory(),
        engineer(),
        operator(),
    )
    titles = packs(200)
    flags = packs(1000)
    posts = []
    with pages.committed():
        for n, group in enumerate(titles):
            topic = services.topic_create(
                author=author, board=board, kind=TopicKind.SUGGESTION, title=joined(group), body=CORPUS
            )
            reply = services.reply_create(author=replier, topic=topic, body=CORPUS)
            services.topic_status_change(actor=eng, topic=topic, status="acknowledged", note=CORPUS)
            if n < len(flags):
                services.flag_create(reporter=flagger, target=topic, reason="spam", detail=joined(flags[n]))
            posts.append((group, topic, reply))
        for group in titles:  # no staff answer yet: they wait on the engineers' desk
            services.topic_create(
                author=author, board=board, kind=TopicKind.BUG, title=joined(group), body=CORPUS
            )
        merged = services.topic_create(
            author=author, board=board, kind="suggestion", title="Merged", body="x"
        )
        services.topic_merge(actor=eng, duplicate=merged, original=posts[0][1], note=CORPUS)
        flag = services.flag_create(reporter=flagger, target=posts[0][2], reason="spam", detail="x")
        services.flag_resolve(actor=op, flag=flag, uphold=True, note=CORPUS)  # hides the reply
    every = markers(PAYLOADS)
    for group, topic, reply in posts:
        url = _reverse("forum:topic", topic.pk)
        pages.check(replier, url, shows=every)
        pages.check(eng, url, shows=every)
        pages.check(author, _reverse("forum:topic_edit", topic.pk), shows=every)
        if reply != posts[0][2]:  # hidden by the upheld flag: only moderators see it
            pages.check(replier, _reverse("forum:reply_edit", reply.pk), shows=every)
        pages.check(replier, _reverse("forum:search"), q=joined(group), shows=markers(group))
        pages.check(replier, _reverse("forum:flag", "topic", topic.pk), shows=markers(group))
    pages.check(op, _reverse("forum:topic", merged.pk), shows=every)
    pages.check(op, _reverse("forum:reply_edit", posts[0][2].pk), shows=every)
    pages.check(None, _reverse("forum:home"), shows=every)
    pages.check(author, _reverse("forum:board", board.slug), shows=every)
    pages.check(eng, _reverse("forum:desk"), shows=every)
    pages.check(author, _reverse("forum:board", board.slug), q=PAYLOADS[10].text)

    planned = ReleaseFactory(product_line=board.product_line)  # suggestions wait on its workbench
    pages.check(eng, _reverse("releases:workbench", planned.pk), shows=every)
    pages.check(op, _reverse("forum:flags"), shows=markers(sum(flags, [])))
    pages.check(op, _reverse("forum:metrics"))
    pages.check(None, _reverse("members:profile", author.username))
    pages.check(author, _reverse("notifications:list"), shows=every)
    pages.check(replier, _reverse("notifications:list"), shows=every)

    pages.admin(posts[0][1], posts[0][2], shows=every)
    pages.admin(StatusChange.objects.filter(topic=posts[0][1]).first(), Flag.objects.last(), shows=every)
