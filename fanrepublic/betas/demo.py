"""Demo data for closed betas: a car's winter calibration test in progress (selected by
ranking and a public draw, NDA signed, test plan, reviewed reports), a phone camera beta
taking applications, and a finished band beta whose testers hold their perk. Everything
goes through the services. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fanrepublic.betas import services
from fanrepublic.betas.models import Application, BetaProgramme
from fanrepublic.products.models import ProductLine

REPORTS = [
    (
        "续航估算在低温过夜后跳变",
        "室外 -15°C 停放一夜后启动车辆，观察续航",
        "续航显示平稳",
        "从 420 km 跳到 310 km 又回到 400 km",
        "medium",
    ),
    (
        "Heat pump rattles at -20 °C",
        "Start the car after a night at -20 °C, set cabin to 22 °C",
        "Quiet heating",
        "A rattle for two minutes",
        "low",
    ),
    (
        "方向盘加热在 -25°C 下启动慢",
        "冷车启动后立即开启方向盘加热",
        "两分钟内变暖",
        "五分钟后才有温度",
        "low",
    ),
]


def _programme(slug, line, creator, **fields):
    return services.programme_save(
        actor=creator, programme=BetaProgramme(slug=slug, product_line=line, created_by=creator, **fields)
    )


def seed(run) -> None:
    out = run.out
    if BetaProgramme.objects.exists():
        return
    User = get_user_model()
    operator = User.objects.filter(username="op_zhou").first()
    engineer = User.objects.filter(username="eng_wang").first() or operator
    car = ProductLine.objects.filter(slug="orange-su7").first()
    phone = ProductLine.objects.filter(slug="orange-15-pro").first()
    band = ProductLine.objects.filter(slug="orange-band-9").first()
    if operator is None or not (car and phone and band):
        return
    now = run.now
    today = timezone.localdate(now)
    fans = list(
        User.objects.filter(username__startswith="fan", trust_level__gte=1, is_active=True).order_by(
            "-reputation"
        )[:24]
    )
    mifan = User.objects.filter(username="mifan").first()
    if mifan:
        fans.insert(0, mifan)

    # 1. The winter test: applications taken, seats filled, NDA signed, testing under way.
    with run.at(now - timedelta(days=13)):
        winter = _programme(
            "su7-winter-calibration",
            car,
            operator,
            name="SU7 winter calibration test",
            name_zh="SU7 冬季标定测试",
            summary=(
                "Drive your SU7 through a northern winter and help us calibrate range, heating and charging."
            ),
            summary_zh="开着你的 SU7 度过北方的冬天，帮我们标定续航、热管理和充电表现。",
            brief="Build 1.7 brings a new heat-pump strategy. Log range before and after cold nights.",
            brief_zh="1.7 版本带来全新热泵策略。请记录低温过夜前后的续航变化。",
            nda="Everything in this test is confidential until launch. Do not post screenshots or numbers.",
            nda_zh="本测试中的一切内容在发布前均需保密，请勿发布截图或数据。",
            capacity=8,
            ranked_seats=3,
            rank_by="trust",
            min_trust_level=1,
            applications_close_at=now - timedelta(days=4),
            starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=40),
            completion_perk="Lifetime free OTA upgrades",
            completion_perk_zh="终身免费 OTA 升级",
        )
        services.question_add(
            actor=operator,
            programme=winter,
            prompt="Where will you drive this winter?",
            prompt_zh="这个冬天你在哪里用车？",
        )
        services.question_add(
            actor=operator,
            programme=winter,
            prompt="Do you park outdoors overnight?",
            prompt_zh="你晚上把车停在室外吗？",
            kind="yes_no",
        )
    with run.at(now - timedelta(days=12)):
        winter = services.programme_open(actor=operator, programme=winter)
    questions = list(winter.questions.all())
    for n, fan in enumerate(fans[:16]):
        answers = {
            f"q{questions[0].pk}": ["哈尔滨", "Changchun", "乌鲁木齐", "Hohhot"][n % 4],
            f"q{questions[1].pk}": "yes" if n % 3 else "no",
        }
        if not services.eligibility(fan, winter):
            with run.at(now - timedelta(days=12) + timedelta(hours=6 + n * 9)):
                services.application_submit(member=fan, programme=winter, answers=answers)
    invited = Application.objects.filter(programme=winter, member=mifan).first() if mifan else None
    if invited is not None:  # the demo member gets a seat, so the confidential side can be shown
        with run.at(now - timedelta(days=5)):
            services.application_decide(actor=operator, application=invited, status="selected")
    with run.at(now - timedelta(days=4) + timedelta(hours=1)):
        winter.refresh_from_db()
        services.selection_run(actor=operator, programme=winter)
        plan = services.plan_add(actor=engineer, programme=winter, title="Cold nights", title_zh="低温过夜")
        for title, title_zh in [
            ("Log range before and after a night below -10 °C", "记录 -10°C 以下过夜前后的续航"),
            ("Fast-charge a cold battery", "冷电池快充"),
            ("Heat the cabin from the app before leaving", "出发前用 App 预热座舱"),
        ]:
            services.task_add(actor=engineer, plan=plan, title=title, title_zh=title_zh)
    testers = list(winter.applications.filter(status="selected").select_related("member"))
    tasks = list(plan.tasks.all())
    for n, application in enumerate(testers):
        if n == len(testers) - 1:
            continue  # one tester has not signed yet
        with run.at(now - timedelta(days=3, hours=-n)):
            services.nda_accept(member=application.member, programme=winter)
        if n < len(REPORTS):
            title, steps, expected, actual, severity = REPORTS[n]
            with run.at(now - timedelta(days=2, hours=-3 * n)):
                report = services.report_submit(
                    tester=application.member,
                    programme=winter,
                    task=tasks[n % len(tasks)],
                    title=title,
                    steps=steps,
                    expected=expected,
                    actual=actual,
                    severity=severity,
                    device="SU7 Max",
                    build="1.7.0-beta.3",
                )
            with run.at(now - timedelta(days=1, hours=-n)):
                if n == 0:
                    services.report_review(actor=engineer, report=report, decision="approved")
                elif n == 1:
                    services.report_review(
                        actor=engineer,
                        report=report,
                        decision="changes_requested",
                        note="Which cabin temperature did you set?",
                    )

    # 2. A phone camera beta taking applications now.
    camera = _programme(
        "orange-15-pro-camera-beta",
        phone,
        operator,
        name="Orange 15 Pro camera beta",
        name_zh="橙子 15 Pro 影像内测",
        summary="Try the new night mode and telephoto portrait before everyone else.",
        summary_zh="抢先体验全新夜景模式和长焦人像。",
        brief="The new night mode ships in developer build 2.1.",
        brief_zh="新夜景模式将在开发版 2.1 推送。",
        nda="Confidential until launch.",
        nda_zh="发布前保密。",
        capacity=200,
        ranked_seats=50,
        rank_by="contribution",
        min_trust_level=2,
        applications_close_at=now + timedelta(days=6),
        starts_on=today + timedelta(days=8),
        ends_on=today + timedelta(days=38),
        completion_perk="Early access to every camera update",
        completion_perk_zh="所有影像更新抢先体验",
    )
    services.question_add(
        actor=operator,
        programme=camera,
        prompt="What do you photograph most?",
        prompt_zh="你最常拍什么？",
        kind="choice",
        choices=["People", "Night scenes", "Pets", "Travel"],
    )
    camera = services.programme_open(actor=operator, programme=camera)

    # 3. A finished band beta: completed testers hold their perk.
    with run.at(now - timedelta(days=76)):
        sleep = _programme(
            "band-9-sleep-beta",
            band,
            operator,
            name="Band 9 sleep tracking beta",
            name_zh="手环 9 睡眠监测内测",
            summary="Sleep with the new sleep-stage model and compare it with how you felt.",
            summary_zh="佩戴新睡眠分期模型入睡，对比你的真实感受。",
            brief="Sleep-stage model v3.",
            brief_zh="睡眠分期模型 v3。",
            nda="Confidential until launch.",
            nda_zh="发布前保密。",
            capacity=4,
            ranked_seats=0,
            min_trust_level=0,
            applications_close_at=now - timedelta(days=62),
            starts_on=today - timedelta(days=60),
            ends_on=today - timedelta(days=20),
            completion_perk="Free band strap of your choice",
            completion_perk_zh="任选一条免费表带",
        )
    with run.at(now - timedelta(days=75)):
        sleep = services.programme_open(actor=operator, programme=sleep)
    for n, fan in enumerate(fans[16:22]):
        with run.at(now - timedelta(days=74 - n)):
            services.application_submit(member=fan, programme=sleep, answers={})
    with run.at(now - timedelta(days=62) + timedelta(hours=1)):
        sleep.refresh_from_db()
        services.selection_run(actor=operator, programme=sleep)
    for n, application in enumerate(sleep.applications.filter(status="selected").select_related("member")):
        with run.at(now - timedelta(days=61, hours=-n)):
            services.nda_accept(member=application.member, programme=sleep)
        with run.at(now - timedelta(days=40, hours=-n)):
            report = services.report_submit(
                tester=application.member,
                programme=sleep,
                title="Deep sleep looks too short",
                steps="Wear the band for a week of nights",
                expected="Deep sleep near what I felt",
                actual="Deep sleep shown as 20 minutes",
                severity="low",
                device="Band 9",
                build="1.4.5-beta.1",
            )
        with run.at(now - timedelta(days=39, hours=-n)):
            services.report_review(actor=engineer, report=report, decision="approved")
    with run.at(now - timedelta(days=19)):
        completed = services.programme_finish(actor=operator, programme=sleep)
    out.write(
        f"  closed betas: 3 programmes, {Application.objects.count()} applications, "
        f"{completed} testers completed the band beta"
    )
