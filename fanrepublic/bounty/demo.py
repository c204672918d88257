"""Demo data for the bug bounty: the reward table, reports from demo fans against the
demo's released versions — valid and paid, duplicates that read alike, invalid ones, one
waiting for more information, and security reports (one private, one fixed and
disclosed). Everything goes through the services, so points, events and notifications
are real. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from fanrepublic.bounty import release_sources, services
from fanrepublic.bounty.models import BountyReport, RewardTier
from fanrepublic.releases.enums import ItemKind, ReleaseStatus
from fanrepublic.releases.models import Release
from fanrepublic.releases.services import release_create, release_item_add, release_publish

TIERS = {"low": 50, "medium": 150, "high": 500, "critical": 2000}
PHONE_CRITICAL = 3000

# product, title, steps, expected, actual, claimed, outcome, severity, days ago, security
REPORTS = [
    (
        "orange-15-pro",
        "切换到长焦镜头时相机闪退",
        "1. 打开相机\n2. 点击 5x 切换长焦",
        "平滑切换到长焦",
        "相机直接闪退回桌面",
        "high",
        "valid",
        "high",
        20,
        False,
    ),
    (
        "orange-15-pro",
        "Camera app crashes when switching to the telephoto lens",
        "1. Open the camera\n2. Tap 5x",
        "The telephoto lens opens",
        "The camera closes",
        "high",
        "duplicate",
        "",
        18,
        False,
    ),
    (
        "orange-15-pro",
        "Alarm does not ring after a restart overnight",
        "1. Set an alarm for 7:00\n2. Restart the phone",
        "The alarm rings at 7:00",
        "No sound, only a silent notification",
        "medium",
        "valid",
        "medium",
        15,
        False,
    ),
    (
        "orange-15-pro",
        "锁屏状态下可通过语音助手读取短信",
        "1. 锁屏\n2. 唤醒语音助手并说“读一下我的短信”",
        "要求先解锁",
        "未解锁即读出短信内容",
        "critical",
        "valid-private",
        "critical",
        9,
        True,
    ),
    (
        "orange-15-pro",
        "Wallpaper looks slightly blurry",
        "1. Set a photo as wallpaper",
        "Sharp wallpaper",
        "It looks a bit soft",
        "low",
        "invalid",
        "",
        12,
        False,
    ),
    (
        "orange-su7",
        "低温下续航显示跳变",
        "1. 室外 -10°C 停放一夜\n2. 启动车辆",
        "续航显示平稳",
        "续航从 420 km 跳到 300 km 再跳回",
        "medium",
        "valid",
        "medium",
        14,
        False,
    ),
    (
        "orange-su7",
        "Bluetooth key sometimes needs two tries to unlock",
        "1. Walk to the car with the phone in a pocket",
        "Unlocks on approach",
        "First pull does nothing; second pull unlocks",
        "medium",
        "needs_info",
        "",
        4,
        False,
    ),
    (
        "orange-home",
        "净化器定时关机后无法远程开机",
        "1. 设置 23:00 定时关机\n2. 第二天用 App 远程开机",
        "净化器开机",
        "App 显示离线",
        "medium",
        "valid",
        "high",
        11,
        False,
    ),
    (
        "orange-home",
        "Purifier goes offline after scheduled shutdown",
        "1. Schedule a shutdown\n2. Try to start it remotely",
        "It starts",
        "The app says it is offline",
        "medium",
        "duplicate",
        "",
        8,
        False,
    ),
    (
        "orange-band-9",
        "游泳模式下心率数据缺失",
        "1. 开启泳池游泳模式\n2. 游 30 分钟",
        "完整心率曲线",
        "中间 10 分钟无数据",
        "low",
        "valid",
        "low",
        16,
        False,
    ),
    (
        "orange-band-9",
        "Pairing code shown in notification preview on the lock screen",
        "1. Pair the band\n2. Look at the locked phone",
        "Code hidden on the lock screen",
        "The six-digit code is readable",
        "high",
        "valid-disclosed",
        "high",
        25,
        True,
    ),
    (
        "orange-band-9",
        "Step count doubles after a firmware update",
        "1. Update the band\n2. Walk 1,000 steps",
        "About 1,000 steps",
        "About 2,000 steps",
        "medium",
        "new",
        "",
        2,
        False,
    ),
]


def _ship_hotfix_and_disclose(run, *, judge, report, found_in) -> None:
    """The security team ships the fix in a hotfix release (publishing marks the report
    fixed, through the bounty's release-item source) and discloses the report after."""
    filed_at = report.created_at
    with run.at(filed_at + timedelta(days=1)):
        hotfix = release_create(
            actor=judge,
            product_line=found_in.product_line,
            version=f"{found_in.version}.1",
            planned_for=(filed_at + timedelta(days=4)).date(),
        )
        release_item_add(
            actor=judge,
            release=hotfix,
            source=release_sources.KEY,
            source_id=report.pk,
            title="Security fix: lock screen",
            title_zh="安全修复：锁屏",
            kind=ItemKind.FIX,
        )
    with run.at(filed_at + timedelta(days=4, hours=12)):
        release_publish(actor=judge, release=hotfix)
    with run.at(filed_at + timedelta(days=6)):
        report.refresh_from_db()
        services.report_disclose(actor=judge, report=report)


def seed(run) -> None:
    out = run.out
    if not RewardTier.objects.exists():
        for severity, points in TIERS.items():
            RewardTier.objects.create(severity=severity, points=points)
        phone = (
            Release.objects.filter(product_line__slug="orange-15-pro")
            .values_list("product_line", flat=True)
            .first()
        )
        if phone:
            RewardTier.objects.create(product_line_id=phone, severity="critical", points=PHONE_CRITICAL)
    if BountyReport.objects.exists():
        return
    User = get_user_model()
    triager = User.objects.filter(username="eng_lin").first()
    security = User.objects.filter(username="sec_gao").first() or triager
    fans = list(User.objects.filter(username__startswith="fan").order_by("username")[:40])
    if triager is None or not fans:
        return
    now = run.now
    originals = {}
    filed = valid = 0
    for n, (slug, title, steps, expected, actual, claimed, outcome, severity, days, is_security) in enumerate(
        REPORTS
    ):
        filed_at = now - timedelta(days=days)
        # Against the version members were running then.
        release = (
            Release.objects.filter(
                product_line__slug=slug, status=ReleaseStatus.PUBLISHED, published_at__lt=filed_at
            )
            .order_by("-published_at")
            .first()
        )
        if release is None:  # a young product: the report came in after its first release
            release = (
                Release.objects.filter(product_line__slug=slug, status=ReleaseStatus.PUBLISHED)
                .order_by("published_at")
                .first()
            )
            if release is None or release.published_at > now - timedelta(days=7):
                continue
            filed_at = release.published_at + timedelta(hours=12)
        reporter = User.objects.filter(username="mifan").first() if n == 0 else fans[(n * 7) % len(fans)]
        with run.at(filed_at):
            report = services.report_submit(
                reporter=reporter,
                release=release,
                title=title,
                steps=steps,
                expected=expected,
                actual=actual,
                claimed_severity=claimed,
                is_security=is_security,
            )
        filed += 1
        judge = security if is_security else triager
        # Triaged the next working day, as the desk does.
        with run.at(min(filed_at + timedelta(hours=18), now)):
            if outcome.startswith("valid"):
                services.report_triage(
                    actor=judge,
                    report=report,
                    status="valid",
                    severity=severity,
                    note="Reproduced, thank you!" if n % 2 else "已复现，感谢反馈！",
                )
                originals[slug] = report
                valid += 1
                if outcome == "valid-disclosed":
                    _ship_hotfix_and_disclose(run, judge=judge, report=report, found_in=release)
            elif outcome == "duplicate" and slug in originals:
                services.report_triage(
                    actor=judge,
                    report=report,
                    status="duplicate",
                    duplicate_of=originals[slug],
                    note="Same crash as the earlier report; following it there.",
                )
            elif outcome == "invalid":
                services.report_triage(
                    actor=judge,
                    report=report,
                    status="invalid",
                    note="This is expected with low-resolution photos.",
                )
            elif outcome == "needs_info":
                services.report_triage(
                    actor=judge,
                    report=report,
                    status="needs_info",
                    note="Which phone model and app version is the key on?",
                )
    out.write(f"  bug bounty: {filed} reports, {valid} judged valid and paid from the reward table")
