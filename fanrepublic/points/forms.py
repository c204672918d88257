from django import forms
from django.utils.translation import gettext_lazy as _


class AdjustmentForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points (negative to deduct)"), min_value=-1_000_000, max_value=1_000_000
    )
    reason = forms.CharField(label=_("Reason (shown to the member)"), max_length=500)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=120)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120, required=False)
    verb = forms.CharField(
        label=_("Event verb"), max_length=100, help_text=_("For example bounty.report.valid")
    )
    match_properties = forms.JSONField(label=_("Event properties to match"), required=False, initial=dict)
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=1_000_000)
    daily_cap = forms.IntegerField(label=_("Awards per member per day"), min_value=1, required=False)
    monthly_cap = forms.IntegerField(label=_("Awards per member per month"), min_value=1, required=False)

    def clean_match_properties(self):
        return self.cleaned_data.get("match_properties") or {}
