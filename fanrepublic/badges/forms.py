from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Badge


class GrantForm(forms.Form):
    badge = forms.ModelChoiceField(label=_("Badge"), queryset=Badge.objects.all())
    reason = forms.CharField(label=_("Reason (shown to the member)"), max_length=300)
