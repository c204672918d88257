import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .enums import OwnershipSource, StaffRole, TokenScope, TrustLevel


def avatar_path(instance, filename):
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(AbstractUser):
    """A member. Staff are members with a role group; there is no separate staff alias."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    bio = models.TextField(_("bio"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    # Where the member lives: rewards ship only to some regions, beta tests need testers
    # in the right climate. Chosen by the member on their profile.
    country = CountryField(_("country or region"), blank=True)
    products_owned = models.ManyToManyField(
        "products.ProductLine", verbose_name=_("products owned"), blank=True, related_name="owners"
    )
    trust_level = models.PositiveSmallIntegerField(
        _("trust level"), choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    trust_level_locked = models.BooleanField(
        _("trust level locked"),
        default=False,
        help_text=_("When set, periodic recomputation leaves the trust level as staff set it."),
    )
    reputation = models.IntegerField(_("contribution score"), default=0)
    # A title another capability awarded, shown beside the name across the site: a code
    # "<kind>:<value>" that the awarding app renders (members.honours), e.g.
    # "opensource.academician:12". Set only through members.services.member_honour_set.
    honour = models.CharField(_("title shown with the name"), max_length=60, blank=True)
    daily_reply_target = models.PositiveIntegerField(
        _("daily reply target"), default=100, help_text=_("For engineers answering the forum.")
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    suspension_reason = models.TextField(_("suspension reason"), blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trust_level__gte=0, trust_level__lte=4),
                name="member_trust_level_0_4",
            )
        ]
        indexes = [
            # "Who is suspended now" is asked often (the launch hall's answer path) and
            # concerns a handful of the members: a small partial index.
            models.Index(
                fields=["suspended_until"],
                condition=models.Q(suspended_until__isnull=False),
                name="member_suspended",
            )
        ]

    def __str__(self):
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @cached_property
    def staff_roles(self) -> list[str]:
        names = {g.name for g in self.groups.all()}
        return [role.value for role in StaffRole if role.value in names]

    @property
    def staff_role(self) -> str:
        """The role label shown on this member's posts ("" for fans)."""
        roles = self.staff_roles
        return roles[0] if roles else ""

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(r in self.staff_roles for r in roles)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()


class VerifiedOwnership(models.Model):
    """One piece of evidence that a member owns a product line: a purchase imported from
    a store's point of sale or the online shop, a registered serial number, or a staff
    check. The member is a verified owner while at least one row exists; a refund deletes
    its row. The self-declared list (`User.products_owned`) is the member's own word."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="verified_ownerships",
    )
    product_line = models.ForeignKey(
        "products.ProductLine",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="verified_ownerships",
    )
    source = models.CharField(_("source"), max_length=20, choices=OwnershipSource.choices)
    reference = models.CharField(
        _("reference"), max_length=200, help_text=_("What proves it, e.g. order:pos-sh:A1001.")
    )
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("verified ownership")
        verbose_name_plural = _("verified ownerships")
        constraints = [
            # The same evidence counts once: a replayed import changes nothing.
            models.UniqueConstraint(
                fields=["member", "product_line", "source", "reference"], name="verified_ownership_once"
            )
        ]

    def __str__(self):
        return f"{self.member_id} owns {self.product_line_id} ({self.source}:{self.reference})"


class MemberStats(models.Model):
    """Activity counters that trust levels are computed from; recomputed from the source
    tables (never incremented blindly), so a recomputation repairs any drift."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stats", primary_key=True
    )
    days_visited = models.PositiveIntegerField(_("days visited"), default=0)
    topics_read = models.PositiveIntegerField(_("topics read"), default=0)
    topics_created = models.PositiveIntegerField(_("topics created"), default=0)
    replies_created = models.PositiveIntegerField(_("replies created"), default=0)
    likes_given = models.PositiveIntegerField(_("likes given"), default=0)
    likes_received = models.PositiveIntegerField(_("likes received"), default=0)
    suggestions_accepted = models.PositiveIntegerField(_("suggestions accepted"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member statistics")
        verbose_name_plural = _("member statistics")

    def __str__(self):
        return f"stats of {self.member_id}"

    @property
    def posts(self) -> int:
        return self.topics_created + self.replies_created


class ReputationEntry(models.Model):
    """One change of a member's contribution score, caused by what someone else did with
    the member's work. `source` is unique per member so a replayed event counts once."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reputation_entries"
    )
    delta = models.IntegerField(_("change"))
    reason = models.CharField(_("reason"), max_length=60)
    source = models.CharField(_("source"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contribution score entry")
        verbose_name_plural = _("contribution score entries")
        constraints = [models.UniqueConstraint(fields=["member", "source"], name="reputation_source_once")]

    def __str__(self):
        return f"{self.member_id} {self.delta:+d} {self.reason}"


class ApiToken(models.Model):
    """A personal API token (for scripts) or an integration's token (a store's point of
    sale, the app) that ingests events. Only a hash is stored; the secret is shown once
    at creation."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    integration = models.ForeignKey(
        "activity.Integration",
        verbose_name=_("integration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tokens",
        help_text=_("An event-ingestion token belongs to one integration and sends only what it may."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def allows(self, scope: str) -> bool:
        # An integration's token only ingests: it never reads or writes as its creator.
        if scope == TokenScope.READ:
            return TokenScope.READ in self.scopes or TokenScope.WRITE in self.scopes
        return scope in self.scopes
