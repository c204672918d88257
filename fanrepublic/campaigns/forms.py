from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.payments.enums import ProviderCode
from fanrepublic.payments.money import yuan_to_fen
from fanrepublic.payments.providers.registry import enabled_codes

from .models import Campaign


class BackForm(forms.Form):
    units = forms.IntegerField(label=_("Units"), min_value=1, max_value=1000)
    provider = forms.ChoiceField(label=_("Pay with"))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].max_value = campaign.per_member_limit
        self.fields["units"].widget.attrs["max"] = campaign.per_member_limit
        labels = dict(ProviderCode.choices)
        self.fields["provider"].choices = [(code, labels[code]) for code in enabled_codes()]
        self.fields["provider"].widget = forms.RadioSelect(choices=self.fields["provider"].choices)
        if self.fields["provider"].choices:
            self.initial.setdefault("provider", self.fields["provider"].choices[0][0])


def _yuan(label, *, required=True):
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )


class CampaignForm(forms.ModelForm):
    unit_price = _yuan(_("Unit price (yuan)"))
    deposit = _yuan(_("Deposit per unit (yuan)"))
    goal = _yuan(_("Goal in pre-orders (yuan)"), required=False)

    class Meta:
        model = Campaign
        fields = [
            "title",
            "title_zh",
            "product",
            "product_zh",
            "description",
            "description_zh",
            "image",
            "image_zh",
            "product_line",
            "goal_units",
            "per_member_limit",
            "min_trust_level",
            "owners_only",
            "min_member_days",
            "opens_at",
            "closes_at",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, field in (
                ("unit_price", "unit_price_fen"),
                ("deposit", "deposit_fen"),
                ("goal", "goal_fen"),
            ):
                value = getattr(self.instance, field)
                self.initial[name] = None if value is None else Decimal(value) / 100

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        for name in ("image", "image_zh"):
            if not data.get(name):
                data.pop(name, None)
        data["unit_price_fen"] = yuan_to_fen(self.cleaned_data["unit_price"])
        data["deposit_fen"] = yuan_to_fen(self.cleaned_data["deposit"])
        goal = self.cleaned_data.get("goal")
        data["goal_fen"] = yuan_to_fen(goal) if goal is not None else None
        return data

    def _post_clean(self):
        # The service validates and saves (campaigns.services); the form only parses.
        pass


class UpdateForm(forms.Form):
    title = forms.CharField(label=_("Title (English)"), max_length=120)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=120, required=False)
    body = forms.CharField(label=_("Text (English, Markdown)"), max_length=5000, widget=forms.Textarea)
    body_zh = forms.CharField(
        label=_("Text (Chinese, Markdown)"), max_length=5000, widget=forms.Textarea, required=False
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
