from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.badges.models import Badge
from fanrepublic.products.selectors import product_lines_active

from .enums import Method


class VoteForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=50)
    question = forms.CharField(label=_("Question (English)"), max_length=300)
    question_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Background (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_zh = forms.CharField(
        label=_("Background (Chinese)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("One per line: English | Chinese | details (e.g. the specs at this price)."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=49, initial=1)
    product_line = forms.ModelChoiceField(label=_("Product"), queryset=product_lines_active(), required=False)
    owners_only = forms.BooleanField(label=_("Owners of the product only"), required=False)
    owners_verified_only = forms.BooleanField(
        label=_("Verified owners only"),
        required=False,
        help_text=_(
            "Owners count only when a purchase or a registered serial number shows it, not by "
            "their own word. Needs a product and owners only."
        ),
    )
    min_trust_level = forms.IntegerField(label=_("Minimum trust level"), min_value=0, max_value=4, initial=0)
    required_badges = forms.ModelMultipleChoiceField(
        label=_("Badges required"),
        queryset=Badge.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    quorum = forms.IntegerField(label=_("Quorum (ballots)"), min_value=0, initial=0)
    binding = forms.BooleanField(label=_("Binding"), required=False)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    allow_change = forms.BooleanField(
        label=_("Voters may change their ballot until closing"), required=False, initial=True
    )
    hide_results = forms.BooleanField(
        label=_("Hide running results until closing"), required=False, initial=True
    )
    allow_abstain = forms.BooleanField(label=_("Offer an abstain choice"), required=False, initial=True)

    def clean_options(self):
        rows = []
        for line in self.cleaned_data["options"].splitlines():
            parts = [p.strip() for p in line.split("|")]
            if parts and parts[0]:
                rows.append(
                    {
                        "label": parts[0],
                        "label_zh": parts[1] if len(parts) > 1 else "",
                        "details": parts[2] if len(parts) > 2 else "",
                    }
                )
        return rows


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome (English)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome_zh = forms.CharField(
        label=_("Outcome (Chinese)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
