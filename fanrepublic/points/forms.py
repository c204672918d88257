from django import forms
from django.utils.translation import gettext_lazy as _


class AdjustmentForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points (negative to deduct)"), min_value=-1_000_000, max_value=1_000_000
    )
    reason = forms.CharField(label=_("Reason (shown to the member)"), max_length=500)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
