"""The stored-XSS suite's places for committees (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import BAD_URLS, Pages, _reverse, attempt, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, SHORT, fitting, joined, packs


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
