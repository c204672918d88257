from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Staff roles are Django groups of these names (assignable in the admin). The order
    here decides which label a member with several roles shows: the most specific first."""

    FOUNDER = "founder", _("Founder")
    LEGAL = "legal", _("Legal")
    SECURITY = "security", _("Security triage")
    ENGINEER = "engineer", _("Engineer")
    STORE_MANAGER = "store_manager", _("Store manager")
    OPERATOR = "operator", _("Community operator")


class TrustLevel(models.IntegerChoices):
    NEW = 0, _("New member")
    BASIC = 1, _("Basic member")
    MEMBER = 2, _("Member")
    REGULAR = 3, _("Regular")
    LEADER = 4, _("Leader")


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
    INGEST = "events:ingest", _("Ingest events")


class OwnershipSource(models.TextChoices):
    """What proves a member owns a product line (the evidence behind a verified owner)."""

    PURCHASE = "purchase", _("Purchase")
    SERIAL = "serial", _("Registered serial number")
    STAFF = "staff", _("Checked by staff")
