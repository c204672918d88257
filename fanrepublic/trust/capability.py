"""What the trust app adds to the platform (the capability contract,
fanrepublic/core/capabilities.py): WeCom customer groups and their messages, per-customer
trust temperatures, rules that open service cases, and the cases themselves."""

from django.utils.translation import gettext_lazy as _

from fanrepublic.core.capabilities import (
    Api,
    Capability,
    DemoStep,
    NavEntry,
    NoticeKind,
    Pages,
    PeriodicTask,
    Verb,
)

from . import handlers, permissions
from .enums import NOTICE

MESSAGES_ENDPOINT = "/api/v1/trust/messages (or the WeCom callback)"


def _chat(name: str, description) -> Verb:
    # Customers' group messages arrive from WeCom (the callback or the archive relay's API
    # batches) and are classified on arrival; the verb says what the message was.
    return Verb(name, description, external=True, endpoint=MESSAGES_ENDPOINT)


CAPABILITY = Capability(
    label="trust",
    pages=Pages("trust/", "fanrepublic.trust.urls"),
    api=Api("/trust", "fanrepublic.trust.api:router"),
    verbs=(
        _chat("trust.chat.asked", _("A customer asked in a chat group about buying, price or stock.")),
        _chat("trust.chat.complained", _("A customer complained in a chat group.")),
        _chat("trust.chat.praised", _("A customer wrote something positive in a chat group.")),
        _chat("trust.chat.grumbled", _("A customer wrote something negative in a chat group.")),
        _chat("trust.chat.said", _("A customer wrote in a chat group.")),
        Verb("trust.contact.added", _("A customer added a staff member as a WeCom contact.")),
        Verb("trust.contact.removed", _("A customer and a staff member stopped being WeCom contacts.")),
        Verb("trust.group.joined", _("A customer joined a chat group.")),
        Verb("trust.group.left", _("A customer left a chat group.")),
        Verb("trust.group.dismissed", _("A chat group was dismissed.")),
        Verb("trust.question.answered", _("Staff answered a customer's question in a chat group.")),
        Verb(
            "trust.question.unanswered",
            _("A customer's question in a chat group was left unanswered too long."),
        ),
        Verb("trust.rule.fired", _("A rule fired for a customer.")),
        Verb("trust.case.opened", _("A service case was opened for a customer.")),
        Verb("trust.case.responded", _("The store replied in a service case for the first time.")),
        Verb("trust.case.closed", _("A service case was closed (bought, resolved or lost).")),
    ),
    notice_kinds=(NoticeKind(NOTICE, _("Service conversations and rules"), handlers.notice_text),),
    periodic_tasks=(
        PeriodicTask("trust-waiting-messages", "fanrepublic.trust.tasks.process_waiting_messages", 300),
        PeriodicTask("trust-unanswered-questions", "fanrepublic.trust.tasks.mark_unanswered_questions", 300),
        PeriodicTask("trust-rules-sweep", "fanrepublic.trust.tasks.sweep_rules", 3600),
        PeriodicTask("trust-temperatures", "fanrepublic.trust.tasks.recompute_temperatures", 24 * 3600),
    ),
    nav=(
        NavEntry("staff", _("Store manager console"), "trust:console", permissions.can_use_console, order=46),
        NavEntry("staff", _("Trust rules"), "trust:rules", permissions.can_run_network, order=47),
        NavEntry("account", _("My service conversations"), "trust:my_cases", order=26),
    ),
    demo=(DemoStep("trust", "fanrepublic.trust.demo:seed", after=("stores",)),),
)
