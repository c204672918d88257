from django import forms
from django.utils.translation import gettext_lazy as _

from .interactions import KINDS
from .models import Survey
from .services import LIMITS


def _whole(label, name, initial, help_text):
    low, high = LIMITS[name]
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, initial=initial, help_text=help_text
    )


class RefitForm(forms.Form):
    years = _whole(_("Years of purchases"), "years", 3, _("The data window, ending today."))
    holdout_days = _whole(
        _("Holdout (days)"),
        "holdout_days",
        90,
        _("The last days of the window are first held out and predicted, to check the model."),
    )
    horizon_days = _whole(
        _("Horizon (days)"),
        "horizon_days",
        365,
        _("Expected purchases and value are for this many days ahead."),
    )


class DefinitionForm(forms.Form):
    """Which kinds of interaction make a member a co-creator (the operator's choice)."""

    kinds = forms.MultipleChoiceField(
        label=_("A co-creator is a member with"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, kind.label) for code, kind in KINDS.items()],
        error_messages={"required": _("Choose at least one kind of interaction.")},
    )


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "title_zh",
            "question",
            "question_zh",
            "follow_up",
            "follow_up_zh",
            "anonymous",
            "audience",
            "sample_size",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("question", "How likely are you to recommend Orange to a friend?")
            self.initial.setdefault("question_zh", "你有多大可能把橙子推荐给朋友？")
        self.fields["sample_size"].min_value = 1


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your score"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "score-choice"}),
        error_messages={"required": _("Choose a score from 0 to 10.")},
    )
    reason = forms.CharField(
        label=_("What is the main reason for your score?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_answer = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        question = survey.localized("follow_up")
        if question:
            self.fields["follow_up_answer"].label = question
        else:
            del self.fields["follow_up_answer"]


class TagForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Separated by commas, at most 5.")
    )
