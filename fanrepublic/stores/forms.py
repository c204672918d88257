from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.activity.models import Integration
from fanrepublic.members.enums import StaffRole
from fanrepublic.members.models import User

from .models import Store
from .purchases import SALE_VERB


class StoreForm(forms.ModelForm):
    """Operators open and change stores; the service checks and audits."""

    manager = forms.ModelChoiceField(
        label=_("Store manager"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Members with the store-manager role."),
    )

    class Meta:
        model = Store
        fields = [
            "slug",
            "name",
            "name_zh",
            "city",
            "city_zh",
            "address",
            "address_zh",
            "opening_hours",
            "opening_hours_zh",
            "phone",
            "manager",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = User.objects.filter(
            groups__name=StaffRole.STORE_MANAGER, is_active=True
        ).order_by("username")
        if self.instance.pk:
            del self.fields["slug"]

    def validate_unique(self):
        """The service decides (and says) whether the short name is taken."""


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    wecom_external_userid = forms.CharField(
        label=_("WeCom contact id"),
        max_length=64,
        required=False,
        help_text=_("Filled in by the WeCom integration; leave empty when adding by phone."),
    )


class LinkForm(forms.Form):
    code = forms.CharField(
        label=_("The member's one-time code"),
        max_length=20,
        help_text=_("The member opens “My stores and purchases” and shows you the code."),
    )


class UnlinkForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class SerialForm(forms.Form):
    serial_number = forms.CharField(label=_("Serial number"), max_length=64)


class PurchaseUploadForm(forms.Form):
    integration = forms.ModelChoiceField(
        label=_("Source system"),
        queryset=Integration.objects.none(),
        help_text=_(
            "The point of sale or shop the file was exported from: order numbers are unique per source."
        ),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per order line. A file with any bad row changes nothing; "
            "a file imported before changes nothing."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Verbs are a JSON list; SQLite cannot ask "contains" of it, and there are few.
        allowed = [i.pk for i in Integration.objects.filter(is_active=True) if SALE_VERB in (i.verbs or [])]
        self.fields["integration"].queryset = Integration.objects.filter(pk__in=allowed)
