import factory
from django.utils import timezone

from fanrepublic.bounty.enums import Severity
from fanrepublic.bounty.models import BountyReport, ReportAttachment, ReportMessage, RewardTier
from fanrepublic.bounty.similarity import words
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.releases.enums import ReleaseStatus
from fanrepublic.releases.tests.factories import ReleaseFactory


class RewardTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardTier
        django_get_or_create = ("product_line", "severity")

    product_line = None
    severity = Severity.HIGH
    points = 500


class PublishedReleaseFactory(ReleaseFactory):
    status = ReleaseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class BountyReportFactory(factory.django.DjangoModelFactory):
    """A stored report, bypassing services (for pages and selectors)."""

    class Meta:
        model = BountyReport

    release = factory.SubFactory(PublishedReleaseFactory)
    product_line = factory.LazyAttribute(lambda o: o.release.product_line)
    reporter = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Camera crashes when switching lenses {n}")
    steps = "1. Open the camera\n2. Switch to the telephoto lens"
    expected = "The lens switches"
    actual = "The camera app crashes"
    claimed_severity = Severity.HIGH
    search_document = factory.LazyAttribute(lambda o: words(o.title, o.actual))


class ReportMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportMessage

    report = factory.SubFactory(BountyReportFactory)
    author = factory.SubFactory(MemberFactory)
    body = "Which build number?"
    body_html = "<p>Which build number?</p>"


class ReportAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportAttachment

    report = factory.SubFactory(BountyReportFactory)
    image = factory.django.ImageField(filename="crash.png", format="PNG")
    content_type = "image/png"
