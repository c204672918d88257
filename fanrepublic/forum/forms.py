from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.forms import MultipleImageField

from .enums import FlagReason, TopicKind, TopicStatus
from .models import Board
from .services import BODY_MAX, NOTE_MAX, TITLE_MAX, TITLE_MIN


class TopicForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TopicKind.choices, widget=forms.RadioSelect, initial=TopicKind.SUGGESTION
    )
    title = forms.CharField(
        label=_("Title"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("What would you like to say?"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown works: **bold**, *italic*, lists, `code`, > quotes, @name."),
    )
    images = MultipleImageField(
        label=_("Images"), help_text=_("Up to 4 JPEG, PNG, GIF or WebP images, 5 MB each.")
    )


class TopicEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX)
    body = forms.CharField(label=_("Body"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 10}))


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown works. Mention someone with @name."),
    )
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput)
    images = MultipleImageField(label=_("Images"), help_text=_("Up to 4 images, 5 MB each."))


class ReplyEditForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(v, label) for v, label in TopicStatus.choices if v != TopicStatus.DUPLICATE],
    )
    note = forms.CharField(
        label=_("Note for the author and voters"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MergeForm(forms.Form):
    original = forms.IntegerField(label=_("Number of the original topic"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("hide", "unhide", "lock", "unlock", "pin", "unpin")])
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class MoveForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Move to board"), queryset=Board.objects.filter(is_archived=False))
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("Anything the moderators should know"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FlagResolveForm(forms.Form):
    decision = forms.ChoiceField(choices=[("uphold", _("Uphold and hide")), ("dismiss", _("Dismiss"))])
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class DeskAnswerForm(forms.Form):
    """Answer from the engineer desk: a reply, or (with a status) a status change whose
    note is the answer."""

    body = forms.CharField(label=_("Answer"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label=_("Also set the status"),
        required=False,
        choices=[("", _("Keep the status"))]
        + [
            (v, label)
            for v, label in TopicStatus.choices
            if v not in (TopicStatus.DUPLICATE, TopicStatus.NEW)
        ],
    )


ISO_DATE = "%Y-%m-%d"


class DateRangeForm(forms.Form):
    # Browsers' date pickers only accept ISO dates, whatever the interface language.
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            if (end - start).days > 366:
                raise forms.ValidationError(_("Choose a range of at most a year."))
        return data
