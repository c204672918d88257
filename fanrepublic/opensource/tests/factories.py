import factory
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory

from ..models import (
    Contribution,
    GitAccount,
    LicenceAcceptance,
    LicenceAgreement,
    Repository,
    Title,
    WebhookDelivery,
)


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository

    host = "github"
    full_name = factory.Sequence(lambda n: f"orange/repo-{n}")
    description = "Navigation for the SU7"
    webhook_secret = factory.Sequence(lambda n: f"secret-{n}-0123456789abcdef")


class LicenceAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceAgreement

    version = factory.Sequence(lambda n: n + 100)
    body = "You license your contribution under the project's licence."
    body_zh = "您以项目许可证授权您的贡献。"
    created_by = factory.SubFactory(MemberFactory)
    created_at = factory.LazyFunction(timezone.now)


class LicenceAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceAcceptance

    member = factory.SubFactory(MemberFactory)
    agreement = factory.SubFactory(LicenceAgreementFactory)
    accepted_at = factory.LazyFunction(timezone.now)


class GitAccountFactory(factory.django.DjangoModelFactory):
    """A verified link (real ones are verified by a signed delivery carrying a code)."""

    class Meta:
        model = GitAccount

    member = factory.SubFactory(MemberFactory)
    host = "github"
    login = factory.Sequence(lambda n: f"dev{n}")
    account_id = factory.Sequence(lambda n: str(10_000 + n))
    verified_at = factory.LazyFunction(timezone.now)


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    host = "github"
    repository = factory.SubFactory(RepositoryFactory)
    delivery_id = factory.Sequence(lambda n: f"guid-{n}")
    event = "pull_request"
    outcome = "accepted"


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    repository = factory.SubFactory(RepositoryFactory)
    kind = "code"
    state = "merged"
    member = factory.SubFactory(MemberFactory)
    host_object_id = factory.Sequence(lambda n: str(n + 1))
    number = factory.Sequence(lambda n: n + 1)
    title = "Congestion prediction"
    url = "https://github.com/orange/navigation/pull/1"
    merged_at = factory.LazyFunction(timezone.now)
    counted_at = factory.LazyFunction(timezone.now)


class TitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Title

    member = factory.SubFactory(MemberFactory)
    rank = "contributor"
    awarded_at = factory.LazyFunction(timezone.now)
