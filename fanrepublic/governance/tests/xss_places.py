"""The stored-XSS suite's places for governance (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, joined, packs


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
