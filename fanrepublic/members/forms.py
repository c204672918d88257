from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.core import context
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fanrepublic.activity.models import Integration
from fanrepublic.core.clientip import client_network
from fanrepublic.core.forms import clean_checked_image
from fanrepublic.products.selectors import product_lines_active

from . import login_limits
from .enums import StaffRole, TokenScope
from .models import User
from .permissions import may_make_token_for


class ProfileForm(forms.ModelForm):
    products_owned = forms.ModelMultipleChoiceField(
        label=_("Products I own"),
        queryset=product_lines_active(),
        required=False,
        help_text=_("Products that a purchase or a registered serial number verified stay on the list."),
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
    integration = forms.ModelChoiceField(
        label=_("Integration"),
        queryset=Integration.objects.filter(is_active=True),
        required=False,
        help_text=_("Event-ingestion tokens only: the store system or app that will send events with it."),
    )

    def __init__(self, *args, may_ingest: bool = False, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        if may_ingest and member is not None:
            choices = self.fields["integration"].queryset
            mine = [i.pk for i in choices if may_make_token_for(member, i)]
            self.fields["integration"].queryset = choices.filter(pk__in=mine)
        if not may_ingest:
            # Members create personal tokens; integrations are the staff's business.
            del self.fields["integration"]
            self.fields["scopes"].choices = [c for c in TokenScope.choices if c[0] != TokenScope.INGEST]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    granted = forms.BooleanField(required=False)


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's "email me a sign-in code" form, limited by members.login_limits (429
    with Retry-After) instead of allauth's form error (ACCOUNT_FORMS)."""

    def clean_email(self):
        email = self.cleaned_data.get("email")
        if email:
            login_limits.sign_in_code_requested(ip=client_network(context.request), email=email)
        return super().clean_email()
