from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.members.enums import TrustLevel
from fanrepublic.products.models import ProductLine
from fanrepublic.stores.models import Order

from .enums import Ground


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("In a line: what the case is about.")
    )
    account = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_("The facts, in order, with dates. Evidence comes with the next step."),
    )
    remedy_sought = forms.CharField(
        label=_("What you ask for"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text=_("For example: replace the phone and compensate me."),
    )
    product_line = forms.ModelChoiceField(
        label=_("Product"), queryset=ProductLine.objects.filter(is_active=True), required=False
    )
    order = forms.ModelChoiceField(label=_("Purchase"), queryset=Order.objects.none(), required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the member's own purchases are offered (and accepted).
        mine = (
            Order.objects.filter(member=member, kind="sale").order_by("-occurred_at")[:50] if member else []
        )
        self.fields["order"].queryset = Order.objects.filter(pk__in=[o.pk for o in mine]).order_by(
            "-occurred_at"
        )
        self.fields["order"].label_from_instance = lambda o: (
            f"{o.external_id} · {o.occurred_at:%Y-%m-%d} · ¥{o.total}"
        )


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices)
    reason = forms.CharField(
        label=_("Reasons the claimant reads"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2_000
    )


class AnswerForm(forms.Form):
    accept = forms.BooleanField(required=False)


class PolicyForm(forms.Form):
    min_trust_level = forms.TypedChoiceField(
        label=_("Senior fans: lowest trust level"), coerce=int, choices=TrustLevel.choices
    )
    min_tenure_days = forms.IntegerField(label=_("Senior fans: days of membership at least"), min_value=0)
    juror_cases_per_year = forms.IntegerField(label=_("Juries one may sit on a year, at most"), min_value=1)
    answer_hours = forms.IntegerField(label=_("Hours to answer an invitation"), min_value=1)
    jury_fans = forms.IntegerField(label=_("Senior fans on a jury"), min_value=1)
    jury_legal = forms.IntegerField(label=_("Legal staff on a jury"), min_value=0)
    reason = forms.CharField(label=_("Why (kept in the audit log)"), max_length=200)
