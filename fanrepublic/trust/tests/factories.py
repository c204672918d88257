import factory
from django.utils import timezone

from fanrepublic.members.tests.factories import MemberFactory, store_manager
from fanrepublic.stores.tests.factories import ContactFactory, StoreFactory
from fanrepublic.trust.models import (
    CaseEntry,
    ChatGroup,
    ChatMembership,
    ChatMessage,
    CustomerList,
    CustomerListEntry,
    CustomerTag,
    Question,
    RefusedCallback,
    Rule,
    RuleFiring,
    ServiceCase,
    Temperature,
    TemperatureFactor,
    WeComStaff,
)

ASKED_THREE_TIMES = {
    "name": "Asked three times without buying",
    "window_days": 14,
    "conditions": [
        {"type": "count", "verb": "trust.chat.asked", "at_least": 3, "days": 14},
        {"type": "count", "verb": "stores.purchase.recorded", "at_most": 0, "days": 14},
    ],
    "actions": [{"type": "open_case"}, {"type": "notify"}],
}


class WeComStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeComStaff

    userid = factory.Sequence(lambda n: f"staff.{n}")
    member = factory.LazyFunction(store_manager)


class ChatGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatGroup

    chat_id = factory.Sequence(lambda n: f"wr{n:010d}")
    name = factory.Sequence(lambda n: f"SU7 owners {n}")
    store = factory.SubFactory(StoreFactory)
    owner = factory.LazyAttribute(lambda o: o.store.manager)
    created_at = factory.LazyFunction(timezone.now)


class ChatMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatMembership

    group = factory.SubFactory(ChatGroupFactory)
    userid = factory.Sequence(lambda n: f"wm{n:020d}")
    contact = factory.SubFactory(ContactFactory)
    joined_at = factory.LazyFunction(timezone.now)


class ChatMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatMessage

    msgid = factory.Sequence(lambda n: f"msg-{n}")
    group = factory.SubFactory(ChatGroupFactory)
    sender_userid = factory.Sequence(lambda n: f"wm{n:020d}")
    contact = factory.SubFactory(ContactFactory)
    sent_at = factory.LazyFunction(timezone.now)
    text = "这款多少钱？"
    is_question = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    message = factory.SubFactory(ChatMessageFactory)
    group = factory.LazyAttribute(lambda o: o.message.group)
    contact = factory.LazyAttribute(lambda o: o.message.contact)
    asked_at = factory.LazyFunction(timezone.now)


class TemperatureFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemperatureFactor
        django_get_or_create = ("verb",)

    verb = "stores.visit.recorded"
    weight = 0.8
    half_life_days = 30


class TemperatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Temperature

    contact = factory.SubFactory(ContactFactory)
    value = 36.0
    sums = factory.LazyFunction(dict)
    computed_at = factory.LazyFunction(timezone.now)


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    name = ASKED_THREE_TIMES["name"]
    window_days = 14
    conditions = factory.LazyFunction(lambda: list(ASKED_THREE_TIMES["conditions"]))
    actions = factory.LazyFunction(lambda: list(ASKED_THREE_TIMES["actions"]))


class RuleFiringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleFiring

    rule = factory.SubFactory(RuleFactory)
    contact = factory.SubFactory(ContactFactory)
    window = factory.Sequence(lambda n: n)
    fired_at = factory.LazyFunction(timezone.now)


class CustomerTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerTag

    contact = factory.SubFactory(ContactFactory)
    tag = "hot lead"


class CustomerListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerList

    slug = factory.Sequence(lambda n: f"call-back-{n}")
    name = "Call back"


class CustomerListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerListEntry

    customer_list = factory.SubFactory(CustomerListFactory)
    contact = factory.SubFactory(ContactFactory)


class ServiceCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCase

    contact = factory.SubFactory(ContactFactory)
    store = factory.SubFactory(StoreFactory)
    assignee = factory.LazyAttribute(lambda o: o.store.manager)
    reason = "Asked three times without buying"
    opened_at = factory.LazyFunction(timezone.now)


class CaseEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEntry

    case = factory.SubFactory(ServiceCaseFactory)
    kind = "note"
    author = factory.SubFactory(MemberFactory)
    text = "Called, no answer."
    created_at = factory.LazyFunction(timezone.now)


class RefusedCallbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefusedCallback

    reason = "bad_signature"
