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


class PayoutRequestForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay out to"))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    # One per form shown: the same form sent twice (a double click, a retry after a slow
    # page) is one payout.
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = list(choices)
        self.initial.setdefault("token", secrets.token_hex(16))

    def clean_amount(self):
        return yuan_to_fen(self.cleaned_data["amount"])

    def service_kwargs(self) -> dict:
        return {
            "provider": self.cleaned_data["provider"],
            "amount": self.cleaned_data["amount"],
            "key": "form:" + self.cleaned_data["token"],
        }


class AlipayPayeeForm(forms.Form):
    login = forms.CharField(label=_("Alipay login (mobile number or email)"), max_length=100, strip=False)
    real_name = forms.CharField(label=_("Real name on the Alipay account"), max_length=50, strip=False)


class WeChatPayeeForm(forms.Form):
    real_name = forms.CharField(
        label=_("Real name on the WeChat account (needed for payouts of ¥2,000 or more)"),
        max_length=50,
        required=False,
        strip=False,
    )


class PayoutPolicyForm(forms.Form):
    minimum = forms.DecimalField(
        label=_("Minimum payout (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    tax_rate = forms.DecimalField(
        label=_("Tax withheld from royalties (0.2 is 20 %)"),
        min_value=Decimal("0"),
        max_value=Decimal("0.9999"),
        max_digits=5,
        decimal_places=4,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_minimum(self):
        return yuan_to_fen(self.cleaned_data["minimum"])

    def service_kwargs(self) -> dict:
        return {
            "minimum_fen": self.cleaned_data["minimum"],
            "tax_rate": self.cleaned_data["tax_rate"],
            "reason": self.cleaned_data["reason"],
        }


class PayoutReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
