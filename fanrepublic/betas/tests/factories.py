from datetime import timedelta

import factory
from django.utils import timezone

from fanrepublic.betas.enums import ProgrammeStatus
from fanrepublic.betas.models import (
    Application,
    ApplicationQuestion,
    BetaProgramme,
    Entitlement,
    TestPlan,
    TestReport,
    TestReportAttachment,
    TestTask,
)
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.products.tests.factories import ProductLineFactory


class BetaProgrammeFactory(factory.django.DjangoModelFactory):
    """A stored programme, bypassing services; `open=True` gives it a seed and opens it."""

    class Meta:
        model = BetaProgramme

    class Params:
        open = factory.Trait(
            status=ProgrammeStatus.OPEN, seed="5eed" * 8, seed_published_at=factory.LazyFunction(timezone.now)
        )

    product_line = factory.SubFactory(ProductLineFactory)
    slug = factory.Sequence(lambda n: f"winter-test-{n}")
    name = "Winter calibration test"
    name_zh = "冬季标定测试"
    summary = "Drive in the cold and tell us how the range estimate behaves."
    nda = "Do not share anything you see in this test."
    capacity = 3
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=40))
    created_by = factory.SubFactory(MemberFactory)


class ApplicationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationQuestion

    programme = factory.SubFactory(BetaProgrammeFactory)
    prompt = "Where do you drive in winter?"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(BetaProgrammeFactory)
    member = factory.SubFactory(MemberFactory)


class TestPlanFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestPlan

    programme = factory.SubFactory(BetaProgrammeFactory)
    title = "Cold start"


class TestTaskFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestTask

    plan = factory.SubFactory(TestPlanFactory)
    title = "Start the car after a night at -10 °C"


class TestReportFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestReport

    programme = factory.SubFactory(BetaProgrammeFactory)
    tester = factory.SubFactory(MemberFactory)
    title = "Range estimate jumps after a cold night"
    steps = "Park outside overnight at -10 °C, start the car."
    expected = "A stable estimate"
    actual = "It jumps from 420 to 300 km"
    severity = "medium"
    device = "SU7 Max"
    build = "1.6.8"


class TestReportAttachmentFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestReportAttachment

    report = factory.SubFactory(TestReportFactory)
    image = factory.django.ImageField(filename="dash.png", format="PNG")
    content_type = "image/png"


class EntitlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entitlement

    member = factory.SubFactory(MemberFactory)
    programme = factory.SubFactory(BetaProgrammeFactory)
    name = "Lifetime free OTA upgrades"
