"""Recount a published vote from its downloaded ballots, independently of the database:

    curl -o ballots.json https://<site>/votes/<slug>/ballots.json
    python manage.py recount_vote ballots.json [--digest <the digest shown on the vote page>]

Refuses a file that lists a receipt twice; rebuilds the Merkle root by the file's digest
scheme and compares it with the digest the site published (the one in the file, and the
one given with --digest, e.g. copied from the vote page); counts the ballots by the
published rule and compares the result. Exits 1 on any difference."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fanrepublic.governance import merkle
from fanrepublic.governance.enums import RANKED
from fanrepublic.governance.tally import RULE, tabulate


class Command(BaseCommand):
    help = "Recount a published vote from its ballots file and check the published digest."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The ballots.json file published with the vote.")
        parser.add_argument("--digest", help="The digest as the vote page shows it, to compare too.")

    def fail(self, message: str):
        self.stderr.write(message)
        raise SystemExit(1)

    def handle(self, *args, path, digest=None, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            ballots = [{"receipt": b["receipt"], "choice": b["choice"]} for b in data["ballots"]]
            published_digest, method, seats = data["digest"], data["method"], data["seats"]
            labels = {str(o["id"]): o["label"] for o in data["options"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        scheme = data.get("digest_scheme") or merkle.LEGACY_SCHEME  # files from before the scheme
        if scheme not in merkle.SCHEMES:
            self.fail(_("Unknown digest scheme %(scheme)s.") % {"scheme": scheme})
        try:
            rebuilt = merkle.root(ballots, scheme)
        except merkle.DuplicateReceipt as exc:
            self.fail(
                _("Receipt %(receipt)s appears twice: the site publishes each ballot once.")
                % {"receipt": exc}
            )
        if rebuilt != published_digest:
            self.fail(
                _(
                    "The root of this file's %(n)d ballots is %(root)s, "
                    "not the digest the site published, %(digest)s."
                )
                % {"n": len(ballots), "root": rebuilt, "digest": published_digest}
            )
        self.stdout.write(
            _(
                "The root of this file's %(n)d ballots (%(scheme)s) is %(root)s: "
                "it matches the digest the site published."
            )
            % {"n": len(ballots), "scheme": scheme, "root": rebuilt}
        )
        if digest is not None:
            if digest.strip().lower() != rebuilt:
                self.fail(
                    _("It does not match the digest you gave, %(digest)s.") % {"digest": digest.strip()}
                )
            self.stdout.write(_("It matches the digest you gave."))
        try:
            result = tabulate(
                method=method,
                option_ids=[int(o) for o in labels],
                ballots=[b["choice"] for b in ballots],
                seats=seats,
                seed=rebuilt,
            )
        except (ValueError, TypeError) as exc:
            self.fail(_("The ballots cannot be counted: %(error)s") % {"error": exc})
        self.stdout.write(
            _("%(n)d ballots, %(a)d abstained.") % {"n": result["ballots"], "a": result["abstained"]}
        )
        for option_id, count in sorted(result["counts"].items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {labels[option_id]}: {count}")
        winners = ", ".join(labels[str(w)] for w in result["winners"]) or "-"
        tied = ", ".join(labels[str(t)] for t in result["tied"])
        line = _("winners: %(names)s") % {"names": winners}
        self.stdout.write(line + (" (" + _("tied: %(names)s") % {"names": tied} + ")" if tied else ""))
        published = data.get("result") or {}
        same = published.get("counts") == result["counts"]
        if method in RANKED and published.get("rule") != RULE:
            # Counted before the named rule: only the first preferences can be compared.
            self.stdout.write(
                _(
                    "The site counted this vote by an earlier rule; this recount applies %(rule)s, "
                    "so only the first preferences are compared."
                )
                % {"rule": RULE}
            )
        else:
            same = same and published.get("winners") == result["winners"]
        if not same:
            self.fail(_("The count DIFFERS from the published result."))
        self.stdout.write(_("The count matches the published result."))
