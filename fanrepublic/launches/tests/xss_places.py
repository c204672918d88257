"""The stored-XSS suite's places for launches (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, injections, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, fitting, joined, packs


@place(
    "launches",
    "launches.LaunchEvent.title",
    "launches.LaunchEvent.title_zh",
    "launches.LaunchEvent.description",
    "launches.LaunchEvent.description_zh",
    "launches.ScheduleItem.title",
    "launches.ScheduleItem.title_zh",
    "launches.LiveQuestion.prompt",
    "launches.LiveQuestion.prompt_zh",
    "launches.LiveOption.label",
    "launches.LiveOption.label_zh",
)
def launch_halls(pages: Pages):
    """Launch events (title, description, schedule), live questions and options in both
    languages, and the avatars and names of the members who join; the index, hall,
    host, result chart and live pages, and the avatar markup the hall's script inserts."""
    from datetime import timedelta
    from xml.etree import ElementTree

    from django.utils import timezone

    from fanrepublic.launches import selectors, services
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, operator

    op, zh = operator(), MemberFactory(language="zh-hans")
    now = timezone.now()
    titles = packs(200)
    schedule = [{"starts_at": now, "title": joined(g), "title_zh": joined(g)} for g in titles]
    options = [{"label": joined(g), "label_zh": joined(g)} for g in titles]
    events = []
    with pages.committed():
        for n, group in enumerate(titles):
            event = services.event_create(
                actor=op,
                schedule=schedule if n == 0 else (),
                slug=f"xss-{n}",
                title=joined(group),
                title_zh=joined(group),
                description=CORPUS,
                description_zh=CORPUS,
                starts_at=now - timedelta(minutes=10),
                ends_at=now + timedelta(hours=2),
            )
            events.append((group, event))
        hall = services.event_start(actor=op, event=events[0][1])
        prompts = packs(300)
        for group in prompts:
            question = services.question_add(
                actor=op, event=hall, prompt=joined(group), prompt_zh=joined(group), options=options
            )
            services.question_open(actor=op, question=question)
            services.question_close(actor=op, question=question)  # its results chart stays on the page
        current = services.question_add(
            actor=op, event=hall, prompt=joined(prompts[0]), prompt_zh=joined(prompts[0]), options=options
        )
        services.question_open(actor=op, question=current)
        guests = []
        for p in fitting(50):
            guest = MemberFactory()
            members.profile_update(member=guest, data={"display_name": p.text})
            services.join(member=guest, event=hall)
            guests.append(guest)
        services.join(member=zh, event=hall)
    every = markers(PAYLOADS)
    names = markers(fitting(50))
    url = _reverse("launches:hall", hall.slug)
    pages.check(None, _reverse("launches:index"), shows=markers(sum(titles, [])))
    pages.check(zh, _reverse("launches:index"), shows=markers(sum(titles, [])))
    for _group, event in events:
        pages.check(None, _reverse("launches:hall", event.slug), shows=every)
    pages.check(guests[0], url, shows=every + names)
    pages.check(zh, url, shows=every)
    pages.check(op, _reverse("launches:host", hall.slug), shows=every)
    for guest, name in zip(guests, names, strict=True):
        # The preview the avatar page swaps in: the member's name in an SVG title.
        pages.check(guest, _reverse("launches:avatar_preview"), shows=[name], hue=200, shape="round")
    pages.check(guests[1], _reverse("launches:avatar"), shows=names[1:2])
    live = pages.client(None).get(_reverse("launches:live_json", hall.slug))
    assert live["Content-Type"] == "application/json" and live.json()["current"]
    # The hall's script parses each arriving member's avatar as SVG and inserts it.
    for arrival in selectors.arrivals(hall.pk, limit=100):
        ElementTree.fromstring(arrival["svg"])  # well-formed, or DOMParser would refuse it
        problems, seen = injections(arrival["svg"])
        pages.problems += [f"hall arrival {arrival['name']!r}: {p}" for p in problems]
    pages.admin(hall, hall.schedule.first(), current, current.options.first(), shows=every[:4])
