import time

import factory
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import timezone

from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import ApiToken, MemberStats, ReputationEntry, User, VerifiedOwnership
from fanrepublic.members.permissions import needs_second_factor
from fanrepublic.members.second_factor import totp_activate, totp_code


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

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Staff (a role, is_staff or is_superuser) get an authenticator app with a real
        TOTP secret, as the site requires of them; `second_factor=False` leaves it out
        (a staff member who has not set one up), `second_factor=True` gives a member one."""
        if not create:
            return
        wanted = needs_second_factor(self) if extracted is None else extracted
        if wanted and not Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists():
            totp_activate(member=self, secret=generate_totp_secret())


def current_totp_code(user) -> str:
    """The code the member's authenticator app shows now (in a fresh 30-second window if
    this one is about to end, so the code is still good when the site checks it)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 2:
        time.sleep(left + 0.05)
    return totp_code(decrypt(authenticator.data["secret"]))


def record_second_factor(client, user) -> None:
    """Write into the test client's session what allauth writes when a member signs in
    with their password and then their second factor (its authentication records), for
    a member who has one. The root conftest does this after every `force_login`, so
    staff signed in by tests have passed the second factor like staff signed in for real."""
    authenticator = (
        Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        )
        .order_by("pk")
        .first()
    )
    if authenticator is None:
        return
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    record_authentication(request, user, "password", username=user.username)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()


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


class VerifiedOwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerifiedOwnership

    member = factory.SubFactory(MemberFactory)
    product_line = factory.SubFactory("fanrepublic.products.tests.factories.ProductLineFactory")
    source = "staff"
    reference = factory.Sequence(lambda n: f"check:{n}")
    verified_at = factory.LazyFunction(timezone.now)


def verified_owner(member, product_line, *, source="purchase", reference="order:pos-sh:A1001"):
    """Make `member` a verified owner of `product_line` the way a store's import does."""
    from fanrepublic.members.services import ownership_verify

    ownership_verify(member=member, product_line=product_line, source=source, reference=reference)
    return member


def confirm_password(client, user) -> None:
    """What allauth records in the session when a signed-in member types their password
    again (its reauthentication page): pages that ask for it then go through for a few
    minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT)."""
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    request.user = user
    record_authentication(request, user, "password", username=user.username, reauthenticated=True)
    session.save()
