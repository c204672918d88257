"""Measure the store-chat inquiry detector on the held-out part of its labelled sample.

    python manage.py inquiry_eval
    python manage.py inquiry_eval --model lr        # the logistic regression alternative
    python manage.py inquiry_eval --from-row 681    # only the test rows added with the chit-chat retune
    python manage.py inquiry_eval --errors          # and list what the combined detector gets wrong

Trains on the sample's "train" rows and prints precision, recall and F1 per intent and
for "wants an answer", and the share of chit-chat rows (labelled with no intent) given
an intent anyway, for the rules alone, the classifier alone and both combined, over all
test rows and per language (docs/trust-inquiry.md)."""

from django.core.management.base import BaseCommand

from fanrepublic.trust import inquiry


class Command(BaseCommand):
    help = "Precision and recall of the store-chat inquiry detector on the held-out sample."

    def add_arguments(self, parser):
        parser.add_argument("--model", choices=("nb", "lr"), default="nb", help="classifier to train")
        parser.add_argument(
            "--from-row", type=int, default=1, help="score only test rows from this data row (1-based) on"
        )
        parser.add_argument("--errors", action="store_true", help="list the combined detector's mistakes")

    def handle(self, *args, model, from_row, errors, **options):
        report = inquiry.evaluate(kind=model, from_row=from_row)
        self.stdout.write(inquiry.format_report(report))
        if errors:
            self.stdout.write("\nmistakes of the combined detector (expected -> got):")
            for mistake in report["errors"]:
                expected = sorted(mistake.example.labels) + ["?"] * mistake.example.is_question
                got = sorted(mistake.intents) + ["?"] * mistake.is_question
                self.stdout.write(
                    f"  [{mistake.example.lang}] {mistake.example.text}\n      {expected} -> {got}"
                )
