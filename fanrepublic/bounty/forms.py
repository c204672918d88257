from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.forms import MultipleImageField

from .enums import ReportStatus, Severity
from .selectors import reportable_versions


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ReportForm(forms.Form):
    release = VersionChoiceField(
        label=_("Product and version"), queryset=reportable_versions(), empty_label=_("Choose the version…")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    steps = forms.CharField(
        label=_("Steps to reproduce"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    expected = forms.CharField(
        label=_("Expected result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual = forms.CharField(
        label=_("Actual result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    claimed_severity = forms.ChoiceField(label=_("How severe is it?"), choices=Severity.choices)
    is_security = forms.BooleanField(
        label=_("This is a security vulnerability"),
        required=False,
        help_text=_("Only you and the security team will see it until a fix ships and it is disclosed."),
    )
    images = MultipleImageField(label=_("Screenshots (up to 4)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = reportable_versions()


class TriageForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReportStatus.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False)
    duplicate_of = forms.IntegerField(label=_("Original report number"), required=False, min_value=1)
    note = forms.CharField(
        label=_("Note to the reporter"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    is_internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)
