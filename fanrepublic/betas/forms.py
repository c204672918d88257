from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.bounty.enums import Severity
from fanrepublic.core.forms import MultipleImageField

from .enums import QuestionKind
from .models import BetaProgramme, TestTask


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = BetaProgramme
        fields = [
            "product_line",
            "slug",
            "name",
            "name_zh",
            "summary",
            "summary_zh",
            "brief",
            "brief_zh",
            "nda",
            "nda_zh",
            "capacity",
            "ranked_seats",
            "rank_by",
            "min_trust_level",
            "required_badges",
            "required_products",
            "required_products_verified",
            "regions",
            "applications_close_at",
            "starts_on",
            "ends_on",
            "completion_perk",
            "completion_perk_zh",
            "min_approved_reports",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_zh": forms.Textarea(attrs={"rows": 3}),
            "brief": forms.Textarea(attrs={"rows": 4}),
            "brief_zh": forms.Textarea(attrs={"rows": 4}),
            "nda": forms.Textarea(attrs={"rows": 4}),
            "nda_zh": forms.Textarea(attrs={"rows": 4}),
            "required_badges": forms.CheckboxSelectMultiple,
            "required_products": forms.CheckboxSelectMultiple,
            "applications_close_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.core.validators import MaxValueValidator, MinValueValidator

        self.fields["capacity"].validators.append(MinValueValidator(1))
        self.fields["min_trust_level"].validators.append(MaxValueValidator(4))


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question (English)"), max_length=300)
    prompt_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    choices = forms.CharField(label=_("Options, separated by commas"), max_length=1000, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


def application_form(programme, data=None):
    """The programme's own questions as a form: q<id> fields."""
    form = forms.Form(data)
    for question in programme.questions.all():
        name = f"q{question.pk}"
        label = question.display_prompt
        if question.kind == QuestionKind.CHOICE:
            field = forms.ChoiceField(
                label=label,
                choices=[("", "—")] + [(c, c) for c in question.choices],
                required=question.required,
            )
        elif question.kind == QuestionKind.YES_NO:
            field = forms.ChoiceField(
                label=label,
                choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
                required=question.required,
            )
        else:
            field = forms.CharField(
                label=label,
                max_length=2000,
                required=question.required,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        form.fields[name] = field
    return form


class TestReportForm(forms.Form):
    __test__ = False

    task = forms.ModelChoiceField(label=_("Task"), queryset=TestTask.objects.none(), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    steps = forms.CharField(label=_("Steps"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    expected = forms.CharField(
        label=_("Expected result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual = forms.CharField(
        label=_("Actual result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    device = forms.CharField(label=_("Device"), max_length=100)
    build = forms.CharField(label=_("Build"), max_length=100)
    images = MultipleImageField(label=_("Screenshots (up to 4)"))

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.fields["task"].queryset = TestTask.objects.filter(plan__programme=programme)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Test plan (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Test plan (Chinese)"), max_length=200, required=False)


class TaskForm(forms.Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Task (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Task (Chinese)"), max_length=200, required=False)
    instructions = forms.CharField(
        label=_("Instructions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
