"""Print the verb catalogue as Markdown (docs/events.md is this command's output)."""

from django.core.management.base import BaseCommand
from django.utils import translation

from fanrepublic.activity.selectors import catalogue_markdown


class Command(BaseCommand):
    help = "Print the catalogue of event verbs (declared by each app's capability.py) as Markdown."

    def handle(self, *args, **options):
        with translation.override("en"):
            self.stdout.write(catalogue_markdown(), ending="")
