from django import forms
from django.utils.translation import gettext_lazy as _

from .services import LIMITS


def _whole(label, name, initial, help_text):
    low, high = LIMITS[name]
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, initial=initial, help_text=help_text
    )


class RefitForm(forms.Form):
    years = _whole(_("Years of purchases"), "years", 3, _("The data window, ending today."))
    holdout_days = _whole(
        _("Holdout (days)"),
        "holdout_days",
        90,
        _("The last days of the window are first held out and predicted, to check the model."),
    )
    horizon_days = _whole(
        _("Horizon (days)"),
        "horizon_days",
        365,
        _("Expected purchases and value are for this many days ahead."),
    )
