from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.forms import MultipleImageField
from fanrepublic.products.models import ProductLine

from .enums import Decision, ProposalLanguage


class ProposalForm(forms.Form):
    """The idea in the author's language; the translation is optional. Limits and the
    rules beyond types are the service's (its messages show on the fields)."""

    product_line = forms.ModelChoiceField(
        label=_("Category"), queryset=ProductLine.objects.filter(is_active=True), empty_label=None
    )
    language = forms.ChoiceField(label=_("I write in"), choices=ProposalLanguage.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    pitch = forms.CharField(
        label=_("Pitch"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What it is, who it is for, why the world needs it. Markdown works."),
    )
    specs = forms.CharField(
        label=_("Specifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Size, materials, functions: what an engineer would ask first."),
    )
    target_price = forms.DecimalField(
        label=_("Target price (yuan)"), min_value=0.01, max_digits=9, decimal_places=2
    )
    title_translated = forms.CharField(label=_("Title, translated"), max_length=120, required=False)
    pitch_translated = forms.CharField(
        label=_("Pitch, translated"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    specs_translated = forms.CharField(
        label=_("Specifications, translated"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    images = MultipleImageField(
        label=_("Images"), help_text=_("Up to 4 JPEG, PNG, GIF or WebP images, 5 MB each.")
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # Category, language and images stay as proposed: supporters backed them.
            for name in ("product_line", "language", "images"):
                del self.fields[name]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Decision.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The author and the supporters read them."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Sent to the author and every supporter with the decision."),
    )


class AgreementForm(forms.Form):
    body = forms.CharField(label=_("Agreement (English)"), widget=forms.Textarea(attrs={"rows": 10}))
    body_zh = forms.CharField(label=_("Agreement (Chinese)"), widget=forms.Textarea(attrs={"rows": 10}))
    rate = forms.CharField(
        label=_("Royalty rate"),
        initial="0.0100",
        max_length=12,
        help_text=_("0.0100 is one per cent of net sales."),
    )


class OfferForm(forms.Form):
    product_name = forms.CharField(label=_("Product"), max_length=120)
    skus = forms.CharField(
        label=_("SKUs"),
        max_length=3300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The product's SKUs in the shops' sales, one per line."),
    )
    rate = forms.CharField(
        label=_("Royalty rate"), required=False, max_length=12, help_text=_("Empty: the agreement's rate.")
    )


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    terms = forms.CharField(widget=forms.HiddenInput, max_length=16)
    agree = forms.BooleanField(label=_("I have read the agreement and accept it."))
