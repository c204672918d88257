"""Bounty rewards in a wallet's history read in the reader's language ("Valid bug report
#1 (High)" was stored once, in the triager's language)."""

from django.utils.translation import gettext as _

from fanrepublic.points import history

from .models import BountyReport


@history.describes("bounty.bountyreport")
def describe_reports(ids: set[int]) -> dict[int, tuple[str, str]]:
    shown = {}
    for report in BountyReport.objects.filter(pk__in=ids):
        label = (
            _("Valid bug report #%(n)d (%(severity)s)")
            % {"n": report.pk, "severity": report.get_severity_display()}
            if report.severity
            else _("Bug report #%(n)d") % {"n": report.pk}
        )
        # A private security report keeps its title out of the link text, not the link.
        shown[report.pk] = (report.get_absolute_url(), label)
    return shown
