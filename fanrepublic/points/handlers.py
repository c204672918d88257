"""Points follow the event log through the operators' earning rules."""

from fanrepublic.activity.registry import on_verbs_where

from .rules import active_rule_verbs, rules_apply_event


@on_verbs_where(lambda verb: verb in active_rule_verbs())
def award_by_rules(event):
    rules_apply_event(event=event)
