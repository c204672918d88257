"""Demo data for the launch hall: last month's phone launch with its answered questions,
the car launch live now (one question open, the member `mifan` not yet in the hall), and
next week's event on the schedule. Through the services. Idempotent."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.launches import services
from fanrepublic.launches.models import LaunchEvent, LiveQuestion
from fanrepublic.products.models import ProductLine

PHONE_QUESTIONS = [
    (
        "Which colour should lead the launch?",
        "哪个配色应该作为主打？",
        [("Titanium grey", "钛金灰"), ("Orange", "橙色"), ("Ink black", "墨黑")],
    ),
    (
        "Would you pre-order tonight?",
        "今晚你会预订吗？",
        [("Yes", "会"), ("Maybe", "看看再说"), ("No", "不会")],
    ),
    (
        "Which feature surprised you most?",
        "哪项功能最让你惊喜？",
        [("Night telephoto", "夜景长焦"), ("Battery", "续航"), ("Satellite messages", "卫星消息")],
    ),
]
CAR_QUESTIONS = [
    (
        "Which interior would you choose?",
        "你会选哪种内饰？",
        [("Orange", "橙色"), ("Grey", "灰色"), ("Black", "黑色")],
    ),
    (
        "What matters most in a performance car?",
        "性能车你最看重什么？",
        [("Track time", "圈速"), ("Range", "续航"), ("Comfort", "舒适")],
    ),
    (
        "Should the track pack be standard?",
        "赛道套件应该标配吗？",
        [("Yes", "应该"), ("No, optional", "选装就好")],
    ),
    ("Name the next colour", "下一个配色叫什么？", [("Sunset", "日落"), ("Glacier", "冰川")]),
]


def _ask(host, event, prompt, prompt_zh, options):
    return services.question_add(
        actor=host,
        event=event,
        prompt=prompt,
        prompt_zh=prompt_zh,
        options=[{"label": en, "label_zh": zh} for en, zh in options],
    )


def _answer(event, question, members, rng, weights):
    options = list(question.options.values_list("pk", flat=True))
    ballots = [(m.pk, rng.choices(options, weights=weights[: len(options)])[0]) for m in members]
    services.cast_batch(event=event, question_id=question.pk, ballots=ballots)


def seed(run) -> None:
    out = run.out
    if LaunchEvent.objects.exists():
        return
    User = get_user_model()
    host = User.objects.filter(username="op_zhou").first()
    if host is None:
        return
    rng = random.Random(19)
    now = timezone.now().replace(second=0, microsecond=0)
    fans = list(User.objects.filter(username__startswith="fan", is_active=True).order_by("pk"))
    phone = ProductLine.objects.filter(slug="orange-15-pro").first()
    car = ProductLine.objects.filter(slug="orange-su7").first()

    # Last month: the phone launch, every question answered and closed.
    start = now - timedelta(days=30)
    past = services.event_create(
        actor=host,
        slug="orange-15-pro-launch",
        title="Orange 15 Pro launch",
        title_zh="橙子 15 Pro 发布会",
        description="The phone launch streamed to the community, with the hall voting live.",
        description_zh="与社区一起直播的手机发布会，会场实时投票。",
        product_line=phone,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        schedule=[
            {"starts_at": start, "title": "Welcome", "title_zh": "开场"},
            {"starts_at": start + timedelta(minutes=20), "title": "Camera", "title_zh": "影像"},
            {"starts_at": start + timedelta(minutes=60), "title": "Price", "title_zh": "价格"},
        ],
    )
    services.event_start(actor=host, event=past)
    hall = fans[:180]
    for member in hall:
        services.join(member=member, event=past)
    for prompt, prompt_zh, options in PHONE_QUESTIONS:
        question = services.question_open(actor=host, question=_ask(host, past, prompt, prompt_zh, options))
        _answer(past, question, rng.sample(hall, min(len(hall), rng.randint(120, 170))), rng, [5, 3, 2])
        services.question_close(actor=host, question=question)
    services.event_end(actor=host, event=past)

    # Now: the car launch, one question answered, one open, the rest to come.
    start = now - timedelta(minutes=25)
    live = services.event_create(
        actor=host,
        slug="orange-su7-ultra-launch",
        title="Orange SU7 Ultra launch",
        title_zh="橙子 SU7 Ultra 发布会",
        description="Live now: join the hall, answer the host's questions and watch the counts move.",
        description_zh="正在直播：进入会场，回答主持人的问题，看着票数实时变化。",
        product_line=car,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        schedule=[
            {"starts_at": start, "title": "Welcome", "title_zh": "开场"},
            {"starts_at": start + timedelta(minutes=15), "title": "Track lap", "title_zh": "赛道圈速"},
            {"starts_at": start + timedelta(minutes=45), "title": "Interior", "title_zh": "内饰"},
            {
                "starts_at": start + timedelta(minutes=80),
                "title": "Price and delivery",
                "title_zh": "价格与交付",
            },
        ],
    )
    services.event_start(actor=host, event=live)
    hall = [m for m in fans[40:140] if m.username != "mifan"]
    for member in hall:
        services.join(member=member, event=live)
    questions = [_ask(host, live, *q) for q in CAR_QUESTIONS]
    first = services.question_open(actor=host, question=questions[0])
    _answer(live, first, rng.sample(hall, min(len(hall), 85)), rng, [6, 2, 3])
    services.question_close(actor=host, question=first)
    second = services.question_open(actor=host, question=questions[1])
    _answer(live, second, rng.sample(hall, min(len(hall), 47)), rng, [3, 4, 2])

    # Next week: the tablet launch, on the schedule.
    start = (now + timedelta(days=7)).replace(hour=19, minute=30)
    services.event_create(
        actor=host,
        slug="orange-pad-launch",
        title="Orange Pad launch",
        title_zh="橙子平板发布会",
        description="Next week: a tablet made with the community's needs backlog.",
        description_zh="下周：一款根据社区需求清单打造的平板。",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        schedule=[{"starts_at": start, "title": "Welcome", "title_zh": "开场"}],
    )
    out.write(
        f"  launch hall: 3 events, {LiveQuestion.objects.count()} questions, "
        f"one live now at /launches/{live.slug}/"
    )
