from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.forms import clean_checked_image

from .models import Reward
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


class FulfilmentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in CSV"),
        help_text=_("The open-orders file with tracking numbers or voucher codes filled in."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RewardForm(forms.ModelForm):
    """The store manager's catalogue form. Stock is set when a reward is created and
    changed afterwards only by `restock`, a difference applied in the database, so an
    edit never overwrites units that members redeemed while the form was open."""

    restock = forms.IntegerField(
        label=_("Change stock by"),
        required=False,
        initial=0,
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_("Units to add; a negative number takes units out of stock."),
    )

    class Meta:
        model = Reward
        fields = [
            "name",
            "name_zh",
            "slug",
            "kind",
            "description",
            "description_zh",
            "image",
            "price_points",
            "retail_price",
            "stock",
            "per_member_limit",
            "min_trust_level",
            "required_badges",
            "regions",
            "is_active",
            "position",
        ]
        widgets = {
            "required_badges": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_zh": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_trust_level"].validators.append(MaxValueValidator(4))
        self.fields["min_trust_level"].widget.attrs["max"] = 4
        if self.instance.pk:
            del self.fields["stock"]
        else:
            del self.fields["restock"]

    def clean_image(self):
        return clean_checked_image(self.cleaned_data.get("image"))
