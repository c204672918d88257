from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.activity.models import Integration
from fanrepublic.activity.selectors import verb_choices


class AdjustmentForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points (negative to deduct)"), min_value=-1_000_000, max_value=1_000_000
    )
    reason = forms.CharField(label=_("Reason (shown to the member)"), max_length=500)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=120)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120, required=False)
    verb = forms.ChoiceField(
        label=_("Event verb"), choices=verb_choices, help_text=_("From the catalogue of declared verbs.")
    )
    match_properties = forms.JSONField(label=_("Event properties to match"), required=False, initial=dict)
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=1_000_000)
    daily_cap = forms.IntegerField(label=_("Awards per member per day"), min_value=1, required=False)
    monthly_cap = forms.IntegerField(label=_("Awards per member per month"), min_value=1, required=False)
    pays_platform_events = forms.BooleanField(
        label=_("Pays events the platform records itself"), required=False, initial=True
    )
    trusted_integrations = forms.ModelMultipleChoiceField(
        label=_("Trusted integrations"),
        queryset=Integration.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Events sent by any other integration never earn under this rule."),
    )

    def clean_match_properties(self):
        return self.cleaned_data.get("match_properties") or {}
