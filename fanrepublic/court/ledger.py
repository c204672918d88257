"""How the court's payments read in a wallet's history (points.history)."""

from django.utils.translation import gettext as _

from fanrepublic.points import history

from .models import Obligation


@history.describes("court.obligation")
def describe_obligations(ids: set[int]) -> dict[int, tuple[str, str]]:
    return {
        obligation.pk: (
            obligation.case.get_absolute_url(),
            _("Users' court, case %(case)s: %(remedy)s")
            % {"case": obligation.case.number, "remedy": obligation.get_kind_display()},
        )
        for obligation in Obligation.objects.filter(pk__in=ids).select_related("case")
    }
