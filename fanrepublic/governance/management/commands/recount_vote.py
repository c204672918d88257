"""Recount a published vote from its downloaded ballots, independently of the database:

    curl -o ballots.json https://<site>/votes/<slug>/ballots.json
    python manage.py recount_vote ballots.json

Rebuilds the Merkle root from the ballots, counts them with the published method and
prints the result; exits 1 if the root does not match the published digest."""

import json

from django.core.management.base import BaseCommand, CommandError

from fanrepublic.governance import merkle
from fanrepublic.governance.tally import tabulate


class Command(BaseCommand):
    help = "Recount a published vote from its ballots file and check the published digest."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The ballots.json file published with the vote.")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        ballots = data["ballots"]
        digest = merkle.root(ballots)
        if digest != data["digest"]:
            self.stderr.write(f"Digest mismatch: ballots give {digest}, published {data['digest']}")
            raise SystemExit(1)
        result = tabulate(
            method=data["method"],
            option_ids=[o["id"] for o in data["options"]],
            ballots=[b["choice"] for b in ballots],
            seats=data["seats"],
            seed=digest,
        )
        labels = {str(o["id"]): o["label"] for o in data["options"]}
        self.stdout.write(
            f"digest {digest} matches ({len(ballots)} ballots, {result['abstained']} abstained)"
        )
        for option_id, count in sorted(result["counts"].items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {labels[option_id]}: {count}")
        winners = ", ".join(labels[str(w)] for w in result["winners"]) or "-"
        tied = ", ".join(labels[str(t)] for t in result["tied"])
        self.stdout.write(f"winners: {winners}" + (f" (tied: {tied})" if tied else ""))
        published = data.get("result", {})
        same = published.get("winners") == result["winners"] and published.get("counts") == result["counts"]
        self.stdout.write("matches the published result" if same else "DIFFERS from the published result")
        if not same:
            raise SystemExit(1)
