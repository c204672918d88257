"""Second factors for the demo's staff (docs/security.md, "Second factor for staff").

Staff accounts act only after a second factor, so every demo staff account (the admin
included) gets an authenticator app with one published secret, DEMO_TOTP_SECRET: add it
to an authenticator app, or print the current code with `manage.py demo_totp <login>`.
Only accounts with the demo's email domain are touched; idempotent."""

from allauth.mfa.models import Authenticator
from django.db.models import Q

from fanrepublic.core import demo_content as C
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import User
from fanrepublic.members.second_factor import totp_activate


def seed_second_factors(out) -> None:
    staff = (
        User.objects.filter(email__iendswith=f"@{C.EMAIL_DOMAIN}")
        .filter(Q(is_superuser=True) | Q(is_staff=True) | Q(groups__name__in=StaffRole.values))
        .exclude(authenticator__type=Authenticator.Type.TOTP)
        .distinct()
        .order_by("pk")
    )
    added = [totp_activate(member=user, secret=C.DEMO_TOTP_SECRET).user.username for user in staff]
    if added:
        out.write(f"  … two-factor authenticator app for {len(added)} staff accounts (manage.py demo_totp)")
