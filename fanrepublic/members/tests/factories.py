import factory
from django.contrib.auth.models import Group

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import User


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
