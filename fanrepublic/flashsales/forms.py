from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.payments.enums import ProviderCode
from fanrepublic.payments.money import yuan_to_fen
from fanrepublic.payments.providers.registry import enabled_codes

from .models import FlashSale


class ReserveForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay with"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ProviderCode.choices)
        choices = [(code, labels[code]) for code in enabled_codes()]
        self.fields["provider"].choices = choices
        self.fields["provider"].widget = forms.RadioSelect(choices=choices)
        if choices:
            self.initial.setdefault("provider", choices[0][0])


class SaleForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Price to reserve (yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )

    class Meta:
        model = FlashSale
        fields = [
            "title",
            "title_zh",
            "product",
            "product_zh",
            "description",
            "description_zh",
            "product_line",
            "units",
            "per_member_limit",
            "hold_seconds",
            "admit_per_second",
            "min_trust_level",
            "min_member_days",
            "owners_only",
            "opens_at",
            "closes_at",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["price_fen"] = yuan_to_fen(self.cleaned_data["price"])
        return data

    def _post_clean(self):
        pass  # the service validates and saves


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
