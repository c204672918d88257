from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .money import yuan_to_fen


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=80)

    def clean_amount(self):
        return yuan_to_fen(self.cleaned_data["amount"])

    def service_kwargs(self) -> dict:
        return {"amount_fen": self.cleaned_data["amount"], "reason": self.cleaned_data["reason"]}
