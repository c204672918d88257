from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Badge, Perk


class GrantForm(forms.Form):
    badge = forms.ModelChoiceField(label=_("Badge"), queryset=Badge.objects.all())
    reason = forms.CharField(label=_("Reason (shown to the member)"), max_length=300)


class PerkForm(forms.ModelForm):
    """Operators' perk form. Places are fixed when the perk is created and changed
    afterwards only by `add_places`, a difference the database applies."""

    add_places = forms.IntegerField(
        label=_("Change places by"),
        required=False,
        initial=0,
        min_value=-100_000,
        max_value=100_000,
        help_text=_("Places to add; a negative number removes unclaimed places."),
    )

    class Meta:
        model = Perk
        fields = [
            "name",
            "name_zh",
            "slug",
            "description",
            "description_zh",
            "required_badges",
            "price_points",
            "quantity",
            "happens_at",
            "transferable",
            "is_active",
        ]
        widgets = {
            "required_badges": forms.CheckboxSelectMultiple,
            "happens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_zh": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["quantity"]
        else:
            del self.fields["add_places"]
            self.fields["quantity"].validators.append(MinValueValidator(1))
            self.fields["quantity"].widget.attrs["min"] = 1

    def clean_happens_at(self):
        happens_at = self.cleaned_data["happens_at"]
        if not self.instance.pk and happens_at <= timezone.now():
            raise forms.ValidationError(_("A new perk must take place in the future."))
        return happens_at
