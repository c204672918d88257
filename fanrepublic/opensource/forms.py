from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.products.models import ProductLine

from .enums import MANUAL_KINDS, ContributionKind, Host


class LinkForm(forms.Form):
    host = forms.ChoiceField(label=_("Host"), choices=Host.choices)


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    digest = forms.CharField(widget=forms.HiddenInput, max_length=16)


class SubmitForm(forms.Form):
    """Non-code work for a maintainer to approve (the repository is chosen on its page)."""

    kind = forms.ChoiceField(
        label=_("Kind of work"), choices=[(k, ContributionKind(k).label) for k in MANUAL_KINDS]
    )
    title = forms.CharField(label=_("What you did"), max_length=300)
    url = forms.CharField(label=_("Link (optional)"), max_length=2000, required=False)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Decline"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason (needed to decline)"), max_length=500, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason the member will read"), max_length=500)


class RepositoryForm(forms.Form):
    host = forms.ChoiceField(label=_("Host"), choices=Host.choices)
    full_name = forms.CharField(label=_("Repository (owner/name)"), max_length=200)
    description = forms.CharField(label=_("Description (English)"), max_length=300, required=False)
    description_zh = forms.CharField(label=_("Description (Chinese)"), max_length=300, required=False)
    product_line = forms.ModelChoiceField(
        label=_("Product its code ships in"),
        queryset=ProductLine.objects.filter(is_active=True),
        required=False,
        help_text=_("Its merged changes are offered to that product's releases; none: to every product's."),
    )


class AgreementForm(forms.Form):
    body = forms.CharField(label=_("Agreement (English)"), widget=forms.Textarea(attrs={"rows": 10}))
    body_zh = forms.CharField(label=_("Agreement (Chinese)"), widget=forms.Textarea(attrs={"rows": 10}))
