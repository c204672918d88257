from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.members.enums import TrustLevel
from fanrepublic.points.enums import MINOR_UNITS
from fanrepublic.products.models import ProductLine
from fanrepublic.stores.models import Order

from .enums import PAID, BallotChoice, Ground, Outcome, RemedyKind, Side


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("In a line: what the case is about.")
    )
    account = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_(
            "The facts, in order, with dates. Bring your evidence on the case's page once it is filed."
        ),
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


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A photo or scan (JPEG, PNG, GIF, WebP, up to 5 MB) or a PDF (up to 10 MB)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}
        ),
    )
    caption = forms.CharField(label=_("What it shows"), max_length=300)


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("The company's response"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_(
            "The company's account of the facts and its position; the claimant and the jury read it."
        ),
    )


class QuestionForm(forms.Form):
    to = forms.ChoiceField(label=_("Ask"), choices=Side.choices)
    text = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text=_("The clerk forwards it to the party, or tells the jury why not."),
    )


class ForwardForm(forms.Form):
    forward = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note to the jury"), max_length=500, required=False)


class QuestionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
        help_text=_("Markdown. Only the jury and legal staff read this room."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VerdictForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        help_text=_("The facts the jury found, and why they lead to this outcome."),
    )


class RemedyForm(forms.Form):
    """One remedy. The amount is typed in yuan (two decimals) or whole points, and
    stored in fen or points."""

    kind = forms.ChoiceField(label=_("Remedy"), choices=[("", "—"), *RemedyKind.choices], required=False)
    amount = forms.DecimalField(
        label=_("Amount (yuan or points)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    description = forms.CharField(label=_("What exactly is to be done"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        kind, amount = data.get("kind"), data.get("amount") or Decimal("0")
        if not kind:
            return {}
        currency = PAID.get(kind)
        if currency == "PTS" and amount != amount.to_integral_value():
            raise forms.ValidationError(_("Points are whole numbers."))
        data["amount"] = int(amount * MINOR_UNITS[currency]) if currency else int(amount)
        return data


RemedyFormSet = forms.formset_factory(RemedyForm, extra=4, max_num=8, absolute_max=8, validate_max=True)


def remedies_from(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data]


class BallotForm(forms.Form):
    choice = forms.ChoiceField(choices=BallotChoice.choices)


class ExecuteForm(forms.Form):
    proof = forms.CharField(
        label=_("Proof of execution"),
        max_length=500,
        required=False,
        help_text=_("The replacement order's number, the repair ticket, the apology's https address."),
    )


class ObligationAnswerForm(forms.Form):
    confirm = forms.BooleanField(required=False)
    note = forms.CharField(label=_("What is wrong"), max_length=1_000, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why it is open again"), max_length=500)


class SettlementForm(forms.Form):
    terms = forms.CharField(
        label=_("Terms"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5_000,
        help_text=_("What each party agrees to; the other party reads them and accepts or declines."),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Grounds of appeal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5_000,
        help_text=_(
            "Why the verdict is wrong. A larger jury, of people who did not sit on the case, hears it anew."
        ),
    )


class RulingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    facts = forms.CharField(label=_("The facts"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10_000)
    reasons = forms.CharField(
        label=_("The jury's reasons"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000
    )
    remedies = forms.CharField(
        label=_("Remedies ordered"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        required=False,
    )


class CiteForm(forms.Form):
    number = forms.CharField(
        label=_("Ruling number"),
        max_length=20,
        help_text=_("The case number of a published ruling, e.g. 2026-00001."),
    )


class RulingSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("", _("Any outcome")),
            (Outcome.UPHELD, Outcome.UPHELD.label),
            (Outcome.DISMISSED, Outcome.DISMISSED.label),
        ],
        required=False,
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=ProductLine.objects.filter(is_active=True), required=False
    )
