"""The standing stored-XSS suite: the corpus through every text and Markdown field.

A penetration test stored 32 payloads in 9 places and none ran. This keeps it so, for
every place members and staff can store text that a page shows, and for places added
later:

- each place writes every payload of the corpus (xss_payloads.py) through the app's own
  service (the real write path; models managed only in the Django admin are stored as
  the admin would store them), then GETs every page that shows the text, as the viewers
  who may see it (a visitor, a member, the author, staff on staff pages);
- `injections()` parses each page with an HTML parser and reports any element or
  attribute a payload could have brought: script that is not a same-origin file or JSON
  data, event-handler attributes, javascript:/vbscript:/data: URLs (after entity,
  whitespace and case normalisation), iframes, objects, embeds, base, style elements,
  CSS expressions, SVG animation; it must also find the payload's marker on the page,
  so a place that stopped showing the text does not pass by checking nothing;
- `test_the_checker_catches_*` feed it injected pages, so it cannot pass vacuously;
- `test_every_text_field_is_covered_or_allowed` lists every CharField and TextField of
  every fanrepublic model: each is covered by a place below or named in ALLOWED with
  the reason it never reaches a page as member text. A new field fails until it is one
  or the other.
"""

import html
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from fanrepublic.core.tests.xss import (
    PLACES,
    Pages,
    _reverse,
    app_place_modules,
    attempt,
    for_forms,
    injections,
    markers,
    place,
)
from fanrepublic.core.tests.xss_payloads import (
    CORPUS,
    MARKERS,
    PAYLOADS,
    SHORT,
    fitting,
    joined,
    packs,
)

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------
# The places
# ---------------------------------------------------------------------------------------


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


@place(
    "bounty",
    "bounty.BountyReport.title",
    "bounty.BountyReport.steps",
    "bounty.BountyReport.expected",
    "bounty.BountyReport.actual",
    "bounty.ReportMessage.body",
    "bounty.ReportMessage.body_html",
)
def bounty_reports(pages: Pages):
    """Bug reports (title, steps, expected, actual), the conversation (triage notes,
    the reporter's answers, internal notes), a private security report; the report,
    list, queue, similar-reports, hall of fame and wallet pages."""
    from fanrepublic.bounty import services
    from fanrepublic.bounty.tests.factories import PublishedReleaseFactory, RewardTierFactory
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, security
    from fanrepublic.releases.tests.factories import ReleaseFactory

    release = PublishedReleaseFactory()
    RewardTierFactory(severity="high", points=500)
    reporter, other, eng, sec = MemberFactory(), MemberFactory(), engineer(), security()
    members.profile_update(member=reporter, data={"display_name": PAYLOADS[1].text})
    reports = []
    with pages.committed():
        for group in packs(200):
            report = services.report_submit(
                reporter=reporter,
                release=release,
                title=joined(group),
                steps=CORPUS,
                expected=CORPUS,
                actual=CORPUS,
                claimed_severity="high",
            )
            reports.append((group, report))
        first = reports[0][1]
        services.report_triage(actor=eng, report=first, status="needs_info", note=CORPUS)
        services.report_message(author=reporter, report=first, body=CORPUS)
        services.report_message(author=eng, report=first, body=CORPUS, is_internal=True)
        services.report_triage(actor=eng, report=first, status="valid", severity="high", note=CORPUS)
        private = services.report_submit(
            reporter=reporter,
            release=release,
            title=joined(reports[1][0]),
            steps=CORPUS,
            expected=CORPUS,
            actual=CORPUS,
            claimed_severity="high",
            is_security=True,
        )
        services.report_message(author=sec, report=private, body=CORPUS, is_internal=True)
    every = markers(PAYLOADS)
    for _group, report in reports:
        url = _reverse("bounty:report", report.pk)
        pages.check(other, url, shows=every)
        pages.check(eng, url, shows=every)
    pages.check(reporter, _reverse("bounty:report", first.pk), shows=every)
    pages.check(reporter, _reverse("bounty:report", private.pk), shows=every)
    pages.check(sec, _reverse("bounty:report", private.pk), shows=every)
    titles = markers(sum((g for g, _r in reports), []))
    pages.check(None, _reverse("bounty:programme"), shows=titles[-3:])
    pages.check(reporter, _reverse("bounty:mine"), shows=titles)
    waiting = markers(sum((g for g, _r in reports[1:]), []))  # the first one was judged
    pages.check(eng, _reverse("bounty:queue"), shows=waiting)
    pages.check(sec, _reverse("bounty:queue"), shows=waiting)
    for group, _report in reports:
        pages.check(other, _reverse("bounty:similar"), release=release.pk, title=joined(group), actual=CORPUS)
    pages.check(None, _reverse("bounty:hall_of_fame"), shows=[PAYLOADS[1].marker])
    pages.check(reporter, _reverse("points:wallet"))
    pages.check(reporter, _reverse("notifications:list"))

    planned = ReleaseFactory(product_line=release.product_line)  # the valid finding waits on it
    pages.check(eng, _reverse("releases:workbench", planned.pk), shows=markers(reports[0][0]))
    pages.check(operator(), _reverse("audit_log"), shows=every)
    pages.admin(first, first.messages.first(), shows=every)


# What URL fields are offered: a link must not run, whatever the field's validation.
BAD_URLS = [
    "javascript:alert('XSS05')",
    " JaVaScRiPt:alert('XSS10')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTMDcnKTwvc2NyaXB0Pg==",
    "vbscript:msgbox('XSS28')",
    "https://example.com/\"><script>alert('XSS01')</script>",
    "https://example.com/\" onmouseover=\"alert('XSS11')",
]


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


@place(
    "committees",
    "committees.Committee.name",
    "committees.Committee.name_zh",
    "committees.Candidacy.statement",
    "committees.Seat.left_reason",
    "committees.Need.title",
    "committees.Need.body",
    "committees.Meeting.quarter",
    "committees.Meeting.minutes",
    "committees.Meeting.minutes_html",
    "committees.Decision.text",
    "committees.Decision.link",
    "committees.Decision.note",
)
def committee_work(pages: Pages):
    """Committee names, candidacy statements, needs (title, body), meeting quarters and
    minutes (Markdown), decisions with their links and notes, a vacated seat's reason;
    the committee, election, needs, need and meeting pages."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.committees import services
    from fanrepublic.committees.models import Candidacy, Seat
    from fanrepublic.committees.tests.factories import CommitteeFactory, SeatFactory
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, operator

    op, zh = operator(), MemberFactory(language="zh-hans")
    names = packs(120)
    committees = [CommitteeFactory(name=joined(g), name_zh=joined(g)) for g in names]
    committee = committees[0]
    line = committee.product_line
    now = timezone.now()
    candidates = []
    with pages.committed():
        election = services.election_open(
            actor=op,
            committee=committee,
            seats_to_fill=1,
            candidacy_closes_at=now + timedelta(days=3),
            voting_closes_at=now + timedelta(days=10),
        )
        for p in fitting(50)[:6]:
            member = MemberFactory(trust_level=3)
            members.profile_update(member=member, data={"display_name": p.text})
            services.candidacy_submit(member=member, election=election, statement=CORPUS)
            candidates.append(member)
        for group, member in zip(packs(300), [*candidates, *candidates], strict=False):
            seat = SeatFactory(election=election, committee=committee, member=member)
            services.seat_vacate(actor=op, seat=seat, reason=joined(group))
        author = MemberFactory()
        needs = [
            services.need_raise(member=author, product_line=line, title=joined(g), body=CORPUS)
            for g in packs(200)
        ]
        meetings = [
            services.meeting_schedule(actor=op, committee=committee, quarter=p.text, scheduled_at=now)
            for p in SHORT
        ]
        meeting = meetings[0]
        decided = needs[: len(BAD_URLS)]
        for need in decided:
            services.need_shortlist(actor=op, need=need)
            services.agenda_add(actor=op, meeting=meeting, need=need)
        services.meeting_record(actor=op, meeting=meeting, minutes=CORPUS)
        notes = packs(500)
        for n, (need, url) in enumerate(zip(decided, BAD_URLS, strict=True)):
            attempt(
                services.decision_record,
                actor=op,
                meeting=meeting,
                need=need,
                text=CORPUS,
                follow_up="requirement",
                link=url,
                note=joined(notes[n % len(notes)]),
            )
        decision = services.decision_record(
            actor=op, meeting=meeting, text=CORPUS, follow_up="pending", note=joined(notes[0])
        )
        for url in BAD_URLS:
            attempt(services.decision_trace, actor=op, decision=decision, follow_up="product", link=url)
        for group in notes:
            services.decision_record(actor=op, meeting=meeting, text="More", note=joined(group))
    every = markers(PAYLOADS)
    slug = committee.slug
    for viewer in (None, zh):
        pages.check(viewer, _reverse("committees:index"), shows=markers(sum(names, [])))
    for c, group in zip(committees, names, strict=True):
        pages.check(None, _reverse("committees:committee", c.slug), shows=markers(group))
    pages.check(op, _reverse("committees:committee", slug), shows=markers(SHORT))
    pages.check(candidates[0], _reverse("committees:election", slug, election.pk), shows=every)
    pages.check(author, _reverse("committees:needs", slug), shows=every)
    for need in needs:
        pages.check(None, _reverse("committees:need", slug, need.pk), shows=every)
    pages.check(op, _reverse("committees:need", slug, needs[0].pk), shows=every)
    for m, quarter in zip(meetings, SHORT, strict=True):
        pages.check(None, _reverse("committees:meeting", slug, m.pk), shows=[quarter.marker])
    pages.check(op, _reverse("committees:meeting", slug, meeting.pk), shows=every)
    pages.check(op, _reverse("audit_log"), shows=markers(sum(packs(300), [])))

    pages.admin(committee, needs[0], meeting, decision, Candidacy.objects.first(), shows=every[:2])
    pages.admin(Seat.objects.exclude(left_reason="").first())


@place(
    "votes",
    "governance.Vote.question",
    "governance.Vote.question_zh",
    "governance.Vote.description",
    "governance.Vote.description_zh",
    "governance.Vote.outcome",
    "governance.Vote.outcome_zh",
    "governance.VoteOption.label",
    "governance.VoteOption.label_zh",
    "governance.VoteOption.details",
    "governance.VoteOption.details_zh",
)
def fan_parliament(pages: Pages):
    """Votes staff write (question, background, options and their details, the recorded
    outcome), in both languages; the vote list, vote, result and receipt pages."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.governance import services
    from fanrepublic.members.tests.factories import MemberFactory, operator

    op, voter, zh = operator(), MemberFactory(), MemberFactory(language="zh-hans")
    now = timezone.now()
    options = [
        {"label": joined(g), "label_zh": joined(g), "details": CORPUS, "details_zh": CORPUS}
        for g in packs(200)
    ]
    votes = []
    with pages.committed():
        for n, group in enumerate(packs(300)):
            vote = services.vote_create(
                actor=op,
                options=options,
                slug=f"xss-{n}",
                question=joined(group),
                question_zh=joined(group),
                description=CORPUS,
                description_zh=CORPUS,
                method="approval" if n % 2 else "single",
                hide_results=False,
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(hours=1),
            )
            votes.append((group, services.vote_open(actor=op, vote=vote)))
        published = votes[0][1]
        ballot = services.ballot_cast(member=voter, vote=published, option_ids=[published.options.first().pk])
        services.ballot_cast(member=zh, vote=votes[1][1], option_ids=[votes[1][1].options.first().pk])
        services.vote_close(actor=op, vote=published)
        services.vote_publish(actor=op, vote=published)
        services.outcome_record(actor=op, vote=published, outcome=CORPUS, outcome_zh=CORPUS)
    every = markers(PAYLOADS)
    questions = markers(sum((g for g, _v in votes), []))
    pages.check(None, _reverse("governance:index"), shows=questions)
    pages.check(zh, _reverse("governance:index"), shows=questions)
    for _group, vote in votes:
        pages.check(voter, _reverse("governance:vote", vote.slug), shows=every)
    pages.check(zh, _reverse("governance:vote", published.slug), shows=every)
    pages.check(op, _reverse("governance:vote", votes[1][1].slug), shows=every)
    pages.check(
        None,
        _reverse("governance:verify", published.slug),
        receipt=ballot.receipt,
        shows=markers(votes[0][0] + packs(200)[0]),
    )
    pages.check(None, _reverse("governance:verify", published.slug), receipt=PAYLOADS[0].text)
    pages.admin(published, published.options.first(), shows=every[:4])


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


@place(
    "rewards",
    "rewards.Reward.name",
    "rewards.Reward.name_zh",
    "rewards.Reward.description",
    "rewards.Reward.description_zh",
    "rewards.Order.shipping_name",
    "rewards.Order.shipping_phone",
    "rewards.Order.shipping_address",
    "rewards.Order.voucher_code",
    "rewards.Order.tracking",
    "rewards.Order.note",
    "points.Transaction.memo",
)
def rewards_store(pages: Pages):
    """The catalogue (names, descriptions in both languages), orders with the shipping
    details members type (shown to store staff), voucher codes, tracking numbers and a
    refusal's reason (shown to the member); wallet history memos."""
    from fanrepublic.members.tests.factories import MemberFactory, operator, store_manager
    from fanrepublic.points.services import points_award
    from fanrepublic.rewards import services
    from fanrepublic.rewards.models import Reward

    sm, buyer, zh = store_manager(), MemberFactory(), MemberFactory(language="zh-hans")
    points_award(member=buyer, points=10**6, key="xss:seed", memo="Seed")
    names = packs(120)
    recipients, phones, addresses, codes = packs(100), fitting(30), packs(500, sep="\n"), packs(100)
    rewards, orders = [], []
    with pages.committed():
        for n, group in enumerate(names):
            reward = Reward(
                slug=f"xss-{n}",
                name=joined(group),
                name_zh=joined(group),
                description=CORPUS,
                description_zh=CORPUS,
                kind="product",
                price_points=10,
                stock=100,
            )
            rewards.append((group, services.reward_save(actor=sm, reward=reward)))
        refusals = packs(500)
        closed = len(codes) + len(refusals) + 1
        for n in range(closed + len(recipients)):  # the last ones stay open on the desk
            k = max(0, n - closed)
            shipping = {
                "name": joined(recipients[k]),
                "phone": phones[k % len(phones)].text,
                "address": joined(addresses[k % len(addresses)], "\n"),
            }
            reward = rewards[n % len(rewards)][1]
            orders.append(
                services.reward_redeem(member=buyer, reward=reward, key=f"xss:{n}", shipping=shipping)
            )
        for order, code in zip(orders, codes, strict=False):
            services.order_fulfil(actor=sm, order=order, voucher_code=joined(code), tracking=joined(code))
        for order, reason in zip(orders[len(codes) :], refusals, strict=False):
            services.order_refuse(actor=sm, order=order, reason=joined(reason))
        services.order_cancel(member=buyer, order=orders[closed - 1])
    every = markers(PAYLOADS)
    all_names = markers(sum(names, []))
    pages.check(None, _reverse("rewards:catalogue"), shows=all_names)
    pages.check(zh, _reverse("rewards:catalogue"), shows=all_names)
    for _group, reward in rewards:
        pages.check(buyer, _reverse("rewards:detail", reward.slug), shows=every)
    for _group, reward in for_forms(rewards, names):
        pages.check(sm, _reverse("rewards:reward_edit", reward.slug), shows=every)
    pages.check(zh, _reverse("rewards:detail", rewards[0][1].slug), shows=every)
    pages.check(buyer, _reverse("rewards:orders"), shows=all_names + markers(sum(codes, [])) + every)
    pages.check(sm, _reverse("rewards:staff_catalogue"), shows=all_names)
    pages.check(sm, _reverse("rewards:desk"), shows=markers(sum(recipients + addresses, []) + phones))
    pages.check(buyer, _reverse("points:wallet"), shows=all_names[:3])
    pages.check(buyer, _reverse("notifications:list"))
    pages.check(operator(), _reverse("audit_log"), shows=every)
    pages.admin(rewards[0][1], orders[0], shows=every[:2])
    pages.admin(orders[-2], orders[-3])


@place(
    "badges",
    "badges.Badge.name",
    "badges.Badge.name_zh",
    "badges.Badge.description",
    "badges.Badge.description_zh",
    "badges.MemberBadge.reason",
    "badges.Perk.name",
    "badges.Perk.name_zh",
    "badges.Perk.description",
    "badges.Perk.description_zh",
    "badges.PerkTransfer.note",
    "betas.Entitlement.name",
    "betas.Entitlement.name_zh",
)
def badges_and_perks(pages: Pages):
    """Badges (set in the admin: names, descriptions) and the reasons staff grant them
    with, shown on profiles; perks (names, descriptions), hand-over notes; what a beta
    tester keeps (entitlements, on the profile)."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.badges import perks, services
    from fanrepublic.badges.models import Perk, PerkTransfer
    from fanrepublic.badges.tests.factories import BadgeFactory
    from fanrepublic.betas.tests.factories import EntitlementFactory
    from fanrepublic.members.tests.factories import MemberFactory, founder, operator
    from fanrepublic.rewards.tests.factories import RewardFactory

    op, holder, friend, zh = operator(), MemberFactory(), MemberFactory(), MemberFactory(language="zh-hans")
    names, descriptions, reasons = packs(80), packs(300), packs(300)
    badges = []
    with pages.committed():
        for n, group in enumerate(names):
            text = joined(descriptions[n % len(descriptions)])
            badge = BadgeFactory(
                name=joined(group), name_zh=joined(group), description=text, description_zh=text
            )
            services.badge_grant(
                actor=op, member=holder, badge=badge, reason=joined(reasons[n % len(reasons)])
            )
            badges.append(badge)
        offers = []
        for n, group in enumerate(packs(120)):
            perk = Perk(
                slug=f"xss-{n}",
                name=joined(group),
                name_zh=joined(group),
                description=CORPUS,
                description_zh=CORPUS,
                quantity=5,
                transferable=True,
                happens_at=timezone.now() + timedelta(days=30),
            )
            perk = perks.perk_save(actor=op, perk=perk, required_badges=[badges[n % len(badges)]])
            claim = perks.perk_claim(member=holder, perk=perk)
            if n < len(reasons):
                perks.perk_transfer(holder=holder, claim=claim, to_member=friend, note=joined(reasons[n]))
            offers.append((group, perk))
        for group in packs(200):
            EntitlementFactory(member=holder, name=joined(group), name_zh=joined(group))

    locked = RewardFactory()  # a reward that needs every badge: its page names the missing ones
    locked.required_badges.set(badges)
    badge_names = markers(sum(names, []))
    pages.check(friend, _reverse("rewards:detail", locked.slug), shows=badge_names)
    pages.check(zh, _reverse("rewards:detail", locked.slug), shows=badge_names)
    perk_names = markers(sum((g for g, _p in offers), []))
    pages.check(None, _reverse("badges:gallery"), shows=badge_names + markers(sum(descriptions, [])))
    pages.check(zh, _reverse("badges:gallery"), shows=badge_names)
    profile = _reverse("members:profile", holder.username)
    pages.check(None, profile, shows=badge_names + markers(sum(reasons, [])) + markers(sum(packs(200), [])))
    pages.check(zh, profile, shows=badge_names)
    pages.check(op, profile)
    pages.check(holder, _reverse("badges:perks"), shows=perk_names + markers(PAYLOADS))
    pages.check(zh, _reverse("badges:perks"), shows=perk_names)
    pages.check(holder, _reverse("badges:my_perks"))
    pages.check(friend, _reverse("badges:my_perks"))
    pages.check(op, _reverse("badges:perks_staff"), shows=perk_names)
    for _group, perk in for_forms(offers, [g for g, _p in offers]):
        pages.check(op, _reverse("badges:perk_edit", perk.slug), shows=markers(PAYLOADS))
    for (_group, perk), note in zip(offers, reasons, strict=False):  # the places handed on
        pages.check(op, _reverse("badges:perk_holders", perk.slug), shows=markers(note))
    pages.check(holder, _reverse("points:wallet"))
    # The forms that offer badges to require (and product lines to choose).

    boss = founder()
    for form in (
        _reverse("rewards:reward_new"),
        _reverse("badges:perk_new"),
        _reverse("betas:new"),
        _reverse("governance:new"),
    ):
        pages.check(boss, form, shows=badge_names[:1])
    pages.check(op, _reverse("audit_log"), shows=markers(sum(reasons, [])))

    pages.admin(badges[0], holder.badges.first(), offers[0][1], PerkTransfer.objects.first(), shows=["XSS01"])
    pages.admin(holder.entitlements.first())


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


@place(
    "betas",
    "betas.BetaProgramme.name",
    "betas.BetaProgramme.name_zh",
    "betas.BetaProgramme.summary",
    "betas.BetaProgramme.summary_zh",
    "betas.BetaProgramme.brief",
    "betas.BetaProgramme.brief_zh",
    "betas.BetaProgramme.nda",
    "betas.BetaProgramme.nda_zh",
    "betas.BetaProgramme.completion_perk",
    "betas.BetaProgramme.completion_perk_zh",
    "betas.ApplicationQuestion.prompt",
    "betas.ApplicationQuestion.prompt_zh",
    "betas.TestPlan.title",
    "betas.TestPlan.title_zh",
    "betas.TestTask.title",
    "betas.TestTask.title_zh",
    "betas.TestTask.instructions",
    "betas.TestTask.instructions_zh",
    "betas.TestReport.title",
    "betas.TestReport.steps",
    "betas.TestReport.expected",
    "betas.TestReport.actual",
    "betas.TestReport.device",
    "betas.TestReport.build",
    "betas.TestReport.review_note",
)
def closed_betas(pages: Pages):
    """Programmes (name, summary, confidential brief, NDA, completion perk, application
    questions — both languages), applications' answers (shown to staff), test plans and
    tasks, test reports and their review notes; the index, programme (as visitor,
    applicant and tester), draw, report edit, staff list, manage and edit pages."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.betas import services
    from fanrepublic.betas.models import BetaProgramme
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.products.tests.factories import ProductLineFactory

    op, visitor_zh = operator(), MemberFactory(language="zh-hans")
    line = ProductLineFactory()
    now = timezone.now()
    names = packs(120)
    programmes = []
    with pages.committed():
        for n, group in enumerate(names):
            programme = BetaProgramme(
                product_line=line,
                slug=f"xss-{n}",
                name=joined(group),
                name_zh=joined(group),
                summary=CORPUS,
                summary_zh=CORPUS,
                brief=CORPUS,
                brief_zh=CORPUS,
                nda=CORPUS,
                nda_zh=CORPUS,
                completion_perk=joined(packs(200)[n % len(packs(200))]),
                completion_perk_zh=joined(packs(200)[n % len(packs(200))]),
                capacity=4,
                applications_close_at=now + timedelta(days=7),
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + timedelta(days=30),
            )
            programmes.append((group, services.programme_save(actor=op, programme=programme)))
        beta = programmes[0][1]
        questions = [
            services.question_add(
                actor=op, programme=beta, prompt=joined(g), prompt_zh=joined(g), required=False
            )
            for g in packs(300)
        ]
        for _group, programme in programmes:
            services.programme_open(actor=op, programme=programme)
        testers = []
        for p in fitting(50)[:3]:
            member = MemberFactory()
            members.profile_update(member=member, data={"display_name": p.text})
            answers = {f"q{q.pk}": CORPUS for q in questions}
            services.application_submit(member=member, programme=beta, answers=answers)
            testers.append(member)
        applicant = MemberFactory()  # selected, has not signed the NDA yet: reads it
        services.application_submit(member=applicant, programme=beta, answers={})
        services.application_submit(member=applicant, programme=programmes[1][1], answers={})
        BetaProgramme.objects.filter(pk=beta.pk).update(applications_close_at=now - timedelta(minutes=1))
        services.selection_run(actor=op, programme=beta)
        for tester in testers:
            services.nda_accept(member=tester, programme=beta)
        tester = testers[0]
        for group in packs(200):
            plan = services.plan_add(actor=op, programme=beta, title=joined(group), title_zh=joined(group))
            task = services.task_add(
                actor=op, plan=plan, title=joined(group), title_zh=joined(group), instructions=CORPUS
            )
        # The Chinese instructions, as the admin stores them.
        type(task).objects.filter(plan__programme=beta).update(instructions_zh=CORPUS)
        devices, titles, notes, reports = packs(100), packs(200), packs(2000), []
        for n, group in enumerate(devices):
            report = services.report_submit(
                tester=tester,
                programme=beta,
                task=task,
                title=joined(titles[n % len(titles)]),
                steps=CORPUS,
                expected=CORPUS,
                actual=CORPUS,
                severity="medium",
                device=joined(group),
                build=joined(devices[-1 - n]),
            )
            reports.append(report)
        services.report_review(
            actor=op, report=reports[0], decision="changes_requested", note=joined(notes[0])
        )
        services.report_review(actor=op, report=reports[1], decision="approved", note=CORPUS)
        for report, group in zip(reports[2:], notes[1:], strict=False):
            services.report_review(actor=op, report=report, decision="rejected", note=joined(group))
        waiting = devices[len(notes) + 1 :]  # still to review: shown on the manage page
        services.programme_finish(actor=op, programme=beta)
    every = markers(PAYLOADS)
    all_names = markers(sum(names, []))
    pages.check(None, _reverse("betas:index"), shows=all_names)
    pages.check(visitor_zh, _reverse("betas:index"), shows=all_names)
    for _group, programme in programmes:
        pages.check(None, _reverse("betas:programme", programme.slug), shows=every)
    url = _reverse("betas:programme", beta.slug)
    pages.check(applicant, url, shows=every)
    pages.check(applicant, _reverse("betas:programme", programmes[1][1].slug), shows=every)
    pages.check(tester, url, shows=every)
    pages.check(visitor_zh, url, shows=every)
    assert len(waiting) > len(devices) // 2
    pages.check(testers[1], url, shows=every)
    pages.check(None, _reverse("betas:draw", beta.slug), shows=markers(fitting(50)[:3]))
    pages.check(tester, _reverse("betas:report_edit", beta.slug, reports[0].pk), shows=every)
    pages.check(tester, _reverse("members:profile", tester.username), shows=markers(packs(200)[0]))
    pages.check(op, _reverse("betas:staff"), shows=all_names)
    pages.check(op, _reverse("betas:manage", beta.slug), shows=every + markers(sum(waiting, [])))
    for _group, programme in for_forms(programmes, names):
        pages.check(op, _reverse("betas:edit", programme.slug), shows=every)
    pages.check(tester, _reverse("notifications:list"))
    pages.admin(beta, questions[0], plan, task, reports[0], shows=every[:2])


@place(
    "events",
    "activity.Event.idempotency_key",
    "activity.Event.object_type",
    "activity.Event.object_id",
)
def ingested_events(pages: Pages):
    """What an integration sends with its events (its idempotency keys, object types
    and ids) and staff read in the admin's event log."""
    from fanrepublic.activity.models import Event
    from fanrepublic.activity.services import events_ingest
    from fanrepublic.activity.tests.factories import IntegrationFactory
    from fanrepublic.members.tests.factories import MemberFactory

    integration = IntegrationFactory(name=PAYLOADS[0].text, verbs=["store.visited"])
    fan = MemberFactory()
    keys, types, ids = packs(190), fitting(60), fitting(64)  # a key also carries its number
    items = [
        {
            "idempotency_key": f"{n} {joined(keys[n % len(keys)])}",
            "verb": "store.visited",
            "actor": fan.pk,
            "object_type": types[n % len(types)].text,
            "object_id": ids[-1 - n % len(ids)].text,
            "properties": {"store": "SH-01"},
        }
        for n in range(max(len(keys), len(types), len(ids)))
    ]
    with pages.committed():
        results = events_ingest(items=items, integration=integration)
    assert [r.status for r in results] == ["created"] * len(items), results
    events = list(Event.objects.filter(integration=integration).order_by("pk"))
    pages.admin(events[0], shows=markers(keys[0]))
    pages.admin_page(_reverse("admin:activity_event_changelist"), q="XSS", shows=markers(types + ids))
    pages.admin_page(_reverse("admin:activity_integration_changelist"), shows=markers(PAYLOADS[:1]))


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


# ---------------------------------------------------------------------------------------
# The fields: each covered by a place above or allowed here, with the reason
# ---------------------------------------------------------------------------------------

# CharFields and TextFields that never reach a page as text a member or staff member
# wrote. Fields with `choices` are enums (services check the value; pages show the
# label) and need no entry.
ALLOWED = {
    # Written by the code itself, never typed by anyone.
    "core.AuditEntry.action": "a dotted action name chosen by the service",
    "core.AuditEntry.target_type": "a model label",
    "core.AuditEntry.target_id": "a primary key",
    "members.ReputationEntry.reason": "a key of REPUTATION_RULES",
    "members.ReputationEntry.source": "event:<id>",
    "members.ApiToken.prefix": "random characters of the token",
    "members.ApiToken.key_hash": "a SHA-256 hash",
    "members.User.password": "a password hash",
    "activity.Event.verb": "a verb of the catalogue (record_event refuses others)",
    "activity.Event.source": "the sending integration's slug",
    "notifications.Notification.kind": "a declared notification kind",
    "notifications.Notification.url": "reverse()d by the service that notifies",
    "notifications.Notification.dedupe_key": "built from event and recipient ids",
    "notifications.NotificationPreference.kind": "a declared notification kind",
    "forum.Topic.author_role": "a staff role name",
    "forum.Reply.author_role": "a staff role name",
    "forum.StatusChange.actor_role": "a staff role name",
    "forum.Topic.search_document": "segmented words for search, never shown",
    "forum.Reply.search_document": "segmented words for search, never shown",
    "bounty.BountyReport.search_document": "segmented words for similarity, never shown",
    "forum.Attachment.content_type": "the image type Pillow detected",
    "bounty.ReportAttachment.content_type": "the image type Pillow detected",
    "betas.TestReportAttachment.content_type": "the image type Pillow detected",
    "points.Account.code": "an account code built by the ledger",
    "points.Transaction.idempotency_key": "built by the calling service",
    "points.Transaction.kind": "a ledger kind named by the calling service",
    "points.Transaction.object_type": "a model label",
    "points.Transaction.object_id": "a primary key",
    "rewards.Order.idempotency_key": "a request key, never shown",
    "betas.BetaProgramme.seed": "random hex, published for the draw",
    "betas.Application.ticket": "a SHA-256 hex digest",
    "betas.Application.nda_sha256": "a SHA-256 hex digest of the NDA accepted",
    "betas.Application.nda_language": "the language code the NDA was read in",
    "releases.ReleaseItem.source_type": "the key of a registered release-item source",
    "governance.Vote.digest": "a SHA-256 hex digest",
    "governance.Vote.digest_scheme": "a scheme name from the code",
    "governance.Ballot.voter_key": "an HMAC hex digest",
    "governance.Ballot.receipt": "random hex",
    # Checked against a pattern or a list by the service before it is stored.
    "members.User.username": "Django's username validator: letters, digits and @ . + - _",
    "points.EarningRule.verb": "a verb of the catalogue (rule_validate)",
    "releases.Release.version": "VERSION_RE: letters, digits and . - + _",
    "betas.TestReport.severity": "one of Severity.values (_clean_report)",
    # Slugs (SlugField: letters, digits, - and _).
    "activity.Integration.slug": "slug",
    "forum.Board.slug": "slug",
    "rewards.Reward.slug": "slug",
    "badges.Badge.slug": "slug",
    "badges.Perk.slug": "slug",
    "betas.BetaProgramme.slug": "slug",
    "governance.Vote.slug": "slug",
    "committees.Committee.slug": "slug",
    "launches.LaunchEvent.slug": "slug",
    # Not shown as member text.
    "members.User.first_name": "not asked for, not shown (display_name is)",
    "members.User.last_name": "not asked for, not shown (display_name is)",
    "badges.Badge.icon": "two characters (one emoji), too short to hold markup; set in the admin",
}


# Each app's own places (`<app>/tests/xss_places.py`) register as they are imported, and
# bring their fields' and pages' exceptions with them.
APP_PLACES = app_place_modules()
for _module in APP_PLACES:
    ALLOWED.update(getattr(_module, "ALLOWED", {}))


def text_fields() -> dict[str, models.Field]:
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("fanrepublic."):
            continue
        for f in model._meta.get_fields():
            if getattr(f, "concrete", False) and isinstance(f, models.CharField | models.TextField):
                found[f"{model._meta.label}.{f.name}"] = f
    return found


def test_every_text_field_is_covered_or_allowed():
    """A new CharField or TextField fails here until a place above writes the corpus
    into it and checks the pages that show it, or ALLOWED says why no page shows it."""
    fields = text_fields()
    covered = {name for place in PLACES.values() for name in place.covers}
    unknown = sorted(n for n, f in fields.items() if n not in covered and n not in ALLOWED and not f.choices)
    assert unknown == [], (
        f"text fields the XSS suite does not know: {unknown}. Write the corpus into each "
        "through its service in a place (the app's tests/xss_places.py, see core/tests/xss.py) "
        "and check the pages that show it, or add it to ALLOWED with the reason no page shows it."
    )
    stale = sorted((covered | set(ALLOWED)) - set(fields))
    assert stale == [], f"no such field any more: {stale}"
    assert not covered & set(ALLOWED), sorted(covered & set(ALLOWED))


# Named pages of the site no place visits, and why: they never show stored text.
NOT_PAGES = {
    "health": "a status JSON",
    "bench_bare": "a benchmark baseline",
    "points:wallet_csv": "CSV (core/tests/test_csvexport.py)",
    "rewards:desk_csv": "CSV (core/tests/test_csvexport.py)",
    "governance:ballots": "JSON",
    "launches:live_json": "JSON (the launches place reads it)",
    "launch_answer": "JSON",
    "bounty:attachment": "an image",
    "betas:attachment": "an image",
    "forum:reply": "redirects to the reply on its topic page",
    "notifications:open": "redirects to the notification's page",
    "notifications:preferences": "labels from the code",
    "members:set_language": "POST; redirects",
    "badges:grant": "POST; redirects to the profile",
}
# POST-only actions: they answer with a redirect or a fragment the places see in full.
NOT_PAGES |= dict.fromkeys(
    [
        "badges:perk_claim",
        "badges:perk_transfer",
        "betas:action",
        "betas:apply",
        "betas:nda",
        "betas:report",
        "betas:withdraw",
        "bounty:disclose",
        "bounty:message",
        "bounty:triage",
        "committees:action",
        "committees:plan",
        "committees:stand",
        "forum:desk_answer",
        "forum:flag_resolve",
        "forum:reply_create",
        "forum:reply_like",
        "forum:reply_moderate",
        "forum:topic_claim",
        "forum:topic_like",
        "forum:topic_merge",
        "forum:topic_moderate",
        "forum:topic_move",
        "forum:topic_status",
        "forum:topic_vote",
        "governance:action",
        "governance:cast",
        "launches:answer",
        "launches:host_action",
        "launches:join",
        "members:recompute_trust",
        "members:session_end",
        "members:sessions_end_others",
        "members:suspend",
        "members:token_revoke",
        "notifications:mark_read",
        "releases:item_remove",
        "releases:publish",
        "rewards:cancel",
        "rewards:desk_upload",
        "rewards:fulfil",
        "rewards:refuse",
    ],
    "POST only",
)


for _module in APP_PLACES:
    NOT_PAGES.update(getattr(_module, "NOT_PAGES", {}))


def site_pages() -> set[str]:
    """The named URL patterns of the site's own pages (not the API, admin or allauth)."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif p.name and p.callback.__module__.startswith("fanrepublic."):
                yield prefix + p.name

    return {n for n in walk(get_resolver().url_patterns) if not n.startswith(("admin:", "api:"))}


def test_every_page_is_visited_or_not_a_page():
    """A new page fails here until a place visits it (`_reverse("app:name")` below) or
    NOT_PAGES says why it never shows stored text."""
    sources = [Path(__file__).read_text(), *(Path(m.__file__).read_text() for m in APP_PLACES)]
    visited = {name for text in sources for name in re.findall(r'_reverse\(\s*"([\w:]+)"', text)}
    pages = site_pages()
    unvisited = sorted(pages - visited - set(NOT_PAGES))
    assert unvisited == [], f"pages the XSS suite never opens: {unvisited}"
    assert sorted(set(NOT_PAGES) - pages) == [], "NOT_PAGES names pages that no longer exist"


def test_the_corpus():
    assert len(PAYLOADS) >= 30
    assert len({p.marker for p in PAYLOADS + SHORT}) == len(PAYLOADS) + len(SHORT)
    assert all(
        len(MARKERS.findall(p.text)) >= 1 and set(MARKERS.findall(p.text)) == {p.marker} for p in PAYLOADS
    )
    # Single-line fields take every payload: no line breaks or control characters.
    from fanrepublic.core.text import text_problem

    assert [p.marker for p in PAYLOADS + SHORT if text_problem(p.text, single_line=True)] == []


# ---------------------------------------------------------------------------------------
# The checker checks: it finds what would run, and only that
# ---------------------------------------------------------------------------------------

# The payloads that run when a page includes them as HTML (a `|safe` too many, a
# sanitiser switched off); the others are Markdown that only a renderer could arm.
RUNS_AS_HTML = [
    p
    for p in PAYLOADS
    if p.marker
    not in {
        "XSS05",
        "XSS06",
        "XSS07",
        "XSS09",
        "XSS10",
        "XSS11",
        "XSS12",
        "XSS15",
        "XSS20",
        "XSS25",
        "XSS28",
        "XSS31",
    }
]
PAGE = (
    '<!DOCTYPE html><html><head><title>Fan Republic</title><script src="/static/js/app.js" defer>'
    "</script></head><body><main>{}</main></body></html>"
)


@pytest.mark.parametrize("payload", RUNS_AS_HTML, ids=lambda p: p.marker)
def test_the_checker_catches_each_payload_included_as_html(payload):
    problems, _seen = injections(PAGE.format(payload.text))
    assert problems, f"{payload.marker} ({payload.why}) went unnoticed"


@pytest.mark.parametrize(
    "page",
    [
        f'<input value="{PAYLOADS[10].text}">',  # XSS11 in a double-quoted attribute
        f"<input value='{PAYLOADS[11].text}'>",  # XSS12 in a single-quoted one
        f"<textarea>{PAYLOADS[12].text}</textarea>",
        f"<title>{PAYLOADS[13].text}</title>",
        '<textarea><p title="</textarea><img src=x onerror=alert(1)>"></textarea>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&#106;avascript&colon;alert(1)">x</a>',
        '<a href="  \u200bjavascript:alert(1)">x</a>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<form action="vbscript:x"></form>',
        '<svg><use href="https://evil.example/sprite.svg#x"/></svg>',
        '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
        '<script src="https://evil.example/x.js"></script>',
        '<script src="//evil.example/x.js"></script>',
        '<script type="application/json">{"a": "</script><script>alert(1)</script>"}</script>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<p>A stored secret: {SECRET}</p>",
    ],
)
def test_the_checker_catches_injected_markup(page):
    problems, _seen = injections(PAGE.format(page.replace("{SECRET}", "s3cr3t")), secrets=["s3cr3t"])
    assert problems, page


def test_the_checker_passes_escaped_payloads_and_finds_their_markers():
    page = PAGE.format(
        "".join(f"<p title='{html.escape(p.text)}'>{html.escape(p.text)}</p>" for p in PAYLOADS)
    )
    page += '<script type="application/json" id="state">{}</script>'.format(
        json.dumps({"t": CORPUS}).replace("<", "\\u003c")
    )
    problems, seen = injections(page)
    assert problems == []
    assert seen == set(markers(PAYLOADS))


def test_the_suite_fails_when_a_page_renders_markdown_unsanitised(
    monkeypatch, django_capture_on_commit_callbacks
):
    """End to end: with raw HTML on and nh3 off, the forum's pages run the corpus, and
    the place says so."""
    from markdown_it import MarkdownIt

    monkeypatch.setattr(
        "fanrepublic.forum.services._render",
        lambda text: MarkdownIt("commonmark", {"html": True}).render(text),
    )
    from fanrepublic.forum import services
    from fanrepublic.forum.tests.factories import BoardFactory
    from fanrepublic.members.tests.factories import MemberFactory

    author = MemberFactory()
    topic = services.topic_create(
        author=author, board=BoardFactory(), kind="discussion", title="Hello there", body=CORPUS
    )
    pages = Pages(committed=lambda: django_capture_on_commit_callbacks(execute=True))
    pages.check(author, _reverse("forum:topic", topic.pk))
    flagged = " ".join(pages.problems)
    assert "inline script" in flagged and "forbidden element: <iframe" in flagged
    assert "dangerous URL in href" in flagged


@pytest.mark.parametrize("name", sorted(PLACES))
def test_no_stored_payload_runs(name, settings, django_capture_on_commit_callbacks):
    settings.FORUM_POST_RATE = settings.BOUNTY_REPORT_RATE = "100000/m"
    pages = Pages(committed=lambda: django_capture_on_commit_callbacks(execute=True))
    PLACES[name].run(pages)
    assert pages.checked, f"{name} checked no page"
    assert pages.problems == [], "\n".join(pages.problems[:40])
