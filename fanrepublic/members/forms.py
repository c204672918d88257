from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.forms import clean_checked_image
from fanrepublic.products.selectors import product_lines_active

from .enums import StaffRole, TokenScope
from .models import User


class ProfileForm(forms.ModelForm):
    products_owned = forms.ModelMultipleChoiceField(
        label=_("Products I own"),
        queryset=product_lines_active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["display_name", "avatar", "bio", "language", "country"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_avatar(self):
        return clean_checked_image(self.cleaned_data.get("avatar"))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class SuspendForm(forms.Form):
    days = forms.IntegerField(label=_("Days (0 lifts the suspension)"), min_value=0, max_value=3650)
    reason = forms.CharField(
        label=_("Reason shown to the member"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    granted = forms.BooleanField(required=False)
