from django import forms
from django.utils.translation import gettext_lazy as _

from fanrepublic.activity.selectors import verb_choices

from . import temperature
from .enums import CaseOutcome

CONDITION_ROWS = 4


class RuleForm(forms.Form):
    """A rule in plain fields: up to four conditions (a count of an interaction in a
    period, or a temperature threshold) and the actions. The service checks the whole."""

    name = forms.CharField(label=_("Name (English)"), max_length=100)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    window_days = forms.IntegerField(
        label=_("Fires at most once per customer every (days)"), min_value=1, max_value=365, initial=14
    )
    open_case = forms.BooleanField(
        label=_("Open a service case with the customer's store manager"), required=False
    )
    notify = forms.BooleanField(label=_("Notify the store manager"), required=False)
    tag = forms.CharField(label=_("Tag the customer"), max_length=40, required=False)
    add_to_list = forms.CharField(label=_("Add the customer to the list"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [("", "—"), ("count", _("Count of an interaction")), ("temperature", _("Temperature"))]
        verbs = [("", "—"), *verb_choices()]
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"c{n}_type"] = forms.ChoiceField(
                label=_("Condition %(n)d") % {"n": n}, choices=kinds, required=False
            )
            self.fields[f"c{n}_verb"] = forms.ChoiceField(
                label=_("Interaction"), choices=verbs, required=False
            )
            self.fields[f"c{n}_at_least"] = forms.IntegerField(
                label=_("at least"), min_value=0, max_value=10000, required=False
            )
            self.fields[f"c{n}_at_most"] = forms.IntegerField(
                label=_("at most"), min_value=0, max_value=10000, required=False
            )
            self.fields[f"c{n}_days"] = forms.IntegerField(
                label=_("in the last (days)"), min_value=1, max_value=365, required=False
            )
            self.fields[f"c{n}_below"] = forms.FloatField(
                label=_("below (°)"),
                min_value=temperature.LOWEST,
                max_value=temperature.HIGHEST,
                required=False,
            )
            self.fields[f"c{n}_above"] = forms.FloatField(
                label=_("above (°)"),
                min_value=temperature.LOWEST,
                max_value=temperature.HIGHEST,
                required=False,
            )

    @classmethod
    def initial_for(cls, rule) -> dict:
        data = {
            "name": rule.name,
            "name_zh": rule.name_zh,
            "description": rule.description,
            "window_days": rule.window_days,
        }
        for action in rule.actions:
            if action["type"] in ("open_case", "notify"):
                data[action["type"]] = True
            elif action["type"] == "tag":
                data["tag"] = action["tag"]
            else:
                data["add_to_list"] = action["list"]
        for n, condition in enumerate(rule.conditions[:CONDITION_ROWS], start=1):
            data[f"c{n}_type"] = condition["type"]
            for key in ("verb", "at_least", "at_most", "days", "below", "above"):
                if key in condition:
                    data[f"c{n}_{key}"] = condition[key]
        return data

    def rows(self):
        """The condition fields grouped per row, for the template."""
        return [
            [self[f"c{n}_{key}"] for key in ("type", "verb", "at_least", "at_most", "days", "below", "above")]
            for n in range(1, CONDITION_ROWS + 1)
        ]

    def rule_data(self) -> dict:
        data = self.cleaned_data
        conditions = []
        for n in range(1, CONDITION_ROWS + 1):
            kind = data.get(f"c{n}_type")
            if not kind:
                continue
            condition = {"type": kind}
            keys = ("verb", "at_least", "at_most", "days") if kind == "count" else ("below", "above")
            for key in keys:
                value = data.get(f"c{n}_{key}")
                if value not in (None, ""):
                    condition[key] = value
            conditions.append(condition)
        actions = [{"type": t} for t in ("open_case", "notify") if data.get(t)]
        if data.get("tag"):
            actions.append({"type": "tag", "tag": data["tag"]})
        if data.get("add_to_list"):
            actions.append({"type": "add_to_list", "list": data["add_to_list"]})
        return {
            "name": data["name"],
            "name_zh": data.get("name_zh", ""),
            "description": data.get("description", ""),
            "window_days": data["window_days"],
            "conditions": conditions,
            "actions": actions,
        }


class EntryForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)


class CustomerEntryForm(forms.Form):
    text = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How it ended"), choices=CaseOutcome.choices)


class HandOverForm(forms.Form):
    to = forms.ChoiceField(label=_("Hand over to"), choices=())
    text = forms.CharField(label=_("Note for them"), max_length=4000, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(str(p.pk), p.public_name) for p in people]


class FactorForm(forms.Form):
    verb = forms.CharField(widget=forms.HiddenInput)
    weight = forms.FloatField(label=_("Degrees"), min_value=-5, max_value=5)
    half_life_days = forms.FloatField(label=_("Half-life (days)"), min_value=0.1, max_value=3650)
