from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fanrepublic.forum.models import Board

from . import permissions
from .models import MESSAGE_MAX


class ChainForm(forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    board = forms.ModelChoiceField(label=_("Board"), queryset=Board.objects.none(), required=False)
    pledge_label = forms.CharField(
        label=_("Pledge (optional)"),
        max_length=80,
        required=False,
        help_text=_("What a line may promise, e.g. “I will pre-order”. Leave empty for a plain sign-up."),
    )
    pledge_max = forms.IntegerField(
        label=_("Most units one line may pledge"), min_value=1, max_value=100, initial=1
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        boards = (
            Board.objects.filter(is_archived=False).select_related("chain_rule").order_by("position", "name")
        )
        allowed = [b.pk for b in boards if permissions.can_start(member, b)]
        self.fields["board"].queryset = boards.filter(pk__in=allowed)
        if not permissions.can_moderate_chains(member):
            # Members start chains on a board that lets them; operators may start one anywhere.
            self.fields["board"].required = True


class EntryForm(forms.Form):
    message = forms.CharField(label=_("Your line"), max_length=MESSAGE_MAX, required=False)
    pledge = forms.IntegerField(label=_("Units"), min_value=0, required=False)

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        if chain is None or not chain.pledge_label:
            del self.fields["pledge"]
        else:
            # The chain's own words, isolated: a direction override in them stays in them.
            self.fields["pledge"].label = format_html("<bdi>{}</bdi>", chain.pledge_label)
            self.fields["pledge"].max_value = chain.pledge_max
            self.fields["pledge"].widget.attrs.update({"min": 0, "max": chain.pledge_max})


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, error_messages={"required": _("Give a reason.")}
    )
