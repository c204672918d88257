"""Demo data for the fan parliament: a binding pricing vote already counted and published
with its outcome, an approval vote on the next OTA showing its running count, and a
ranked vote with hidden results. Ballots go through the services. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from fanrepublic.governance import services
from fanrepublic.governance.models import Vote
from fanrepublic.products.models import ProductLine


def seed(run) -> None:
    out = run.out
    if Vote.objects.exists():
        return
    User = get_user_model()
    operator = User.objects.filter(username="op_zhou").first()
    founder = User.objects.filter(username="founder_lei").first() or operator
    phone = ProductLine.objects.filter(slug="orange-15-pro").first()
    car = ProductLine.objects.filter(slug="orange-su7").first()
    if operator is None or phone is None or car is None:
        return
    rng = run.rng("governance")
    now = run.now
    voters = list(
        User.objects.filter(username__startswith="fan", trust_level__gte=1, is_active=True).order_by("pk")
    )

    # The pricing vote ran for a week and closed three days ago: each step at its moment.
    with run.at(now - timedelta(days=11)):
        price = services.vote_create(
            actor=operator,
            slug="orange-15-pro-price",
            question="What should the Orange 15 Pro cost?",
            question_zh="橙子 15 Pro 应该定价多少？",
            description=(
                "The fan parliament sets the launch price. Each price comes with the specs it pays for."
            ),
            description_zh="由米粉议会决定首发价格。每个价位对应相应的配置。",
            method="single",
            product_line=phone,
            min_trust_level=1,
            opens_at=now - timedelta(days=10),
            closes_at=now - timedelta(days=3),
            quorum=20,
            binding=True,
            secret=True,
            options=[
                {
                    "label": "2,999 yuan",
                    "label_zh": "2999 元",
                    "details": "12 GB + 256 GB, 5,000 mAh",
                    "details_zh": "12GB + 256GB，5000 mAh",
                },
                {
                    "label": "3,299 yuan",
                    "label_zh": "3299 元",
                    "details": "16 GB + 512 GB, 5,000 mAh",
                    "details_zh": "16GB + 512GB，5000 mAh",
                },
                {
                    "label": "3,599 yuan",
                    "label_zh": "3599 元",
                    "details": "16 GB + 1 TB, 5,500 mAh, satellite calls",
                    "details_zh": "16GB + 1TB，5500 mAh，卫星通话",
                },
            ],
        )
    with run.at(now - timedelta(days=10)):
        price = services.vote_open(actor=operator, vote=price)
    ids = list(price.options.values_list("pk", flat=True))
    for member in voters:
        roll = rng.random()
        choice = [] if roll < 0.06 else [ids[0] if roll < 0.58 else ids[1] if roll < 0.86 else ids[2]]
        with run.at(now - timedelta(days=10) + timedelta(hours=rng.uniform(0.5, 160))):
            services.ballot_cast(member=member, vote=price, option_ids=choice, abstain=not choice)
    with run.at(now - timedelta(days=3)):
        services.vote_close(actor=operator, vote=price)
    with run.at(now - timedelta(days=3) + timedelta(hours=1)):
        services.vote_publish(actor=operator, vote=price)
    with run.at(now - timedelta(days=2)):
        services.outcome_record(
            actor=founder,
            vote=price,
            outcome="Launch price set to 2,999 yuan.",
            outcome_zh="首发价格定为 2999 元。",
        )

    with run.at(now - timedelta(days=1, hours=1)):
        ota = services.vote_create(
            actor=operator,
            slug="su7-next-ota",
            question="Which features should the next SU7 OTA bring?",
            question_zh="下一次 SU7 OTA 应该带来哪些功能？",
            method="approval",
            product_line=car,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=6),
            hide_results=False,
            secret=False,
            options=[
                {"label": "Pet mode with cabin camera", "label_zh": "带座舱摄像头的宠物模式"},
                {"label": "Winter range forecast", "label_zh": "冬季续航预测"},
                {"label": "Karaoke in the rear seats", "label_zh": "后排 K 歌"},
                {"label": "Trailer mode", "label_zh": "拖挂模式"},
            ],
        )
    with run.at(now - timedelta(days=1)):
        ota = services.vote_open(actor=operator, vote=ota)
    ota_ids = list(ota.options.values_list("pk", flat=True))
    for member in voters[: len(voters) // 3]:
        picks = [o for o in ota_ids if rng.random() < (0.7, 0.6, 0.2, 0.3)[ota_ids.index(o)]] or [ota_ids[1]]
        with run.at(now - timedelta(hours=rng.uniform(0.1, 23.5))):
            services.ballot_cast(member=member, vote=ota, option_ids=picks)

    with run.at(now - timedelta(hours=7)):
        colour = services.vote_create(
            actor=operator,
            slug="band-9-colour-name",
            question="Name the new Band 9 colour",
            question_zh="为手环 9 的新配色命名",
            method="irv",
            opens_at=now - timedelta(hours=6),
            closes_at=now + timedelta(days=3),
            options=[
                {"label": "Sunrise Orange", "label_zh": "朝霞橙"},
                {"label": "Lake Blue", "label_zh": "湖光蓝"},
                {"label": "Tea Green", "label_zh": "茶青"},
            ],
        )
    with run.at(now - timedelta(hours=6)):
        colour = services.vote_open(actor=operator, vote=colour)
    colour_ids = list(colour.options.values_list("pk", flat=True))
    for member in voters[:20]:
        order = colour_ids[:]
        rng.shuffle(order)
        with run.at(now - timedelta(hours=rng.uniform(0.1, 5.5))):
            services.ballot_cast(member=member, vote=colour, option_ids=order[: rng.randint(1, 3)])
    out.write(f"  fan parliament: 3 votes, {price.ballots.count()} ballots in the published pricing vote")
