import factory
from django.contrib.auth.models import Group

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import ApiToken, MemberStats, ReputationEntry, User


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"fan{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.django.Password("pass-word-123")
    language = "en"

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=extracted)
            self.groups.add(group)
            self.__dict__.pop("staff_roles", None)


def engineer(**kwargs):
    return MemberFactory(role=StaffRole.ENGINEER, **kwargs)


def operator(**kwargs):
    return MemberFactory(role=StaffRole.OPERATOR, **kwargs)


def founder(**kwargs):
    return MemberFactory(role=StaffRole.FOUNDER, **kwargs)


def store_manager(**kwargs):
    return MemberFactory(role=StaffRole.STORE_MANAGER, **kwargs)


def legal(**kwargs):
    return MemberFactory(role=StaffRole.LEGAL, **kwargs)


def security(**kwargs):
    return MemberFactory(role=StaffRole.SECURITY, **kwargs)


class MemberStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberStats

    member = factory.SubFactory(MemberFactory)
    days_visited = 3
    topics_read = 10


class ReputationEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReputationEntry

    member = factory.SubFactory(MemberFactory)
    delta = 1
    reason = "like"
    source = factory.Sequence(lambda n: f"test:{n}")


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    owner = factory.SubFactory(MemberFactory)
    name = "script"
    prefix = factory.Sequence(lambda n: f"fr_{n:07d}")
    key_hash = factory.Sequence(lambda n: ApiToken.hash_key(f"fr_secret_{n}"))
    scopes = factory.LazyFunction(lambda: ["read"])
