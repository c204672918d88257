from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_QUANTITY


class RedeemForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)
    shipping_name = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    shipping_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    shipping_address = forms.CharField(
        label=_("Shipping address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class FulfilForm(forms.Form):
    voucher_code = forms.CharField(label=_("Voucher code"), max_length=100, required=False)
    tracking = forms.CharField(label=_("Tracking number"), max_length=100, required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
