"""Demo data for the user federation: a committee for every product line; the phone's
members were elected through a counted STV vote, the car's election is taking
candidacies now. Through the services. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from fanrepublic.committees import services
from fanrepublic.committees.models import Committee
from fanrepublic.governance import services as votes
from fanrepublic.products.models import ProductLine

STATEMENTS = [
    "我想让夜景和长焦的需求被更早听见。",
    "I test every beta on the night shift and will bring those notes to planning.",
    "希望把续航和充电体验作为每季度议题的第一位。",
    "I will report back after every planning meeting, in both languages.",
    "关注老用户的系统更新周期和售后体验。",
]


def seed(run) -> None:
    out = run.out
    if Committee.objects.exists():
        return
    User = get_user_model()
    operator = User.objects.filter(username="op_zhou").first()
    if operator is None:
        return
    rng = run.rng("committees")
    now = run.now
    for position, line in enumerate(ProductLine.objects.filter(is_active=True).order_by("position")):
        Committee.objects.create(
            product_line=line,
            slug=f"{line.slug}-committee",
            name=f"{line.name} users' committee",
            name_zh=f"{line.name_zh or line.name}用户委员会",
            seats=5 if position == 0 else 3,
            owners_only=False,
            min_trust_to_stand=2,
        )
    phone = Committee.objects.filter(product_line__slug="orange-15-pro").first()
    car = Committee.objects.filter(product_line__slug="orange-su7").first()
    candidates = list(
        User.objects.filter(username__startswith="fan", trust_level__gte=2).order_by("-reputation")[:7]
    )
    voters = list(User.objects.filter(username__startswith="fan", trust_level__gte=1).order_by("pk"))
    seated = 0
    if phone and len(candidates) > phone.seats:
        # Three weeks ago the election opened; a week of candidacies, a week of voting.
        with run.at(now - timedelta(days=21)):
            election = services.election_open(
                actor=operator,
                committee=phone,
                seats_to_fill=phone.seats,
                candidacy_closes_at=now - timedelta(days=14),
                voting_closes_at=now - timedelta(days=7),
            )
        for n, member in enumerate(candidates):
            with run.at(now - timedelta(days=20 - n * 0.7)):
                services.candidacy_submit(
                    member=member, election=election, statement=STATEMENTS[n % len(STATEMENTS)]
                )
        with run.at(now - timedelta(days=14)):
            election = services.election_start_voting(actor=operator, election=election)
        options = list(election.vote.options.values_list("pk", flat=True))
        for member in voters:
            order = options[:]
            rng.shuffle(order)
            order.sort(
                key=lambda o: rng.random() * (1 + options.index(o))
            )  # earlier candidates a little favoured
            with run.at(now - timedelta(days=14) + timedelta(hours=rng.uniform(0.5, 160))):
                votes.ballot_cast(member=member, vote=election.vote, option_ids=order[: rng.randint(1, 4)])
        with run.at(now - timedelta(days=7)):
            votes.vote_close(actor=operator, vote=election.vote)
        with run.at(now - timedelta(days=7) + timedelta(hours=1)):
            votes.vote_publish(actor=operator, vote=election.vote)
        with run.at(now - timedelta(days=6)):
            seated = len(services.election_seat(actor=operator, election=election))
    if phone and seated:
        _seed_backlog(phone, operator, rng, now)
    if car:
        services.election_open(
            actor=operator,
            committee=car,
            seats_to_fill=car.seats,
            candidacy_closes_at=now + timedelta(days=5),
            voting_closes_at=now + timedelta(days=12),
        )
    out.write(
        f"  user federation: {Committee.objects.count()} committees, {seated} phone committee members elected"
    )


NEEDS = [
    ("Filter pet hair in the camera's portrait mode", "Cat fur shows as a halo in portrait shots."),
    ("长焦夜景希望支持手动对焦", "夜里拍月亮时自动对焦经常失败，希望可以手动对焦。"),
    ("Show battery health in settings", "I want to see the battery's capacity after two years."),
    ("通知分组按应用折叠", "消息太多时希望按应用自动折叠。"),
]


def _seed_backlog(committee, operator, rng, now) -> None:
    """A backlog with support, and last quarter's meeting: agenda, minutes, decisions."""
    from fanrepublic.committees.selectors import current_seats

    User = get_user_model()
    chair = current_seats(committee).first().member
    fans = list(User.objects.filter(username__startswith="fan").order_by("pk")[:60])
    needs = []
    for n, (title, body) in enumerate(NEEDS):
        need = services.need_raise(
            member=fans[n], product_line=committee.product_line, title=title, body=body
        )
        for supporter in rng.sample(fans, 40 - 8 * n):
            services.need_support(member=supporter, need=need, support=True)
        needs.append(need)
    for need in needs[:3]:
        services.need_shortlist(actor=chair, need=need)
    meeting = services.meeting_schedule(
        actor=chair, committee=committee, quarter="2026 Q3", scheduled_at=now - timedelta(days=40)
    )
    for need in needs[:3]:
        services.agenda_add(actor=chair, meeting=meeting, need=need)
    services.meeting_record(
        actor=chair,
        meeting=meeting,
        minutes="**Present:** all five members and two engineers.\n\n1. Pet hair: a fix is planned.\n"
        "2. Manual focus for night telephoto: agreed.\n3. Battery health: in the next release.",
    )
    from fanrepublic.releases.models import ReleaseItem

    shipped = (
        ReleaseItem.objects.filter(release__product_line=committee.product_line, release__status="published")
        .order_by("-release__published_at")
        .first()
    )
    services.decision_record(
        actor=chair,
        meeting=meeting,
        need=needs[0],
        text="Engineering adds a fur-aware matting model.",
        follow_up="pending",
    )
    services.decision_record(
        actor=chair,
        meeting=meeting,
        need=needs[1],
        text="Manual focus goes into the camera roadmap.",
        follow_up="requirement",
        link="https://example.com/requirements/camera-manual-focus",
    )
    if shipped is not None:
        services.decision_record(
            actor=chair,
            meeting=meeting,
            need=needs[2],
            text="Battery health page ships next.",
            follow_up="release",
            release_item=shipped,
        )
    services.meeting_schedule(
        actor=chair, committee=committee, quarter="2026 Q4", scheduled_at=now + timedelta(days=20)
    )
