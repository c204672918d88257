"""Recompute a jury draw from its published file, independently of the database:

    curl -o draw.json https://<site>/court/cases/<number>/draw.json
    python manage.py recount_jury_draw draw.json

Checks that the revealed seed is the one committed to before the pool was frozen
(SHA-256), that the pool's digest is the published one, and that the order published for
each kind is the order the rule gives (fanrepublic/court/draw.py, docs/court.md). Exits
1 on any difference; prints the order otherwise."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fanrepublic.court import draw


class Command(BaseCommand):
    help = "Recompute a published jury draw from its file and check it."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The draw.json file published with the case's draw.")

    def fail(self, message: str):
        self.stderr.write(message)
        raise SystemExit(1)

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            rule, case, round_ = data["rule"], str(data["case"]), int(data["round"])
            commitment, seed, digest = data["commitment"], data["seed"], data["pool_digest"]
            fans, legal = list(data["pool"]["fans"]), list(data["pool"]["legal"])
            published = {"fans": list(data["order"]["fans"]), "legal": list(data["order"]["legal"])}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        if rule != draw.RULE:
            self.fail(
                _("This file follows the rule %(rule)s, which this command does not know.") % {"rule": rule}
            )
        if not isinstance(seed, str) or not draw.SEED.fullmatch(seed):
            self.fail(_("The seed must be 64 hexadecimal characters."))
        if draw.commitment(seed) != commitment:
            self.fail(
                _(
                    "The seed revealed is not the one committed to: SHA-256 of it is %(hash)s, "
                    "not %(commitment)s."
                )
                % {"hash": draw.commitment(seed), "commitment": commitment}
            )
        try:
            rebuilt = draw.pool_digest(fans, legal)
        except ValueError as exc:
            self.fail(_("The pool is not well formed: %(error)s") % {"error": exc})
        if rebuilt != digest:
            self.fail(
                _("The pool's digest is %(rebuilt)s, not the published %(digest)s.")
                % {"rebuilt": rebuilt, "digest": digest}
            )
        for kind, names in (("fans", fans), ("legal", legal)):
            expected = draw.order(seed, case, round_, digest, names, first=len(published[kind]))
            if expected != published[kind]:
                self.fail(
                    _("The published order of %(kind)s differs from the rule's from place %(n)d.")
                    % {
                        "kind": kind,
                        "n": next(
                            (
                                i
                                for i, (a, b) in enumerate(zip(expected, published[kind], strict=False), 1)
                                if a != b
                            ),
                            min(len(expected), len(published[kind])) + 1,
                        ),
                    }
                )
        self.stdout.write(
            _(
                "Case %(case)s, round %(round)d: the seed matches its commitment, the pool of %(fans)d "
                "senior fans and %(legal)d legal staff matches its digest, and the published order "
                "is the rule's."
            )
            % {"case": case, "round": round_, "fans": len(fans), "legal": len(legal)}
        )
        for kind in ("fans", "legal"):
            self.stdout.write(f"{kind}: " + " ".join(published[kind]))
