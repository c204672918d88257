"""Reactions to the log (idempotent: a task may run twice).

- Every interaction that weighs in a trust temperature updates the customer's.
- Events that can make a rule true make the switched-on rules check that customer.
- A purchase closes the customer's open service case as bought.
"""

from django.utils.translation import gettext as _

from fanrepublic.activity.registry import on, on_verbs_where
from fanrepublic.core.i18n import is_chinese

from . import services, temperature

# Rule and case events are results of rules, not causes: watching them would loop.
RULE_CAUSES = (
    "trust.chat.",
    "trust.question.",
    "trust.contact.",
    "trust.group.",
    "stores.",
    "trust.case.responded",
)


def _contact_id(event) -> int | None:
    if event.object_type != temperature.CONTACT or not event.object_id.isdigit():
        return None
    return int(event.object_id)


@on_verbs_where(lambda verb: verb in temperature.DEFAULT_FACTORS)
def warm_or_cool(event):
    contact_id = _contact_id(event)
    if contact_id is not None:
        temperature.record_interaction(contact_id=contact_id, verb=event.verb, at=event.occurred_at)


@on_verbs_where(lambda verb: verb.startswith(RULE_CAUSES))
def check_rules(event):
    contact_id = _contact_id(event)
    if contact_id is not None:
        services.rules_apply(contact_id=contact_id, verb=event.verb)


@on("stores.purchase.recorded")
def close_cases_as_bought(event):
    contact_id = _contact_id(event)
    if contact_id is not None:
        services.cases_close_on_purchase(contact_id=contact_id, at=event.occurred_at)


def notice_text(params: dict) -> str:
    store = params.get("store_zh") if is_chinese() and params.get("store_zh") else params.get("store", "")
    rule = params.get("rule_zh") if is_chinese() and params.get("rule_zh") else params.get("rule", "")
    what = params.get("case")
    if what == "opened":
        return _("%(store)s opened a service conversation with you") % {"store": store}
    if what == "reply":
        return _("%(store)s replied in your service conversation") % {"store": store}
    if what == "customer":
        return _("%(customer)s wrote in their service case") % {"customer": params.get("customer", "")}
    if what == "handover":
        return _("A service case of %(customer)s was handed over to you") % {
            "customer": params.get("customer", "")
        }
    return _("Rule “%(rule)s” fired for %(customer)s") % {
        "rule": rule,
        "customer": params.get("customer", ""),
    }
