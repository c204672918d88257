from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.products.selectors import product_lines_active

from . import sources
from .enums import Channel, ItemKind


class ReleaseForm(forms.Form):
    product_line = forms.ModelChoiceField(label=_("Product"), queryset=product_lines_active())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.STABLE)
    version = forms.CharField(label=_("Version"), max_length=40)
    planned_for = forms.DateField(
        label=_("Release date"),
        required=False,
        help_text=_("Empty: the product's next release day (Friday unless set otherwise)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Highlights (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes_zh = forms.CharField(
        label=_("Highlights (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemForm(forms.Form):
    source = forms.ChoiceField(label=_("Came from"), choices=sources.source_choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.FEATURE)
    topic = forms.IntegerField(
        label=_("Forum topic number"),
        required=False,
        min_value=1,
        help_text=_("For a member suggestion or bug report."),
    )
    source_id = forms.IntegerField(label=_("Number at the source"), required=False, min_value=1)
    title = forms.CharField(
        label=_("Title (English)"),
        max_length=200,
        required=False,
        help_text=_("Empty for a topic: its title is used."),
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    contributor = forms.CharField(
        label=_("Contributor's username"),
        max_length=150,
        required=False,
        help_text=_("For outside contributions; the other sources bring their own contributor."),
    )
    outside_url = forms.URLField(label=_("Link to the contribution"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = [str(source.label) for source in sources.all_sources()]
        if labels:
            self.fields["source_id"].help_text = _("For %(sources)s: the number of what it came from.") % {
                "sources": " / ".join(labels)
            }
        else:
            del self.fields["source_id"]
