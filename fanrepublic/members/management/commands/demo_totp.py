"""Print the current two-factor code of a demo staff account (`manage.py seed_demo` gives
every demo staff account an authenticator app with the published demo secret)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from fanrepublic.members.demo_content import DEMO_TOTP_SECRET
from fanrepublic.members.second_factor import totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account, e.g. `manage.py demo_totp op_zhou`."

    def add_arguments(self, parser):
        parser.add_argument("login", help="The demo account's username (op_zhou, eng_lin, admin, …).")

    def handle(self, *args, login: str, **options):
        authenticator = Authenticator.objects.filter(
            user__username__iexact=login, type=Authenticator.Type.TOTP
        ).first()
        # Only the demo's published secret: this never prints a real member's code.
        if authenticator is None or decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(
                f"{login} has no demo authenticator app. Demo staff get one from `manage.py seed_demo`."
            )
        now = time.time()
        period = mfa_settings.TOTP_PERIOD
        left = period - int(now) % period + period * mfa_settings.TOTP_TOLERANCE
        self.stdout.write(
            f"{totp_code(DEMO_TOTP_SECRET, at=now)}  (valid for {left} more seconds; "
            f"or add the secret {DEMO_TOTP_SECRET} to an authenticator app)"
        )
