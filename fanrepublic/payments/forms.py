import secrets
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .money import yuan_to_fen


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), max_length=80)
    # One per form shown: the same form sent twice is one refund.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("token", secrets.token_hex(16))

    def clean_amount(self):
        return yuan_to_fen(self.cleaned_data["amount"])

    def service_kwargs(self) -> dict:
        return {
            "amount_fen": self.cleaned_data["amount"],
            "reason": self.cleaned_data["reason"],
            "token": self.cleaned_data["token"],
        }
