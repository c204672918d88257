"""The open-source programme's part of the demo (a DemoStep in capability.py): the
navigation code opened on GitHub and the app's translations on Gitee, the contributor
licence agreement, and a season of contributions fed through the real webhook path —
deliveries signed with each repository's secret, as the hosts send them. Fans link their
accounts with a code in a pull request, accept the agreement (two have not yet: their
merged work waits), get pull requests merged and reviewed; the first outside
contributors become numbered Academicians, the student's congestion prediction ships in
a navigation release, a translation is approved and a design waits for a maintainer.
Merged pull requests pay points through an earning rule that trusts the git hosts'
integrations only; one forged delivery is refused and logged."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from fanrepublic.members.demo import demo_accounts
from fanrepublic.points.models import EarningRule
from fanrepublic.points.rules import rules_changed
from fanrepublic.products.models import ProductLine
from fanrepublic.releases.enums import ItemKind
from fanrepublic.releases.services import release_create, release_item_add, release_publish

from . import release_sources, samples
from .enums import Host
from .models import Contribution, LicenceAgreement, Repository
from .services import (
    MERGED_VERB,
    account_link_start,
    agreement_accept,
    agreement_publish,
    contribution_decide,
    contribution_submit,
    delivery_receive,
    host_integration,
    repository_open,
)

CLA_EN = (
    "1. You grant Orange and everyone who receives the software a perpetual, worldwide, "
    "royalty-free licence to use, change and distribute your contribution under the project's "
    "licence.\n2. You wrote the contribution, or have the right to give it under these terms.\n"
    "3. You keep the copyright of your contribution; your name stays in the history."
)
CLA_ZH = (
    "1. 您授予橙子品牌及软件的所有接收者永久、全球、免版税的许可，按项目许可证使用、修改和分发您的贡献。\n"
    "2. 贡献由您本人创作，或您有权按本条款提供。\n3. 您保留贡献的著作权；您的名字留在提交历史中。"
)
# (login, pull requests merged, days ago of the first, accepts the CLA)
CONTRIBUTORS = [
    ("xiaoming-dev", 3, 150, True),
    ("lihua", 2, 140, True),
    ("zhang-wei", 4, 130, True),
    ("chenjing", 1, 120, True),
    ("wangfang", 2, 110, True),
    ("liuyang", 1, 100, True),
    ("zhaolei", 1, 90, True),
    ("sunli", 2, 80, True),
    ("zhouxin", 1, 70, True),
    ("wuhao", 1, 60, True),
    ("qianyu", 1, 50, False),
    ("hejun", 1, 40, False),
]
TITLES = [
    "Congestion prediction from the last 15 minutes of speeds",
    "Fix the lane guidance arrow at forked exits",
    "Cache map tiles along the planned route",
    "Speed camera alerts: read the limit aloud",
    "Charging stops: prefer stations with free chargers",
    "Night mode follows sunset at the car's position",
    "Reroute when a road closure is reported",
    "Tests for the route-cost function",
    "Parking: remember where the car was left",
    "Voice prompts in Cantonese",
]


def _post(repository, event: str, payload: dict) -> int:
    """A delivery through the webhook's own path: signature, replay and repository checks."""
    headers, body = samples.signed(repository, event, payload)
    status, _word = delivery_receive(repository_id=repository.pk, headers=headers, body=body)
    return status


# The car's releases in the demo's eight weeks are 1.6.x; the student's change shipped
# months before them.
CONGESTION_RELEASE = "1.5.8"


def _when(run, days: float, number: int):
    """A moment `days` ago, a few minutes apart per pull request, so no two deliveries
    share Gitee's signed timestamp (its replay key)."""
    return run.at(run.now - timedelta(days=days) + timedelta(minutes=number))


def _ship_the_congestion_prediction(run, *, engineer, navigation) -> None:
    """The student's merged change ships in a navigation point release of the car, planned
    from the release workbench's open-source source like any other item: publishing it
    puts the release on the student's profile."""
    change = Contribution.objects.filter(title=TITLES[0], git_login="xiaoming-dev", state="merged").first()
    line = navigation.product_line
    if change is None or line is None:
        return
    day = timezone.localdate(change.merged_at) + timedelta(days=8)
    with run.at(change.merged_at + timedelta(days=1)):
        release = release_create(
            actor=engineer, product_line=line, version=CONGESTION_RELEASE, planned_for=day
        )
        release_item_add(
            actor=engineer,
            release=release,
            source=release_sources.KEY,
            source_id=change.pk,
            title_zh="根据最近 15 分钟车速预测拥堵",
            kind=ItemKind.IMPROVEMENT,
        )
    with run.at(timezone.make_aware(datetime.combine(day, time(hour=20)))):
        release_publish(actor=engineer, release=release)


def seed(run) -> None:
    if Repository.objects.exists():
        return
    accounts = demo_accounts()
    engineer = accounts.filter(username="eng_lin").first()
    fans = list(accounts.filter(username__startswith="fan").order_by("username"))
    if engineer is None or len(fans) < len(CONTRIBUTORS) + 3:
        return
    rng = run.rng("opensource")
    start = run.now - timedelta(days=180)
    with run.at(start):
        agreement_publish(actor=engineer, body=CLA_EN, body_zh=CLA_ZH)
        navigation = repository_open(
            actor=engineer,
            host=Host.GITHUB,
            full_name="orange-auto/navigation",
            description="The car's navigation engine, opened to the community",
            description_zh="车机导航引擎，向社区开放",
            product_line=ProductLine.objects.filter(slug="orange-su7").first(),
            maintainers=[engineer],
        )
        i18n = repository_open(
            actor=engineer,
            host=Host.GITEE,
            full_name="orange-auto/app-i18n",
            description="Translations of the Orange app",
            description_zh="橙子 App 的多语言翻译",
            maintainers=[engineer, fans[0]],
        )
        rule = EarningRule.objects.create(
            name="Merged pull request",
            name_zh="合并的拉取请求",
            verb=MERGED_VERB,
            points=500,
            pays_platform_events=False,  # only the hosts' signed webhooks are believed
        )
        rule.trusted_integrations.set([host_integration(Host.GITHUB), host_integration(Host.GITEE)])
        rules_changed()
    agreement = LicenceAgreement.objects.get()
    contributors = rng.sample(fans[3:], len(CONTRIBUTORS))
    number = 100
    with transaction.atomic():
        for (login, merges, days, accepts), member in zip(CONTRIBUTORS, contributors, strict=True):
            account_id = 80_000 + number
            repository = navigation if number % 3 else i18n
            with _when(run, days, number):
                code = account_link_start(member=member, host=repository.host)
                number += 1
                event, payload = samples.pull_request(
                    repository=repository,
                    number=number,
                    title=rng.choice(TITLES[1:]),
                    author=(login, account_id),
                    body=f"First contribution. Linking my account: {code}",
                )
                _post(repository, event, payload)
                if accepts:
                    agreement_accept(member=member, version=agreement.version, digest=agreement.digest)
            for merge in range(merges):
                number += 1
                with _when(run, days - 3 - 9 * merge, number):
                    # The congestion prediction is the student's; the others pick from the rest.
                    title = TITLES[0] if login == "xiaoming-dev" and merge == 0 else rng.choice(TITLES[1:])
                    event, payload = samples.pull_request(
                        repository=repository,
                        number=number,
                        title=title,
                        author=(login, account_id),
                        sender=("eng-lin", 1),
                        merged_at=run.now - timedelta(days=days - 3 - 9 * merge),
                    )
                    _post(repository, event, payload)
            if login in ("lihua", "zhang-wei") and repository.host == Host.GITHUB:
                with _when(run, days - 20, number):
                    event, payload = samples.review(
                        repository=repository,
                        number=number,
                        title="Review",
                        author=("xiaoming-dev", 80_100),
                        reviewer=(login, account_id),
                        review_id=number * 7,
                    )
                    _post(repository, event, payload)
        # A forged delivery (someone guessing the address): refused and logged.
        delivery_receive(
            repository_id=navigation.pk,
            headers={
                "X-GitHub-Event": "pull_request",
                "X-GitHub-Delivery": "forged-1",
                "X-Hub-Signature-256": "sha256=" + "0" * 64,
            },
            body=b'{"action": "closed"}',
            remote_addr="203.0.113.9",
            network="203.0.113.0/24",
        )
        _ship_the_congestion_prediction(run, engineer=engineer, navigation=navigation)
        translator, designer = fans[1], fans[2]
        for member in (translator, designer):
            agreement_accept(member=member, version=agreement.version, digest=agreement.digest)
        with run.at(run.now - timedelta(days=12)):
            work = contribution_submit(
                member=translator,
                repository=i18n,
                kind="translation",
                title="Japanese translation of the charging screens",
                url="https://gitee.com/orange-auto/app-i18n/tree/master/ja",
                description="All 214 strings of the charging flow, checked on a real car.",
            )
        with run.at(run.now - timedelta(days=10)):
            contribution_decide(actor=engineer, contribution=work, approve=True)
        with run.at(run.now - timedelta(days=2)):
            contribution_submit(
                member=designer,
                repository=navigation,
                kind="design",
                title="Icons for the congestion overlay",
                url="https://www.figma.com/file/orange-congestion-icons",
                description="Three weights, light and dark.",
            )
    run.report(
        "Open source: contributions counted", Contribution.objects.filter(counted_at__isnull=False).count()
    )
