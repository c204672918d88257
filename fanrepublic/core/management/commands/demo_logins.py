"""Print how to sign in to the demo community loaded by `manage.py seed_demo`."""

from django.core.management.base import BaseCommand

from fanrepublic.core.demo_content import PASSWORD

URL = "http://127.0.0.1:8000"
LOGINS = [
    ("mifan", "member", "post a suggestion on a board, vote for ideas, read your notifications"),
    ("eng_lin", "engineer", "the engineer desk at /staff/desk/: claim and answer waiting topics"),
    ("op_zhou", "operator", "metrics at /staff/metrics/, flags at /staff/flags/, audit log at /staff/audit/"),
    ("founder_lei", "founder", "the metrics and moderation too; posts carry the founder label"),
    ("admin", "superuser", "the Django admin at /admin/"),
]


class Command(BaseCommand):
    help = "Show the URL and the demo logins (after `manage.py seed_demo`)."

    def handle(self, *args, **options):
        lines = [
            "",
            f"Fan Republic demo: {URL}",
            f"Password for every demo account: {PASSWORD}",
            "",
            f"  {'login':<12} {'role':<10} what to try",
        ]
        for username, role, try_this in LOGINS:
            lines.append(f"  {username:<12} {role:<10} {try_this}")
        lines += [
            "",
            "Other accounts: engineers eng_wang, eng_chen, eng_sato, eng_maria; operator op_anna;",
            "store manager sm_liu; legal legal_he; fans fan001 … fan300 (same password).",
            "",
        ]
        self.stdout.write("\n".join(lines))
