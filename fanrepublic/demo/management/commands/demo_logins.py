"""Print how to sign in to the demo community loaded by `manage.py seed_demo`."""

from django.core.management.base import BaseCommand

from fanrepublic.members.demo_content import PASSWORD

LOGINS = [
    ("mifan", "member", "join the live launch hall, post a suggestion, vote, spend points, report a bug"),
    ("eng_lin", "engineer", "the engineer desk /staff/desk/, release planning /releases/staff/"),
    ("op_zhou", "operator", "host the live launch, metrics, flags, audit log, earning rules, betas"),
    ("sec_gao", "security", "private security reports of the bug bounty /bounty/staff/"),
    ("sm_liu", "store mgr", "the rewards catalogue and fulfilment desk /rewards/staff/orders/"),
    ("founder_lei", "founder", "the metrics and moderation too; posts carry the founder label"),
    ("admin", "superuser", "the Django admin at /admin/"),
]


class Command(BaseCommand):
    help = "Show the URL and the demo logins (after `manage.py seed_demo`)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="Where the demo is served (make run passes it)."
        )

    def handle(self, *args, url: str, **options):
        lines = [
            "",
            f"Fan Republic demo: {url}",
            f"Password for every demo account: {PASSWORD}",
            "Staff accounts then ask for a two-factor code: `manage.py demo_totp <login>` prints it.",
            "",
            f"  {'login':<12} {'role':<10} what to try",
        ]
        for username, role, try_this in LOGINS:
            lines.append(f"  {username:<12} {role:<10} {try_this}")
        lines += [
            "",
            "Other accounts: engineers eng_wang, eng_chen, eng_sato, eng_maria; operator op_anna;",
            "legal legal_he, legal_zhao, legal_sun, legal_qian, legal_zhou;",
            "fans fan001 … fan300 (same password).",
            "",
        ]
        self.stdout.write("\n".join(lines))
