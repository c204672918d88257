import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fanrepublic.products.selectors import product_lines_active

from .enums import AvatarAccessory, AvatarEyes, AvatarShape

_SCHEDULE_LINE = re.compile(r"^(\d{1,2}):(\d{2})\s+(.+)$")


def bilingual_lines(text: str) -> list[tuple[str, str]]:
    """'English | 中文' per line; empty lines are skipped."""
    rows = []
    for line in text.splitlines():
        english, _sep, chinese = (part.strip() for part in line.partition("|"))
        if english:
            rows.append((english, chinese))
    return rows


class EventForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=50)
    title = forms.CharField(label=_("Title (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    product_line = forms.ModelChoiceField(label=_("Product"), queryset=product_lines_active(), required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    min_trust_level = forms.IntegerField(
        label=_("Minimum trust level to vote"), min_value=0, max_value=4, initial=0
    )
    schedule = forms.CharField(
        label=_("Schedule"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line: time, English | Chinese. E.g. 19:30 Opening | 开场"),
    )

    def clean(self):
        data = super().clean()
        starts_at = data.get("starts_at")
        items = []
        for number, line in enumerate((data.get("schedule") or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = _SCHEDULE_LINE.match(line.strip())
            hour, minute = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
            if not match or hour > 23 or minute > 59:
                self.add_error("schedule", _("Line %(n)d: start with a time such as 19:30.") % {"n": number})
                continue
            if starts_at:
                day = timezone.localtime(starts_at).date()
                english, chinese = bilingual_lines(match.group(3))[0]
                items.append(
                    {
                        "starts_at": timezone.make_aware(datetime.combine(day, time(hour, minute))),
                        "title": english,
                        "title_zh": chinese,
                    }
                )
        data["schedule"] = items
        return data


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question (English)"), max_length=300)
    prompt_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300, required=False)
    options = forms.CharField(
        label=_("Options"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: English | Chinese."),
    )

    def clean_options(self):
        return [{"label": en, "label_zh": zh} for en, zh in bilingual_lines(self.cleaned_data["options"])]


class AvatarForm(forms.Form):
    hue = forms.IntegerField(
        label=_("Colour"),
        min_value=0,
        max_value=359,
        widget=forms.NumberInput(attrs={"type": "range", "step": 1}),
    )
    shape = forms.ChoiceField(label=_("Shape"), choices=AvatarShape.choices, widget=forms.RadioSelect)
    eyes = forms.ChoiceField(label=_("Eyes"), choices=AvatarEyes.choices, widget=forms.RadioSelect)
    accessory = forms.ChoiceField(
        label=_("Accessory"), choices=AvatarAccessory.choices, widget=forms.RadioSelect
    )
