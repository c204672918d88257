"""The stored-XSS suite's places for trust (see fanrepublic/core/tests/xss.py): every
payload of the corpus written through this app's services — group names and ids from
WeCom, chat messages, rules, tags and case conversations — and every page that shows
them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "trust.WeComStaff.userid": "a WeCom id operators set (checked single-line); shown only in the admin",
    "trust.ChatGroup.owner_userid": "a WeCom id; pages show the owner's member name",
    "trust.ChatGroup.notice": "kept for staff in the admin; no page shows it",
    "trust.ChatMembership.userid": "a WeCom id; pages show the contact",
    "trust.ChatMessage.msgid": "WeCom's message id; no page shows it",
    "trust.ChatMessage.msgtype": "WeCom's message type; no page shows it",
    "trust.TemperatureFactor.verb": "one of the documented defaults' verbs (factor_save refuses others)",
    "trust.RuleFiring.explanation": "written by the platform from the rule's conditions",
    "trust.ServiceCase.reason": "written by the platform from the rule's conditions",
    "trust.CustomerList.slug": "made from the list's name; only in the admin",
    "trust.CustomerList.name": "only in the admin",
    "trust.RefusedCallback.reason": "one of wecom.CallbackRefused's codes",
    "trust.RefusedCallback.remote_addr": "the request's address; only in the admin",
}
NOT_PAGES: dict[str, str] = {
    "trust:wecom_callback": "WeCom's callback: answers plain text, never stored text",
    "trust:case_write": "POST only: redirects to the case (visited)",
    "trust:case_close": "POST only: redirects to the case (visited)",
    "trust:case_hand_over": "POST only: redirects to the case (visited)",
}


def _world():
    from fanrepublic.stores.tests.factories import StoreFactory

    from .factories import WeComStaffFactory

    store = StoreFactory()
    WeComStaffFactory(member=store.manager, userid="owner.1")
    return store


@place(
    "trust.chat",
    "trust.ChatGroup.name",
    "trust.ChatGroup.chat_id",
    "trust.ChatMessage.sender_userid",
    "trust.ChatMessage.text",
)
def trust_chat(pages: Pages):
    """Group names and ids from WeCom, customers' and unknown staff senders' messages;
    the console, the group page and the customer's page with its trust panel."""
    from django.utils import timezone

    from fanrepublic.trust import services

    store = _world()
    manager = store.manager
    now = timezone.now()
    names = []
    for n, group in enumerate(packs(100)):
        services.group_sync(
            snapshot={
                "chat_id": f"wr-named-{n}",
                "name": " ".join(p.text for p in group),
                "owner": "owner.1",
            },
            at=now,
        )
        names += markers(group)
    ids = []
    for group in packs(64):
        chat_id = " ".join(p.text for p in group)
        try:
            services.group_sync(snapshot={"chat_id": chat_id, "name": "", "owner": "owner.1"}, at=now)
        except Exception:  # refused ids are as good as stored and harmless
            continue
        ids += markers(group)
    pages.check(manager, _reverse("trust:console"), shows=names + ids)
    shown = []
    for n, group in enumerate(packs(4000)):
        text = "多少钱？ " + " ".join(p.text for p in group)
        services.message_receive(
            msgid=f"x-{n}",
            chat_id="wr-named-0",
            sender=f"wm{n:020d}",
            sender_is_external=True,
            text=text,
            at=now,
        )
        shown += markers(group)
    senders = []
    for n, group in enumerate(packs(64)):
        services.message_receive(
            msgid=f"s-{n}",
            chat_id="wr-named-0",
            sender=" ".join(p.text for p in group),
            sender_is_external=False,
            text="ok",
            at=now,
        )
        senders += markers(group)
    from fanrepublic.trust.models import ChatGroup, ChatMessage

    target = ChatGroup.objects.get(chat_id="wr-named-0")
    pages.check(manager, _reverse("trust:group", target.pk), shows=shown + senders)
    contact = ChatMessage.objects.filter(contact__isnull=False).first().contact
    pages.check(manager, _reverse("stores:contact", contact.pk))
    pages.check(manager, _reverse("trust:metrics"))


@place(
    "trust.rules",
    "trust.Rule.name",
    "trust.Rule.name_zh",
    "trust.Rule.description",
    "trust.CustomerTag.tag",
    "trust.CaseEntry.text",
)
def trust_rules_and_cases(pages: Pages):
    """Rule names and descriptions, the tags rules give, and case conversations; the
    rules pages, the customer's trust panel, the case as staff and as the customer."""
    from django.utils import timezone

    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.stores.tests.factories import ContactFactory
    from fanrepublic.trust import services
    from fanrepublic.trust.models import ServiceCase

    op = operator()
    store = _world()
    made = []
    for n, (name, description) in enumerate(zip(packs(100), packs(1000) * 10, strict=False)):
        rule = services.rule_save(
            actor=op,
            data={
                "name": " ".join(p.text for p in name),
                "name_zh": " ".join(p.text for p in name),
                "description": " ".join(p.text for p in description),
                "window_days": 14,
                "conditions": [{"type": "temperature", "above": 33.0}],
                "actions": [{"type": "open_case"}, {"type": "tag", "tag": f"t{n}"}],
            },
        )
        made.append((rule, name))
    for rule, name in made:
        pages.check(op, _reverse("trust:rule", rule.pk), shows=markers(name))
    pages.check(op, _reverse("trust:rules"), shows=[m for _r, name in made for m in markers(name)])
    pages.check(op, _reverse("trust:rule_new"))
    pages.check(op, _reverse("trust:factors"))

    member = MemberFactory()
    contact = ContactFactory(member=member)
    contact.stores.add(store)
    tags = []
    for group in packs(40):
        rule = services.rule_save(
            actor=op,
            data={
                "name": "tagging",
                "window_days": 14,
                "conditions": [{"type": "temperature", "above": 33.0}],
                "actions": [{"type": "tag", "tag": " ".join(p.text for p in group)}],
            },
        )
        services.rule_switch(actor=op, rule=rule, on=True)
        tags += markers(group)
    services.rules_apply(contact_id=contact.pk, at=timezone.now())
    pages.check(store.manager, _reverse("stores:contact", contact.pk), shows=tags)

    case = services.case_open(contact=contact, reason="test")
    case = ServiceCase.objects.get(pk=case.pk)
    said = []
    for group in packs(4000):
        services.case_write(actor=store.manager, case=case, text=" ".join(p.text for p in group))
        services.case_write(actor=member, case=case, text=" ".join(p.text for p in group))
        said += markers(group)
    pages.check(store.manager, _reverse("trust:case", case.pk), shows=said)
    pages.check(member, _reverse("trust:case", case.pk), shows=said)
    pages.check(member, _reverse("trust:my_cases"))
    pages.check(store.manager, _reverse("trust:console"))
