from django.db import migrations


def untrack(apps, schema_editor):
    # Programme accounts are no longer locked or cached (see Account): their balance is
    # the sum of their postings, and the cached column stays 0.
    Account = apps.get_model("points", "Account")
    Account.objects.exclude(kind="wallet").update(balance_minor=0)


class Migration(migrations.Migration):
    dependencies = [("points", "0003_earning_rules")]
    operations = [migrations.RunPython(untrack, migrations.RunPython.noop)]
