"""Statements name their cut-off instead of copying their lines; adopted SKUs become rows."""

from datetime import datetime, time, timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def _month_end(period):
    after = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(after, time.min, tzinfo=timezone.get_current_timezone())


def forwards(apps, schema_editor):
    Adoption = apps.get_model("ideas", "Adoption")
    AdoptionSku = apps.get_model("ideas", "AdoptionSku")
    RoyaltyStatement = apps.get_model("ideas", "RoyaltyStatement")
    StatementLine = apps.get_model("ideas", "StatementLine")
    for adoption in Adoption.objects.all():
        AdoptionSku.objects.bulk_create([AdoptionSku(adoption=adoption, sku=sku) for sku in adoption.skus])
    through = 0
    for statement in RoyaltyStatement.objects.order_by("adoption_id", "period"):
        lines = StatementLine.objects.filter(statement=statement)
        through = max(through, lines.aggregate(top=models.Max("order_line_id"))["top"] or 0)
        statement.lines_through = through
        statement.counted_until = _month_end(statement.period)
        statement.line_count = lines.count()
        statement.save(update_fields=["lines_through", "counted_until", "line_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_royalties"),
    ]

    operations = [
        migrations.CreateModel(
            name="AdoptionSku",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sku", models.CharField(max_length=64, unique=True, verbose_name="SKU")),
                (
                    "adoption",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="sku_rows", to="ideas.adoption"
                    ),
                ),
            ],
            options={"verbose_name": "adopted SKU", "verbose_name_plural": "adopted SKUs"},
        ),
        migrations.AddField(
            model_name="royaltystatement",
            name="lines_through",
            field=models.BigIntegerField(default=0, verbose_name="order lines up to id"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="royaltystatement",
            name="counted_until",
            field=models.DateTimeField(default=timezone.now, verbose_name="lines before"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="royaltystatement",
            name="line_count",
            field=models.PositiveIntegerField(default=0, verbose_name="lines counted"),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="StatementLine"),
    ]
